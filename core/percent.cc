// Percent-encoding and decoding (RFC 3986 §2.1); x-www-form-urlencoded's '+' handled by flag.
#include "core/percent.h"

namespace linkgate {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void percentEncodeInto(std::string& out, std::string_view bytes, bool space_as_plus) {
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (isUnreserved(c)) {
      out.push_back(ch);
    } else if (space_as_plus && c == ' ') {
      out.push_back('+');
    } else {
      const char hex[3] = {'%', kHex[c >> 4], kHex[c & 0xF]};
      out.append(hex, 3);
    }
  }
}

std::string percentEncode(std::string_view bytes, bool space_as_plus) {
  std::string out;
  out.reserve(bytes.size() * 3);
  percentEncodeInto(out, bytes, space_as_plus);
  return out;
}

Result<std::string> percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return fail("bad_percent_escape",
                    "'%' at offset " + std::to_string(i) + " is not followed by two hex digits");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_as_space && c == '+') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace linkgate
