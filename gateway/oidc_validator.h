// Validation of an id_token from a token answer per OpenID Connect Core 1.0 §3.1.3.7: JWS
// signature with the one algorithm the catalogue names (RS256 by the provider's JWKS key for
// its kid, or HS256 keyed with the client secret; never `none`, never an HMAC keyed with a
// public key), iss, aud/azp, exp and iat with a small
// leeway, nonce, sub, and at_hash when present (§3.1.3.8). SPEC §8.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "gateway/jwks_cache.h"

namespace linkgate::gateway {

struct IdTokenExpectations {
  std::string issuer;     // the exact `iss` (the mapped issuer when a provider base URL is set)
  std::string jwks_uri;   // where the issuer's keys are
  std::string client_id;  // the provider client id: must be in `aud`
  std::string alg = "RS256";  // the one algorithm allowed (catalogue oidc.signing_alg)
  std::string hmac_secret;    // HS256: the client secret, the HMAC key (then no jwks_uri)
  std::optional<std::string> nonce;  // sent at the authorization request
  std::string access_token;          // for at_hash
  int64_t now = 0;                   // unix seconds
  int64_t leeway_seconds = 120;
  JwksTimeouts timeouts;
  std::string provider;  // the catalogue slug: the JWKS fetch's log line and metrics label
};

struct ValidIdToken {
  Json claims;
  std::string subject;
};

// Error id "invalid_id_token"; the message names the rule that failed (and never echoes the
// token or its claims' values beyond the algorithm name).
Result<ValidIdToken> validateIdToken(std::string_view id_token, const IdTokenExpectations& expect,
                                     JwksCache& keys);

}  // namespace linkgate::gateway
