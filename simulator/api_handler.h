// The resource endpoints: GET /{slug}/api/me (the user's identity) and the profile's
// api.resources (the provider calls that say which account / tenant / site was linked). Both
// answer for a valid access token presented the way the profile says, else with api.error.
#pragma once
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

web::Response handleApiMe(const SimContext& ctx, const RouteMatch& match,
                          const web::Request& request);
// match.route is kResource: api.resources[match.resource] rendered for the token's user.
web::Response handleResource(const SimContext& ctx, const RouteMatch& match,
                             const web::Request& request);

}  // namespace linkgate::sim
