// Route table of the gateway.
#include "gateway/router.h"

#include <cstdio>

#include "core/crypto.h"
#include "gateway/log.h"
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

bool Router::callsProvider(const web::Request& request) {
  const auto& p = request.path;
  if (p.starts_with("/link/oauth2/callback/")) return true;
  return p.starts_with("/v1/credentials/") &&
         (p.ends_with("/refresh") || p.ends_with("/access-token"));
}

bool Router::writesFlowState(const web::Request& request) {
  return request.path.starts_with("/link/oauth2/");
}

std::string Router::idPrefix(Services& services) { return randomToken(services.random, 48); }

// X-Request-Id: the caller's, when it is a short token; else one of ours.
std::string Router::requestId(const web::Request& request) {
  if (auto given = request.header("x-request-id");
      given && !given->empty() && given->size() <= 128 &&
      given->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789._:-") == std::string::npos) {
    return *given;
  }
  char n[24];
  std::snprintf(n, sizeof n, "-%llu",
                static_cast<unsigned long long>(
                    next_request_id_.fetch_add(1, std::memory_order_relaxed)));
  return id_prefix_ + n;
}

web::Response Router::handle(const web::Request& request,
                             std::chrono::steady_clock::time_point received) {
  std::string route = "unknown";
  web::Response response;
  try {
    response = dispatch(request, route);
  } catch (const std::exception&) {
    // Nothing escapes a handler; the text of the exception is not shown (it may hold data).
    response = jsonError(gwError(Code::kInternal, "internal error"));
  }
  std::string id = requestId(request);
  observe(request, route, response, id, received);
  response.setHeader("X-Request-Id", std::move(id));
  return response;
}

void Router::observe(const web::Request& request, const std::string& route,
                     const web::Response& response, const std::string& request_id,
                     std::chrono::steady_clock::time_point received) {
  Metrics& m = *s_.metrics;
  const auto& note = response.note;
  m.countRequest(route, response.status);
  const bool failed = !note.error_id.empty();
  std::string provider = note.provider;
  if (route == "/link/oauth2/callback/{provider}") {
    // Before the flow is found only the path names the provider (a catalogue slug, or "other").
    if (provider.empty()) {
      const std::string_view tail = std::string_view(request.path).substr(22);
      if (s_.catalogue.find(tail) != nullptr) provider = tail;
    }
    if (failed) {
      m.flowFailed(provider, note.error_id);
    } else if (response.status == 302) {
      m.flowCompleted(provider);
    }
  } else if (route == "/link/oauth2/start" || route == "/link/oauth2/start/{token}") {
    if (failed) {
      m.flowFailed(provider, note.error_id);
    } else if (response.status == 302) {
      m.flowStarted(provider);
    }
  } else if (route == "/link/oauth2/token") {
    m.codeExchange(failed ? note.error_id : "ok");
  }
  // A failed flow is what an operator looks for: warn, with the reason. 5xx: error.
  const bool flow_route = route.starts_with("/link/oauth2/") && route != "/link/oauth2/token";
  const LogLevel level = response.status >= 500   ? LogLevel::kError
                         : failed && flow_route   ? LogLevel::kWarn
                                                  : LogLevel::kInfo;
  Logger& log = *s_.log;
  if (!log.enabled(level)) return;
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - received)
                             .count();
  LogFields fields = {LogField::str("request_id", request_id),
                      LogField::str("method", request.method),
                      LogField::str("route", route),
                      LogField::num("status", response.status),
                      LogField::num("duration_us", micros)};
  if (!note.account.empty()) fields.push_back(LogField::str("account", note.account));
  if (!note.app.empty()) fields.push_back(LogField::str("app", note.app));
  if (!provider.empty()) fields.push_back(LogField::str("provider", provider));
  if (failed) {
    fields.push_back(LogField::str("error_id", note.error_id));
    if (level != LogLevel::kInfo) fields.push_back(LogField::str("reason", note.detail));
  }
  log.write(level, failed && flow_route ? "flow failed" : "request", fields);
}

