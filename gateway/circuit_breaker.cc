// CircuitBreaker: closed -> open after N consecutive failures -> half-open after the cool-down
// (one probe) -> closed on its success, open again on its failure.
#include "gateway/circuit_breaker.h"

namespace linkgate::gateway {

std::string_view breakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed: return "closed";
    case BreakerState::kOpen: return "open";
    case BreakerState::kHalfOpen: return "half_open";
  }
  return "closed";
}

bool CircuitBreaker::allow(TimePoint now) {
  switch (state_) {
    case BreakerState::kClosed: return true;
    case BreakerState::kOpen:
      if (now - opened_at_ < options_.cooldown) return false;
      state_ = BreakerState::kHalfOpen;
      probe_out_ = true;
      probe_at_ = now;
      return true;
    case BreakerState::kHalfOpen:
      if (probe_out_ && now - probe_at_ < options_.cooldown) return false;
      probe_out_ = true;
      probe_at_ = now;
      return true;
  }
  return true;
}

void CircuitBreaker::record(bool ok, TimePoint now) {
  if (ok) {
    failures_ = 0;
    state_ = BreakerState::kClosed;
    probe_out_ = false;
    return;
  }
  ++failures_;
  if (state_ == BreakerState::kHalfOpen ||
      (options_.failures > 0 && failures_ >= options_.failures)) {
    // A failed probe (or the N-th failure in a row) opens the circuit for a whole cool-down.
    if (state_ != BreakerState::kOpen) opened_at_ = now;
    state_ = BreakerState::kOpen;
    probe_out_ = false;
  }
}

BreakerState CircuitBreaker::state(TimePoint now) const {
  if (state_ == BreakerState::kOpen && now - opened_at_ >= options_.cooldown) {
    return BreakerState::kHalfOpen;
  }
  return state_;
}

std::chrono::milliseconds CircuitBreaker::retryAfter(TimePoint now) const {
  if (state(now) != BreakerState::kOpen) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(opened_at_ + options_.cooldown -
                                                               now);
}

CircuitBreaker& CircuitBreakers::at(std::string_view provider) {
  auto it = breakers_.find(provider);
  if (it == breakers_.end()) {
    it = breakers_.emplace(std::string(provider), CircuitBreaker(options_)).first;
  }
  return it->second;
}

void CircuitBreakers::notify(const std::string& provider, BreakerState from, BreakerState to,
                             int failures) {
  if (from != to && observer_) observer_(provider, from, to, failures);
}

bool CircuitBreakers::allow(std::string_view provider) {
  BreakerState before, after;
  bool allowed;
  int failures;
  {
    std::lock_guard lock(mu_);
    CircuitBreaker& b = at(provider);
    const TimePoint now = clock_.now();
    before = b.recorded();
    allowed = b.allow(now);
    after = b.recorded();
    failures = b.consecutiveFailures();
  }
  notify(std::string(provider), before, after, failures);
  return allowed;
}

void CircuitBreakers::record(std::string_view provider, bool ok) {
  BreakerState before, after;
  int failures;
  {
    std::lock_guard lock(mu_);
    CircuitBreaker& b = at(provider);
    const TimePoint now = clock_.now();
    before = b.recorded();
    b.record(ok, now);
    after = b.recorded();
    failures = b.consecutiveFailures();
  }
  notify(std::string(provider), before, after, failures);
}

BreakerState CircuitBreakers::state(std::string_view provider) const {
  std::lock_guard lock(mu_);
  auto it = breakers_.find(provider);
  return it == breakers_.end() ? BreakerState::kClosed : it->second.state(clock_.now());
}

std::chrono::milliseconds CircuitBreakers::retryAfter(std::string_view provider) const {
  std::lock_guard lock(mu_);
  auto it = breakers_.find(provider);
  return it == breakers_.end() ? std::chrono::milliseconds(0)
                               : it->second.retryAfter(clock_.now());
}

}  // namespace linkgate::gateway
