// The long_lived calls (fixtures/providers/README.md `long_lived`): trading a valid short-lived
// access token for a long-lived one, and renewing a long-lived one, as Instagram and Facebook
// do instead of a refresh-token grant (PROVIDERS.md D13, issue 13).
#pragma once
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

// The long_lived call a request to m is, or nullptr: its own URL (exchange, renew), or the
// token endpoint with the call's grant_type when the call has no URL of its own (Facebook).
const TokenTradeSpec* tradeFor(const RouteMatch& m, const web::Request& request);

// Answers one call strictly: method, exactly the documented parameters, the client named by
// the token and its secret where the call takes one, a valid token of the kind the call takes
// and old enough. A success issues a new long-lived access token (the presented one stays
// valid until it expires). Errors in the token endpoint's style.
web::Response handleTrade(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                          const TokenTradeSpec& spec);

}  // namespace linkgate::sim
