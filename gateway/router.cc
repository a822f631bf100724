// Route table of the gateway.
#include "gateway/router.h"

#include <sstream>

#include "gateway/pages.h"

namespace linkgate::gateway {
namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  if (path.empty() || path[0] != '/') return out;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

web::Response methodNotAllowed(const std::string& allow) {
  auto r = jsonError(gwError(Code::kMethodNotAllowed, "method not allowed; use " + allow));
  r.setHeader("Allow", allow);
  return r;
}

bool allows(const std::string& allow, const std::string& method) {
  size_t start = 0;
  while (start < allow.size()) {
    size_t end = allow.find(", ", start);
    if (end == std::string::npos) end = allow.size();
    if (allow.compare(start, end - start, method) == 0) return true;
    start = end + 2;
  }
  return false;
}

web::Response notFound() {
  return jsonError(gwError(Code::kNotFound, "no such route"));
}

}  // namespace

void Metrics::count(const std::string& route, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out << "# HELP linkgate_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE linkgate_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "linkgate_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << n << "\n";
  }
  return out.str();
}

bool Router::callsProvider(const web::Request& request) {
  const auto& p = request.path;
  if (p.starts_with("/link/oauth2/callback/")) return true;
  return p.starts_with("/v1/credentials/") &&
         (p.ends_with("/refresh") || p.ends_with("/access-token"));
}

bool Router::writesFlowState(const web::Request& request) {
  return request.path.starts_with("/link/oauth2/");
}

web::Response Router::handle(const web::Request& request) {
  std::string route = "unknown";
  web::Response response;
  try {
    response = dispatch(request, route);
  } catch (const std::exception&) {
    // Nothing escapes a handler; the text of the exception is not shown (it may hold data).
    response = jsonError(gwError(Code::kInternal, "internal error"));
  }
  metrics_.count(route, response.status);
  return response;
}

void Router::serve(web::Request request, web::Responder responder) {
  WorkerPool* pool = callsProvider(request)     ? provider_pool_
                     : writesFlowState(request) ? disk_pool_
                                                : nullptr;
  if (pool != nullptr) {
    auto job = [this, request = std::move(request), responder]() mutable {
      responder(handle(request));
    };
    if (pool->post(std::move(job))) return;
    responder(jsonError(gwError(Code::kInternal, "the gateway is shutting down")));
    return;
  }
  responder(handle(request));
}

web::Response Router::dispatch(const web::Request& request, std::string& route) {
  if (request.body.size() > kMaxBodyBytes) {
    route = "too_large";
    return jsonError(gwError(Code::kPayloadTooLarge, "request body is larger than 64 KB"));
  }
  const auto seg = splitPath(request.path);
  const std::string& m = request.method;
  auto only = [&](const char* method, auto&& handler) -> web::Response {
    if (m == method || (std::string_view(method) == "GET" && m == "HEAD")) return handler();
    return methodNotAllowed(method);
  };
  if (seg.size() == 1 && seg[0] == "healthz") {
    route = "healthz";
    return only("GET", [] { return web::Response::json(200, Json{{"status", "ok"}}); });
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    route = "readyz";
    return only("GET", [&] {
      auto probe = s_.store.accountForApiKey("readyz-probe");
      if (!probe) return web::Response::json(503, Json{{"status", "store unavailable"}});
      return web::Response::json(200, Json{{"status", "ready"}});
    });
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    route = "metrics";
    return only("GET", [&] {
      auto r = web::Response::text(200, metrics_.render());
      r.setHeader("Content-Type", "text/plain; version=0.0.4");
      return r;
    });
  }
  if (seg.size() >= 3 && seg[0] == "link" && seg[1] == "oauth2") {
    if (seg.size() == 3 && seg[2] == "start") {
      route = "start";
      return only("GET", [&] { return flows_.start(request); });
    }
    if (seg.size() == 4 && seg[2] == "start") {
      route = "start_link";
      return only("GET", [&] { return flows_.startFromLink(request, seg[3]); });
    }
    if (seg.size() == 4 && seg[2] == "callback") {
      route = "callback";
      return only("GET", [&] { return flows_.callback(request, seg[3]); });
    }
    if (seg.size() == 3 && seg[2] == "token") {
      route = "token";
      return only("POST", [&] { return flows_.token(request); });
    }
  }
  if (!seg.empty() && seg[0] == "v1") return api(request, seg, route);
  route = "not_found";
  return notFound();
}

