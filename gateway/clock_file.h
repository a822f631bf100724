// Test-only clock seam (--clock-file): the system clock plus a whole number of seconds read
// from a file, re-read on every call, so an end-to-end test can move the gateway's time in step
// with the simulator's `POST /_sim/clock` (hours of simulated time in a second). A missing or
// unreadable file counts as offset 0. Never use it in production: anyone who can write the
// file moves the gateway's idea of expiry.
#pragma once
#include <string>

#include "core/clock.h"

namespace linkgate::gateway {

class FileOffsetClock final : public Clock {
 public:
  explicit FileOffsetClock(std::string path) : path_(std::move(path)) {}
  TimePoint now() const override;
  // The offset the file holds now (0 when missing or malformed).
  int64_t offsetSeconds() const;

 private:
  std::string path_;
  SystemClock system_;
};

}  // namespace linkgate::gateway
