// TEMPLATE validation and rendering.
#include "simulator/template.h"

#include <optional>

namespace linkgate::sim {
namespace {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-';
}

// A {name} occurrence inside a string.
struct Placeholder {
  size_t begin;  // index of '{'
  size_t end;    // one past '}'
  std::string_view name;
};

// Finds the next "{name}" at or after pos where name is [A-Za-z0-9_.-]+. Braces around other
// text are literal.
std::optional<Placeholder> nextPlaceholder(std::string_view s, size_t pos) {
  while (true) {
    size_t open = s.find('{', pos);
    if (open == std::string_view::npos) return std::nullopt;
    size_t i = open + 1;
    while (i < s.size() && isNameChar(s[i])) ++i;
    if (i < s.size() && s[i] == '}' && i > open + 1) {
      return Placeholder{open, i + 1, s.substr(open + 1, i - open - 1)};
    }
    pos = open + 1;
  }
}

std::optional<std::string> checkName(std::string_view name, const PlaceholderRules& rules) {
  static const std::set<std::string, std::less<>> kAlways = {"now", "now_ms", "now_ms_string",
                                                             "client_id"};
  static const std::set<std::string, std::less<>> kTokens = {
      "access_token", "refresh_token", "token_type", "expires_in", "expires_at",
      "expires_at_rfc3339"};
  if (kAlways.contains(name)) return std::nullopt;
  if (name == "authorization_id") {
    if (rules.user) return std::nullopt;
    return "placeholder {authorization_id} is not allowed here";
  }
  if (kTokens.contains(name)) {
    if (rules.tokens) return std::nullopt;
    if (rules.presented_token && (name == "access_token" || name == "expires_in")) {
      return std::nullopt;
    }
    return "placeholder {" + std::string(name) + "} is not allowed here";
  }
  if (name == "companion.access_token" || name == "companion.refresh_token" ||
      name == "companion.token_type") {
    if (rules.companion) return std::nullopt;
    return "placeholder {" + std::string(name) + "} needs token.companion";
  }
  if (name == "scope" || name == "scope_array" || name == "scope_comma") {
    if (rules.scope) return std::nullopt;
    return "placeholder {" + std::string(name) + "} is not allowed here";
  }
  if (name == "error" || name == "error_description") {
    if (rules.errors) return std::nullopt;
    return "placeholder {" + std::string(name) + "} is only allowed in error templates";
  }
  if (name.starts_with("user.")) {
    auto field = name.substr(5);
    if (!rules.user) return "placeholder {" + std::string(name) + "} is not allowed here";
    if (!rules.user_fields.contains(field)) {
      return "placeholder {" + std::string(name) + "}: not a field of every user";
    }
    return std::nullopt;
  }
  if (name.starts_with("param.")) {
    if (rules.params.contains(name.substr(6))) return std::nullopt;
    return "placeholder {" + std::string(name) + "}: no such param";
  }
  return "unknown placeholder {" + std::string(name) + "}";
}

Status validateAt(const Json& node, const PlaceholderRules& rules, const std::string& path) {
  if (node.is_string()) {
    const auto& s = node.get_ref<const std::string&>();
    size_t pos = 0;
    while (auto p = nextPlaceholder(s, pos)) {
      if (auto bad = checkName(p->name, rules)) return fail("bad_template", path + ": " + *bad);
      if (p->name == "scope_array" && !(p->begin == 0 && p->end == s.size())) {
        return fail("bad_template", path + ": {scope_array} must be the whole string");
      }
      pos = p->end;
    }
    return {};
  }
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      auto st = validateAt(value, rules, path.empty() ? key : path + "." + key);
      if (!st) return st;
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      auto st = validateAt(node[i], rules, path + "[" + std::to_string(i) + "]");
      if (!st) return st;
    }
  }
  return {};
}

// The value of a string that is exactly one placeholder; nullopt when it is not one.
// `present` tells whether the placeholder has a value.
std::optional<std::string_view> wholePlaceholder(std::string_view s) {
  auto p = nextPlaceholder(s, 0);
  if (p && p->begin == 0 && p->end == s.size()) return p->name;
  return std::nullopt;
}

// Renders node; returns nullopt when it is a single placeholder without a value.
std::optional<Json> renderNode(const Json& node, const TemplateValues& values) {
  if (node.is_string()) {
    const auto& s = node.get_ref<const std::string&>();
    if (auto name = wholePlaceholder(s)) {
      auto it = values.find(*name);
      if (it == values.end()) return std::nullopt;
      return it->second;
    }
    return Json(renderText(s, values));
  }
  if (node.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : node.items()) {
      if (auto r = renderNode(value, values)) out[key] = std::move(*r);
    }
    return out;
  }
  if (node.is_array()) {
    Json out = Json::array();
    for (const auto& item : node) {
      if (auto r = renderNode(item, values)) out.push_back(std::move(*r));
    }
    return out;
  }
  return node;
}

bool usesAt(const Json& node, std::string_view name) {
  if (node.is_string()) {
    const auto& s = node.get_ref<const std::string&>();
    size_t pos = 0;
    while (auto p = nextPlaceholder(s, pos)) {
      if (p->name == name) return true;
      pos = p->end;
    }
    return false;
  }
  if (node.is_structured()) {
    for (const auto& item : node) {
      if (usesAt(item, name)) return true;
    }
  }
  return false;
}

}  // namespace

Status validateTemplate(const Json& tmpl, const PlaceholderRules& rules) {
  return validateAt(tmpl, rules, "");
}

bool isFlatTemplate(const Json& tmpl) {
  if (!tmpl.is_object()) return false;
  for (const auto& item : tmpl) {
    if (item.is_structured()) return false;
    if (item.is_string() && usesAt(item, "scope_array")) return false;
  }
  return true;
}

bool usesPlaceholder(const Json& tmpl, std::string_view name) { return usesAt(tmpl, name); }

Json renderTemplate(const Json& tmpl, const TemplateValues& values) {
  auto r = renderNode(tmpl, values);
  return r ? std::move(*r) : Json(nullptr);
}

const Json* atKeyPath(const Json& node, std::string_view key) {
  const Json* at = &node;
  size_t pos = 0;
  while (true) {
    size_t dot = key.find('.', pos);
    std::string_view seg = key.substr(pos, dot == std::string_view::npos ? key.npos : dot - pos);
    if (seg.empty()) return nullptr;
    bool digits = seg.size() <= 9 && seg.find_first_not_of("0123456789") == std::string_view::npos;
    if (at->is_array() && digits) {
      size_t index = std::stoul(std::string(seg));
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else if (at->is_object()) {
      auto it = at->find(seg);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return at;
    pos = dot + 1;
  }
}

std::string scalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ' ';
      out += scalarText(item);
    }
    return out;
  }
  return dumpJson(value);
}

std::string renderText(std::string_view tmpl, const TemplateValues& values) {
  std::string out;
  size_t pos = 0;
  while (auto p = nextPlaceholder(tmpl, pos)) {
    out.append(tmpl.substr(pos, p->begin - pos));
    auto it = values.find(p->name);
    if (it != values.end()) {
      out += scalarText(it->second);
    } else if (!checkName(p->name, PlaceholderRules{true, true, true, true, {}, {}}) ||
               p->name.starts_with("user.") || p->name.starts_with("param.")) {
      // a known placeholder without a value interpolates as empty
    } else {
      out.append(tmpl.substr(p->begin, p->end - p->begin));  // not a placeholder: literal
    }
    pos = p->end;
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace linkgate::sim
