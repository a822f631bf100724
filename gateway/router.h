// Routes a plain request to its handler, answers 404/405/401/413 in JSON, and keeps provider
// calls off the reactor threads by running blocking routes on a WorkerPool.
#pragma once
#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "core/worker_pool.h"
#include "gateway/api_handlers.h"
#include "gateway/flow_handlers.h"
#include "gateway/routes.h"
#include "web/http.h"

namespace linkgate::gateway {

// Request counters for GET /metrics (Prometheus text format). Thread-safe.
class Metrics {
 public:
  void count(const std::string& route, int status);
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
};

class Router {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024;  // SPEC §7

  // provider_pool runs routes that call providers; disk_pool the flow routes that only wait on
  // SQLite, so a slow provider can never starve /start or the token endpoint. Null = inline.
  Router(Services& services, FlowHandlers& flows, ApiHandlers& api, WorkerPool* provider_pool,
         WorkerPool* disk_pool)
      : s_(services), flows_(flows), api_(api), provider_pool_(provider_pool),
        disk_pool_(disk_pool) {}

  // Answers any request synchronously (blocking routes included). Never throws.
  web::Response handle(const web::Request& request);
  // The web::Handler: blocking routes go to a pool, the rest is answered inline.
  void serve(web::Request request, web::Responder responder);
  // True for routes that may call a provider.
  static bool callsProvider(const web::Request& request);
  // True for the flow routes that write to disk (start, start links, token).
  static bool writesFlowState(const web::Request& request);

  Metrics& metrics() { return metrics_; }

 private:
  web::Response dispatch(const web::Request& request, std::string& route);
  web::Response api(const web::Request& request, const RouteSpec& spec,
                    const std::vector<std::string>& params);

  Services& s_;
  FlowHandlers& flows_;
  ApiHandlers& api_;
  WorkerPool* provider_pool_;
  WorkerPool* disk_pool_;
  Metrics metrics_;
};

}  // namespace linkgate::gateway
