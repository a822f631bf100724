// Parsing docs/CONTRACT.md's rule lines.
#include "conformance/harness/contract.h"

#include <set>

namespace linkgate::conformance {

std::string levelName(Level level) {
  switch (level) {
    case Level::kMust: return "MUST";
    case Level::kShould: return "SHOULD";
    case Level::kMay: return "MAY";
  }
  return "MUST";
}

namespace {

std::string_view trimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool validAnchor(std::string_view a) {
  if (!a.starts_with("C-") || a.size() < 3) return false;
  bool digit_before = false;
  for (char c : a.substr(2)) {
    if (c >= '0' && c <= '9') {
      digit_before = true;
    } else if (c == '.' && digit_before) {
      digit_before = false;
    } else {
      return false;
    }
  }
  return digit_before;
}

// "*(pending: oidc)*" / "*(outside: where)*" markers at the start of `rest`; removes them.
Status readMarkers(std::string& rest, ContractRule& rule) {
  while (true) {
    rest = std::string(trimLeft(rest));
    if (!rest.starts_with("*(")) return {};
    const size_t end = rest.find(")*");
    if (end == std::string::npos) return fail("bad_contract", rule.anchor + ": unclosed marker");
    const std::string marker = rest.substr(2, end - 2);
    rest.erase(0, end + 2);
    const size_t colon = marker.find(':');
    const std::string kind = marker.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : std::string(trimLeft(marker.substr(colon + 1)));
    if (value.empty()) return fail("bad_contract", rule.anchor + ": empty marker " + marker);
    if (kind == "pending") {
      rule.pending = value;
    } else if (kind == "outside") {
      rule.outside = value;
    } else {
      return fail("bad_contract", rule.anchor + ": unknown marker '" + kind + "'");
    }
  }
}

Result<ContractRule> parseRule(const std::string& block, const std::string& where) {
  static constexpr std::string_view kStart = "- <a id=\"";
  const size_t close = block.find('"', kStart.size());
  if (close == std::string::npos) return fail("bad_contract", where + ": unclosed anchor");
  ContractRule rule;
  rule.anchor = block.substr(kStart.size(), close - kStart.size());
  const std::string at = where + " (" + rule.anchor + ")";
  if (!validAnchor(rule.anchor)) return fail("bad_contract", at + ": not a C-n.n anchor");
  const std::string head = "\"></a>**" + rule.anchor + "** ";
  if (block.compare(close, head.size(), head) != 0) {
    return fail("bad_contract", at + ": expected </a>**" + rule.anchor + "** after the anchor");
  }
  std::string rest = block.substr(close + head.size());
  bool leveled = false;
  for (Level l : {Level::kMust, Level::kShould, Level::kMay}) {
    if (rest.starts_with(levelName(l) + " ")) {
      rule.level = l;
      rest.erase(0, levelName(l).size());
      leveled = true;
      break;
    }
  }
  if (!leveled) return fail("bad_contract", at + ": no MUST / SHOULD / MAY");
  if (auto ok = readMarkers(rest, rule); !ok) return std::unexpected(ok.error());
  rest = std::string(trimLeft(rest));
  static const std::string kDash = "—";
  if (!rest.starts_with(kDash)) return fail("bad_contract", at + ": no '—' before the rule text");
  rule.text = std::string(trimLeft(std::string_view(rest).substr(kDash.size())));
  if (rule.text.empty()) return fail("bad_contract", at + ": empty rule");
  return rule;
}

}  // namespace

Result<std::vector<ContractRule>> parseContract(std::string_view markdown) {
  // Rule blocks: a "- <a id=" line and its indented continuation lines, joined by spaces.
  std::vector<std::pair<std::string, int>> blocks;
  bool in_block = false;
  size_t pos = 0;
  int line_no = 0;
  while (pos <= markdown.size()) {
    size_t nl = markdown.find('\n', pos);
    if (nl == std::string_view::npos) nl = markdown.size();
    const std::string_view line = markdown.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.starts_with("- <a id=\"")) {
      blocks.emplace_back(std::string(line), line_no);
      in_block = true;
    } else if (in_block && line.starts_with("  ") && !trimLeft(line).empty()) {
      blocks.back().first += " " + std::string(trimLeft(line));
    } else {
      in_block = false;
    }
  }
  std::vector<ContractRule> rules;
  std::set<std::string> seen;
  for (const auto& [block, line] : blocks) {
    auto rule = parseRule(block, "line " + std::to_string(line));
    if (!rule) return std::unexpected(rule.error());
    if (!seen.insert(rule->anchor).second) {
      return fail("bad_contract", "line " + std::to_string(line) + ": duplicate anchor " +
                                      rule->anchor);
    }
    rules.push_back(std::move(*rule));
  }
  if (rules.empty()) return fail("bad_contract", "no rule lines (- <a id=\"C-...\"></a>**C-...**)");
  return rules;
}

}  // namespace linkgate::conformance
