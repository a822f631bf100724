// The OpenID Connect endpoints of a provider (SPEC §8): the discovery document (OpenID Connect
// Discovery 1.0 §3), the JWKS (RFC 7517 §5) and userinfo (OIDC Core §5.3), plus the control
// action that rotates a provider's signing key.
#pragma once
#include <string>

#include "simulator/oidc_id_token.h"
#include "simulator/oidc_keys.h"
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

// "http://" + the request's Host: the base the answer's URLs are mapped on.
std::string requestBase(const web::Request& request);

// GET {mapped issuer}/.well-known/openid-configuration; every URL mapped on the request's base
// with the params the request matched (a Microsoft {tenant} stays the requested one).
web::Response handleDiscovery(const RouteMatch& match, const web::Request& request);
// GET jwks_uri: {"keys":[current, retired keys within their grace period]}.
web::Response handleJwks(const SimContext& ctx, OidcKeyRing& keys, const RouteMatch& match,
                         const web::Request& request);
// GET/POST userinfo with an access token as Bearer (RFC 6750 §2.1) whose grant included
// openid (or any, for providers that always issue id_tokens): {"sub", ...claims}; else 401
// with WWW-Authenticate (RFC 6750 §3).
web::Response handleUserinfo(const SimContext& ctx, const RouteMatch& match,
                             const web::Request& request);

// /_sim/providers/{slug}/keys (GET: the JWKS, the current kid, and the mapped issuer and
// discovery URL for the params' examples) and
// /_sim/providers/{slug}/keys/rotate (POST {"grace_seconds"?: 0..2592000, default 3600}: a new
// signing key; the old one stays in the JWKS for the grace period). nullopt when the path is
// none of these.
std::optional<web::Response> handleKeysControl(const Router& router, OidcKeyRing& keys,
                                               const Clock& clock, const web::Request& request);

}  // namespace linkgate::sim
