// Reading the `tolerate` blocks and `authorize.open_scopes` of a profile
// (fixtures/providers/README.md, "Tolerances"): what the real provider accepts beyond its
// documented form, each with its evidence. Used by profile_loader.cc; throws LoadError.
#pragma once
#include <string>

#include "core/json.h"
#include "simulator/profile.h"

namespace linkgate::sim {

AuthorizeTolerance readAuthorizeTolerance(const Json& j, const std::string& path);
OpenScopes readOpenScopes(const Json& j, const std::string& path);
TokenTolerance readTokenTolerance(const Json& j, const std::string& path);
ApiTolerance readApiTolerance(const Json& j, const std::string& path);
// Refusal text naming the rule that tripped: `rule: what — why; see recipe`. `tolerated`: the
// real provider accepts it and only --strict-docs refuses it.
std::string ruleRefusal(const std::string& rule, const std::string& what, bool tolerated,
                        bool strict_docs);
// The tolerance and open-scope facts as GET /_sim/providers/{slug} and --recipes show them.
Json toleranceJson(const Profile& p);

}  // namespace linkgate::sim
