// simulator --coverage: which loaded profiles exercise which value of each dialect dimension
// (PROVIDERS.md §2, D1..D17 as far as the profile schema expresses them). Derived from the
// profiles, never hard-coded; a required value no profile has may instead be covered by a
// run-time behaviour switch that the simulator's own tests drive on the wire.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "simulator/profile.h"

namespace linkgate::sim {

// A run-time switch (POST /_sim/providers/{slug}/behaviour with {field: value}) that puts any
// profile into one dimension value. Only switches that coverage_test.cc drives on the wire
// (Coverage.EveryBehaviourSwitchChangesTheWire) are listed, so the table claims nothing untested.
struct BehaviourSwitch {
  std::string dimension;  // "D6"
  std::string value;      // "plus" — also the switch's wire value
  std::string field;      // "scope_separator"

  std::string text() const { return field + "=" + value; }
};
const std::vector<BehaviourSwitch>& behaviourSwitches();

struct CoverageValue {
  std::string value;
  bool required = false;  // named by issue 3 / SPEC §4: a profile or a tested switch must cover it
  std::vector<std::string> slugs;
  std::optional<std::string> behaviour;  // "expires_in=string", only when no profile covers it
};

struct CoverageRow {
  std::string id;         // "D2"
  std::string dimension;  // "client auth"
  std::vector<CoverageValue> values;
};

struct CoverageReport {
  std::vector<CoverageRow> rows;
  std::vector<std::string> missing;  // "D2 client auth: client_secret_query"
  size_t by_behaviour = 0;           // required values covered by a behaviour switch only
};

CoverageReport computeCoverage(const std::vector<Profile>& profiles);
// One line per dimension value: id, dimension, value, required mark, count, slugs (or
// `(behaviour: field=value)` when only a switch covers it); then the missing required values.
std::string formatCoverage(const CoverageReport& report);

// The values one profile exercises in each dimension (exposed for tests).
std::vector<std::pair<std::string, std::vector<std::string>>> profileDimensions(const Profile& p);

}  // namespace linkgate::sim
