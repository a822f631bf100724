// Percent-encoding (RFC 3986 §2.1) and decoding; the one place bytes become URL-safe text.
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"

namespace linkgate {

// Encodes every byte except RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) as %XX
// (upper-case hex). With space_as_plus, a space becomes '+' (x-www-form-urlencoded).
std::string percentEncode(std::string_view bytes, bool space_as_plus = false);
// The same, appended to `out` (no string of its own: a query is built in one buffer).
void percentEncodeInto(std::string& out, std::string_view bytes, bool space_as_plus = false);

// Decodes %XX escapes (either hex case). With plus_as_space, '+' becomes a space.
// Fails with id "bad_percent_escape" on '%' not followed by two hex digits. Never throws.
Result<std::string> percentDecode(std::string_view text, bool plus_as_space = false);

}  // namespace linkgate
