// Rendering verdicts: fixed-width tables for people, JSON for machines.
#include "conformance/harness/report.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace linkgate::conformance {
namespace {

std::string cell(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "FAIL";
    case Verdict::kNotRun: return "n/r";
    case Verdict::kExpectedFailure: return "xfail";
  }
  return "?";
}


// Pads to `width` display columns (UTF-8 aware: "§" is one column), at least one space.
std::string pad(const std::string& text, size_t width) {
  size_t columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
  return text + std::string(columns < width ? width - columns : 1, ' ');
}

// Cuts to at most `columns` display columns without splitting a UTF-8 character.
std::string fit(const std::string& text, size_t columns) {
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++used > columns) break;
    out.push_back(text[i]);
  }
  return out;
}

std::string oneLine(std::string s, size_t max) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s.size() > max ? fit(s, max - 3) + "..." : s;
}

// Per-provider checks are named "provider.*"; the rest run once, against one provider.
bool isProviderCheck(const std::string& check) { return check.starts_with("provider."); }

}  // namespace

std::string verdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kNotRun: return "not_run";
    case Verdict::kExpectedFailure: return "expected_failure";
  }
  return "fail";
}

Result<ExpectedFailures> ExpectedFailures::load(const std::string& path) {
  ExpectedFailures out;
  std::ifstream in(path);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  auto json = parseJsonObject(ss.str());
  if (!json) return fail("bad_expected_failures", path + ": " + json.error().message);
  const Json* list = jsonAt(*json, "expected_failures");
  if (list == nullptr || !list->is_array()) {
    return fail("bad_expected_failures", path + ": no 'expected_failures' array");
  }
  for (const Json& e : *list) {
    auto check = jsonString(e, "check");
    auto reason = jsonString(e, "reason");
    if (!check || !reason || reason->empty()) {
      return fail("bad_expected_failures", path + ": every entry needs 'check' and a 'reason'");
    }
    out.entries_.push_back({*check, jsonString(e, "provider").value_or("*"), *reason});
  }
  return out;
}

std::optional<std::string> ExpectedFailures::reasonFor(const std::string& check,
                                                       const std::string& provider) const {
  for (const Entry& e : entries_) {
    if (e.check == check && (e.provider == "*" || e.provider == provider)) return e.reason;
  }
  return std::nullopt;
}

void Report::add(CheckRecord record) {
  std::lock_guard lock(mu_);
  records_.push_back(std::move(record));
}

std::vector<CheckRecord> Report::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

bool Report::anyFailure() const {
  std::lock_guard lock(mu_);
  return std::ranges::any_of(records_, [](const auto& r) { return r.verdict == Verdict::kFail; });
}

void Report::printTable(std::ostream& out) const {
  const std::vector<CheckRecord> records = this->records();
  std::map<Verdict, int> totals;
  for (const auto& r : records) ++totals[r.verdict];

  out << "\n=== Linkgate conformance: check x provider ===\n";
  out << pad("check", 36) << pad("rules (docs/CONTRACT.md)", 40) << pad("provider", 12) << pad("verdict", 8)
      << "detail\n";
  for (const auto& r : records) {
    if (isProviderCheck(r.check)) continue;
    out << pad(r.check, 36) << pad(fit(r.anchors.empty() ? r.clause : r.anchors, 38), 40) << pad(r.provider, 12)
        << pad(cell(r.verdict), 8) << (r.verdict == Verdict::kPass ? "" : oneLine(r.detail, 100))
        << "\n";
  }

  std::vector<std::string> columns;
  std::vector<std::string> providers;
  std::map<std::pair<std::string, std::string>, const CheckRecord*> grid;
  for (const auto& r : records) {
    if (!isProviderCheck(r.check)) continue;
    const std::string column = r.check.substr(std::string("provider.").size());
    if (std::ranges::find(columns, column) == columns.end()) columns.push_back(column);
    if (std::ranges::find(providers, r.provider) == providers.end()) providers.push_back(r.provider);
    grid[{r.provider, column}] = &r;
  }
  if (!providers.empty()) {
    out << "\nper provider (provider.<check>; n/r = not run, - = not applicable):\n";
    out << std::left << std::setw(16) << "provider";
    for (const auto& c : columns) out << std::setw(std::max<size_t>(c.size() + 2, 8)) << c;
    out << "\n";
    std::vector<std::string> notes;
    for (const auto& p : providers) {
      out << std::left << std::setw(16) << p;
      for (const auto& c : columns) {
        auto it = grid.find({p, c});
        const std::string text = it == grid.end() ? "-" : cell(it->second->verdict);
        out << std::setw(std::max<size_t>(c.size() + 2, 8)) << text;
        if (it != grid.end() && it->second->verdict != Verdict::kPass) {
          notes.push_back(p + " " + c + ": " + oneLine(it->second->detail, 140));
        }
      }
      out << "\n";
    }
    for (const auto& n : notes) out << "  " << n << "\n";
  }
  out << "\ntotals: " << totals[Verdict::kPass] << " pass, " << totals[Verdict::kFail]
      << " fail, " << totals[Verdict::kNotRun] << " not run, "
      << totals[Verdict::kExpectedFailure] << " expected failure\n";
}

Json Report::toJson(const Json& run_info) const {
  Json checks = Json::array();
  for (const auto& r : records()) {
    checks.push_back({{"check", r.check},
                      {"clause", r.clause},
                      {"anchors", r.anchors},
                      {"provider", r.provider},
                      {"verdict", verdictName(r.verdict)},
                      {"seed", r.seed},
                      {"counterexample", r.counterexample},
                      {"detail", r.detail}});
  }
  Json out = run_info;
  out["checks"] = checks;
  return out;
}

}  // namespace linkgate::conformance
