// Nonce and id_token check of the browser flow.
#include "gateway/oidc_flow.h"

#include <algorithm>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/jws.h"

namespace linkgate::gateway {

std::string oidcNonce(std::string_view flow_cookie) {
  return base64UrlEncode(sha256("linkgate-oidc-nonce-v1:" + std::string(flow_cookie)));
}

bool expectsIdToken(const Dialect& dialect, const std::vector<std::string>& scopes) {
  if (!dialect.oidc) return false;
  return dialect.oidc->id_token_always ||
         std::find(scopes.begin(), scopes.end(), "openid") != scopes.end();
}

Result<ConnectionValues> issuerValues(const Dialect& dialect, const ConnectionValues& params,
                                      std::string_view id_token) {
  const auto& tenant = dialect.oidc->tenant_issuer;
  if (!tenant) return params;
  auto it = params.find(tenant->param);
  if (it == params.end() ||
      std::find(tenant->values.begin(), tenant->values.end(), it->second) == tenant->values.end()) {
    return params;
  }
  auto jws = parseCompactJws(id_token);
  if (!jws) return params;  // the validation names what is wrong with it
  const Json claim = jws->payload.value(tenant->claim, Json());
  if (!claim.is_string() || claim.get<std::string>().empty()) {
    return fail("invalid_id_token", "id_token rejected: it has no " + tenant->claim +
                                        " claim, which names the tenant of a multi-tenant "
                                        "issuer (catalogue oidc.tenant_issuer)");
  }
  ConnectionValues values = params;
  values[tenant->param] = claim.get<std::string>();
  if (!checkConnectionValues(dialect, values)) {
    return fail("invalid_id_token", "id_token rejected: its " + tenant->claim +
                                        " claim is not a tenant id (catalogue oidc.tenant_issuer)");
  }
  return values;
}

Result<IdTokenExpectations> oidcExpectations(Services& s, const Dialect& dialect,
                                             const ConnectionValues& params,
                                             const std::string& client_id,
                                             const std::string& client_secret,
                                             const std::string& access_token,
                                             std::string_view id_token) {
  const OidcDialect& o = *dialect.oidc;
  auto values = issuerValues(dialect, params, id_token);
  if (!values) return std::unexpected(values.error());
  auto issuer = s.urls.resolve(dialect, o.issuer, *values);
  if (!issuer) return std::unexpected(issuer.error());
  JwksTimeouts timeouts{s.config.provider_connect_timeout, s.config.provider_total_timeout};
  std::string jwks_uri;  // none for HS256: the key is the client secret
  if (o.signing_alg == "RS256" && o.jwks_uri) {
    auto uri = s.urls.resolve(dialect, *o.jwks_uri, params);
    if (!uri) return std::unexpected(uri.error());
    jwks_uri = *uri;
  } else if (o.signing_alg == "RS256") {
    auto uri = s.jwks->discoverJwksUri(*issuer, timeouts, dialect.slug);
    if (!uri) return fail("invalid_id_token", "id_token not checkable: " + uri.error().message);
    jwks_uri = *uri;
  }
  IdTokenExpectations expect;
  expect.issuer = *issuer;
  expect.jwks_uri = jwks_uri;
  expect.client_id = client_id;
  expect.alg = o.signing_alg;
  if (o.signing_alg == "HS256") expect.hmac_secret = client_secret;
  expect.access_token = access_token;
  expect.now = s.now();
  expect.leeway_seconds = o.leeway_seconds;
  expect.timeouts = timeouts;
  expect.provider = dialect.slug;
  return expect;
}

Result<std::string> realIssuer(const Dialect& dialect, const ConnectionValues& params,
                               std::string_view id_token) {
  auto values = issuerValues(dialect, params, id_token);
  if (!values) return std::unexpected(values.error());
  return ProviderUrls().resolve(dialect, dialect.oidc->issuer, *values);
}

Result<std::optional<OidcLink>> checkExchangeIdToken(Services& s, const Dialect& dialect,
                                                     const std::vector<std::string>& scopes,
                                                     const ConnectionValues& params,
                                                     const std::string& client_id,
                                                     const std::string& client_secret,
                                                     std::string_view flow_cookie,
                                                     const HttpResponse& token_answer,
                                                     const std::string& access_token) {
  if (!expectsIdToken(dialect, scopes)) return std::optional<OidcLink>();
  auto body = parseJsonObject(token_answer.body);
  const Json id_token = body ? body->value("id_token", Json()) : Json();
  if (!id_token.is_string() || id_token.get<std::string>().empty()) {
    return fail("invalid_id_token",
                "the token answer carries no id_token although the flow is OpenID Connect "
                "(OIDC Core §3.1.3.3)");
  }
  auto real_issuer = realIssuer(dialect, params, id_token.get<std::string>());
  if (!real_issuer) return std::unexpected(real_issuer.error());
  auto expect = oidcExpectations(s, dialect, params, client_id, client_secret, access_token,
                                 id_token.get<std::string>());
  if (!expect) return std::unexpected(expect.error());
  expect->nonce = oidcNonce(flow_cookie);
  auto valid = validateIdToken(id_token.get<std::string>(), *expect, *s.jwks);
  if (!valid) return std::unexpected(valid.error());
  return std::optional<OidcLink>(
      OidcLink{id_token.get<std::string>(), valid->claims, *real_issuer + " " + valid->subject});
}

std::optional<std::string> subjectWithoutIdToken(const Dialect& dialect,
                                                 const ConnectionValues& params,
                                                 const Json& properties) {
  const AccountSource& a = dialect.account;
  if (!dialect.oidc || a.from != AccountFrom::kOidc || a.subject_field.empty()) {
    return std::nullopt;
  }
  AccountSource one{a.subject_from, {a.subject_field}, {}, AccountFrom::kNone, ""};
  auto value = accountFromFields(one, properties);
  auto issuer = realIssuer(dialect, params, "");
  if (!value || !issuer) return std::nullopt;
  return *issuer + " " + *value;
}

}  // namespace linkgate::gateway
