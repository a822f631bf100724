// Which provider account a credential stands for (SPEC §3: importing the same provider account
// again updates the same credential). Flow, import and refresh all key credentials this way.
#pragma once
#include <optional>
#include <string>

#include "core/json.h"

namespace linkgate::gateway {

// "id:<provider_account_id>" when the integrator names the account; otherwise the credential's
// own tokens: "rt:<refresh token>", else "at:<access token>". The result is sealed at rest and
// looked up by hash only.
std::string credentialIdentity(const Json& properties,
                               const std::optional<std::string>& provider_account_id);

// The provider account id of an "id:" identity (the first-class provider_account_id of the
// API answers), nullopt for identities that follow the tokens.
std::optional<std::string> providerAccountId(const std::string& identity);

// True for identities that follow the tokens (and so must follow a refresh that rotates them).
bool identityFollowsTokens(const std::string& identity);

}  // namespace linkgate::gateway
