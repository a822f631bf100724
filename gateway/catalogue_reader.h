// Strict reading of one JSON object of a catalogue file: each key read once with its type
// checked, leftovers an error. Internal to gateway/catalogue.cc; LoadError is thrown and turned
// into an error value by parseDialect().
#pragma once
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "gateway/catalogue.h"

namespace linkgate::gateway::catalogue_reader {

// Internal to this file: thrown by the readers below, caught in parseDialect().
struct LoadError {
  std::string message;
};

[[noreturn]] inline void bad(const std::string& field, const std::string& reason) {
  throw LoadError{field + ": " + reason};
}

// Reads one JSON object, remembering which keys were consumed so leftovers are errors.
class ObjectReader {
 public:
  ObjectReader(const Json& json, std::string path) : json_(json), path_(std::move(path)) {
    if (!json_.is_object()) bad(path_.empty() ? "(document)" : path_, "must be an object");
  }
  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const Json* get(std::string_view key) {
    seen_.insert(std::string(key));
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }
  bool has(std::string_view key) const { return json_.contains(key); }
  void str(std::string_view key, std::string& out, bool required = false) {
    const Json* v = get(key);
    if (v == nullptr) {
      if (required) bad(field(key), "is required");
      return;
    }
    if (!v->is_string()) bad(field(key), "must be a string");
    out = v->get<std::string>();
  }
  void optStr(std::string_view key, std::optional<std::string>& out) {
    std::string s;
    if (!has(key)) {
      get(key);
      return;
    }
    str(key, s);
    out = s;
  }
  void boolean(std::string_view key, bool& out) {
    const Json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) bad(field(key), "must be a boolean");
    out = v->get<bool>();
  }
  void strings(std::string_view key, std::vector<std::string>& out, bool required = false) {
    const Json* v = get(key);
    if (v == nullptr) {
      if (required) bad(field(key), "is required");
      return;
    }
    if (!v->is_array()) bad(field(key), "must be an array of strings");
    out.clear();
    for (const auto& e : *v) {
      if (!e.is_string()) bad(field(key), "must be an array of strings");
      out.push_back(e.get<std::string>());
    }
  }
  void nameValues(std::string_view key, NameValues& out) {
    const Json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_object()) bad(field(key), "must be an object of strings");
    out.clear();
    for (const auto& [name, value] : v->items()) {
      if (!value.is_string()) bad(field(key) + "." + name, "must be a string");
      out.emplace_back(name, value.get<std::string>());
    }
  }
  template <class E>
  void enumeration(std::string_view key, E& out,
                   std::initializer_list<std::pair<std::string_view, E>> values) {
    const Json* v = get(key);
    if (v == nullptr) return;
    if (!v->is_string()) bad(field(key), "must be a string");
    const auto s = v->get<std::string>();
    std::string allowed;
    for (const auto& [name, value] : values) {
      if (name == s) {
        out = value;
        return;
      }
      allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    bad(field(key), "unknown value \"" + s + "\" (expected one of " + allowed + ")");
  }
  void done() const {
    for (const auto& [key, value] : json_.items()) {
      if (!seen_.contains(key)) bad(field(key), "unknown field");
    }
  }

 private:
  const Json& json_;
  std::string path_;
  std::set<std::string> seen_;
};

}  // namespace linkgate::gateway::catalogue_reader
