// The route table and its matcher.
#include "gateway/routes.h"

namespace linkgate::gateway {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

const std::vector<RouteSpec>& routeTable() {
  using R = RouteId;
  static const std::vector<RouteSpec> table = {
      {R::kHealthz, "/healthz", "GET", "healthz"},
      {R::kReadyz, "/readyz", "GET", "readyz"},
      {R::kMetrics, "/metrics", "GET", "metrics"},
      {R::kOpenApi, "/openapi.json", "GET", "openapi"},
      {R::kStart, "/link/oauth2/start", "GET", "start"},
      {R::kStartLink, "/link/oauth2/start/{token}", "GET", "start_link"},
      {R::kCallback, "/link/oauth2/callback/{provider}", "GET", "callback"},
      {R::kToken, "/link/oauth2/token", "POST", "token"},
      {R::kApps, "/v1/oauth-apps", "GET, POST", "v1_oauth_apps", true},
      {R::kApp, "/v1/oauth-apps/{id}", "GET, PATCH, DELETE", "v1_oauth_apps_item", true},
      {R::kUris, "/v1/redirect-uris", "GET, POST", "v1_redirect_uris", true},
      {R::kUri, "/v1/redirect-uris/{id}", "DELETE", "v1_redirect_uris_item", true},
      {R::kProviders, "/v1/providers", "GET", "v1_providers", true},
      {R::kCreds, "/v1/credentials", "GET, POST", "v1_credentials", true},
      {R::kExport, "/v1/credentials/export", "GET", "v1_credentials_export", true},
      {R::kImport, "/v1/credentials/import", "POST", "v1_credentials_import", true},
      {R::kStartAuth, "/v1/credentials/start-auth", "POST", "v1_credentials_start_auth", true},
      {R::kCred, "/v1/credentials/{id}", "GET, DELETE", "v1_credentials_item", true},
      {R::kRefresh, "/v1/credentials/{id}/refresh", "POST", "v1_credentials_refresh", true},
      {R::kAccess, "/v1/credentials/{id}/access-token", "GET", "v1_credentials_access_token",
       true},
      {R::kApiKeys, "/v1/api-keys", "GET, POST", "v1_api_keys", true},
      {R::kApiKey, "/v1/api-keys/{id}", "DELETE", "v1_api_keys_item", true},
      {R::kHooks, "/v1/webhooks", "GET, POST", "v1_webhooks", true},
      {R::kHook, "/v1/webhooks/{id}", "GET, DELETE", "v1_webhooks_item", true},
      {R::kDeliveries, "/v1/webhooks/{id}/deliveries", "GET", "v1_webhooks_deliveries", true},
      {R::kRedeliver, "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "POST",
       "v1_webhooks_redeliver", true},
      {R::kStartLinks, "/v1/start-links", "GET", "v1_start_links", true},
      {R::kStartLinkItem, "/v1/start-links/{id}", "GET, DELETE", "v1_start_links_item", true},
  };
  return table;
}

const RouteSpec* matchRoute(std::string_view path, std::vector<std::string>& params) {
  const auto segs = split(path);
  if (segs.empty()) return nullptr;
  for (const auto& spec : routeTable()) {
    const auto parts = split(spec.path);
    if (parts.size() != segs.size()) continue;
    std::vector<std::string> values;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      if (parts[i].starts_with('{')) {
        values.emplace_back(segs[i]);
      } else {
        ok = parts[i] == segs[i];
      }
    }
    if (ok) {
      params = std::move(values);
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string> routeMethods(const RouteSpec& spec) {
  std::vector<std::string> out;
  size_t start = 0;
  const std::string_view allow = spec.methods;
  while (start < allow.size()) {
    size_t end = allow.find(", ", start);
    if (end == std::string_view::npos) end = allow.size();
    out.emplace_back(allow.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

}  // namespace linkgate::gateway
