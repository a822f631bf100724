// Issue 15 item 1, the parts main() owns: the per-provider bulkhead (ProviderGate), the
// per-provider circuit breakers, their log lines and their /metrics lines, and the one wording
// of "this provider is unavailable right now" (error=temporarily_unavailable, 503 +
// Retry-After on the API).
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/catalogue.h"
#include "gateway/circuit_breaker.h"
#include "gateway/errors.h"
#include "gateway/log.h"
#include "gateway/provider_gate.h"

namespace linkgate::gateway {

struct IsolationOptions {
  GateOptions gate;
  BreakerOptions breaker;
};

class ProviderIsolation {
 public:
  // `clock` paces the queue deadlines and cool-downs (a SystemClock in main). `executor` runs
  // admitted jobs (the provider workers). Breaker changes are logged to setLog()'s logger.
  ProviderIsolation(const Clock& clock, const Catalogue& catalogue, IsolationOptions options,
                    ProviderGate::Executor executor);
  // Before any request (not thread-safe with calls in flight).
  void setLog(std::shared_ptr<Logger> log) { log_ = std::move(log); }

  ProviderGate& gate() { return gate_; }
  CircuitBreakers& breakers() { return breakers_; }
  const Clock& clock() const { return clock_; }

  enum class Why { kQueueTimeout, kCircuitOpen, kShutdown };
  // The error a caller gets when `provider` cannot be called now (kProviderUnavailable).
  GatewayError unavailable(const std::string& provider, Why why) const;
  // Seconds for Retry-After: the breaker's remaining cool-down, else 1.
  int64_t retryAfterSeconds(const std::string& provider) const;

  // linkgate_provider_circuit_state, linkgate_provider_in_flight, linkgate_provider_queued,
  // linkgate_provider_rejected_total: Prometheus text, one series per catalogue provider.
  std::string renderMetrics() const;

 private:
  const Clock& clock_;
  const Catalogue& catalogue_;
  std::vector<std::string> providers_;
  std::shared_ptr<Logger> log_;
  CircuitBreakers breakers_;
  ProviderGate gate_;
};

}  // namespace linkgate::gateway
