// Route table of the gateway.
#include "gateway/router.h"

#include <sstream>

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
  std::vector<std::string> p;
  const RouteSpec* spec = matchRoute(request.path, p);
  if (spec == nullptr) {
    route = "not_found";
    return notFound();
  }
  route = std::string(spec->label);
  const std::string& m = request.method;
  const std::string allow(spec->methods);
  // HEAD is a GET without a body on the browser and probe routes (the API answers 405, as ever).
  const bool head = m == "HEAD" && !spec->api_key && allows(allow, "GET");
  if (!allows(allow, m) && !head) return methodNotAllowed(allow);
  if (spec->api_key) return api(request, *spec, p);
  switch (spec->id) {
    case RouteId::kHealthz: return web::Response::json(200, Json{{"status", "ok"}});
    case RouteId::kReadyz: {
      auto probe = s_.store.accountForApiKey("readyz-probe");
      if (!probe) return web::Response::json(503, Json{{"status", "store unavailable"}});
      return web::Response::json(200, Json{{"status", "ready"}});
    }
    case RouteId::kMetrics: {
      auto r = web::Response::text(200, metrics_.render());
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
    case RouteId::kCallback: return flows_.callback(request, p[0]);
    case RouteId::kToken: return flows_.token(request);
    default: break;
  }
  return notFound();
}

web::Response Router::api(const web::Request& request, const RouteSpec& spec,
                          const std::vector<std::string>& p) {
  auto account = api_.authenticate(request);
  if (!account) {
    auto resp = jsonError(account.error());
    resp.setHeader("WWW-Authenticate", "Bearer realm=\"linkgate\"");
    return resp;
  }
  const std::string& a = *account;
  const std::string& m = request.method;
  const bool post = m == "POST";
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
    default: break;
  }
  return notFound();
}

}  // namespace linkgate::gateway
