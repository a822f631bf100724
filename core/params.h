// Ordered name/value lists for query strings and x-www-form-urlencoded bodies.
// Duplicates are kept and visible: RFC 6749 §3.1 makes a repeated parameter invalid_request.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace linkgate {

class Params {
 public:
  using Item = std::pair<std::string, std::string>;

  Params() = default;
  Params(std::initializer_list<Item> items) : items_(items) {}

  // Parses "a=1&b=2" (a query string without '?', or a form body). Both names and values are
  // percent-decoded and '+' is a space. Empty segments ("a=1&&b=2") are skipped; a segment
  // without '=' is a name with an empty value. Fails "bad_percent_escape" on a bad escape.
  static Result<Params> parse(std::string_view text);

  // Builds "a=1&b=2". Form style (toForm) writes space as '+'; query style as %20.
  std::string toForm() const;
  std::string toQuery() const;

  void add(std::string name, std::string value);
  // First value of name, if present.
  std::optional<std::string> get(std::string_view name) const;
  size_t count(std::string_view name) const;
  bool has(std::string_view name) const { return count(name) > 0; }
  // The first name that occurs more than once, if any.
  std::optional<std::string> firstDuplicate() const;
  void remove(std::string_view name);

  const std::vector<Item>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  bool operator==(const Params&) const = default;

 private:
  std::vector<Item> items_;
};

}  // namespace linkgate
