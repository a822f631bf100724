// A recipe per profile (issue 9 item 5): how to configure an OAuth2 client library for the
// provider — URLs, client authentication, body encoding, required extra parameters, PKCE, where
// the token sits in the answer, refresh rules, tolerances and known deviations — derived from
// the profile alone. Served by GET /_sim/providers/{slug}; `simulator --recipes` prints Markdown.
#pragma once
#include <string>
#include <vector>

#include "core/json.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// `base` is the simulator's base URL ("http://127.0.0.1:9100"), or "{base}" for a template.
Json recipeJson(const Profile& profile, const std::string& base);
std::string recipeMarkdown(const Profile& profile, const std::string& base);
std::string recipesMarkdown(const std::vector<Profile>& profiles);

}  // namespace linkgate::sim
