// The `oidc` block of a profile (fixtures/providers/README.md "oidc"): what the simulator
// needs to speak OpenID Connect for a provider — issuer, JWKS and userinfo URLs, when an
// id_token is issued, and the provider's usual claims as a template. SPEC §8.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"

namespace linkgate::sim {

// When the token answer carries an id_token: when `openid` was granted, or always (Apple).
enum class IdTokenWhen { kOpenidScope, kAlways };

// A multi-tenant issuer (Microsoft `common`): when the request's `param` is one of `values`,
// discovery names the issuer with that param as the literal `{tenantid}` and each id_token's
// `iss` has the signed-in user's tenant (the id_token's `claim`) in its place.
struct TenantIssuer {
  std::string param;
  std::vector<std::string> values;
  std::string claim;
};

struct OidcSpec {
  std::string issuer;                   // https URL, may contain {param}; discovery at
                                        // issuer + "/.well-known/openid-configuration"
  std::string jwks_uri;                 // https URL, may contain {param}
  std::optional<std::string> userinfo;  // https URL; none = the provider has no userinfo
  IdTokenWhen id_token = IdTokenWhen::kOpenidScope;
  bool on_refresh = false;              // a refresh answer carries a new id_token too
  int64_t id_token_ttl_seconds = 3600;
  bool auth_time = false;               // add auth_time (the time of the authorization)
  std::string sub = "{user.id}";        // template string of the stable subject
  std::string subject_type = "public";  // discovery subject_types_supported
  Json claims = Json::object();         // TEMPLATE: the provider's usual claims
  std::optional<TenantIssuer> tenant_issuer;
  // "RS256" (a key of the JWKS, named by kid) or "HS256" (HMAC-SHA256 keyed with the client
  // secret, no kid: LINE web login; OIDC Core §10.1 symmetric signatures).
  std::string signing_alg = "RS256";
  // The nonce claim of an id_token whose authorize request sent none; none = no claim (OIDC
  // Core §2). Slack: "" (strict clients refuse it; they must send a nonce).
  std::optional<std::string> nonce_when_absent;
};

}  // namespace linkgate::sim
