// The URL mapping rule: a real provider URL https://HOST/PATH is served at /{slug}/HOST/PATH;
// plus /{slug}/_consent (the consent form) and /{slug}/api/me (the resource endpoint). The
// profile's api.resources are real URLs too, mapped by the same rule.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "simulator/endpoint_pattern.h"
#include "simulator/oidc_routes.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// A loaded profile with its compiled endpoint patterns.
struct Provider {
  Profile profile;
  EndpointPattern authorize;
  EndpointPattern token;
  std::optional<EndpointPattern> refresh;
  std::optional<EndpointPattern> exchange, renew;  // long_lived calls with their own URL
  std::vector<EndpointPattern> resources;  // parallel to profile.api.resources
  std::optional<OidcPatterns> oidc;        // profile.oidc set
};

enum class Route { kAuthorize, kConsent, kToken, kRefreshUrl, kExchangeUrl, kRenewUrl, kApiMe,
                   kResource, kDiscovery, kJwks, kUserinfo, kUnknownPath };

struct RouteMatch {
  const Provider* provider = nullptr;
  Route route = Route::kUnknownPath;
  std::map<std::string, std::string> params;  // template params matched from the host/path
  const EndpointPattern* pattern = nullptr;   // for kAuthorize, kToken, kRefreshUrl, kResource
  size_t resource = 0;                        // kResource: index into profile.api.resources
};

class Router {
 public:
  // Compiles every profile's endpoints; fails on a duplicate slug or a bad URL template.
  static Result<Router> build(std::vector<Profile> profiles);

  // nullopt when the first path segment is no known provider (or the path has none).
  // `method` only decides a path that is both the authorize and the token URL (Egnyte's
  // /puboauth/token): a GET the token endpoint does not take is the authorization request.
  std::optional<RouteMatch> match(std::string_view path, std::string_view method = {}) const;
  const Provider* find(std::string_view slug) const;
  const std::vector<std::unique_ptr<Provider>>& providers() const { return providers_; }

  // The simulator URL of an endpoint for base "http://host:port", params from the examples.
  static std::string exampleUrl(const std::string& base, const Provider& p,
                                const EndpointPattern& e);
  static std::string apiMeUrl(const std::string& base, const Provider& p);
  // Resource i's simulator URL; a token path segment stays "{access_token}".
  static std::string resourceUrl(const std::string& base, const Provider& p, size_t i);

 private:
  std::vector<std::unique_ptr<Provider>> providers_;  // stable addresses
  std::map<std::string, const Provider*, std::less<>> by_slug_;
};

}  // namespace linkgate::sim
