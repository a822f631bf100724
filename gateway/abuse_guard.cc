// AbuseGuard: the answers of issue #15's limits (429 + Retry-After in the JSON error contract).
#include "gateway/abuse_guard.h"

#include <algorithm>

#include "gateway/pages.h"

namespace linkgate::gateway {
namespace {

std::string_view routeName(AbuseRoute route) { return route == AbuseRoute::kToken ? "token" : "api"; }

web::Response tooMany(Code code, std::string description, int64_t retry_after) {
  auto r = jsonError(gwError(code, std::move(description)));
  r.setHeader("Retry-After", std::to_string(std::max<int64_t>(1, retry_after)));
  r.setHeader("Cache-Control", "no-store");
  return r;
}

int64_t unixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

AbuseGuard::AbuseGuard(AbuseConfig config, const Clock& clock, Store& store, Metrics& metrics)
    : config_(std::move(config)), clock_(clock), store_(store), metrics_(metrics),
      token_client_(clock), token_address_(clock), api_key_(clock), api_address_(clock) {}

bool AbuseGuard::trusted(const std::string& address) const {
  return std::find(config_.trusted_proxies.begin(), config_.trusted_proxies.end(), address) !=
         config_.trusted_proxies.end();
}

std::string AbuseGuard::clientAddress(const web::Request& request) const {
  if (config_.trusted_proxies.empty() || !trusted(request.remote_address)) {
    return request.remote_address;
  }
  // Each proxy appends the address it received from: walk from the right past our proxies.
  // (Only the first X-Forwarded-For header is read: a proxy that appends writes one line.)
  const std::string forwarded = request.header("x-forwarded-for").value_or("");
  std::string_view rest = forwarded;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string entry =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (entry.empty() || entry.size() > 64) break;  // malformed: stop at the last good hop
    if (!trusted(entry)) return entry;
  }
  return request.remote_address;
}

std::optional<web::Response> AbuseGuard::limitAddress(AbuseRoute route,
                                                      const std::string& address) {
  const bool token = route == AbuseRoute::kToken;
  const RateDecision d = (token ? token_address_ : api_address_)
                             .take(address, token ? config_.token_per_address
                                                  : config_.api_per_address);
  if (d.allowed) return std::nullopt;
  metrics_.abuseRefused(routeName(route), "rate_limit_address");
  return tooMany(Code::kRateLimited,
                 "too many requests from this address; retry after " +
                     std::to_string(d.retry_after) + " s",
                 d.retry_after);
}

std::optional<web::Response> AbuseGuard::limitClient(AbuseRoute route, const std::string& client) {
  const bool token = route == AbuseRoute::kToken;
  const RateDecision d =
      (token ? token_client_ : api_key_)
          .take(client, token ? config_.token_per_client : config_.api_per_key);
  if (d.allowed) return std::nullopt;
  metrics_.abuseRefused(routeName(route), "rate_limit_client");
  return tooMany(Code::kRateLimited,
                 std::string(token ? "too many token requests for this client_id"
                                   : "too many requests with this API key") +
                     "; retry after " + std::to_string(d.retry_after) + " s",
                 d.retry_after);
}

const LockoutPolicy& AbuseGuard::policy(AbuseRoute route) const {
  return route == AbuseRoute::kToken ? config_.client_lockout : config_.api_key_lockout;
}

std::optional<web::Response> AbuseGuard::checkLockout(AbuseRoute route,
                                                      const std::string& subject) {
  if (!policy(route).enabled()) return std::nullopt;
  auto until = store_.lockedUntil(subject);
  if (!until) return jsonError(storeUnavailable());
  const int64_t now = unixSeconds(clock_.now());
  if (*until <= now) return std::nullopt;
  metrics_.abuseRefused(routeName(route), "locked_out");
  const bool token = route == AbuseRoute::kToken;
  return tooMany(Code::kLockedOut,
                 std::string(token ? "this client is locked out after repeated wrong client "
                                     "secrets"
                                   : "this address is locked out after repeated wrong API keys") +
                     "; retry after " + std::to_string(*until - now) + " s",
                 *until - now);
}

void AbuseGuard::recordFailure(AbuseRoute route, const std::string& subject) {
  const LockoutPolicy& p = policy(route);
  if (!p.enabled()) return;
  const int64_t now = unixSeconds(clock_.now());
  auto until = store_.recordAuthFailure(subject, now, p.failures, p.window_s, p.lock_s);
  // The failure that engaged it sets locked_until to exactly now + lock_s.
  if (until && *until == now + p.lock_s) metrics_.lockoutEngaged(routeName(route));
}

std::optional<GatewayError> AbuseGuard::admitFlow(const std::string& address,
                                                  int64_t flow_ttl_s) {
  std::lock_guard lock(flows_mu_);
  if (auto refused = admitGlobal()) return refused;
  if (auto refused = admitAddress(address, flow_ttl_s)) return refused;
  ++flows_added_;
  return std::nullopt;
}

std::optional<GatewayError> AbuseGuard::admitGlobal() {
  const int64_t cap = config_.max_pending_flows;
  if (cap <= 0) return std::nullopt;
  const int64_t now_ms = unixMillis(clock_.now());
  // Re-read the database's count every 10 s, every second once half the cap is reached, so
  // the count (an index range) is cheap while the table is small and exact enough near the cap.
  const int64_t age = flows_counted_at_ == INT64_MIN ? INT64_MAX : now_ms - flows_counted_at_;
  const bool near = flows_counted_ + flows_added_ >= cap / 2;
  if (age >= (near ? 1000 : 10000)) {
    if (auto n = store_.countUnexpiredFlows(now_ms / 1000)) {
      flows_counted_ = *n;
      flows_added_ = 0;
      flows_counted_at_ = now_ms;
    }
  }
  if (flows_counted_ + flows_added_ < cap) return std::nullopt;
  metrics_.abuseRefused("start", "flow_cap_global");
  return gwError(Code::kTooManyFlows,
                 "the gateway holds too many pending sign-ins right now; try again later");
}

std::optional<GatewayError> AbuseGuard::admitAddress(const std::string& address,
                                                     int64_t flow_ttl_s) {
  const int64_t cap = config_.max_pending_flows_per_address;
  if (cap <= 0) return std::nullopt;
  const int64_t index = unixSeconds(clock_.now()) / std::max<int64_t>(1, flow_ttl_s);
  if (flows_by_address_.size() >= 100000) {
    // Bounded memory: windows two TTLs old say nothing any more.
    std::erase_if(flows_by_address_, [&](const auto& kv) { return kv.second.index < index - 1; });
  }
  auto found = flows_by_address_.find(address);
  if (found == flows_by_address_.end()) {
    // Past a million live addresses a new one goes untracked (the global cap still holds).
    if (flows_by_address_.size() >= 1000000) return std::nullopt;
    found = flows_by_address_.emplace(address, Window{index, 0, 0}).first;
  }
  Window& w = found->second;
  if (w.index != index) {
    w.previous = w.index == index - 1 ? w.current : 0;
    w.current = 0;
    w.index = index;
  }
  if (w.previous + w.current >= cap) {
    metrics_.abuseRefused("start", "flow_cap_address");
    return gwError(Code::kTooManyFlows,
                   "too many sign-ins were started from this address; try again later");
  }
  ++w.current;
  return std::nullopt;
}

}  // namespace linkgate::gateway
