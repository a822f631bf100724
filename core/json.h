// JSON helpers on nlohmann_json: parse errors become error values, and small typed getters
// read dotted paths ("authed_user.access_token") without throwing.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace linkgate {

using Json = nlohmann::json;

// Parses text; id "bad_json" with the position in the message on failure. Never throws.
Result<Json> parseJson(std::string_view text);
// parseJson that also requires a top-level object (id "bad_json" otherwise).
Result<Json> parseJsonObject(std::string_view text);

// Element at a dotted path ("a.b.c"; a segment of digits indexes an array: "items.0.id");
// nullptr when any step is missing.
const Json* jsonAt(const Json& root, std::string_view dotted_path);
// String at path; numbers are NOT converted. nullopt when absent or of another type.
std::optional<std::string> jsonString(const Json& root, std::string_view dotted_path);
// Integer at path; accepts a JSON integer or a string of decimal digits ("3600").
std::optional<int64_t> jsonInt(const Json& root, std::string_view dotted_path);
// Serializes without throwing on invalid UTF-8 (replaces bad bytes with U+FFFD).
std::string dumpJson(const Json& value, int indent = -1);

}  // namespace linkgate