void Router::serve(web::Request request, web::Responder responder) {
  WorkerPool* pool = callsProvider(request)     ? provider_pool_
                     : writesFlowState(request) ? disk_pool_
                                                : nullptr;
  if (pool != nullptr) {
    auto job = [this, request = std::move(request), responder,
                received = std::chrono::steady_clock::now()]() mutable {
      responder(handle(request, received));
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
    route = "/healthz";
    return only("GET", [] { return web::Response::json(200, Json{{"status", "ok"}}); });
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    route = "/readyz";
    return only("GET", [&] {
      auto probe = s_.store.accountForApiKey("readyz-probe");
      if (!probe) return web::Response::json(503, Json{{"status", "store unavailable"}});
      return web::Response::json(200, Json{{"status", "ready"}});
    });
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    route = "/metrics";
    return only("GET", [&] {
      StoreGauges gauges;
      auto counted = s_.store.counts(s_.now());
      if (counted) {
        gauges = {counted->pending_flows, counted->credentials_ok, counted->credentials_error};
      }
      auto r = web::Response::text(200, s_.metrics->render(counted ? &gauges : nullptr));
      r.setHeader("Content-Type", "text/plain; version=0.0.4");
      return r;
    });
  }
  if (seg.size() >= 3 && seg[0] == "link" && seg[1] == "oauth2") {
    if (seg.size() == 3 && seg[2] == "start") {
      route = "/link/oauth2/start";
      return only("GET", [&] { return flows_.start(request); });
    }
    if (seg.size() == 4 && seg[2] == "start") {
      route = "/link/oauth2/start/{token}";
      return only("GET", [&] { return flows_.startFromLink(request, seg[3]); });
    }
    if (seg.size() == 4 && seg[2] == "callback") {
      route = "/link/oauth2/callback/{provider}";
      return only("GET", [&] { return flows_.callback(request, seg[3]); });
    }
    if (seg.size() == 3 && seg[2] == "token") {
      route = "/link/oauth2/token";
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
                 kRefresh, kAccess };
  // Each route: segment count, segment 1, segment 2 or 3 (nullptr: any), its methods and its
  // template (the metrics' and the request log's `route` label).
  struct Entry {
    size_t n;
    const char* first;
    const char* last;
    R r;
    const char* allow;
    const char* tmpl;
  };
  static constexpr Entry kTable[] = {
      {2, "oauth-apps", nullptr, R::kApps, "GET, POST", "/v1/oauth-apps"},
      {3, "oauth-apps", nullptr, R::kApp, "GET, PATCH, DELETE", "/v1/oauth-apps/{id}"},
      {2, "redirect-uris", nullptr, R::kUris, "GET, POST", "/v1/redirect-uris"},
      {3, "redirect-uris", nullptr, R::kUri, "DELETE", "/v1/redirect-uris/{id}"},
      {2, "providers", nullptr, R::kProviders, "GET", "/v1/providers"},
      {2, "credentials", nullptr, R::kCreds, "GET, POST", "/v1/credentials"},
      {3, "credentials", "export", R::kExport, "GET", "/v1/credentials/export"},
      {3, "credentials", "start-auth", R::kStart, "POST", "/v1/credentials/start-auth"},
      {3, "credentials", nullptr, R::kCred, "GET, DELETE", "/v1/credentials/{id}"},
      {4, "credentials", "refresh", R::kRefresh, "POST", "/v1/credentials/{id}/refresh"},
      {4, "credentials", "access-token", R::kAccess, "GET", "/v1/credentials/{id}/access-token"},
  };
  R r = R::kNone;
  std::string allow;
  const char* tmpl = "not_found";
  for (const Entry& e : kTable) {
    if (n != e.n || seg[1] != e.first || (e.last != nullptr && seg[n - 1] != e.last)) continue;
    r = e.r, allow = e.allow, tmpl = e.tmpl;
    break;
  }
  route = tmpl;
  if (r == R::kNone) return notFound();
  if (!allows(allow, m)) return methodNotAllowed(allow);
  auto account = api_.authenticate(request);
  if (!account) {
    auto resp = jsonError(account.error());
    resp.setHeader("WWW-Authenticate", "Bearer realm=\"linkgate\"");
    return resp;
  }
  const std::string& a = *account;
  auto run = [&]() -> web::Response {
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
      case R::kNone: break;
    }
    return notFound();
  };
  web::Response answer = run();
  answer.note.account = a;  // the request log's `account`
  return answer;
}

}  // namespace linkgate::gateway
