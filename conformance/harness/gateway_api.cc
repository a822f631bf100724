// HTTP calls to the gateway's /v1 management API and token endpoint.
#include "conformance/harness/gateway_api.h"

#include "core/base64.h"
#include "core/params.h"
#include "core/percent.h"

namespace linkgate::conformance {
namespace {

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string describe(const std::string& what, const HttpResponse& r) {
  return what + ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300);
}

}  // namespace

GatewayApi::GatewayApi(HttpClient& http, std::string base_url, std::string api_key,
                       GatewayRoutes routes)
    : http_(http),
      base_url_(std::move(base_url)),
      api_key_(std::move(api_key)),
      routes_(std::move(routes)) {}

Result<HttpResponse> GatewayApi::call(const std::string& method, const std::string& path,
                                      const std::optional<Json>& body) {
  const Route route = routes_.map(method, path);
  HttpRequest request;
  request.method = route.method;
  request.url = base_url_ + route.path;
  if (routes_.apiKeyHeader() == "Authorization") {
    request.headers.emplace_back("Authorization", "Bearer " + api_key_);
  } else {
    request.headers.emplace_back(routes_.apiKeyHeader(), api_key_);
  }
  request.headers.emplace_back("Accept", "application/json");
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = dumpJson(*body);
  }
  auto response = http_.send(request);
  if (!response) return response;
  // Remember what was created, forget what was deleted (by Linkgate route: the suite's view).
  const std::string bare = path.substr(0, path.find('?'));
  const bool apps = bare.starts_with("/v1/oauth-apps");
  const bool uris = bare.starts_with("/v1/redirect-uris");
  if ((apps || uris) && response->status >= 200 && response->status < 300) {
    std::lock_guard lock(mu_);
    std::set<std::string>& set = apps ? created_apps_ : created_uris_;
    const std::string collection = apps ? "/v1/oauth-apps" : "/v1/redirect-uris";
    if (method == "POST" && bare == collection) {
      if (auto json = parseJsonObject(response->body)) {
        if (auto id = jsonString(*json, "id")) set.insert(*id);
      }
    } else if (method == "DELETE" && bare.starts_with(collection + "/")) {
      set.erase(percentDecode(bare.substr(collection.size() + 1)).value_or(""));
    }
  }
  // Start links (C-1.1.14): made by start-auth, removed by DELETE /v1/start-links/{id}.
  if (response->status >= 200 && response->status < 300) {
    if (method == "POST" && bare == "/v1/credentials/start-auth") {
      if (auto json = parseJsonObject(response->body)) {
        if (auto id = jsonString(*json, "id")) {
          std::lock_guard lock(mu_);
          created_links_.insert(*id);
        }
      }
    } else if (method == "DELETE" && bare.starts_with("/v1/start-links/")) {
      std::lock_guard lock(mu_);
      created_links_.erase(percentDecode(bare.substr(16)).value_or(""));
    }
  }
  return response;
}

std::set<std::string> GatewayApi::createdStartLinks() const {
  std::lock_guard lock(mu_);
  return created_links_;
}

std::set<std::string> GatewayApi::createdApps() const {
  std::lock_guard lock(mu_);
  return created_apps_;
}

std::set<std::string> GatewayApi::createdRedirectUris() const {
  std::lock_guard lock(mu_);
  return created_uris_;
}

Result<std::vector<GatewayProvider>> GatewayApi::providers() {
  auto response = call("GET", "/v1/providers");
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return fail("gateway", describe("GET /v1/providers", *response));
  auto json = parseJson(response->body);
  if (!json) return std::unexpected(json.error());
  const Json* list = json->is_array() ? &*json : jsonAt(*json, "providers");
  if (list == nullptr && json->is_object()) list = jsonAt(*json, "data");
  if (list == nullptr || !list->is_array()) {
    return fail("gateway", "GET /v1/providers: no 'providers' (or 'data') array");
  }
  std::vector<GatewayProvider> out;
  for (const Json& p : *list) {
    if (!p.is_object()) continue;
    GatewayProvider gp;
    gp.slug = str(p, "slug");
    gp.display_name = str(p, "display_name");
    for (auto [field, out] : {std::pair{"connection_params", &gp.connection_params},
                              std::pair{"app_params", &gp.app_params}}) {
      if (auto params = p.find(field); params != p.end() && params->is_array()) {
        for (const Json& c : *params) {
          out->push_back({str(c, "name"), str(c, "pattern"), str(c, "example"),
                          str(c, "from_callback")});
        }
      }
    }
    gp.raw = p;
    if (!gp.slug.empty()) out.push_back(std::move(gp));
  }
  return out;
}

