// Discovery, JWKS, userinfo, key rotation.
#include "simulator/oidc_handler.h"

#include "core/ascii.h"
#include "core/params.h"
#include "simulator/oauth_response.h"
#include "simulator/template.h"

namespace linkgate::sim {
namespace {

web::Response jsonAnswer(int status, const Json& body) {
  web::Response r = web::Response::json(status, body);
  r.setHeader("Cache-Control", "no-store");
  return r;
}

web::Response oidcError(int status, const std::string& error, const std::string& description) {
  return jsonAnswer(status, Json{{"error", error}, {"error_description", description}});
}

std::string mappedUrl(const std::string& base, const Provider& p, const EndpointPattern& e,
                      const std::map<std::string, std::string>& params) {
  std::map<std::string, std::string> values;
  for (const auto& [name, spec] : p.profile.params) values[name] = spec.example;
  for (const auto& [name, value] : params) values[name] = value;
  std::string url = base + "/" + p.profile.slug + "/" + e.fill(values);
  if (!e.fixedQuery().empty()) {
    Params q;
    for (const auto& [k, v] : e.fixedQuery()) q.add(k, v);
    url += "?" + q.toQuery();
  }
  return url;
}

std::optional<std::string> bearer(const web::Request& request) {
  auto value = request.header("authorization");
  if (!value || value->size() <= 7) return std::nullopt;
  if (lowerAscii(value->substr(0, 7)) != "bearer ") return std::nullopt;
  return value->substr(7);
}

}  // namespace

std::string requestBase(const web::Request& request) {
  return "http://" + request.header("host").value_or("127.0.0.1");
}

web::Response handleDiscovery(const RouteMatch& m, const web::Request& request) {
  if (request.method != "GET") return oidcError(405, "invalid_request", "use GET");
  const Provider& p = *m.provider;
  const Profile& prof = p.profile;
  std::string base = requestBase(request);
  Json auth_methods = Json::array();
  for (ClientAuth a : prof.token.client_auth) auth_methods.push_back(wireName(a));
  Json claims = Json::array({"iss", "sub", "aud", "exp", "iat", "nonce", "at_hash"});
  if (prof.oidc->auth_time) claims.push_back("auth_time");
  for (const auto& [name, value] : prof.oidc->claims.items()) claims.push_back(name);
  Json grants = Json::array({"authorization_code", prof.refresh.grant_type});
  Json doc{{"issuer", mappedIssuer(base, p, m.params)},
           {"authorization_endpoint", mappedUrl(base, p, p.authorize, m.params)},
           {"token_endpoint", mappedUrl(base, p, p.token, m.params)},
           {"jwks_uri", mappedUrl(base, p, p.oidc->jwks, m.params)},
           {"response_types_supported", Json::array({prof.authorize.response_type.empty()
                                                         ? "code"
                                                         : prof.authorize.response_type})},
           {"response_modes_supported", Json::array({"query"})},
           {"grant_types_supported", grants},
           {"subject_types_supported", Json::array({prof.oidc->subject_type})},
           {"id_token_signing_alg_values_supported", Json::array({prof.oidc->signing_alg})},
           {"scopes_supported", prof.authorize.scopes},
           {"token_endpoint_auth_methods_supported", auth_methods},
           {"claims_supported", claims}};
  if (p.oidc->userinfo) {
    doc["userinfo_endpoint"] = mappedUrl(base, p, *p.oidc->userinfo, m.params);
  }
  if (prof.authorize.pkce != PkceMode::kNotSupported) {
    doc["code_challenge_methods_supported"] = Json::array({"S256", "plain"});
  }
  if (prof.authorize.send_iss) doc["authorization_response_iss_parameter_supported"] = true;
  return jsonAnswer(200, doc);
}

web::Response handleJwks(const SimContext& ctx, OidcKeyRing& keys, const RouteMatch& m,
                         const web::Request& request) {
  if (request.method != "GET") return oidcError(405, "invalid_request", "use GET");
  auto jwks = keys.jwks(m.provider->profile.slug, ctx.clock.now());
  if (!jwks) return oidcError(500, "server_error", "no signing key");
  return jsonAnswer(200, *jwks);
}

web::Response handleUserinfo(const SimContext& ctx, const RouteMatch& m,
                             const web::Request& request) {
  const Profile& p = m.provider->profile;
  auto refuse = [](const std::string& why) {
    web::Response r = oidcError(401, "invalid_token", why);
    r.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");  // RFC 6750 §3
    return r;
  };
  if (request.method != "GET" && request.method != "POST") {
    return oidcError(405, "invalid_request", "use GET or POST");
  }
  auto token = bearer(request);
  if (!token) return refuse("no access token presented as Authorization: Bearer");
  TimePoint now = ctx.clock.now();
  auto record = ctx.grants.findAccessToken(*token);
  if (!record || record->provider != p.slug) return refuse("unknown access token");
  if (!record->validAt(now)) return refuse("access token expired or revoked");
  if (!wantsIdToken(p, record->scopes, false)) {
    web::Response r = oidcError(403, "insufficient_scope", "the grant does not include openid");
    r.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"openid\"");
    return r;
  }
  Behaviour b = ctx.behaviours.effective(p);
  const User* user = p.findUser(record->user_id);
  TemplateValues values = baseValues(now, record->client_id, record->params, user,
                                     record->scopes, b.scope_separator);
  Json body = renderTemplate(p.oidc->claims, values);
  if (!body.is_object()) body = Json::object();
  body["sub"] = renderText(p.oidc->sub, values);
  return jsonAnswer(200, body);
}

