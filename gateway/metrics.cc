// Metrics: fixed arrays of relaxed atomics indexed by pre-registered label values.
#include "gateway/metrics.h"

#include <algorithm>
#include <cstdio>

#include "gateway/errors.h"

namespace linkgate::gateway {
namespace {

using Counter = std::atomic<uint64_t>;

constexpr std::string_view kRoutes[] = {
    "/healthz", "/readyz", "/metrics", "/link/oauth2/start", "/link/oauth2/start/{token}",
    "/link/oauth2/callback/{provider}", "/link/oauth2/token", "/v1/oauth-apps",
    "/v1/oauth-apps/{id}", "/v1/redirect-uris", "/v1/redirect-uris/{id}", "/v1/providers",
    "/v1/credentials", "/v1/credentials/{id}", "/v1/credentials/export",
    "/v1/credentials/start-auth", "/v1/credentials/{id}/refresh",
    "/v1/credentials/{id}/access-token", "/openapi.json", "/v1/credentials/import",
    "/v1/api-keys", "/v1/api-keys/{id}", "/v1/webhooks", "/v1/webhooks/{id}",
    "/v1/webhooks/{id}/deliveries", "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    "not_found", "too_large", "unknown"};
constexpr size_t kRouteCount = std::size(kRoutes);
constexpr int kStatuses[] = {200, 201, 204, 302, 303, 400, 401, 403, 404, 405, 408,
                             409, 413, 415, 422, 429, 500, 502, 503, 504};
constexpr size_t kStatusCount = std::size(kStatuses);
constexpr std::string_view kKinds[] = {"authorize", "token", "refresh", "discovery", "jwks",
                                       "userinfo"};
constexpr size_t kKindCount = std::size(kKinds);
constexpr std::string_view kResults[] = {"2xx",     "3xx",       "4xx",
                                         "5xx",     "timeout",   "connect_failed",
                                         "transport", "too_large", "bad_request",
                                         "other"};
constexpr size_t kResultCount = std::size(kResults);
constexpr std::string_view kRefreshOutcomes[] = {"ok", "transient", "permanent"};
// Upper bounds in seconds of the outbound-call latency histogram (le labels).
constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr size_t kBucketCount = std::size(kBuckets);
constexpr size_t kReasonCount = static_cast<size_t>(Code::kInternal) + 2;  // + "other"

std::string_view reasonName(size_t i) {
  return i + 1 < kReasonCount ? codeInfo(static_cast<Code>(i)).id : std::string_view("other");
}

size_t reasonIndex(std::string_view id) {
  for (size_t i = 0; i + 1 < kReasonCount; ++i) {
    if (codeInfo(static_cast<Code>(i)).id == id) return i;
  }
  return kReasonCount - 1;
}

template <size_t N>
size_t indexOf(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return i;
  }
  return N;
}

struct Array {
  explicit Array(size_t n) : size(n), cells(new Counter[n]) {
    for (size_t i = 0; i < n; ++i) cells[i].store(0, std::memory_order_relaxed);
  }
  void add(size_t i, uint64_t n = 1) { cells[i].fetch_add(n, std::memory_order_relaxed); }
  uint64_t get(size_t i) const { return cells[i].load(std::memory_order_relaxed); }
  size_t size;
  std::unique_ptr<Counter[]> cells;
};

void header(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// Label values are catalogue slugs, route templates and ids: no quotes or backslashes, but
// escape anyway (the format's rules: \\, \", \n).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void sample(std::string& out, std::string_view name, const std::string& labels, uint64_t v) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(v)).append("\n");
}

std::string seconds(uint64_t micros) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(micros) / 1e6);
  return buf;
}

}  // namespace

std::string_view callKindName(CallKind kind) { return kKinds[static_cast<size_t>(kind)]; }

struct Metrics::Counters {
  explicit Counters(size_t providers)
      : requests(kRouteCount * kStatusCount),
        started(providers),
        completed(providers),
        failed(providers * kReasonCount),
        exchanges(kReasonCount + 1),
        refreshes(providers * 3),
        calls(providers * kKindCount * kResultCount),
        buckets(providers * kKindCount * kBucketCount),
        sum_micros(providers * kKindCount) {}
  Array requests, started, completed, failed, exchanges, refreshes, calls, buckets, sum_micros;
};

Metrics::Metrics(std::vector<std::string> providers) : providers_(std::move(providers)) {
  std::sort(providers_.begin(), providers_.end());
  providers_.push_back("other");
  c_ = std::make_unique<Counters>(providers_.size());
}

Metrics::~Metrics() = default;

size_t Metrics::providerIndex(std::string_view provider) const {
  auto end = providers_.end() - 1;  // "other" is not a real slug
  auto it = std::lower_bound(providers_.begin(), end, provider);
  return it != end && *it == provider ? static_cast<size_t>(it - providers_.begin())
                                      : providers_.size() - 1;
}

