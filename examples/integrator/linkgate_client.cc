// The integrator's Linkgate calls (see linkgate_client.h).
#include "examples/integrator/linkgate_client.h"

#include "core/percent.h"

namespace linkgate::example {

LinkgateClient::LinkgateClient(HttpClient& http, std::string gateway_url, std::string api_key)
    : http_(http), gateway_url_(std::move(gateway_url)), api_key_(std::move(api_key)) {
  while (!gateway_url_.empty() && gateway_url_.back() == '/') gateway_url_.pop_back();
}

Result<Json> LinkgateClient::call(const std::string& method, const std::string& path,
                                  const Json* body, bool with_key) {
  HttpRequest request;
  request.method = method;
  request.url = gateway_url_ + path;
  request.headers.emplace_back("Accept", "application/json");
  if (with_key) request.headers.emplace_back("Authorization", "Bearer " + api_key_);
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = dumpJson(*body);
  }
  auto response = http_.send(request);
  if (!response) {
    return fail("gateway_unreachable", method + " " + path + ": " + response.error().message);
  }
  auto json = parseJson(response->body);
  if (response->status / 100 != 2) {
    std::string what = "HTTP " + std::to_string(response->status);
    if (json && json->is_object()) {
      what = json->value("error", what);
      if (json->contains("error_description") && (*json)["error_description"].is_string()) {
        what += ": " + (*json)["error_description"].get<std::string>();
      }
    }
    return fail("gateway_error", what);
  }
  if (!json) return fail("gateway_error", method + " " + path + ": the answer is not JSON");
  return *json;
}

Result<std::vector<ProviderInfo>> LinkgateClient::providers() {
  auto json = call("GET", "/v1/providers", nullptr);
  if (!json) return std::unexpected(json.error());
  const Json* list = jsonAt(*json, "data");
  if (list == nullptr || !list->is_array()) {
    return fail("gateway_error", "GET /v1/providers: no provider list");
  }
  std::vector<ProviderInfo> out;
  for (const Json& p : *list) {
    if (!p.is_object() || !p.contains("slug")) continue;
    ProviderInfo info{p.value("slug", ""), p.value("display_name", p.value("slug", "")), {}};
    if (auto params = p.find("connection_params"); params != p.end() && params->is_array()) {
      for (const Json& c : *params) {
        // Values the provider reports at the callback (Sentry's installation) are not asked.
        if (!c.is_object() || c.contains("from_callback")) continue;
        info.connection_params.push_back(
            {c.value("name", ""), c.value("pattern", ""), c.value("example", "")});
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<AppInfo>> LinkgateClient::apps() {
  auto json = call("GET", "/v1/oauth-apps?truncate_secrets=false", nullptr);
  if (!json) return std::unexpected(json.error());
  const Json* list = jsonAt(*json, "data");
  if (list == nullptr || !list->is_array()) {
    return fail("gateway_error", "GET /v1/oauth-apps: no app list");
  }
  std::vector<AppInfo> out;
  for (const Json& a : *list) {
    if (!a.is_object()) continue;
    out.push_back({a.value("id", ""), a.value("provider", ""), a.value("client_secret", ""),
                   a.value("name", "")});
  }
  return out;
}

Result<std::string> LinkgateClient::startAuth(const std::string& app_id,
                                              const std::string& redirect_uri, const Json& state,
                                              const Json& connection_params) {
  Json body{{"oauth_app_id", app_id}, {"redirect_uri", redirect_uri}, {"state", state}};
  if (!connection_params.empty()) body["connection_params"] = connection_params;
  auto json = call("POST", "/v1/credentials/start-auth", &body);
  if (!json) return std::unexpected(json.error());
  if (!json->contains("start_url") || !(*json)["start_url"].is_string()) {
    return fail("gateway_error", "start-auth answered no start_url");
  }
  return (*json)["start_url"].get<std::string>();
}

Result<Json> LinkgateClient::exchangeCode(const std::string& code, const AppInfo& app) {
  // SPEC §3: the gateway app id and the provider client secret registered for it.
  Json body{{"code", code}, {"client_id", app.id}, {"client_secret", app.client_secret}};
  return call("POST", "/link/oauth2/token", &body, /*with_key=*/false);
}

Result<Json> LinkgateClient::credential(const std::string& id) {
  return call("GET", "/v1/credentials/" + percentEncode(id), nullptr);
}

Result<std::string> LinkgateClient::accessToken(const std::string& id) {
  auto json = call("GET", "/v1/credentials/" + percentEncode(id) + "/access-token", nullptr);
  if (!json) return std::unexpected(json.error());
  if (!json->contains("access_token") || !(*json)["access_token"].is_string()) {
    return fail("gateway_error", "access-token answered no access_token");
  }
  return (*json)["access_token"].get<std::string>();
}

}  // namespace linkgate::example
