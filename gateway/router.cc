// Route table of the gateway.
#include "gateway/router.h"

#include <cstdio>

#include "core/crypto.h"
#include "gateway/log.h"
#include "gateway/openapi_doc.h"
#include "gateway/pages.h"
#include "gateway/routes.h"

namespace linkgate::gateway {
namespace {

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

// Issue 10: a /start seals its flow into the cookie and writes nothing; what it reads (the
// app, its redirect URIs, their generation) is one local statement with SQLite. Such a start
// is answered on the reactor thread, without the hop to a disk worker and back. A long query
// may make a flow too large for its cookie, which is then written as a row: those (and every
// start on a networked store) stay on the disk pool.
bool Router::startsInline(const web::Request& request) const {
  return request.path == "/link/oauth2/start" && request.raw_query.size() <= kInlineStartQuery &&
         s_.store.readsAreLocal();
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
                             std::chrono::steady_clock::time_point received,
                             const GatewayError* refuse) {
  std::string route = "unknown";
  web::Response response;
  try {
    response = dispatch(request, route, refuse);
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
  if (isolation_ != nullptr && provider_pool_ != nullptr && callsProvider(request)) {
    serveIsolated(std::move(request), std::move(responder));
    return;
  }
  WorkerPool* pool = callsProvider(request)                              ? provider_pool_
                     : writesFlowState(request) && !startsInline(request) ? disk_pool_
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

web::Response Router::dispatch(const web::Request& request, std::string& route,
                               const GatewayError* refuse) {
  if (request.body.size() > kMaxBodyBytes) {
    route = "too_large";
    return jsonError(gwError(Code::kPayloadTooLarge, "request body is larger than 64 KB"));
  }
  std::vector<std::string> p;
  const RouteSpec* spec = matchRoute(request.path, p);
  if (spec == nullptr) {
    route = "not_found";
    return notFound();
  }
  route = std::string(spec->path);  // the template: the metrics' and the request log's label
  const std::string& m = request.method;
  const std::string allow(spec->methods);
  // HEAD is a GET without a body on the browser and probe routes (the API answers 405, as ever).
  const bool head = m == "HEAD" && !spec->api_key && allows(allow, "GET");
  if (!allows(allow, m) && !head) return methodNotAllowed(allow);
  if (spec->api_key) return api(request, *spec, p, refuse);
  switch (spec->id) {
    case RouteId::kHealthz: return web::Response::json(200, Json{{"status", "ok"}});
    case RouteId::kReadyz: {
      auto probe = s_.store.accountForApiKey("readyz-probe");
      if (!probe) return web::Response::json(503, Json{{"status", "store unavailable"}});
      return web::Response::json(200, Json{{"status", "ready"}});
    }
    case RouteId::kMetrics: {
      StoreGauges gauges;
      auto counted = s_.store.counts(s_.now());
      if (counted) {
        gauges = {counted->pending_flows, counted->credentials_ok, counted->credentials_error};
      }
      auto r = web::Response::text(200, s_.metrics->render(counted ? &gauges : nullptr) +
                                            (isolation_ ? isolation_->renderMetrics() : ""));
      r.setHeader("Content-Type", "text/plain; version=0.0.4");
      return r;
    }
    case RouteId::kOpenApi: {
      web::Response r;
      r.body = std::string(openApiDocument());
      r.setHeader("Content-Type", "application/json");
      return r;
    }
    case RouteId::kStart: return flows_.start(request);
    case RouteId::kStartLink: return flows_.startFromLink(request, p[0]);
    case RouteId::kCallback: return flows_.callback(request, p[0], refuse);
    case RouteId::kToken: return flows_.token(request);
    default: break;
  }
  return notFound();
}

web::Response Router::api(const web::Request& request, const RouteSpec& spec,
                          const std::vector<std::string>& p, const GatewayError* refuse) {
  // Issue 15: the address's and the presented key's rate limits, then the address's lockout
  // after repeated wrong keys (shared by every instance), all before the key is looked up.
  AbuseGuard& guard = *s_.abuse;
  const std::string address = guard.clientAddress(request);
  if (auto refused = guard.limitAddress(AbuseRoute::kApi, address)) return *refused;
  const std::string bearer = request.header("authorization").value_or("");
  if (!bearer.empty()) {
    if (auto refused = guard.limitClient(AbuseRoute::kApi, sha256Hex(bearer))) return *refused;
  }
  if (auto refused = guard.checkLockout(AbuseRoute::kApi, AbuseGuard::apiAddressSubject(address))) {
    return *refused;
  }
  auto account = api_.authenticate(request);
  if (!account && account.error().code == Code::kUnauthorized && bearer.size() > 7) {
    guard.recordFailure(AbuseRoute::kApi, AbuseGuard::apiAddressSubject(address));  // a wrong key
  }
  if (!account) {
    auto resp = jsonError(account.error());
    resp.setHeader("WWW-Authenticate", "Bearer realm=\"linkgate\"");
    return resp;
  }
  const std::string& a = *account;
  const std::string& m = request.method;
  const bool post = m == "POST";
  web::Response answer = [&]() -> web::Response {
  // Issue 15: the credential's provider is unavailable now; nothing is sent, nothing changes.
  if (refuse != nullptr && (spec.id == RouteId::kRefresh || spec.id == RouteId::kAccess)) {
    return jsonError(*refuse);
  }
  switch (spec.id) {
    case RouteId::kApps: return post ? api_.createApp(request, a) : api_.listApps(request, a);
    case RouteId::kApp:
      if (m == "PATCH") return api_.patchApp(request, a, p[0]);
      if (m == "DELETE") return api_.deleteApp(request, a, p[0]);
      return api_.getApp(request, a, p[0]);
    case RouteId::kUris:
      return post ? api_.createRedirectUri(request, a) : api_.listRedirectUris(a);
    case RouteId::kUri: return api_.deleteRedirectUri(a, p[0]);
    case RouteId::kProviders: return api_.listProviders();
    case RouteId::kCreds:
      return post ? api_.importCredential(request, a) : api_.listCredentials(request, a);
    case RouteId::kCred:
      return m == "DELETE" ? api_.deleteCredential(a, p[0]) : api_.getCredential(request, a, p[0]);
    case RouteId::kExport: return api_.exportCredentials(a);
    case RouteId::kImport: return api_.importCredentialsBulk(request, a);
    case RouteId::kStartAuth: return api_.startAuth(request, a);
    case RouteId::kRefresh: return api_.refreshCredential(a, p[0]);
    case RouteId::kAccess: return api_.accessToken(a, p[0]);
    case RouteId::kApiKeys: return post ? api_.createApiKey(a) : api_.listApiKeys(a);
    case RouteId::kApiKey: return api_.deleteApiKey(a, p[0]);
    case RouteId::kHooks: return post ? api_.createWebhook(request, a) : api_.listWebhooks(a);
    case RouteId::kHook:
      return m == "DELETE" ? api_.deleteWebhook(a, p[0]) : api_.getWebhook(a, p[0]);
    case RouteId::kDeliveries: return api_.listDeliveries(request, a, p[0]);
    case RouteId::kRedeliver: return api_.redeliver(a, p[0], p[1]);
    case RouteId::kStartLinks: return api_.listStartLinks(request, a);
    case RouteId::kStartLinkItem:
      return m == "DELETE" ? api_.deleteStartLink(a, p[0]) : api_.getStartLink(a, p[0]);
    default: break;
  }
  return notFound();
  }();
  answer.note.account = a;  // the request log's `account`
  return answer;
}

}  // namespace linkgate::gateway
