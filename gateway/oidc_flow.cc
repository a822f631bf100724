// Nonce and id_token check of the browser flow.
#include "gateway/oidc_flow.h"

#include <algorithm>

#include "core/base64.h"
#include "core/crypto.h"
#include "gateway/oidc_validator.h"

namespace linkgate::gateway {

std::string oidcNonce(std::string_view flow_cookie) {
  return base64UrlEncode(sha256("linkgate-oidc-nonce-v1:" + std::string(flow_cookie)));
}

bool expectsIdToken(const Dialect& dialect, const std::vector<std::string>& scopes) {
  if (!dialect.oidc) return false;
  return dialect.oidc->id_token_always ||
         std::find(scopes.begin(), scopes.end(), "openid") != scopes.end();
}

Result<std::optional<OidcLink>> checkExchangeIdToken(Services& s, const Dialect& dialect,
                                                     const std::vector<std::string>& scopes,
                                                     const ConnectionValues& params,
                                                     const std::string& client_id,
                                                     std::string_view flow_cookie,
                                                     const HttpResponse& token_answer,
                                                     const std::string& access_token) {
  if (!expectsIdToken(dialect, scopes)) return std::optional<OidcLink>();
  const OidcDialect& o = *dialect.oidc;
  auto body = parseJsonObject(token_answer.body);
  const Json id_token = body ? body->value("id_token", Json()) : Json();
  if (!id_token.is_string() || id_token.get<std::string>().empty()) {
    return fail("invalid_id_token",
                "the token answer carries no id_token although the flow is OpenID Connect "
                "(OIDC Core §3.1.3.3)");
  }
  auto issuer = s.urls.resolve(dialect, o.issuer, params);
  if (!issuer) return std::unexpected(issuer.error());
  auto real_issuer = ProviderUrls().resolve(dialect, o.issuer, params);
  if (!real_issuer) return std::unexpected(real_issuer.error());
  JwksTimeouts timeouts{s.config.provider_connect_timeout, s.config.provider_total_timeout};
  std::string jwks_uri;
  if (o.jwks_uri) {
    auto uri = s.urls.resolve(dialect, *o.jwks_uri, params);
    if (!uri) return std::unexpected(uri.error());
    jwks_uri = *uri;
  } else {
    auto uri = s.jwks->discoverJwksUri(*issuer, timeouts, dialect.slug);
    if (!uri) return fail("invalid_id_token", "id_token not checkable: " + uri.error().message);
    jwks_uri = *uri;
  }
  IdTokenExpectations expect;
  expect.issuer = *issuer;
  expect.jwks_uri = jwks_uri;
  expect.client_id = client_id;
  expect.nonce = oidcNonce(flow_cookie);
  expect.access_token = access_token;
  expect.now = s.now();
  expect.leeway_seconds = o.leeway_seconds;
  expect.timeouts = timeouts;
  expect.provider = dialect.slug;
  auto valid = validateIdToken(id_token.get<std::string>(), expect, *s.jwks);
  if (!valid) return std::unexpected(valid.error());
  return std::optional<OidcLink>(
      OidcLink{id_token.get<std::string>(), valid->claims, *real_issuer + " " + valid->subject});
}

}  // namespace linkgate::gateway
