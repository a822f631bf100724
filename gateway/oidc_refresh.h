// The id_token of a refresh answer (docs/CONTRACT.md C-8.9, OpenID Connect Core 1.0 §12.2):
// when a refresh answer of an OIDC dialect carries one, it is validated like the first one
// (signature through the JWKS, iss, aud, exp; no nonce is expected) and must name the same
// subject (and issuer) as the id_token the credential holds. A mismatch fails that refresh;
// the caller then stores nothing.
#pragma once
#include <optional>
#include <string>

#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"
#include "gateway/catalogue.h"
#include "gateway/oidc_validator.h"
#include "gateway/provider_urls.h"
#include "gateway/services.h"

namespace linkgate::gateway {

struct RefreshedIdToken {
  std::string id_token;
  Json claims;
};

// The rule on its own: `answer_body` is the parsed refresh answer, `stored` the credential's
// properties (its `id_token_claims`, when it has them, name the subject). nullopt when the
// answer carries no id_token (the stored one stays). Error id "invalid_id_token" naming the
// rule that failed.
Result<std::optional<RefreshedIdToken>> validateRefreshIdToken(const Json& answer_body,
                                                               const IdTokenExpectations& expect,
                                                               JwksCache& keys,
                                                               const Json& stored);

// For the credential refresh: nullopt when the dialect has no `oidc` block or the answer no
// id_token; otherwise validateRefreshIdToken with the dialect's expectations.
Result<std::optional<RefreshedIdToken>> checkRefreshIdToken(Services& services,
                                                            const Dialect& dialect,
                                                            const ConnectionValues& params,
                                                            const std::string& client_id,
                                                            const std::string& client_secret,
                                                            const HttpResponse& answer,
                                                            const std::string& access_token,
                                                            const Json& stored);

}  // namespace linkgate::gateway
