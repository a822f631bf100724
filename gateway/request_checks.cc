// Parameter hygiene, UUIDs and integrator-redirect building.
#include "gateway/request_checks.h"

#include <cstdio>

namespace linkgate::gateway {

bool isValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8 (RFC 3629).
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool hasControlChars(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string newUuid(RandomSource& random) {
  uint8_t b[16];
  random.fill(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < sizeof b; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return out;
}

GwResult<int64_t> pageLimit(const Params& params, int64_t fallback, int64_t max) {
  auto l = params.get("limit");
  if (!l) return fallback;
  const bool digits =
      !l->empty() && l->size() <= 4 && l->find_first_not_of("0123456789") == std::string::npos;
  const int64_t n = digits ? std::stoll(*l) : 0;
  if (n < 1 || n > max) {
    return gwFail(Code::kInvalidRequest,
                  "limit must be an integer from 1 to " + std::to_string(max));
  }
  return n;
}

GwResult<std::optional<std::string>> cleanParam(const Params& params,
                                                                   std::string_view name,
                                                                   size_t max_bytes) {
  const size_t n = params.count(name);
  if (n == 0) return std::optional<std::string>();
  const std::string quoted = "'" + std::string(name) + "'";
  if (n > 1) {
    return std::unexpected(gwError(Code::kDuplicateParameter,
                                   "parameter " + quoted + " is repeated (RFC 6749 §3.1)"));
  }
  auto value = *params.get(name);
  if (value.size() > max_bytes) {
    return std::unexpected(gwError(Code::kInvalidRequest, "parameter " + quoted +
                                                              " is longer than " +
                                                              std::to_string(max_bytes) + " bytes"));
  }
  if (hasControlChars(value)) {
    return std::unexpected(gwError(Code::kInvalidRequest,
                                   "parameter " + quoted + " contains control characters"));
  }
  if (!isValidUtf8(value)) {
    return std::unexpected(gwError(Code::kInvalidRequest,
                                   "parameter " + quoted + " is not valid UTF-8"));
  }
  return std::optional<std::string>(std::move(value));
}

std::string printableExcerpt(std::string_view text, size_t max) {
  const bool cut = text.size() > max;
  std::string out;
  for (char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (cut) {
    // The cut may split a UTF-8 sequence: drop its partial tail.
    for (int i = 0; i < 3 && !out.empty() && !isValidUtf8(out); ++i) out.pop_back();
    out += "...";
  }
  return isValidUtf8(out) ? out : std::string("(not UTF-8)");
}

std::string appendToRedirect(const std::string& redirect_uri, const Params& extra) {
  const std::string query = extra.toQuery();
  if (query.empty()) return redirect_uri;
  const size_t q = redirect_uri.find('?');
  if (q == std::string::npos) return redirect_uri + "?" + query;
  if (q + 1 == redirect_uri.size() || redirect_uri.back() == '&') return redirect_uri + query;
  return redirect_uri + "&" + query;
}

}  // namespace linkgate::gateway
