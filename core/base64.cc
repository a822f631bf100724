// Base64 (RFC 4648 §4) and base64url (§5) codecs. Decoders are strict (canonical input only) so
// that one byte string has exactly one accepted text form; the sealer relies on that.
#include "core/base64.h"

#include <array>
#include <cstdint>

namespace linkgate {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
  const size_t full = bytes.size() / 3;
  const size_t rest = bytes.size() - full * 3;
  std::string out(full * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '=');
  char* o = out.data();  // written by index: this runs on every sealed value (issue 10)
  const auto* in = reinterpret_cast<const uint8_t*>(bytes.data());
  for (size_t k = 0; k < full; ++k, in += 3, o += 4) {
    const uint32_t v = uint32_t{in[0]} << 16 | uint32_t{in[1]} << 8 | in[2];
    o[0] = alphabet[v >> 18 & 63];
    o[1] = alphabet[v >> 12 & 63];
    o[2] = alphabet[v >> 6 & 63];
    o[3] = alphabet[v & 63];
  }
  if (rest > 0) {
    uint32_t v = uint32_t{in[0]} << 16;
    if (rest == 2) v |= uint32_t{in[1]} << 8;
    o[0] = alphabet[v >> 18 & 63];
    o[1] = alphabet[v >> 12 & 63];
    if (rest == 2) o[2] = alphabet[v >> 6 & 63];
  }
  return out;
}

std::array<int8_t, 256> reverse(const char* alphabet) {
  std::array<int8_t, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

// Decodes unpadded text (padding already stripped by the caller).
Result<std::string> decode(std::string_view text, const std::array<int8_t, 256>& table) {
  if (text.size() % 4 == 1) return fail("bad_base64", "base64 text has an impossible length");
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = table[static_cast<uint8_t>(c)];
    if (v < 0) return fail("bad_base64", "character outside the base64 alphabet");
    acc = (acc << 6 | static_cast<uint32_t>(v)) & 0xFFFFFF;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(acc >> bits & 0xFF));
    }
  }
  // RFC 4648 §3.5: leftover pad bits must be zero, otherwise two texts decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) return fail("bad_base64", "non-zero base64 pad bits");
  return out;
}

// Splits off trailing '=' and checks that their number fits the data length.
Result<std::string_view> stripPadding(std::string_view text, bool required) {
  size_t pads = 0;
  while (pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
  const std::string_view data = text.substr(0, text.size() - pads);
  if (pads == 0) {
    if (required && text.size() % 4 != 0) return fail("bad_base64", "base64 padding missing");
    return data;
  }
  if (pads > 2 || text.size() % 4 != 0 || data.size() % 4 < 2 || 4 - data.size() % 4 != pads) {
    return fail("bad_base64", "bad base64 padding");
  }
  return data;
}

}  // namespace

std::string base64Encode(std::string_view bytes) { return encode(bytes, kStd, true); }

std::string base64UrlEncode(std::string_view bytes) { return encode(bytes, kUrl, false); }

Result<std::string> base64Decode(std::string_view text) {
  static const auto kTable = reverse(kStd);
  auto data = stripPadding(text, /*required=*/true);
  if (!data) return std::unexpected(data.error());
  return decode(*data, kTable);
}

Result<std::string> base64UrlDecode(std::string_view text) {
  static const auto kTable = reverse(kUrl);
  auto data = stripPadding(text, /*required=*/false);
  if (!data) return std::unexpected(data.error());
  return decode(*data, kTable);
}

}  // namespace linkgate
