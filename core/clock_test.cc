// Tests for the Clock seam: manual and offset clocks, RFC 3339 formatting.
#include "core/clock.h"

#include <gtest/gtest.h>

namespace linkgate {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock;
  const TimePoint start = clock.now();
  EXPECT_EQ(unixSeconds(start), 1'700'000'000);
  EXPECT_EQ(clock.now(), start);
  clock.advance(Seconds(90));
  EXPECT_EQ(clock.now() - start, Seconds(90));
  clock.advance(microseconds(1));
  EXPECT_EQ(clock.now() - start, Seconds(90) + microseconds(1));
  clock.set(TimePoint(Seconds(42)));
  EXPECT_EQ(unixSeconds(clock.now()), 42);
}

TEST(ClockTest, OffsetClockAddsToItsBase) {
  ManualClock base;
  OffsetClock clock(base);
  EXPECT_EQ(clock.now(), base.now());
  clock.advance(Seconds(3600));
  EXPECT_EQ(clock.now() - base.now(), Seconds(3600));
  EXPECT_EQ(clock.offset(), Seconds(3600));
  base.advance(Seconds(5));  // the base still moves underneath
  EXPECT_EQ(clock.now() - base.now(), Seconds(3600));
  EXPECT_EQ(unixSeconds(clock.now()), 1'700'000'000 + 5 + 3600);
  clock.reset();
  EXPECT_EQ(clock.now(), base.now());
  EXPECT_EQ(clock.offset(), Seconds(0));
}

TEST(ClockTest, FormatsRfc3339Utc) {
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(0))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(1'700'000'000))), "2023-11-14T22:13:20Z");
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(951'782'400))), "2000-02-29T00:00:00Z");
  // Sub-second parts are truncated, never rounded up.
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(59) + milliseconds(999))), "1970-01-01T00:00:59Z");
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(-1))), "1969-12-31T23:59:59Z");
  EXPECT_EQ(formatRfc3339(TimePoint(Seconds(4'102'444'799))), "2099-12-31T23:59:59Z");
}

TEST(ClockTest, UnixSecondsFloors) {
  EXPECT_EQ(unixSeconds(TimePoint(milliseconds(1999))), 1);
  EXPECT_EQ(unixSeconds(TimePoint(milliseconds(-1))), -1);
}

TEST(ClockTest, SystemClockIsNearNow) {
  SystemClock clock;
  EXPECT_GT(unixSeconds(clock.now()), 1'700'000'000);
}

}  // namespace
}  // namespace linkgate

namespace linkgate {
namespace {

TEST(Rfc3339, ParsesWhatFormatWritesAndOffsets) {
  const TimePoint t(std::chrono::seconds(1'764'331'200));
  EXPECT_EQ(parseRfc3339(formatRfc3339(t)), 1'764'331'200);
  EXPECT_EQ(parseRfc3339("2026-11-28T12:00:00+02:00"), parseRfc3339("2026-11-28T10:00:00Z"));
  EXPECT_EQ(parseRfc3339("2026-11-28T12:00:00.123Z"), parseRfc3339("2026-11-28T12:00:00Z"));
}

TEST(Rfc3339, RejectsMalformed) {
  EXPECT_FALSE(parseRfc3339("").has_value());
  EXPECT_FALSE(parseRfc3339("yesterday").has_value());
  EXPECT_FALSE(parseRfc3339("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(parseRfc3339("2026-11-28X12:00:00Z").has_value());
}

}  // namespace
}  // namespace linkgate
