// simulator --coverage: which loaded profiles exercise which value of each dialect dimension
// (PROVIDERS.md §2, D1..D17 as far as the profile schema expresses them). Derived from the
// profiles, never hard-coded; values the issue requires must each have a profile.
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "simulator/profile.h"

namespace linkgate::sim {

struct CoverageValue {
  std::string value;
  bool required = false;  // named by issue 3 / SPEC §4: some profile must exercise it
  std::vector<std::string> slugs;
};

struct CoverageRow {
  std::string id;         // "D2"
  std::string dimension;  // "client auth"
  std::vector<CoverageValue> values;
};

struct CoverageReport {
  std::vector<CoverageRow> rows;
  std::vector<std::string> missing;  // "D2 client auth: client_secret_query"
};

CoverageReport computeCoverage(const std::vector<Profile>& profiles);
// One line per dimension value: id, dimension, value, required mark, count, slugs; then the
// missing required values.
std::string formatCoverage(const CoverageReport& report);

// The values one profile exercises in each dimension (exposed for tests).
std::vector<std::pair<std::string, std::vector<std::string>>> profileDimensions(const Profile& p);

}  // namespace linkgate::sim
