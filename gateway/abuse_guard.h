// Abuse protections of the token endpoint, the management API and the start hop (issue #15):
// in-memory rate limits (per instance), lockouts after repeated wrong secrets (in the store,
// shared by every instance) and the pending-flow cap. Each check answers nullopt (go on) or
// the refusal to send, and counts it in Metrics. Thread-safe.
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "gateway/abuse_config.h"
#include "gateway/errors.h"
#include "gateway/metrics.h"
#include "gateway/rate_limiter.h"
#include "gateway/store.h"
#include "web/http.h"

namespace linkgate::gateway {

enum class AbuseRoute { kToken, kApi };

class AbuseGuard {
 public:
  AbuseGuard(AbuseConfig config, const Clock& clock, Store& store, Metrics& metrics);

  const AbuseConfig& config() const { return config_; }

  // The address limits apply to: the peer's, or — only when the peer is a trusted proxy — the
  // right-most X-Forwarded-For entry that is not itself a trusted proxy.
  std::string clientAddress(const web::Request& request) const;

  // 429 rate_limited with Retry-After when the address, resp. the client (a client_id, an API
  // key), has used up its limit on route.
  std::optional<web::Response> limitAddress(AbuseRoute route, const std::string& address);
  std::optional<web::Response> limitClient(AbuseRoute route, const std::string& client);

  // 429 locked_out with Retry-After while subject is locked (503 when the store cannot say).
  std::optional<web::Response> checkLockout(AbuseRoute route, const std::string& subject);
  // One failed authentication of subject; may engage its lockout. Store errors are ignored
  // (the request is refused anyway).
  void recordFailure(AbuseRoute route, const std::string& subject);

  // The pending-flow cap, asked before a flow row is written: nullopt, or the error
  // (too_many_pending_flows) to answer. Admitting counts the flow against `address`.
  std::optional<GatewayError> admitFlow(const std::string& address, int64_t flow_ttl_s);

  // Lockout subjects: an app (wrong client secrets), an address (wrong API keys).
  static std::string clientSubject(const std::string& app_id) { return "client:" + app_id; }
  static std::string apiAddressSubject(const std::string& address) {
    return "api-address:" + address;
  }

 private:
  bool trusted(const std::string& address) const;
  const LockoutPolicy& policy(AbuseRoute route) const;
  std::optional<GatewayError> admitAddress(const std::string& address, int64_t flow_ttl_s);
  std::optional<GatewayError> admitGlobal();

  const AbuseConfig config_;
  const Clock& clock_;
  Store& store_;
  Metrics& metrics_;
  RateLimiter token_client_, token_address_, api_key_, api_address_;

  // Per address: flows started in the current and the previous flow-TTL window. Their sum
  // bounds the flows of the last TTL, so the cap is never exceeded on this instance.
  struct Window {
    int64_t index = 0;
    int64_t current = 0, previous = 0;
  };
  std::mutex flows_mu_;
  std::unordered_map<std::string, Window> flows_by_address_;
  // The database's count of unexpired flows, as last read, plus what this instance added since.
  int64_t flows_counted_ = 0, flows_added_ = 0;
  int64_t flows_counted_at_ = INT64_MIN;  // Unix ms
};

}  // namespace linkgate::gateway
