// Time formatting helpers shared by every Clock user.
#include "core/clock.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace linkgate {

int64_t unixSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string formatRfc3339(TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss hms(secs - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<int64_t> parseRfc3339(std::string_view text) {
  const std::string s(text);
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  char t = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &t, &h, &mi, &sec) != 7 ||
      (t != 'T' && t != 't' && t != ' ')) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t out = timegm(&tm);
  const size_t tz = s.find_first_of("+-", 19);
  if (tz != std::string::npos && s.size() >= tz + 6) {
    const int oh = std::atoi(s.substr(tz + 1, 2).c_str());
    const int om = std::atoi(s.substr(tz + 4, 2).c_str());
    out -= (s[tz] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  return out;
}

}  // namespace linkgate
