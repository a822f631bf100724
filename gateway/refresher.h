// The background refresher (issue 13): every interval (± jitter) it asks the store for
// credentials whose access token expires within the window, or whose refresh token the
// provider would soon revoke for idleness (catalogue `refresh.idle_revocation_days`), takes
// each one's lease in the database (one instance per credential), and refreshes it through
// the API's single-flight path, at most `per_provider` at a time per provider. Transient
// failures are retried with backoff (Retry-After honoured) and leave health alone; permanent
// ones mark health `error` (ApiHandlers::refreshLocked emits credential.refresh_failed) and the
// credential is no longer a candidate.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/api_handlers.h"
#include "gateway/services.h"

namespace linkgate::gateway {

struct RefresherOptions {
  std::chrono::seconds window{600};             // refresh what expires within this
  std::chrono::milliseconds interval{30000};    // between passes (real time)
  double jitter = 0.1;                          // each wait is interval * (1 ± jitter)
  size_t per_provider = 4;                      // concurrent refreshes per provider
  std::chrono::seconds idle_margin{7 * 86400};  // exercise this long before idle revocation
  std::chrono::seconds lease{120};              // a lease outlives a hung refresh by this
  std::chrono::seconds backoff_base{30}, backoff_max{3600};
  size_t batch = 500;  // candidates per pass
};

struct RefreshPassStats {
  size_t candidates = 0, claimed = 0, refreshed = 0, transient = 0, permanent = 0, skipped = 0;
};

class Refresher {
 public:
  // owner: this instance's id in the lease table (unique per process).
  Refresher(Services& services, ApiHandlers& api, RefresherOptions options, std::string owner);
  ~Refresher();  // stops
  Refresher(const Refresher&) = delete;
  Refresher& operator=(const Refresher&) = delete;

  void start();  // the background thread (first pass at once)
  void stop();   // wakes it and joins; an attempt under way finishes first

  // One pass, on the calling thread. Thread-compatible with itself (one pass at a time).
  RefreshPassStats runOnce();

 private:
  // Due by expiry, or by idleness for a provider that revokes idle refresh tokens.
  bool due(const Credential& c, int64_t now) const;
  void refreshOne(const RefreshCandidate& candidate, int failures_so_far, RefreshPassStats& stats,
                  std::mutex& stats_mu);
  void loop();

  Services& s_;
  ApiHandlers& api_;
  RefresherOptions o_;
  std::string owner_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace linkgate::gateway
