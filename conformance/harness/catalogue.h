// The suite's checks as data: each check's id, the GoogleTest test that runs it, whether it runs
// once per provider, the contract anchors it enforces (docs/CONTRACT.md) and the capabilities
// of the stack it needs. `conformance --list` and `--coverage` read this without a stack; at
// start-up every anchor is validated against the contract and every test of the binary must
// have an entry (properties/catalogue.cc).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "conformance/harness/contract.h"

namespace linkgate::conformance {

// What a check needs the stack to show, beyond a gateway and a simulator that answer.
namespace capability {
inline constexpr const char* kConsentPage = "consent_page";  // simulator without --auto-approve
inline constexpr const char* kClock = "clock";                // POST /_sim/clock
inline constexpr const char* kFaults = "faults";              // POST /_sim/faults, behaviours
inline constexpr const char* kInstances = "instances";  // other gateway instances (C-11)
}  // namespace capability

struct CatalogueEntry {
  std::string id;    // "code.no_store"
  std::string test;  // GoogleTest "Suite.Name"; for a per-provider check its suite only
  bool per_provider = false;
  std::vector<std::string> anchors;  // "C-3.9"
  std::vector<std::string> needs = {};  // capability:: names
};

const std::vector<CatalogueEntry>& checkCatalogue();  // defined in properties/catalogue.cc
// The entry of check `id`, nullptr when the catalogue has none.
const CatalogueEntry* findCheck(const std::vector<CatalogueEntry>& catalogue, const std::string& id);

// Problems of the catalogue against the contract: an anchor the contract does not define, a
// check citing none, a duplicate id. One line each, naming the check and the anchor.
std::vector<std::string> validateCatalogue(const std::vector<CatalogueEntry>& catalogue,
                                           const std::vector<ContractRule>& rules);

// GoogleTest tests of this binary ("Suite.Name") with no catalogue entry.
std::vector<std::string> uncatalogued(const std::vector<CatalogueEntry>& catalogue,
                                      const std::vector<std::string>& tests);

// `--list`: every check with its anchors, whether it is per provider, what it needs.
void printList(std::ostream& out, const std::vector<CatalogueEntry>& catalogue,
               const std::vector<std::string>& uncatalogued_tests);

struct CoverageTotals {
  int rules = 0, covered = 0, pending = 0, outside = 0;
  int uncovered_must = 0, uncovered_other = 0;
};
// `--coverage`: every rule with the checks that enforce it; flags the ones none does.
CoverageTotals printCoverage(std::ostream& out, const std::vector<ContractRule>& rules,
                             const std::vector<CatalogueEntry>& catalogue);

}  // namespace linkgate::conformance