Result<std::string> GatewayApi::createApp(const std::string& provider, const std::string& client_id,
                                          const std::string& client_secret,
                                          const std::string& name, const Json& metadata) {
  Json body = {{"provider", provider},
               {"client_id", client_id},
               {"client_secret", client_secret},
               {"name", name}};
  if (!metadata.empty()) body["metadata"] = metadata;
  auto response = call("POST", "/v1/oauth-apps", body);
  if (!response) return std::unexpected(response.error());
  if (response->status != 201 && response->status != 200) {
    return fail("gateway", describe("POST /v1/oauth-apps", *response));
  }
  auto json = parseJsonObject(response->body);
  if (!json) return std::unexpected(json.error());
  const std::string id = str(*json, "id");
  if (id.empty()) return fail("gateway", "POST /v1/oauth-apps: no id in the answer");
  return id;
}

Status GatewayApi::deleteApp(const std::string& id) {
  auto response = call("DELETE", "/v1/oauth-apps/" + percentEncode(id));
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return fail("gateway", describe("DELETE oauth-app", *response));
  return {};
}

std::string uriOf(const Json& item) {
  for (const char* key : {"uri", "url", "redirect_uri"}) {
    if (auto value = jsonString(item, key)) return *value;
  }
  return {};
}

Result<HttpResponse> GatewayApi::postRedirectUri(const std::string& uri) {
  return call("POST", "/v1/redirect-uris", Json{{uri_field_, uri}});
}

Result<std::string> GatewayApi::registerDetectingField(const std::string& uri) {
  std::string answers;
  for (const char* field : {"uri", "url", "redirect_uri"}) {
    uri_field_ = field;
    auto id = registerRedirectUri(uri);
    if (id) return id;
    answers += "\n  {\"" + std::string(field) + "\": ...}: " + id.error().message;
  }
  uri_field_ = "uri";
  return fail("gateway", "POST /v1/redirect-uris refused " + uri + " under every field name:" +
                             answers);
}

Result<std::string> GatewayApi::registerRedirectUri(const std::string& uri) {
  auto response = postRedirectUri(uri);
  if (!response) return std::unexpected(response.error());
  if (response->status != 201) {
    return fail("gateway", describe("POST /v1/redirect-uris " + uri, *response));
  }
  auto json = parseJsonObject(response->body);
  if (!json || str(*json, "id").empty()) {
    return fail("gateway", "POST /v1/redirect-uris: no id in the answer");
  }
  return str(*json, "id");
}

Status GatewayApi::deleteRedirectUri(const std::string& id) {
  auto response = call("DELETE", "/v1/redirect-uris/" + percentEncode(id));
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return fail("gateway", describe("DELETE redirect-uri", *response));
  return {};
}

Result<std::vector<RegisteredUri>> GatewayApi::listRedirectUris() {
  auto response = call("GET", "/v1/redirect-uris");
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return fail("gateway", describe("GET /v1/redirect-uris", *response));
  auto json = parseJson(response->body);
  if (!json) return std::unexpected(json.error());
  const Json* list = json->is_array() ? &*json : nullptr;
  for (const char* key : {"redirect_uris", "data", "items"}) {
    if (list == nullptr && json->is_object()) list = jsonAt(*json, key);
  }
  if (list == nullptr || !list->is_array()) {
    return fail("gateway", "GET /v1/redirect-uris: no list in the answer");
  }
  std::vector<RegisteredUri> out;
  for (const Json& item : *list) {
    if (item.is_object()) out.push_back({str(item, "id"), uriOf(item)});
  }
  return out;
}

Result<HttpResponse> GatewayApi::token(const TokenRequest& t) {
  HttpRequest request;
  request.method = "POST";
  request.url = base_url_ + "/link/oauth2/token";
  request.headers.emplace_back("Accept", "application/json");
  if (t.style == ClientAuthStyle::kJsonBody) {
    Json body = {{"code", t.code}, {"client_id", t.client_id}, {"client_secret", t.client_secret}};
    if (t.code_verifier) body["code_verifier"] = *t.code_verifier;
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = dumpJson(body);
  } else {
    Params form{{"code", t.code}};  // SPEC §3 names no grant_type
    if (t.code_verifier) form.add("code_verifier", *t.code_verifier);
    if (t.style == ClientAuthStyle::kFormBody) {
      form.add("client_id", t.client_id);
      form.add("client_secret", t.client_secret);
    } else {
      // RFC 6749 §2.3.1: id and secret are form-encoded before base64.
      request.headers.emplace_back(
          "Authorization", "Basic " + base64Encode(percentEncode(t.client_id, true) + ":" +
                                                   percentEncode(t.client_secret, true)));
    }
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = form.toForm();
  }
  return http_.send(request);
}

Result<HttpResponse> GatewayApi::refreshCredential(const std::string& credential_id) {
  return call("POST", "/v1/credentials/" + percentEncode(credential_id) + "/refresh", Json::object());
}

Result<HttpResponse> GatewayApi::credential(const std::string& credential_id, bool unmasked) {
  return call("GET", "/v1/credentials/" + percentEncode(credential_id) +
                         (unmasked ? "?truncate_secrets=false" : ""));
}

}  // namespace linkgate::conformance
