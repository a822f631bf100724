// docs/CONTRACT.md as data: the numbered rules every check cites by anchor (C-1.2.3), their key
// word, and whether the suite is expected to enforce them yet ("pending" features, rules
// enforced "outside" the suite). The text is compiled into the binary (contract_text.cc is
// generated from docs/CONTRACT.md at configure time), so a suite run never depends on where the
// source tree is.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace linkgate::conformance {

enum class Level { kMust, kShould, kMay };
std::string levelName(Level level);  // MUST | SHOULD | MAY

struct ContractRule {
  std::string anchor;   // "C-1.2.3"
  Level level = Level::kMust;
  std::string pending;  // the feature it waits for ("oidc"), empty when built
  std::string outside;  // where it is enforced instead of the suite, empty when by the suite
  std::string text;     // the rule, markers and markup removed, on one line
};

// Reads every rule line ("- <a id="C-x.y"></a>**C-x.y** MUST *(marker)* — text" plus its
// continuation lines). Fails on a malformed rule line, a duplicate anchor, or no rule at all.
Result<std::vector<ContractRule>> parseContract(std::string_view markdown);

// The text of docs/CONTRACT.md at build time.
std::string_view builtInContract();

}  // namespace linkgate::conformance