void Metrics::countRequest(std::string_view route, int status) {
  const size_t r = indexOf(kRoutes, route);
  const auto s = std::find(std::begin(kStatuses), std::end(kStatuses), status);
  if (r < kRouteCount && s != std::end(kStatuses)) {
    c_->requests.add(r * kStatusCount + static_cast<size_t>(s - std::begin(kStatuses)));
    return;
  }
  std::lock_guard lock(side_mu_);
  ++side_requests_[{std::string(route), status}];
}

void Metrics::flowStarted(std::string_view provider) { c_->started.add(providerIndex(provider)); }
void Metrics::flowCompleted(std::string_view provider) {
  c_->completed.add(providerIndex(provider));
}
void Metrics::flowFailed(std::string_view provider, std::string_view reason) {
  c_->failed.add(providerIndex(provider) * kReasonCount + reasonIndex(reason));
}
void Metrics::codeExchange(std::string_view outcome) {
  c_->exchanges.add(outcome == "ok" ? kReasonCount : reasonIndex(outcome));
}
void Metrics::refresh(std::string_view provider, RefreshOutcome outcome) {
  c_->refreshes.add(providerIndex(provider) * 3 + static_cast<size_t>(outcome));
}

// ---- abuse (issue #15) ----
namespace {
constexpr std::string_view kAbuseRoutes[] = {"token", "api", "start"};
constexpr std::string_view kAbuseReasons[] = {"rate_limit_client", "rate_limit_address",
                                              "locked_out", "flow_cap_global",
                                              "flow_cap_address"};
}  // namespace

