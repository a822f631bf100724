// Base64 (RFC 4648 §4) and base64url without padding (§5), the encodings of tokens and keys.
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"

namespace linkgate {

std::string base64Encode(std::string_view bytes);     // with '=' padding
std::string base64UrlEncode(std::string_view bytes);  // no padding
// Strict decoders: id "bad_base64" on characters outside the alphabet or bad length/padding.
Result<std::string> base64Decode(std::string_view text);
Result<std::string> base64UrlDecode(std::string_view text);  // padding optional

}  // namespace linkgate
