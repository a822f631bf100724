// What the abuse protections of issue #15 allow (flags in abuse_options.cc, docs/OPERATIONS.md
// "Abuse limits"). Defaults are generous: they never bind the test suites or the benchmarks,
// and an operator tightens them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/rate_limiter.h"

namespace linkgate::gateway {

// `failures` failed authentications within `window_s` seconds lock the subject for `lock_s`.
struct LockoutPolicy {
  int64_t failures = 0;  // 0: no lockout
  int64_t window_s = 300;
  int64_t lock_s = 300;
  bool enabled() const { return failures > 0; }
};

struct AbuseConfig {
  // POST /link/oauth2/token, per presented client_id and per address.
  RateLimit token_per_client{30000, 60};
  RateLimit token_per_address{60000, 60};
  // /v1/*, per presented API key and per address.
  RateLimit api_per_key{30000, 60};
  RateLimit api_per_address{60000, 60};
  // Wrong client secrets of one app (any address); wrong API keys from one address.
  LockoutPolicy client_lockout{20, 300, 300};
  LockoutPolicy api_key_lockout{50, 300, 300};
  // Unexpired flow rows in the database (all instances), and flows started from one address
  // on this instance per flow TTL. 0: no cap.
  int64_t max_pending_flows = 1000000;
  int64_t max_pending_flows_per_address = 500000;
  // Peers whose X-Forwarded-For is believed (exact IP addresses). Empty: the peer address is
  // the client address, always.
  std::vector<std::string> trusted_proxies;
};

}  // namespace linkgate::gateway
