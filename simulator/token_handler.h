// The token endpoint: the authorization_code grant (RFC 6749 §4.1.3) and the refresh grant
// (§6, at the token URL or the profile's separate refresh URL), strictly per profile.
#pragma once
#include <string_view>

#include "simulator/oidc_id_token.h"
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

// True when a request at a token or refresh URL is a refresh grant (the refresh URL always
// is; the token URL when grant_type is the profile's refresh grant type).
bool isRefreshRequest(const RouteMatch& match, const web::Request& request);

// Answers a token-endpoint request. force_invalid_grant (a fault) fails a well-formed,
// authenticated request with invalid_grant and changes nothing. id_token_fault (a fault)
// makes the answer's id_token a wrong one (oidc_id_token.h).
web::Response handleToken(const SimContext& ctx, const RouteMatch& match,
                          const web::Request& request, bool force_invalid_grant,
                          IdTokenFault id_token_fault = IdTokenFault::kNone);

}  // namespace linkgate::sim
