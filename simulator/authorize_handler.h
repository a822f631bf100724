// The authorization endpoint (RFC 6749 §4.1.1) and the consent form's POST target.
#pragma once
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

// GET authorize: validates client, redirect_uri (never redirects before both are verified),
// response_type, required params, scopes and PKCE; answers the consent page, or with
// auto-approve the callback redirect. deny_consent (a fault) ends with access_denied.
web::Response handleAuthorize(const SimContext& ctx, const RouteMatch& match,
                              const web::Request& request, bool deny_consent);

// POST /{slug}/_consent with form fields consent, user, decision: 302 to the client with a
// code (approve) or error=access_denied (deny). A consent id is single use.
web::Response handleConsent(const SimContext& ctx, const RouteMatch& match,
                            const web::Request& request);

// The `iss` value of a provider (RFC 9207): the profile's issuer or the authorize URL's origin.
std::string issuerOf(const Provider& provider, const std::map<std::string, std::string>& params);

// uri with params appended to its query (before any fragment).
std::string appendQuery(const std::string& uri, const std::string& encoded_params);

}  // namespace linkgate::sim
