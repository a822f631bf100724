// The OpenID Connect endpoints of a profile with an `oidc` block, compiled like its OAuth
// endpoints (URL mapping rule): discovery at issuer + /.well-known/openid-configuration,
// the JWKS, and userinfo. SPEC §8.
#pragma once
#include <optional>
#include <string>

#include "core/error.h"
#include "simulator/endpoint_pattern.h"
#include "simulator/profile.h"

namespace linkgate::sim {

inline constexpr std::string_view kDiscoverySuffix = "/.well-known/openid-configuration";
// OpenID Connect Discovery 1.0 §4.1: a terminating / of the issuer is removed before the suffix.
inline std::string discoveryUrl(std::string issuer) {
  if (issuer.ends_with('/')) issuer.pop_back();
  return issuer + std::string(kDiscoverySuffix);
}

struct OidcPatterns {
  EndpointPattern issuer;
  EndpointPattern discovery;
  EndpointPattern jwks;
  std::optional<EndpointPattern> userinfo;
};

// nullopt for a profile without `oidc`; fails "bad_profile" naming the file on a bad URL.
Result<std::optional<OidcPatterns>> compileOidcPatterns(const Profile& profile);

}  // namespace linkgate::sim
