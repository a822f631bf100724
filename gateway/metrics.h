// The gateway's Prometheus metrics (text format 0.0.4, served at GET /metrics). Every label set
// that the request path touches is registered up front (providers from the catalogue, routes,
// statuses, error ids), so counting is one relaxed atomic add: no lock, no allocation. Label
// values outside those sets (a route added later, a rare status) go to a locked side table.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace linkgate::gateway {

// Which provider endpoint an outbound call went to (label `endpoint`).
enum class CallKind { kAuthorize, kToken, kRefresh, kDiscovery, kJwks, kUserinfo };
std::string_view callKindName(CallKind kind);

enum class RefreshOutcome { kOk, kTransient, kPermanent };

// Values read from the store at scrape time (gauges).
struct StoreGauges {
  int64_t pending_flows = 0;
  int64_t credentials_ok = 0;
  int64_t credentials_error = 0;
};

class Metrics {
 public:
  // `providers`: the catalogue's slugs; anything else is counted as provider="other".
  explicit Metrics(std::vector<std::string> providers = {});
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // route: the route template ("/v1/credentials/{id}"). Thread-safe, lock-free for known ones.
  void countRequest(std::string_view route, int status);
  void flowStarted(std::string_view provider);
  void flowCompleted(std::string_view provider);
  // reason: a gateway error id (errors.h); unknown ids count as "other".
  void flowFailed(std::string_view provider, std::string_view reason);
  // outcome: "ok" or a gateway error id.
  void codeExchange(std::string_view outcome);
  void refresh(std::string_view provider, RefreshOutcome outcome);
  // result: "2xx".."5xx" for an answer, else the transport error id (timeout, connect_failed,
  // transport, too_large, bad_request).
  void providerCall(std::string_view provider, CallKind kind, double seconds,
                    std::string_view result);

  // Abuse (issue #15): a request refused by a rate limit, a lockout or the pending-flow cap.
  // route: token | api | start; reason: rate_limit_client | rate_limit_address | locked_out |
  // flow_cap_global | flow_cap_address (anything else is dropped).
  void abuseRefused(std::string_view route, std::string_view reason);
  // A lockout engaged (the failure that reached the threshold) on route token or api.
  void lockoutEngaged(std::string_view route);

  // The whole exposition; gauges from `gauges` when given (the store may be unreachable).
  std::string render(const StoreGauges* gauges) const;

 private:
  struct Counters;
  size_t providerIndex(std::string_view provider) const;

  std::vector<std::string> providers_;  // + "other" at the end
  std::unique_ptr<Counters> c_;
  mutable std::mutex side_mu_;  // only for label values not registered up front
  std::map<std::pair<std::string, int>, uint64_t> side_requests_;
  std::array<std::atomic<uint64_t>, 15> abuse_refused_{};  // 3 routes x 5 reasons (issue #15)
  std::array<std::atomic<uint64_t>, 3> lockouts_{};
};

}  // namespace linkgate::gateway
