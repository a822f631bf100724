// Ordered, duplicate-preserving parameter lists: parsing and building query strings and
// application/x-www-form-urlencoded bodies.
#include "core/params.h"

#include <algorithm>
#include <set>

#include "core/percent.h"

namespace linkgate {
namespace {

std::string join(const std::vector<Params::Item>& items, bool space_as_plus) {
  size_t size = 0;
  for (const auto& [name, value] : items) size += name.size() + value.size() + 2;
  std::string out;
  out.reserve(size + size / 4);  // room for some escapes before the first growth
  for (const auto& [name, value] : items) {
    if (!out.empty()) out.push_back('&');
    percentEncodeInto(out, name, space_as_plus);
    out.push_back('=');
    percentEncodeInto(out, value, space_as_plus);
  }
  return out;
}

}  // namespace

Result<Params> Params::parse(std::string_view text) {
  Params params;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) continue;
    const size_t eq = segment.find('=');
    auto name = percentDecode(segment.substr(0, eq), /*plus_as_space=*/true);
    if (!name) return std::unexpected(name.error());
    std::string value;
    if (eq != std::string_view::npos) {
      auto decoded = percentDecode(segment.substr(eq + 1), /*plus_as_space=*/true);
      if (!decoded) return std::unexpected(decoded.error());
      value = std::move(*decoded);
    }
    params.items_.emplace_back(std::move(*name), std::move(value));
  }
  return params;
}

std::string Params::toForm() const { return join(items_, /*space_as_plus=*/true); }

std::string Params::toQuery() const { return join(items_, /*space_as_plus=*/false); }

void Params::add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Params::get(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return v;
  }
  return std::nullopt;
}

size_t Params::count(std::string_view name) const {
  return static_cast<size_t>(
      std::count_if(items_.begin(), items_.end(), [&](const Item& i) { return i.first == name; }));
}

std::optional<std::string> Params::firstDuplicate() const {
  // "First" = the name whose second occurrence comes earliest.
  std::set<std::string_view> seen;
  for (const auto& item : items_) {
    if (!seen.insert(item.first).second) return item.first;
  }
  return std::nullopt;
}

void Params::remove(std::string_view name) {
  std::erase_if(items_, [&](const Item& i) { return i.first == name; });
}

}  // namespace linkgate
