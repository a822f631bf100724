// JWS compact serialisation: sign with RS256 or HS256, parse the three parts.
#include "core/jws.h"

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate {

std::string jwsSignRs256(Json header, const Json& payload, const JwsKey& key) {
  header["alg"] = "RS256";
  if (!header.contains("typ")) header["typ"] = "JWT";
  std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(payload.dump());
  return input + "." + base64UrlEncode(key.signRs256(input));
}

std::string jwsSignHs256(Json header, const Json& payload, std::string_view secret) {
  header["alg"] = "HS256";
  if (!header.contains("typ")) header["typ"] = "JWT";
  std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(payload.dump());
  return input + "." + base64UrlEncode(hmacSha256(secret, input));
}

bool verifyHs256(std::string_view signing_input, std::string_view signature,
                 std::string_view secret) {
  return !secret.empty() && constantTimeEqual(hmacSha256(secret, signing_input), signature);
}

Result<CompactJws> parseCompactJws(std::string_view compact) {
  size_t a = compact.find('.');
  size_t b = a == std::string_view::npos ? a : compact.find('.', a + 1);
  if (b == std::string_view::npos || compact.find('.', b + 1) != std::string_view::npos) {
    return fail("bad_jws", "not three dot-separated parts");
  }
  auto header = base64UrlDecode(compact.substr(0, a));
  auto payload = base64UrlDecode(compact.substr(a + 1, b - a - 1));
  auto signature = base64UrlDecode(compact.substr(b + 1));
  if (!header || !payload || !signature) return fail("bad_jws", "a part is not base64url");
  auto h = parseJsonObject(*header);
  if (!h) return fail("bad_jws", "the header is not a JSON object");
  auto p = parseJsonObject(*payload);
  if (!p) return fail("bad_jws", "the payload is not a JSON object");
  return CompactJws{std::move(*h), std::move(*p), std::string(compact.substr(0, b)),
                    std::move(*signature)};
}

std::string leftHalfHash(std::string_view value) {
  std::string digest = sha256(value);
  return base64UrlEncode(digest.substr(0, digest.size() / 2));
}

}  // namespace linkgate