web::Response Router::api(const web::Request& request, const std::vector<std::string>& seg,
                          std::string& route) {
  const std::string& m = request.method;
  const size_t n = seg.size();
  // Resolve the route first so unknown paths are 404 even without a key.
  enum class R { kNone, kApps, kApp, kUris, kUri, kProviders, kCreds, kCred, kExport, kStart,
                 kRefresh, kAccess, kHooks, kHook, kDeliveries, kRedeliver };
  R r = R::kNone;
  std::string allow;
  if (n == 2 && seg[1] == "oauth-apps") r = R::kApps, allow = "GET, POST";
  else if (n == 3 && seg[1] == "oauth-apps") r = R::kApp, allow = "GET, PATCH, DELETE";
  else if (n == 2 && seg[1] == "redirect-uris") r = R::kUris, allow = "GET, POST";
  else if (n == 3 && seg[1] == "redirect-uris") r = R::kUri, allow = "DELETE";
  else if (n == 2 && seg[1] == "providers") r = R::kProviders, allow = "GET";
  else if (n == 2 && seg[1] == "credentials") r = R::kCreds, allow = "GET, POST";
  else if (n == 3 && seg[1] == "credentials" && seg[2] == "export") r = R::kExport, allow = "GET";
  else if (n == 3 && seg[1] == "credentials" && seg[2] == "start-auth") r = R::kStart, allow = "POST";
  else if (n == 3 && seg[1] == "credentials") r = R::kCred, allow = "GET, DELETE";
  else if (n == 4 && seg[1] == "credentials" && seg[3] == "refresh") r = R::kRefresh, allow = "POST";
  else if (n == 4 && seg[1] == "credentials" && seg[3] == "access-token") r = R::kAccess, allow = "GET";
  // Webhooks (issue #13).
  else if (n == 2 && seg[1] == "webhooks") r = R::kHooks, allow = "GET, POST";
  else if (n == 3 && seg[1] == "webhooks") r = R::kHook, allow = "GET, DELETE";
  else if (n == 4 && seg[1] == "webhooks" && seg[3] == "deliveries") r = R::kDeliveries, allow = "GET";
  else if (n == 6 && seg[1] == "webhooks" && seg[3] == "deliveries" && seg[5] == "redeliver")
    r = R::kRedeliver, allow = "POST";
  if (r == R::kNone) {
    route = "not_found";
    return notFound();
  }
  route = "v1_" + seg[1] + (n > 2 ? "_item" : "");
  if (!allows(allow, m)) return methodNotAllowed(allow);
  auto account = api_.authenticate(request);
  if (!account) {
    auto resp = jsonError(account.error());
    resp.setHeader("WWW-Authenticate", "Bearer realm=\"linkgate\"");
    return resp;
  }
  const std::string& a = *account;
  switch (r) {
    case R::kApps: return m == "POST" ? api_.createApp(request, a) : api_.listApps(request, a);
    case R::kApp:
      if (m == "GET") return api_.getApp(request, a, seg[2]);
      if (m == "PATCH") return api_.patchApp(request, a, seg[2]);
      return api_.deleteApp(a, seg[2]);
    case R::kUris:
      return m == "POST" ? api_.createRedirectUri(request, a) : api_.listRedirectUris(a);
    case R::kUri: return api_.deleteRedirectUri(a, seg[2]);
    case R::kProviders: return api_.listProviders();
    case R::kCreds:
      return m == "POST" ? api_.importCredential(request, a) : api_.listCredentials(request, a);
    case R::kCred:
      return m == "GET" ? api_.getCredential(request, a, seg[2]) : api_.deleteCredential(a, seg[2]);
    case R::kExport: return api_.exportCredentials(a);
    case R::kStart: return api_.startAuth(request, a);
    case R::kRefresh: return api_.refreshCredential(a, seg[2]);
    case R::kAccess: return api_.accessToken(a, seg[2]);
    case R::kHooks:
      return m == "POST" ? api_.createWebhook(request, a) : api_.listWebhooks(a);
    case R::kHook: return m == "GET" ? api_.getWebhook(a, seg[2]) : api_.deleteWebhook(a, seg[2]);
    case R::kDeliveries: return api_.listDeliveries(request, a, seg[2]);
    case R::kRedeliver: return api_.redeliver(a, seg[2], seg[4]);
    case R::kNone: break;
  }
  return notFound();
}

}  // namespace linkgate::gateway
