// RateLimiter: token buckets in 16 locked shards (by key hash) so reactor threads rarely meet.
#include "gateway/rate_limiter.h"

#include <cmath>
#include <functional>

namespace linkgate::gateway {

double RateLimiter::nowSeconds() const {
  return std::chrono::duration<double>(clock_.now().time_since_epoch()).count();
}

void RateLimiter::sweep(Shard& shard, double now, const RateLimit& limit) {
  // A bucket that would be full again is the same as no bucket.
  const double rate = static_cast<double>(limit.requests) / static_cast<double>(limit.seconds);
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    const double refilled = it->second.tokens + (now - it->second.at) * rate;
    if (refilled >= static_cast<double>(limit.requests)) {
      it = shard.buckets.erase(it);
    } else {
      ++it;
    }
  }
}

RateDecision RateLimiter::take(const std::string& key, const RateLimit& limit) {
  if (!limit.enabled()) return {};
  const double now = nowSeconds();
  const double capacity = static_cast<double>(limit.requests);
  const double rate = capacity / static_cast<double>(limit.seconds);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) sweep(shard, now, limit);
    if (shard.buckets.size() >= max_per_shard_) return {};
    it = shard.buckets.emplace(key, Bucket{capacity, now}).first;
  }
  Bucket& b = it->second;
  // A clock that went back (wall time) refills nothing rather than a negative amount.
  if (now > b.at) b.tokens = std::min(capacity, b.tokens + (now - b.at) * rate);
  b.at = std::max(b.at, now);
  constexpr double kSlack = 1e-9;  // refills of whole periods land on 1.0 despite rounding
  if (b.tokens >= 1.0 - kSlack) {
    b.tokens = std::max(0.0, b.tokens - 1.0);
    return {};
  }
  const double wait = (1.0 - b.tokens) / rate;
  return {false, std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait - kSlack)))};
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace linkgate::gateway
