// JWS compact serialisation (RFC 7515 §7.1): BASE64URL(header) "." BASE64URL(payload) "."
// BASE64URL(signature). Signing with RS256 or HS256; parsing checks the structure only —
// whether a signature is acceptable (algorithm allow-list, which key) is the caller's decision.
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "core/jws_key.h"

namespace linkgate {

// header gets "alg":"RS256" (and "typ":"JWT" unless set); payload is serialised as is.
std::string jwsSignRs256(Json header, const Json& payload, const JwsKey& key);
// header gets "alg":"HS256" (and "typ":"JWT" unless set): HMAC-SHA256 keyed with `secret`
// (RFC 7518 §3.2; OIDC Core §10.1: the client secret's UTF-8 octets are the key).
std::string jwsSignHs256(Json header, const Json& payload, std::string_view secret);
// True when `signature` (raw bytes) is HMAC-SHA256(secret, signing_input), compared in
// constant time. An empty secret never verifies.
bool verifyHs256(std::string_view signing_input, std::string_view signature,
                 std::string_view secret);

struct CompactJws {
  Json header;                // a JSON object
  Json payload;               // a JSON object (a JWT claims set)
  std::string signing_input;  // the first two parts with their dot, as received
  std::string signature;      // raw bytes
};
// Parses three base64url parts, header and payload JSON objects. Error id "bad_jws" with the
// reason (never the token itself).
Result<CompactJws> parseCompactJws(std::string_view compact);

// OIDC Core §3.1.3.6 at_hash / c_hash for RS256: base64url of the left half of SHA-256(value).
std::string leftHalfHash(std::string_view value);

}  // namespace linkgate
