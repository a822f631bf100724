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
                                                     std::string_view flow_cookie,
                                                     const HttpResponse& token_answer,
                                                     const std::string& access_token);

}  // namespace linkgate::gateway
