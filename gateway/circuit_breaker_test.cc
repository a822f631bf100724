// CircuitBreaker / CircuitBreakers with a ManualClock: opens after N consecutive failures,
// fails fast for the cool-down, lets one probe through, closes or re-opens on its outcome.
#include "gateway/circuit_breaker.h"

#include <gtest/gtest.h>

#include <tuple>

namespace linkgate::gateway {
namespace {

using std::chrono::milliseconds;

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
  ManualClock clock;
  CircuitBreaker b({3, milliseconds(1000)});
  const auto now = clock.now();
  b.record(false, now);
  b.record(false, now);
  b.record(true, now);  // a success in between starts the count again
  b.record(false, now);
  b.record(false, now);
  EXPECT_EQ(b.state(now), BreakerState::kClosed);
  EXPECT_TRUE(b.allow(now));
  b.record(false, now);
  EXPECT_EQ(b.state(now), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(now));
  EXPECT_EQ(b.retryAfter(now), milliseconds(1000));
}

TEST(CircuitBreaker, HalfOpenAfterCooldownLetsOneProbe) {
  ManualClock clock;
  CircuitBreaker b({1, milliseconds(500)});
  b.record(false, clock.now());
  clock.advance(milliseconds(499));
  EXPECT_FALSE(b.allow(clock.now()));
  EXPECT_EQ(b.retryAfter(clock.now()), milliseconds(1));
  clock.advance(milliseconds(1));
  EXPECT_EQ(b.state(clock.now()), BreakerState::kHalfOpen);
  EXPECT_TRUE(b.allow(clock.now()));   // the probe
  EXPECT_FALSE(b.allow(clock.now()));  // nobody else while it is out
  b.record(true, clock.now());
  EXPECT_EQ(b.state(clock.now()), BreakerState::kClosed);
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, FailedProbeReopensForAWholeCooldown) {
  ManualClock clock;
  CircuitBreaker b({2, milliseconds(500)});
  b.record(false, clock.now());
  b.record(false, clock.now());
  clock.advance(milliseconds(600));
  ASSERT_TRUE(b.allow(clock.now()));
  b.record(false, clock.now());
  EXPECT_EQ(b.state(clock.now()), BreakerState::kOpen);
  clock.advance(milliseconds(499));
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, LostProbeFreesTheSlotAfterACooldown) {
  ManualClock clock;
  CircuitBreaker b({1, milliseconds(100)});
  b.record(false, clock.now());
  clock.advance(milliseconds(100));
  ASSERT_TRUE(b.allow(clock.now()));  // this probe never reports
  clock.advance(milliseconds(99));
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, ZeroFailuresNeverOpens) {
  ManualClock clock;
  CircuitBreaker b({0, milliseconds(100)});
  for (int i = 0; i < 100; ++i) b.record(false, clock.now());
  EXPECT_EQ(b.state(clock.now()), BreakerState::kClosed);
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreakers, PerProviderAndReportsEveryChange) {
  ManualClock clock;
  std::vector<std::tuple<std::string, BreakerState, BreakerState, int>> seen;
  CircuitBreakers all(clock, {2, milliseconds(1000)},
                      [&](const std::string& p, BreakerState from, BreakerState to, int n) {
                        seen.emplace_back(p, from, to, n);
                      });
  all.record("slow", false);
  all.record("slow", false);
  all.record("fine", true);
  EXPECT_EQ(all.state("slow"), BreakerState::kOpen);
  EXPECT_EQ(all.state("fine"), BreakerState::kClosed);
  EXPECT_EQ(all.state("never-called"), BreakerState::kClosed);
  EXPECT_FALSE(all.allow("slow"));
  EXPECT_TRUE(all.allow("fine"));
  EXPECT_EQ(all.retryAfter("slow"), milliseconds(1000));
  clock.advance(milliseconds(1000));
  EXPECT_TRUE(all.allow("slow"));
  all.record("slow", true);
  using S = BreakerState;
  const std::vector<std::tuple<std::string, S, S, int>> expected = {
      {"slow", S::kClosed, S::kOpen, 2},
      {"slow", S::kOpen, S::kHalfOpen, 2},
      {"slow", S::kHalfOpen, S::kClosed, 0}};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace linkgate::gateway
