// Reads a profile's `oidc` block strictly (fixtures/providers/README.md "oidc"). Called once
// from profile_loader.cc; errors are thrown as profile_fields::LoadError like every section.
#pragma once
#include "core/json.h"
#include "simulator/profile.h"
#include "simulator/template.h"

namespace linkgate::sim {

// Fills p.oidc from j. `claim_rules` are api.me's placeholder rules (user fields, params,
// scope, client_id). Throws profile_fields::LoadError{field, reason}.
void readOidcSection(const Json& j, Profile& p, const PlaceholderRules& claim_rules);

}  // namespace linkgate::sim
