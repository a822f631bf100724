// The gateway's route table: every path template, the methods it answers and its metrics
// label. Router dispatches by it, and the OpenAPI test enumerates it (docs/openapi.json must
// name exactly these paths and methods).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::gateway {

enum class RouteId {
  kHealthz, kReadyz, kMetrics, kOpenApi,
  kStart, kStartLink, kCallback, kToken,
  kApps, kApp, kUris, kUri, kProviders,
  kCreds, kExport, kImport, kStartAuth, kCred, kRefresh, kAccess,
  kApiKeys, kApiKey,
  kHooks, kHook, kDeliveries, kRedeliver,
  kStartLinks, kStartLinkItem,  // issue 17
};

struct RouteSpec {
  RouteId id;
  std::string_view path;     // OpenAPI-style template: "/v1/oauth-apps/{id}"
  std::string_view methods;  // the Allow header: "GET, PATCH, DELETE" (GET implies HEAD)
  std::string_view label;    // the metrics route label
  bool api_key = false;      // needs Authorization: Bearer <API key>
};

// In match order: a literal segment wins over a {parameter} because it is listed first.
const std::vector<RouteSpec>& routeTable();

// The route of a raw path and the values of its {parameters}, or nullptr.
const RouteSpec* matchRoute(std::string_view path, std::vector<std::string>& params);

// The methods of spec, one by one ("GET", "PATCH", ...).
std::vector<std::string> routeMethods(const RouteSpec& spec);

}  // namespace linkgate::gateway
