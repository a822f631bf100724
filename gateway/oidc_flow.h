// OpenID Connect in the browser flow (SPEC §8): the nonce sent at /start and the id_token
// check at the callback, for dialects with an `oidc` block.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/http_client.h"
#include "gateway/catalogue.h"
#include "gateway/oidc_validator.h"
#include "gateway/provider_urls.h"
#include "gateway/services.h"

namespace linkgate::gateway {

// OIDC Core §15.5.2: nonce = base64url(SHA-256(domain tag || flow cookie)). The cookie is
// HttpOnly and bound to the browser that started the flow, so the nonce needs no storage and
// cannot be reproduced from anything the provider or the network sees.
std::string oidcNonce(std::string_view flow_cookie);
// True when the dialect speaks OIDC and this flow will get an id_token (openid requested, or
// the provider always sends one).
bool expectsIdToken(const Dialect& dialect, const std::vector<std::string>& scopes);

// The values the issuer template is filled with: `params`, except for a multi-tenant issuer
// (catalogue oidc.tenant_issuer, Microsoft `common`), where the tenant claim of `id_token`
// (read before its signature is checked; the signature check then covers it) takes the
// tenant param's place. Error id "invalid_id_token" when that claim is missing or no tenant id.
Result<ConnectionValues> issuerValues(const Dialect& dialect, const ConnectionValues& params,
                                      std::string_view id_token);
// What `id_token` of this dialect must say (issuer mapped, its one algorithm, for RS256 the JWKS
// from the catalogue or the issuer's discovery, for HS256 `client_secret` as the key,
// the client id, at_hash of `access_token`, now) without a nonce; the
// caller adds the nonce where one was sent. Error id "invalid_id_token" when the JWKS location
// cannot be found.
Result<IdTokenExpectations> oidcExpectations(Services& services, const Dialect& dialect,
                                             const ConnectionValues& params,
                                             const std::string& client_id,
                                             const std::string& client_secret,
                                             const std::string& access_token,
                                             std::string_view id_token);
// The provider's real issuer for the account identity ("<real issuer> <sub>", SPEC §9).
Result<std::string> realIssuer(const Dialect& dialect, const ConnectionValues& params,
                               std::string_view id_token);

struct OidcLink {
  std::string id_token;
  Json claims;
  std::string account;  // "<real issuer> <sub>": the provider-account identity (SPEC §9)
};

// For a dialect that expects an id_token: validates the one in the token answer (the nonce
// recomputed from the flow cookie). nullopt when none is expected. Error id "invalid_id_token"
// naming the rule (no token, signature, iss, aud, exp, nonce, ...).
Result<std::optional<OidcLink>> checkExchangeIdToken(Services& services, const Dialect& dialect,
                                                     const std::vector<std::string>& scopes,
                                                     const ConnectionValues& params,
                                                     const std::string& client_id,
                                                     const std::string& client_secret,
                                                     std::string_view flow_cookie,
                                                     const HttpResponse& token_answer,
                                                     const std::string& access_token);

// The account id of a flow of a `from: oidc` dialect that got no id_token: "<real issuer>
// <value>" of the credential field `account.otherwise` names (documented equal to `sub`);
// nullopt without `otherwise` or when the field is missing or empty.
std::optional<std::string> subjectWithoutIdToken(const Dialect& dialect,
                                                 const ConnectionValues& params,
                                                 const Json& properties);

}  // namespace linkgate::gateway
