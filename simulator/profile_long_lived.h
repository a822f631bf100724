// Strict reading of the `long_lived` block (fixtures/providers/README.md): the calls that trade
// an access token for a long-lived one and renew it (Instagram, Facebook; issue 13). Used by
// profile_loader.cc only; errors are thrown as LoadError like the other fields.
#pragma once
#include <string>

#include "core/json.h"
#include "simulator/profile.h"
#include "simulator/template.h"

namespace linkgate::sim::profile_fields {

// Reads `long_lived` of profile p, whose endpoints, token and refresh are already read.
// token_rules are the token answer's placeholder rules.
LongLivedSpec readLongLived(const Json& j, const Profile& p, const PlaceholderRules& token_rules);

}  // namespace linkgate::sim::profile_fields
