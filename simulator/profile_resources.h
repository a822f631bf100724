// Strict reading of api.resources (fixtures/providers/README.md): the provider calls an
// integrator must make with a new access token to learn what was linked (PROVIDERS.md D11).
// Used by profile_loader.cc only; errors are thrown as LoadError like the other fields.
#pragma once
#include <string>
#include <vector>

#include "core/json.h"
#include "simulator/profile.h"
#include "simulator/template.h"

namespace linkgate::sim::profile_fields {

// Reads the array at `path` ("api.resources") of profile p, whose params, users and endpoints
// are already read. me_rules are api.me's placeholder rules; bodies may also use the presented
// {access_token} and its remaining {expires_in}.
std::vector<ResourceSpec> readResources(const Json& j, const std::string& path, const Profile& p,
                                        const PlaceholderRules& me_rules);

}  // namespace linkgate::sim::profile_fields
