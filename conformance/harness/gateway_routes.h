// The adapter between the suite and a gateway's management API. The suite needs these
// operations of any gateway (docs/CONTRACT.md C-4), each one HTTP route:
//
//   providers             GET    /v1/providers                     the catalogue
//   create_app            POST   /v1/oauth-apps                    {provider, client_id, client_secret, name, metadata?}
//   list_apps             GET    /v1/oauth-apps
//   read_app              GET    /v1/oauth-apps/{id}
//   update_app            PATCH  /v1/oauth-apps/{id}
//   delete_app            DELETE /v1/oauth-apps/{id}
//   register_redirect_uri POST   /v1/redirect-uris                 {uri}
//   list_redirect_uris    GET    /v1/redirect-uris
//   delete_redirect_uri   DELETE /v1/redirect-uris/{id}
//   start_link            POST   /v1/credentials/start-auth        {oauth_app_id, redirect_uri, state?}
//   list_start_links      GET    /v1/start-links                   (C-1.1.14)
//   read_start_link       GET    /v1/start-links/{id}
//   delete_start_link     DELETE /v1/start-links/{id}
//   import_credential     POST   /v1/credentials                   {oauth_app_id, properties}
//   list_credentials      GET    /v1/credentials
//   export_credentials    GET    /v1/credentials/export            JSON lines
//   read_credential       GET    /v1/credentials/{id}
//   delete_credential     DELETE /v1/credentials/{id}
//   access_token          GET    /v1/credentials/{id}/access-token
//   refresh_credential    POST   /v1/credentials/{id}/refresh
//
// `--adapter linkgate` uses these routes as they are. `--adapter http-adapter:FILE` reads a JSON
// file mapping operation names to the other gateway's routes, e.g.
//   {"routes": {"create_app": "POST /api/apps", "delete_app": "DELETE /api/apps/{id}"},
//    "api_key_header": "X-Api-Key"}
// Operations the file does not name keep Linkgate's route. Request and answer bodies are the
// contract's (C-4); the browser routes and the token endpoint (C-1, C-3) are never mapped.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace linkgate::conformance {

struct Route {
  std::string method;
  std::string path;  // template, "{id}" for one path segment
};

class GatewayRoutes {
 public:
  static GatewayRoutes linkgate();
  // Linkgate's routes overridden by the mapping file's; fails with the problem (unknown
  // operation, a route without a method, a placeholder the Linkgate route lacks).
  static Result<GatewayRoutes> fromJson(const std::string& json_text);
  static Result<GatewayRoutes> fromFlag(const std::string& adapter_flag);  // --adapter value

  // Rewrites a request the suite makes with Linkgate's route ("DELETE", "/v1/oauth-apps/x?y=1")
  // to the gateway's. Paths no operation matches pass unchanged.
  Route map(const std::string& method, const std::string& path_and_query) const;
  // "Authorization" (with "Bearer KEY") unless the mapping names another header (raw KEY).
  const std::string& apiKeyHeader() const { return api_key_header_; }
  const std::string& name() const { return name_; }

 private:
  std::map<std::string, Route> routes_;  // operation -> this gateway's route
  std::string api_key_header_ = "Authorization";
  std::string name_ = "linkgate";
};

// The Linkgate route of every operation, in the order of the table above.
const std::vector<std::pair<std::string, Route>>& linkgateRoutes();

}  // namespace linkgate::conformance
