// Validation, --list and --coverage over the check catalogue and the contract.
#include "conformance/harness/catalogue.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>

namespace linkgate::conformance {
namespace {

std::string joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string clip(const std::string& s, size_t max) {
  return s.size() > max ? s.substr(0, max - 3) + "..." : s;
}

}  // namespace

const CatalogueEntry* findCheck(const std::vector<CatalogueEntry>& catalogue,
                                const std::string& id) {
  auto it = std::ranges::find_if(catalogue, [&](const CatalogueEntry& e) { return e.id == id; });
  return it == catalogue.end() ? nullptr : &*it;
}

std::vector<std::string> validateCatalogue(const std::vector<CatalogueEntry>& catalogue,
                                           const std::vector<ContractRule>& rules) {
  std::set<std::string> anchors;
  for (const auto& r : rules) anchors.insert(r.anchor);
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const auto& e : catalogue) {
    if (!ids.insert(e.id).second) problems.push_back("check " + e.id + ": listed twice");
    if (e.anchors.empty()) problems.push_back("check " + e.id + ": cites no contract anchor");
    for (const auto& a : e.anchors) {
      if (!anchors.contains(a)) {
        problems.push_back("check " + e.id + ": cites " + a +
                           ", which docs/CONTRACT.md does not define");
      }
    }
  }
  return problems;
}

std::vector<std::string> uncatalogued(const std::vector<CatalogueEntry>& catalogue,
                                      const std::vector<std::string>& tests) {
  std::vector<std::string> out;
  for (const auto& t : tests) {
    const std::string suite = t.substr(0, t.find('.'));
    const bool known = std::ranges::any_of(catalogue, [&](const CatalogueEntry& e) {
      return e.per_provider ? e.test == suite : e.test == t;
    });
    if (!known) out.push_back(t);
  }
  return out;
}

void printList(std::ostream& out, const std::vector<CatalogueEntry>& catalogue,
               const std::vector<std::string>& uncatalogued_tests) {
  out << std::left << std::setw(36) << "check" << std::setw(13) << "per provider"
      << std::setw(34) << "anchors (docs/CONTRACT.md)" << "needs\n";
  for (const auto& e : catalogue) {
    out << std::setw(36) << e.id << std::setw(13) << (e.per_provider ? "yes" : "no")
        << std::setw(34) << joined(e.anchors, " ") << joined(e.needs, " ") << "\n";
  }
  const auto per = std::ranges::count_if(catalogue, [](const auto& e) { return e.per_provider; });
  out << "\n" << catalogue.size() << " checks (" << per << " per provider, "
      << catalogue.size() - static_cast<size_t>(per) << " suite-wide)\n";
  for (const auto& t : uncatalogued_tests) {
    out << "NOT IN THE CATALOGUE: test " << t
        << " (add it to conformance/properties/catalogue.cc with its anchors)\n";
  }
}

CoverageTotals printCoverage(std::ostream& out, const std::vector<ContractRule>& rules,
                             const std::vector<CatalogueEntry>& catalogue) {
  std::map<std::string, std::vector<std::string>> by_anchor;
  for (const auto& e : catalogue) {
    for (const auto& a : e.anchors) by_anchor[a].push_back(e.id);
  }
  CoverageTotals t;
  out << std::left << std::setw(11) << "rule" << std::setw(7) << "level" << std::setw(10)
      << "status" << "checks / where / rule\n";
  for (const auto& r : rules) {
    ++t.rules;
    const auto& checks = by_anchor[r.anchor];
    std::string status;
    std::string detail;
    if (!checks.empty()) {
      ++t.covered;
      status = "covered";
      detail = joined(checks, ", ");
      if (!r.pending.empty()) detail += "  (feature " + r.pending + " marked pending)";
    } else if (!r.pending.empty()) {
      ++t.pending;
      status = "pending";
      detail = "feature '" + r.pending + "' not built yet: " + clip(r.text, 70);
    } else if (!r.outside.empty()) {
      ++t.outside;
      status = "outside";
      detail = clip(r.outside, 90);
    } else if (r.level == Level::kMust) {
      ++t.uncovered_must;
      status = "UNCOVERED";
      detail = "no check enforces this MUST: " + clip(r.text, 70);
    } else {
      ++t.uncovered_other;
      status = "unchecked";
      detail = clip(r.text, 80);
    }
    out << std::setw(11) << r.anchor << std::setw(7) << levelName(r.level) << std::setw(10)
        << status << detail << "\n";
  }
  out << "\ntotals: " << t.rules << " rules: " << t.covered << " covered by checks, " << t.pending
      << " pending (feature not built), " << t.outside << " enforced outside the suite, "
      << t.uncovered_must << " MUST uncovered, " << t.uncovered_other
      << " SHOULD/MAY unchecked\n";
  return t;
}

}  // namespace linkgate::conformance