void Metrics::abuseRefused(std::string_view route, std::string_view reason) {
  const size_t r = indexOf(kAbuseRoutes, route), why = indexOf(kAbuseReasons, reason);
  if (r == std::size(kAbuseRoutes) || why == std::size(kAbuseReasons)) return;
  abuse_refused_[r * std::size(kAbuseReasons) + why].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::lockoutEngaged(std::string_view route) {
  const size_t r = indexOf(kAbuseRoutes, route);
  if (r < std::size(kAbuseRoutes)) lockouts_[r].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::providerCall(std::string_view provider, CallKind kind, double secs,
                           std::string_view result) {
  const size_t pk = providerIndex(provider) * kKindCount + static_cast<size_t>(kind);
  size_t res = indexOf(kResults, result);
  if (res == kResultCount) res = kResultCount - 1;
  c_->calls.add(pk * kResultCount + res);
  size_t b = 0;
  while (b < kBucketCount && secs > kBuckets[b]) ++b;
  if (b < kBucketCount) c_->buckets.add(pk * kBucketCount + b);  // above the last: +Inf only
  c_->sum_micros.add(pk, static_cast<uint64_t>(std::max(0.0, secs) * 1e6));
}

std::string Metrics::render(const StoreGauges* gauges) const {
  std::string out;
  out.reserve(16384);
  const size_t np = providers_.size();
  header(out, "linkgate_http_requests_total", "counter",
         "HTTP requests answered, by route template and status.");
  std::map<std::pair<std::string, int>, uint64_t> requests;
  for (size_t r = 0; r < kRouteCount; ++r) {
    for (size_t s = 0; s < kStatusCount; ++s) {
      if (uint64_t n = c_->requests.get(r * kStatusCount + s)) {
        requests[{std::string(kRoutes[r]), kStatuses[s]}] += n;
      }
    }
  }
  {
    std::lock_guard lock(side_mu_);
    for (const auto& [key, n] : side_requests_) requests[key] += n;
  }
  for (const auto& [key, n] : requests) {
    sample(out, "linkgate_http_requests_total",
           "route=\"" + label(key.first) + "\",status=\"" + std::to_string(key.second) + "\"", n);
  }
  auto perProvider = [&](std::string_view name, std::string_view help, const Array& a) {
    header(out, name, "counter", help);
    for (size_t p = 0; p < np; ++p) {
      sample(out, name, "provider=\"" + label(providers_[p]) + "\"", a.get(p));
    }
  };
  perProvider("linkgate_flows_started_total",
              "Link flows sent to the provider's authorization endpoint.", c_->started);
  perProvider("linkgate_flows_completed_total",
              "Link flows that came back and were redirected with a gateway code.", c_->completed);
  header(out, "linkgate_flows_failed_total", "counter",
         "Link flows that failed at start or callback, by provider and reason (error id).");
  for (size_t p = 0; p < np; ++p) {
    for (size_t r = 0; r < kReasonCount; ++r) {
      if (uint64_t n = c_->failed.get(p * kReasonCount + r)) {
        sample(out, "linkgate_flows_failed_total",
               "provider=\"" + label(providers_[p]) + "\",reason=\"" +
                   std::string(reasonName(r)) + "\"", n);
      }
    }
  }
  header(out, "linkgate_code_exchanges_total", "counter",
         "POST /link/oauth2/token, by outcome (ok or the error id).");
  sample(out, "linkgate_code_exchanges_total", "outcome=\"ok\"", c_->exchanges.get(kReasonCount));
  for (size_t r = 0; r < kReasonCount; ++r) {
    if (uint64_t n = c_->exchanges.get(r)) {
      sample(out, "linkgate_code_exchanges_total",
             "outcome=\"" + std::string(reasonName(r)) + "\"", n);
    }
  }
  header(out, "linkgate_refreshes_total", "counter",
         "Refresh-token grants, by provider and outcome (ok, transient, permanent).");
  for (size_t p = 0; p < np; ++p) {
    for (size_t o = 0; o < 3; ++o) {
      sample(out, "linkgate_refreshes_total",
             "provider=\"" + label(providers_[p]) + "\",outcome=\"" +
                 std::string(kRefreshOutcomes[o]) + "\"", c_->refreshes.get(p * 3 + o));
    }
  }
  header(out, "linkgate_provider_calls_total", "counter",
         "Outbound calls to providers, by provider, endpoint kind and result.");
  for (size_t pk = 0; pk < np * kKindCount; ++pk) {
    for (size_t res = 0; res < kResultCount; ++res) {
      if (uint64_t n = c_->calls.get(pk * kResultCount + res)) {
        sample(out, "linkgate_provider_calls_total",
               "provider=\"" + label(providers_[pk / kKindCount]) + "\",endpoint=\"" +
                   std::string(kKinds[pk % kKindCount]) + "\",result=\"" +
                   std::string(kResults[res]) + "\"", n);
      }
    }
  }
  header(out, "linkgate_provider_call_duration_seconds", "histogram",
         "Latency of outbound calls to providers, by provider and endpoint kind.");
  for (size_t pk = 0; pk < np * kKindCount; ++pk) {
    uint64_t total = 0;
    for (size_t res = 0; res < kResultCount; ++res) total += c_->calls.get(pk * kResultCount + res);
    if (total == 0) continue;
    const std::string base = "provider=\"" + label(providers_[pk / kKindCount]) +
                             "\",endpoint=\"" + std::string(kKinds[pk % kKindCount]) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBucketCount; ++b) {
      cumulative += c_->buckets.get(pk * kBucketCount + b);
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[b]);
      sample(out, "linkgate_provider_call_duration_seconds_bucket",
             base + ",le=\"" + le + "\"", std::min(cumulative, total));
    }
    sample(out, "linkgate_provider_call_duration_seconds_bucket", base + ",le=\"+Inf\"", total);
    out.append("linkgate_provider_call_duration_seconds_sum{").append(base).append("} ");
    out.append(seconds(c_->sum_micros.get(pk))).append("\n");
    sample(out, "linkgate_provider_call_duration_seconds_count", base, total);
  }
  // Abuse (issue #15): every route x reason, zeros included, so rates need no absent-series care.
  header(out, "linkgate_abuse_refusals_total", "counter",
         "Requests refused by a rate limit (429), a lockout (429) or the pending-flow cap, by "
         "route (token, api, start) and reason.");
  for (size_t r = 0; r < std::size(kAbuseRoutes); ++r) {
    for (size_t why = 0; why < std::size(kAbuseReasons); ++why) {
      sample(out, "linkgate_abuse_refusals_total",
             "route=\"" + std::string(kAbuseRoutes[r]) + "\",reason=\"" +
                 std::string(kAbuseReasons[why]) + "\"",
             abuse_refused_[r * std::size(kAbuseReasons) + why].load(std::memory_order_relaxed));
    }
  }
  header(out, "linkgate_lockouts_total", "counter",
         "Lockouts engaged by repeated failed authentication, by route (token: wrong client "
         "secrets of an app; api: wrong API keys from an address).");
  for (size_t r = 0; r < 2; ++r) {
    sample(out, "linkgate_lockouts_total", "route=\"" + std::string(kAbuseRoutes[r]) + "\"",
           lockouts_[r].load(std::memory_order_relaxed));
  }
  if (gauges != nullptr) {
    header(out, "linkgate_pending_flows", "gauge",
           "Flows started and neither finished nor expired.");
    out.append("linkgate_pending_flows ").append(std::to_string(gauges->pending_flows)).append("\n");
    header(out, "linkgate_credentials", "gauge", "Stored credentials, by health status.");
    out.append("linkgate_credentials{health=\"ok\"} ")
        .append(std::to_string(gauges->credentials_ok)).append("\n");
    out.append("linkgate_credentials{health=\"error\"} ")
        .append(std::to_string(gauges->credentials_error)).append("\n");
  }
  return out;
}

}  // namespace linkgate::gateway
