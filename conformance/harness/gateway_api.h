// Client of the gateway's integrator API (SPEC §3): management under /v1 with the API key, and
// the token endpoint. Answers are returned raw where a check judges them.
#pragma once
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/harness/gateway_routes.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::conformance {

struct ConnectionParam {
  std::string name;
  std::string pattern;
  std::string example;
  std::string from_callback = {};  // reported by the provider in the callback, not sent to /start
};

struct GatewayProvider {
  std::string slug;
  std::string display_name;
  std::vector<ConnectionParam> connection_params;
  std::vector<ConnectionParam> app_params;  // set in the OAuth app's metadata
  Json raw;
};

struct RegisteredUri {
  std::string id;
  std::string uri;
};

// How a token request presents the client (SPEC §3: JSON or form body, or HTTP Basic).
enum class ClientAuthStyle { kJsonBody, kFormBody, kBasic };

struct TokenRequest {
  std::string code = {};
  std::string client_id = {};
  std::string client_secret = {};
  std::optional<std::string> code_verifier = std::nullopt;
  ClientAuthStyle style = ClientAuthStyle::kJsonBody;
};

// Every management call goes through GatewayRoutes (the adapter, gateway_routes.h); the OAuth
// apps and redirect URIs created through it are remembered until deleted, so a run can remove
// what it made (World::tearDown).
class GatewayApi {
 public:
  GatewayApi(HttpClient& http, std::string base_url, std::string api_key,
             GatewayRoutes routes = GatewayRoutes::linkgate());

  const std::string& baseUrl() const { return base_url_; }
  const std::string& apiKey() const { return api_key_; }
  Result<std::vector<GatewayProvider>> providers();
  // POST /v1/oauth-apps; the new app's id.
  Result<std::string> createApp(const std::string& provider, const std::string& client_id,
                                const std::string& client_secret, const std::string& name,
                                const Json& metadata = Json::object());
  Status deleteApp(const std::string& id);
  // POST /v1/redirect-uris, answer as is (the registration check judges the status).
  Result<HttpResponse> postRedirectUri(const std::string& uri);
  // SPEC §3 does not name the body field of POST /v1/redirect-uris: registers `uri` trying
  // "uri", "url", "redirect_uri" in turn and keeps the first the gateway takes. Returns the id.
  Result<std::string> registerDetectingField(const std::string& uri);
  const std::string& uriField() const { return uri_field_; }
  // POST and require 201; the id.
  Result<std::string> registerRedirectUri(const std::string& uri);
  Status deleteRedirectUri(const std::string& id);
  Result<std::vector<RegisteredUri>> listRedirectUris();
  // POST /link/oauth2/token.
  Result<HttpResponse> token(const TokenRequest& request);
  Result<HttpResponse> refreshCredential(const std::string& credential_id);
  Result<HttpResponse> credential(const std::string& credential_id, bool unmasked);
  // Any /v1 call with the API key (JSON body when given), answer as is.
  Result<HttpResponse> request(const std::string& method, const std::string& path,
                               const std::optional<Json>& body = std::nullopt) {
    return call(method, path, body);
  }
  // Ids of the apps / redirect URIs / start links (the `id` of a start-auth answer, C-1.1.14)
  // created through this client and not deleted since.
  std::set<std::string> createdApps() const;
  std::set<std::string> createdRedirectUris() const;
  std::set<std::string> createdStartLinks() const;
  const GatewayRoutes& routes() const { return routes_; }

 private:
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::optional<Json>& body = std::nullopt);

  HttpClient& http_;
  std::string base_url_;
  std::string api_key_;
  std::string uri_field_ = "uri";
  GatewayRoutes routes_;
  mutable std::mutex mu_;
  std::set<std::string> created_apps_;
  std::set<std::string> created_uris_;
  std::set<std::string> created_links_;
};

// The redirect URI in an answer of /v1/redirect-uris ("uri", "url" or "redirect_uri").
std::string uriOf(const Json& item);

}  // namespace linkgate::conformance
