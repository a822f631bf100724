// Compiling the OIDC endpoint URLs of a profile.
#include "simulator/oidc_routes.h"

namespace linkgate::sim {

Result<std::optional<OidcPatterns>> compileOidcPatterns(const Profile& profile) {
  if (!profile.oidc) return std::optional<OidcPatterns>();
  const OidcSpec& o = *profile.oidc;
  auto compile = [&](const std::string& url) -> Result<EndpointPattern> {
    auto p = EndpointPattern::compile(url, profile.params);
    if (!p) return fail("bad_profile", profile.file + ": oidc: " + p.error().message);
    return p;
  };
  auto issuer = compile(o.issuer);
  if (!issuer) return std::unexpected(issuer.error());
  auto discovery = compile(discoveryUrl(o.issuer));
  if (!discovery) return std::unexpected(discovery.error());
  auto jwks = compile(o.jwks_uri);
  if (!jwks) return std::unexpected(jwks.error());
  std::optional<EndpointPattern> userinfo;
  if (o.userinfo) {
    auto u = compile(*o.userinfo);
    if (!u) return std::unexpected(u.error());
    userinfo = std::move(*u);
  }
  return std::optional<OidcPatterns>(
      OidcPatterns{std::move(*issuer), std::move(*discovery), std::move(*jwks), std::move(userinfo)});
}

}  // namespace linkgate::sim
