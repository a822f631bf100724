// The id_token of a token-endpoint answer: the hook token_handler.cc calls after a grant is
// issued (SPEC §8). Kept apart so the token handler stays about OAuth.
#pragma once
#include <optional>
#include <string>

#include "simulator/grant_store.h"
#include "simulator/oidc_id_token.h"
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

// The id_token for the access token just issued, or nullopt when the profile issues none for
// this grant (no oidc block, openid not granted, a refresh where the provider sends none) or
// the context has no issuer.
std::optional<std::string> idTokenForAnswer(const SimContext& ctx, const RouteMatch& match,
                                            const web::Request& request,
                                            const TokenRecord& access, bool refresh,
                                            IdTokenFault fault);

}  // namespace linkgate::sim
