// FileOffsetClock: system time + the integer in a file (test-only).
#include "gateway/clock_file.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace linkgate::gateway {

int64_t FileOffsetClock::offsetSeconds() const {
  std::ifstream in(path_);
  if (!in) return 0;
  std::string text;
  std::getline(in, text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return n;
}

TimePoint FileOffsetClock::now() const {
  return system_.now() + std::chrono::seconds(offsetSeconds());
}

}  // namespace linkgate::gateway
