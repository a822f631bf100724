// Routes a plain request to its handler, answers 404/405/401/413 in JSON, and keeps provider
// calls off the reactor threads by running blocking routes on a WorkerPool.
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>

#include "core/worker_pool.h"
#include "gateway/api_handlers.h"
#include "gateway/flow_handlers.h"
#include "gateway/metrics.h"
#include "gateway/provider_isolation.h"
#include "gateway/routes.h"
#include "web/http.h"

namespace linkgate::gateway {

class Router {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024;  // SPEC §7

  // provider_pool runs routes that call providers; disk_pool the flow routes that only wait on
  // SQLite, so a slow provider can never starve /start or the token endpoint. Null = inline.
  // With `isolation` (issue 15), a provider-calling request waits for a slot of its own
  // provider (ProviderGate) before it takes a provider worker; provider_pool must then be set.
  Router(Services& services, FlowHandlers& flows, ApiHandlers& api, WorkerPool* provider_pool,
         WorkerPool* disk_pool, ProviderIsolation* isolation = nullptr)
      : s_(services), flows_(flows), api_(api), provider_pool_(provider_pool),
        disk_pool_(disk_pool), isolation_(isolation), id_prefix_(idPrefix(services)) {}

  // Answers any request synchronously (blocking routes included), counts it and writes its
  // request log line (issue 12); the answer carries X-Request-Id. Never throws.
  web::Response handle(const web::Request& request) {
    return handle(request, std::chrono::steady_clock::now());
  }
  // The web::Handler: blocking routes go to a pool, the rest is answered inline.
  void serve(web::Request request, web::Responder responder);
  // True for routes that may call a provider.
  static bool callsProvider(const web::Request& request);
  // True for the flow routes that write to disk (start, start links, token).
  static bool writesFlowState(const web::Request& request);
  // A /start answered on the reactor thread (see router.cc); the rest of writesFlowState goes
  // to the disk pool.
  bool startsInline(const web::Request& request) const;
  static constexpr size_t kInlineStartQuery = 1024;

  Metrics& metrics() { return *s_.metrics; }

 private:
  // `received`: when the request arrived (before any queueing on a pool). `refuse`: answer a
  // provider-calling route with this error instead of calling the provider (issue 15).
  web::Response handle(const web::Request& request, std::chrono::steady_clock::time_point received,
                       const GatewayError* refuse = nullptr);
  // Metrics and the log line of one answered request.
  void observe(const web::Request& request, const std::string& route,
               const web::Response& response, const std::string& request_id,
               std::chrono::steady_clock::time_point received);
  std::string requestId(const web::Request& request);
  static std::string idPrefix(Services& services);

  web::Response dispatch(const web::Request& request, std::string& route,
                         const GatewayError* refuse);
  web::Response api(const web::Request& request, const RouteSpec& spec,
                    const std::vector<std::string>& params, const GatewayError* refuse);

  // ---- issue 15: per-provider isolation (router_isolation.cc) ----
  using Clock = std::chrono::steady_clock;
  using Shared = std::shared_ptr<const web::Request>;
  void serveIsolated(web::Request request, web::Responder responder);
  // Waits for a slot of `provider` (or is refused at the deadline / while its circuit is open).
  void admit(const std::string& provider, Shared request, web::Responder responder,
             Clock::time_point received, TimePoint deadline);
  void refuse(const std::string& provider, Shared request, web::Responder responder,
              Clock::time_point received, ProviderIsolation::Why why);
  // The provider a credential route would call now (nullopt: it would call none).
  std::optional<std::string> credentialProvider(const web::Request& request);
  web::Response withRetryAfter(web::Response response, const std::string& provider);

  Services& s_;
  FlowHandlers& flows_;
  ApiHandlers& api_;
  WorkerPool* provider_pool_;
  WorkerPool* disk_pool_;
  ProviderIsolation* isolation_;
  const std::string id_prefix_;  // random per process: ids of many instances do not collide
  std::atomic<uint64_t> next_request_id_{0};
};

}  // namespace linkgate::gateway
