// Per-provider circuit breakers (issue 15 item 1): after `failures` consecutive transport
// failures, timeouts or 5xx answers from one provider, calls to it fail fast for `cooldown`;
// then one probe call goes out (half-open) and its outcome closes or re-opens the circuit.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace linkgate::gateway {

enum class BreakerState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };
std::string_view breakerStateName(BreakerState state);

struct BreakerOptions {
  int failures = 5;  // consecutive failures that open the circuit; 0 = never open
  std::chrono::milliseconds cooldown{30000};
};

// One provider's breaker. Not thread-safe: CircuitBreakers locks around it.
class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerOptions options) : options_(options) {}
  // May a call go out at `now`? Closed: yes. Open: no until the cool-down has passed, then the
  // circuit turns half-open and this caller is the probe. Half-open: no while the probe is out.
  bool allow(TimePoint now);
  // The outcome of a call that allow() let through.
  void record(bool ok, TimePoint now);
  // The state as a caller would find it at `now` (an open circuit past its cool-down reads
  // half-open); does not take the probe.
  BreakerState state(TimePoint now) const;
  // How long until a call may be tried again (zero unless open).
  std::chrono::milliseconds retryAfter(TimePoint now) const;
  int consecutiveFailures() const { return failures_; }
  // The state as last changed by allow() or record() (what transitions are reported on).
  BreakerState recorded() const { return state_; }

 private:
  BreakerOptions options_;
  BreakerState state_ = BreakerState::kClosed;
  int failures_ = 0;
  TimePoint opened_at_{};
  bool probe_out_ = false;
  TimePoint probe_at_{};  // a probe that never reported frees the slot after a cool-down
};

// The breakers of every provider, keyed by slug. Thread-safe.
class CircuitBreakers {
 public:
  // Called (outside the lock) on every state change: provider, old state, new state, the
  // consecutive failures that led there.
  using Observer = std::function<void(const std::string&, BreakerState, BreakerState, int)>;

  CircuitBreakers(const Clock& clock, BreakerOptions options, Observer observer = {})
      : clock_(clock), options_(options), observer_(std::move(observer)) {}

  bool allow(std::string_view provider);
  // ok: the provider answered (any status below 500). false: transport error, timeout, 5xx.
  void record(std::string_view provider, bool ok);
  BreakerState state(std::string_view provider) const;
  std::chrono::milliseconds retryAfter(std::string_view provider) const;
  const BreakerOptions& options() const { return options_; }

 private:
  CircuitBreaker& at(std::string_view provider);  // under mu_
  void notify(const std::string& provider, BreakerState from, BreakerState to, int failures);

  const Clock& clock_;
  BreakerOptions options_;
  Observer observer_;
  mutable std::mutex mu_;
  std::map<std::string, CircuitBreaker, std::less<>> breakers_;
};

}  // namespace linkgate::gateway
