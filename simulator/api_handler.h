// The resource endpoint GET /{slug}/api/me: the user's identity for a valid access token
// presented the way the provider expects (api.token_in), else the profile's api.error.
#pragma once
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

web::Response handleApiMe(const SimContext& ctx, const RouteMatch& match,
                          const web::Request& request);

}  // namespace linkgate::sim