std::optional<web::Response> handleKeysControl(const Router& router, OidcKeyRing& keys,
                                               const Clock& clock, const web::Request& request) {
  const std::string prefix = "/_sim/providers/";
  if (!request.path.starts_with(prefix)) return std::nullopt;
  std::string rest = request.path.substr(prefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string slug = rest.substr(0, slash);
  std::string what = rest.substr(slash + 1);
  if (what != "keys" && what != "keys/rotate") return std::nullopt;
  const Provider* p = router.find(slug);
  if (!p) return oidcError(404, "not_found", "unknown provider " + slug);
  if (!p->oidc) return oidcError(404, "not_found", slug + " does not speak OpenID Connect");
  if (what == "keys") {
    if (request.method != "GET") return oidcError(405, "invalid_request", "use GET");
    auto current = keys.current(slug);
    auto jwks = keys.jwks(slug, clock.now());
    if (!current || !jwks) return oidcError(500, "server_error", "no signing key");
    std::map<std::string, std::string> examples;
    for (const auto& [name, spec] : p->profile.params) examples[name] = spec.example;
    const std::string issuer = mappedIssuer(requestBase(request), *p, examples);
    // Where the discovery document is: the examples' issuer (for Microsoft `common` the
    // document then names the templated issuer above).
    const std::string at = requestBase(request) + "/" + slug + "/" + p->oidc->issuer.fill(examples);
    return jsonAnswer(200, Json{{"current_kid", current->kid},
                                {"keys", (*jwks)["keys"]},
                                {"issuer", issuer},
                                {"discovery_url", discoveryUrl(at)},
                                {"id_token_on_refresh", p->profile.oidc->on_refresh},
                                {"signing_alg", p->profile.oidc->signing_alg}});
  }
  if (request.method != "POST") return oidcError(405, "invalid_request", "use POST");
  int64_t grace = 3600;
  if (!request.body.empty()) {
    auto body = parseJsonObject(request.body);
    if (!body) return oidcError(400, "invalid_request", "body must be a JSON object");
    for (const auto& [key, value] : body->items()) {
      if (key != "grace_seconds") return oidcError(400, "invalid_request", "unknown field " + key);
      if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
          value.get<int64_t>() > 2592000) {
        return oidcError(400, "invalid_request", "grace_seconds: integer 0..2592000");
      }
      grace = value.get<int64_t>();
    }
  }
  auto fresh = keys.rotate(slug, clock.now(), grace);
  if (!fresh) return oidcError(500, "server_error", "no signing key");
  auto jwks = keys.jwks(slug, clock.now());
  return jsonAnswer(200, Json{{"current_kid", fresh->kid},
                              {"grace_seconds", grace},
                              {"keys", jwks ? (*jwks)["keys"] : Json::array()}});
}

}  // namespace linkgate::sim
