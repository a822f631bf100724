// The `oidc` block of a catalogue entry (gateway/catalogue/README.md "oidc"): the dialect
// speaks OpenID Connect, so the gateway sends a nonce and validates the id_token (SPEC §8).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace linkgate::gateway {

struct Dialect;

// A multi-tenant issuer (Microsoft `common`, `organizations`, `consumers`): when the connection
// param `param` is one of `values`, the expected `iss` is the issuer with that param replaced by
// the id_token's `claim` (its tenant, `tid`), which must pass the param's pattern.
struct TenantIssuer {
  std::string param;
  std::vector<std::string> values;
  std::string claim;
};

struct OidcDialect {
  std::string issuer;                   // https URL, may contain {param}: the expected `iss`
  std::optional<std::string> jwks_uri;  // https URL; absent = from the issuer's discovery
  bool id_token_always = false;         // an id_token even without the openid scope (Apple)
  int64_t leeway_seconds = 120;         // clock skew allowed on exp / iat
  std::optional<TenantIssuer> tenant_issuer;
  // How the provider signs its id_tokens: "RS256" (a JWKS key, by kid) or "HS256" (HMAC keyed
  // with the client secret, OIDC Core §10.1; LINE web login). The validator accepts this one
  // algorithm only, so an RS256 provider's public key can never serve as an HMAC key.
  std::string signing_alg = "RS256";
};

// Reads the block strictly; `dialect` supplies the declared connection params. Error id
// "bad_catalogue", message "oidc.field: reason".
Result<OidcDialect> parseOidcDialect(const Json& j, const Dialect& dialect);

}  // namespace linkgate::gateway
