// JSON helpers: nlohmann's exceptions are caught here and become error values; typed getters
// walk dotted paths without throwing.
#include "core/json.h"

#include <charconv>

namespace linkgate {

Result<Json> parseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return fail("bad_json", "invalid JSON at byte " + std::to_string(e.byte));
  } catch (const std::exception& e) {
    return fail("bad_json", std::string("invalid JSON: ") + e.what());
  }
}

Result<Json> parseJsonObject(std::string_view text) {
  auto json = parseJson(text);
  if (json && !json->is_object()) return fail("bad_json", "top-level JSON value is not an object");
  return json;
}

const Json* jsonAt(const Json& root, std::string_view dotted_path) {
  const Json* node = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted_path.find('.', start);
    const std::string_view key = dotted_path.substr(start, dot - start);
    if (node->is_array()) {
      // A segment of digits indexes an array ("0.tenantId", "accounts.0.account_id").
      if (key.empty() || key.size() > 9 || key.find_first_not_of("0123456789") != key.npos) {
        return nullptr;
      }
      const size_t index = std::stoul(std::string(key));
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      if (!node->is_object()) return nullptr;
      const auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
    }
    if (dot == std::string_view::npos) return node;
    start = dot + 1;
  }
}

std::optional<std::string> jsonString(const Json& root, std::string_view dotted_path) {
  const Json* node = jsonAt(root, dotted_path);
  if (node == nullptr || !node->is_string()) return std::nullopt;
  return node->get<std::string>();
}

std::optional<int64_t> jsonInt(const Json& root, std::string_view dotted_path) {
  const Json* node = jsonAt(root, dotted_path);
  if (node == nullptr) return std::nullopt;
  if (node->is_number_unsigned()) {
    const auto v = node->get<uint64_t>();
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (node->is_number_integer()) return node->get<int64_t>();
  if (node->is_string()) {
    // Some providers send expires_in as a string ("3600"): decimal digits only.
    const auto& s = node->get_ref<const std::string&>();
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::string dumpJson(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace linkgate
