// A JSON object written straight into a string, for a hot path where building an nlohmann
// object costs more than the work around it (issue 10: the sealed flow of every /start).
// Strings must be valid UTF-8: one that is not makes finish() answer nullopt, and the caller
// falls back to nlohmann (dumpJson replaces bad bytes).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate {

class JsonObjectWriter {
 public:
  JsonObjectWriter& string(std::string_view key, std::string_view value);
  JsonObjectWriter& optionalString(std::string_view key, const std::optional<std::string>& value);
  JsonObjectWriter& boolean(std::string_view key, bool value);
  JsonObjectWriter& integer(std::string_view key, int64_t value);
  JsonObjectWriter& stringArray(std::string_view key, const std::vector<std::string>& values);
  // A value that is already JSON text (e.g. dumpJson of a nested object), inserted as is.
  JsonObjectWriter& raw(std::string_view key, std::string_view json);
  std::optional<std::string> finish();

 private:
  void key(std::string_view name);
  void quoted(std::string_view s);
  std::string out_ = "{";
  bool valid_ = true;
};

}  // namespace linkgate
