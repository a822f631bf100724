// Strict reading of the fields of one JSON object of a profile: each field read with its type
// checked, every field outside the allowed list an error. Used by profile_loader.cc only; errors
// are thrown as LoadError and turned into values at the loader's public functions.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "simulator/profile.h"
#include "simulator/template.h"

namespace linkgate::sim::profile_fields {

struct LoadError {
  std::string field;
  std::string reason;
};

template <class T>
using EnumTable = std::vector<std::pair<std::string_view, T>>;

inline const EnumTable<ClientAuth> kClientAuth = {{"client_secret_post", ClientAuth::kPost},
                                                  {"client_secret_basic", ClientAuth::kBasic},
                                                  {"client_secret_query", ClientAuth::kQuery}};
inline const EnumTable<Encoding> kEncodings = {
    {"form", Encoding::kForm}, {"json", Encoding::kJson}, {"query", Encoding::kQuery}};
inline const EnumTable<TokenIn> kTokenIn = {
    {"bearer", TokenIn::kBearer}, {"header", TokenIn::kHeader}, {"query", TokenIn::kQuery}};
inline const EnumTable<std::string> kMethods = {{"POST", "POST"}, {"GET", "GET"}};

inline std::string typeName(const Json& j) { return j.type_name(); }

// Validates a TEMPLATE; the error names the field inside it ("token.response.body.data").
inline void checkTemplate(const Json& tmpl, const std::string& field,
                          const PlaceholderRules& rules) {
  auto st = validateTemplate(tmpl, rules);
  if (!st) {
    // message is "PATH: reason"
    const std::string& m = st.error().message;
    size_t colon = m.find(": ");
    std::string inner = m.substr(0, colon);
    std::string at = inner.empty() ? field
                     : inner.starts_with('[') ? field + inner  // an array root: "body[0].x"
                                              : field + "." + inner;
    throw LoadError{at, m.substr(colon + 2)};
  }
}

// A JSON object whose fields are read once each; fields outside `allowed` are errors.
class Obj {
 public:
  Obj(const Json& j, std::string path, std::initializer_list<std::string_view> allowed)
      : j_(j), path_(std::move(path)) {
    if (!j.is_object()) throw LoadError{path_.empty() ? "(root)" : path_, "must be an object"};
    for (const auto& [key, value] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        throw LoadError{field(key), "unknown field"};
      }
    }
  }

  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const Json* get(std::string_view key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  bool has(std::string_view key) const { return get(key) != nullptr; }

  std::optional<std::string> optString(std::string_view key) const {
    const Json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw LoadError{field(key), "must be a string, not " + typeName(*v)};
    return v->get<std::string>();
  }
  std::string reqString(std::string_view key) const {
    auto s = optString(key);
    if (!s) throw LoadError{field(key), "required"};
    return *s;
  }
  void readString(std::string_view key, std::string& out) const {
    if (auto s = optString(key)) out = *s;
  }
  void readNonEmptyString(std::string_view key, std::string& out) const {
    if (auto s = optString(key)) {
      if (s->empty()) throw LoadError{field(key), "must not be empty"};
      out = *s;
    }
  }
  void readBool(std::string_view key, bool& out) const {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_boolean()) throw LoadError{field(key), "must be a boolean, not " + typeName(*v)};
    out = v->get<bool>();
  }
  void readInt(std::string_view key, int64_t min, int64_t max, int64_t& out) const {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_number_integer()) {
      throw LoadError{field(key), "must be an integer, not " + typeName(*v)};
    }
    int64_t n = v->get<int64_t>();
    if (n < min || n > max) {
      throw LoadError{field(key), "must be in " + std::to_string(min) + ".." + std::to_string(max)};
    }
    out = n;
  }
  void readStatus(std::string_view key, int& out) const {
    int64_t n = out;
    readInt(key, 100, 599, n);
    out = static_cast<int>(n);
  }
  std::vector<std::string> stringArray(std::string_view key, bool non_empty) const {
    const Json* v = get(key);
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) throw LoadError{field(key), "must be an array, not " + typeName(*v)};
    if (non_empty && v->empty()) throw LoadError{field(key), "must not be empty"};
    for (size_t i = 0; i < v->size(); ++i) {
      const Json& item = (*v)[i];
      std::string f = field(key) + "[" + std::to_string(i) + "]";
      if (!item.is_string()) throw LoadError{f, "must be a string, not " + typeName(item)};
      if (item.get_ref<const std::string&>().empty()) throw LoadError{f, "must not be empty"};
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  void readStringMap(std::string_view key, StringMap& out) const {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_object()) throw LoadError{field(key), "must be an object, not " + typeName(*v)};
    for (const auto& [name, value] : v->items()) {
      if (!value.is_string()) {
        throw LoadError{field(key) + "." + name, "must be a string, not " + typeName(value)};
      }
      out[name] = value.get<std::string>();
    }
  }
  template <class T>
  T enumValue(const Json& v, const std::string& f, const EnumTable<T>& table) const {
    if (!v.is_string()) throw LoadError{f, "must be a string, not " + typeName(v)};
    for (const auto& [name, value] : table) {
      if (v.get_ref<const std::string&>() == name) return value;
    }
    std::string allowed;
    for (const auto& [name, value] : table) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    throw LoadError{f, "unknown value \"" + v.get<std::string>() + "\" (allowed: " + allowed + ")"};
  }
  template <class T>
  void readEnum(std::string_view key, const EnumTable<T>& table, T& out) const {
    if (const Json* v = get(key)) out = enumValue(*v, field(key), table);
  }
  template <class T>
  void readEnumArray(std::string_view key, const EnumTable<T>& table, std::vector<T>& out) const {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_array()) throw LoadError{field(key), "must be an array, not " + typeName(*v)};
    if (v->empty()) throw LoadError{field(key), "must not be empty"};
    std::vector<T> values;
    for (size_t i = 0; i < v->size(); ++i) {
      std::string f = field(key) + "[" + std::to_string(i) + "]";
      T value = enumValue((*v)[i], f, table);
      if (std::find(values.begin(), values.end(), value) != values.end()) {
        throw LoadError{f, "duplicate value"};
      }
      values.push_back(value);
    }
    out = std::move(values);
  }

 private:
  const Json& j_;
  std::string path_;
};

}  // namespace linkgate::sim::profile_fields
