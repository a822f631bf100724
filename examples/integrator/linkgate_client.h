// What an integrator's server calls at Linkgate (SPEC §3): the catalogue, its OAuth apps,
// start-auth, the code exchange and a credential's access token. All calls are server-side:
// the API key and the OAuth apps' client secrets never reach a browser. Blocking (libcurl).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::example {

struct ConnectionParam {
  std::string name;
  std::string pattern;
  std::string example;
};

struct ProviderInfo {
  std::string slug;
  std::string display_name;
  std::vector<ConnectionParam> connection_params;
};

struct AppInfo {
  std::string id;  // the gateway app id: client_id at POST /link/oauth2/token
  std::string provider;
  std::string client_secret;  // the provider client secret registered for the app
  std::string name;
};

class LinkgateClient {
 public:
  LinkgateClient(HttpClient& http, std::string gateway_url, std::string api_key);

  // GET /v1/providers
  Result<std::vector<ProviderInfo>> providers();
  // GET /v1/oauth-apps?truncate_secrets=false (the first app per provider is used).
  Result<std::vector<AppInfo>> apps();
  // POST /v1/credentials/start-auth → the single-use start_url.
  Result<std::string> startAuth(const std::string& app_id, const std::string& redirect_uri,
                                const Json& state, const Json& connection_params);
  // POST /link/oauth2/token → {"credential": {...}, "state"?}; a gateway error keeps its
  // error / error_description in the message ("invalid_grant: ...").
  Result<Json> exchangeCode(const std::string& code, const AppInfo& app);
  // GET /v1/credentials/{id} (secrets masked by the gateway).
  Result<Json> credential(const std::string& id);
  // GET /v1/credentials/{id}/access-token → the access token.
  Result<std::string> accessToken(const std::string& id);

 private:
  Result<Json> call(const std::string& method, const std::string& path, const Json* body,
                    bool with_key = true);

  HttpClient& http_;
  std::string gateway_url_;
  std::string api_key_;
};

}  // namespace linkgate::example
