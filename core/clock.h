// Clock seam: everything time-dependent asks a Clock, so tests can move time by hand.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkgate {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current wall-clock time. Thread-safe.
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint(std::chrono::seconds(1'700'000'000)))
      : micros_(toMicros(start)) {}
  TimePoint now() const override { return TimePoint(std::chrono::microseconds(micros_.load())); }
  void advance(std::chrono::microseconds by) { micros_ += by.count(); }
  void set(TimePoint t) { micros_ = toMicros(t); }

 private:
  static int64_t toMicros(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> micros_;
};

// A clock that is another clock plus an offset that can be advanced (the simulator's
// "move time" control). Thread-safe.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& base) : base_(base) {}
  TimePoint now() const override { return base_.now() + std::chrono::microseconds(offset_.load()); }
  void advance(std::chrono::microseconds by) { offset_ += by.count(); }
  void reset() { offset_ = 0; }
  std::chrono::microseconds offset() const { return std::chrono::microseconds(offset_.load()); }

 private:
  const Clock& base_;
  std::atomic<int64_t> offset_{0};
};

// Seconds since the Unix epoch.
int64_t unixSeconds(TimePoint t);
// RFC 3339 UTC with seconds precision: "2026-11-28T12:00:00Z".
std::string formatRfc3339(TimePoint t);
// Parses an RFC 3339 date-time ("2026-11-28T12:00:00Z", "...+02:00", fractional seconds
// ignored) into Unix seconds; nullopt when malformed.
std::optional<int64_t> parseRfc3339(std::string_view text);

}  // namespace linkgate
