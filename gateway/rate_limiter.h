// Token-bucket rate limits by key (a client, an API key, an address), in this process's memory:
// a limit of N requests per S seconds lets a burst of N through and refills N/S per second.
#pragma once
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace linkgate::gateway {

struct RateLimit {
  int64_t requests = 0;  // 0: no limit
  int64_t seconds = 60;
  bool enabled() const { return requests > 0 && seconds > 0; }
};

struct RateDecision {
  bool allowed = true;
  int64_t retry_after = 0;  // whole seconds until one request is allowed again (>= 1 if refused)
};

class RateLimiter {
 public:
  // max_keys: buckets kept at most (buckets that have refilled completely are dropped first;
  // past the bound a new key is let through untracked, so memory stays bounded under a flood
  // of distinct keys while the per-address limit still holds).
  explicit RateLimiter(const Clock& clock, size_t max_keys = 200000)
      : clock_(clock), max_per_shard_(max_keys / kShards + 1) {}

  // Takes one request of key under limit. Thread-safe.
  RateDecision take(const std::string& key, const RateLimit& limit);

  // Buckets held (for tests).
  size_t size() const;

 private:
  static constexpr size_t kShards = 16;
  struct Bucket {
    double tokens = 0;
    double at = 0;  // seconds
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  double nowSeconds() const;
  static void sweep(Shard& shard, double now, const RateLimit& limit);

  const Clock& clock_;
  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace linkgate::gateway
