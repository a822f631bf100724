// EndpointPattern: profile URL templates as regexes over the mapped simulator path.
#include "simulator/endpoint_pattern.h"

#include "core/params.h"
#include "core/url.h"

namespace linkgate::sim {
namespace {

std::string regexEscape(std::string_view text) {
  static const std::string_view kSpecial = "\\^$.|?*+()[]{}/-";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

}  // namespace

Result<std::vector<std::string>> templateNames(std::string_view text) {
  std::vector<std::string> names;
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    size_t close = text.find('}', pos);
    if (close == std::string_view::npos) return fail("bad_template", "unterminated '{'");
    std::string name(text.substr(pos + 1, close - pos - 1));
    if (name.empty() || name.find('{') != std::string::npos) {
      return fail("bad_template", "empty or nested '{}'");
    }
    names.push_back(name);
    pos = close + 1;
  }
  if (text.find('}', 0) != std::string_view::npos && names.empty()) {
    return fail("bad_template", "stray '}'");
  }
  return names;
}

Result<EndpointPattern> EndpointPattern::compile(std::string_view url,
                                                 const std::map<std::string, ParamSpec>& params) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) return fail("bad_template", "must be an https URL");
  auto names = templateNames(url);
  if (!names) return std::unexpected(names.error());
  // Fill with the examples and check the result is a real absolute URL.
  std::string example(url);
  for (const auto& name : *names) {
    auto it = params.find(name);
    if (it == params.end()) return fail("bad_template", "{" + name + "} is not a declared param");
    example = replaceAll(example, "{" + name + "}", it->second.example);
  }
  auto parsed = Url::parseAbsolute(example);
  if (!parsed) return fail("bad_template", "not a valid URL with the examples filled in");
  if (parsed->fragment) return fail("bad_template", "a fragment is not allowed");
  if (parsed->userinfo) return fail("bad_template", "userinfo is not allowed");

  EndpointPattern p;
  std::string rest(url.substr(kScheme.size()));
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    if (rest.substr(q).find('{') != std::string::npos) {
      return fail("bad_template", "{param} is not allowed in the query");
    }
    auto fixed = Params::parse(rest.substr(q + 1));
    if (!fixed) return fail("bad_template", "bad query");
    p.fixed_query_ = fixed->items();
    rest.resize(q);
  }
  p.host_path_ = rest;
  p.names_ = *names;
  std::string re;
  size_t pos = 0;
  while (true) {
    size_t open = rest.find('{', pos);
    if (open == std::string::npos) break;
    size_t close = rest.find('}', open);
    re += regexEscape(rest.substr(pos, open - pos));
    re += "([^/?#]*)";
    pos = close + 1;
  }
  re += regexEscape(rest.substr(pos));
  try {
    p.regex_ = std::regex(re, std::regex::ECMAScript);
    for (const auto& name : p.names_) {
      p.param_regex_.emplace(name, std::regex("^(?:" + params.at(name).pattern + ")$",
                                              std::regex::ECMAScript));
    }
  } catch (const std::regex_error&) {
    return fail("bad_template", "a param pattern is not a valid ECMAScript regex");
  }
  return p;
}

Result<EndpointPattern> EndpointPattern::compileResource(
    std::string_view url, const std::map<std::string, ParamSpec>& params) {
  size_t at = url.find(kTokenSegment);
  if (at == std::string_view::npos) return compile(url, params);
  if (at + kTokenSegment.size() != url.size() || at == 0 || url[at - 1] != '/' ||
      url.substr(0, at).find('?') != std::string_view::npos) {
    return fail("bad_template", "{access_token} may only be the last path segment");
  }
  if (params.contains(std::string(kTokenParam))) {
    return fail("bad_template", "a param named access_token hides the token segment");
  }
  auto with_token = params;
  // Issued tokens are URL-safe; a segment is anything up to the next '/', '?' or '#'.
  with_token.emplace(kTokenParam, ParamSpec{"[^/?#]+", "ACCESS_TOKEN"});
  return compile(url, with_token);
}

std::optional<std::map<std::string, std::string>> EndpointPattern::match(
    std::string_view host_path) const {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(host_path.begin(), host_path.end(), m, regex_)) return std::nullopt;
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < names_.size(); ++i) {
    std::string value = m[i + 1].str();
    auto [it, inserted] = values.emplace(names_[i], value);
    if (!inserted && it->second != value) return std::nullopt;  // same name, two values
    if (!std::regex_match(value, param_regex_.at(names_[i]))) return std::nullopt;
  }
  return values;
}

std::string EndpointPattern::fill(const std::map<std::string, std::string>& values) const {
  std::string out = host_path_;
  for (const auto& [name, value] : values) out = replaceAll(out, "{" + name + "}", value);
  return out;
}

}  // namespace linkgate::sim
