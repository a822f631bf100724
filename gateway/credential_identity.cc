// credentialIdentity: the import idempotency key.
#include "gateway/credential_identity.h"

namespace linkgate::gateway {

std::string credentialIdentity(const Json& properties,
                               const std::optional<std::string>& provider_account_id) {
  if (provider_account_id) return "id:" + *provider_account_id;
  auto token = [&](const char* name) -> std::string {
    auto it = properties.find(name);
    return it != properties.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (std::string rt = token("refresh_token"); !rt.empty()) return "rt:" + rt;
  return "at:" + token("access_token");
}

std::optional<std::string> providerAccountId(const std::string& identity) {
  if (!identity.starts_with("id:")) return std::nullopt;
  return identity.substr(3);
}

bool identityFollowsTokens(const std::string& identity) { return !identity.starts_with("id:"); }

}  // namespace linkgate::gateway
