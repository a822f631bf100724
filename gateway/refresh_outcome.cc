// Classification of refresh failures and the retry schedule (issue 13).
#include "gateway/refresh_outcome.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace linkgate::gateway {

RefreshFailure transportFailure(const std::string& detail) {
  return {RefreshFailureKind::kTransient, std::nullopt, detail};
}

RefreshFailure answerFailure(const HttpResponse& response, const Error& parse,
                             const std::optional<std::string>& provider_code, TimePoint now) {
  RefreshFailure f;
  f.detail = parse.message;
  f.retry_after = retryAfter(response, now);
  const int s = response.status;
  const bool busy = s == 408 || s == 429 || s >= 500;
  // RFC 6749 §4.1.2.1 names these two for a server that cannot answer now; some providers
  // send them from the token endpoint too.
  const bool try_later = provider_code && (*provider_code == "server_error" ||
                                           *provider_code == "temporarily_unavailable");
  const bool said_no = parse.id == "provider_error";
  f.kind = said_no && !busy && !try_later ? RefreshFailureKind::kPermanent
                                          : RefreshFailureKind::kTransient;
  return f;
}

std::optional<std::chrono::seconds> retryAfter(const HttpResponse& response, TimePoint now) {
  auto v = response.header("Retry-After");
  if (!v) return std::nullopt;
  std::string text = *v;
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (n < 0) return std::nullopt;
    return std::chrono::seconds(n);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const int64_t at = timegm(&tm);
  const int64_t delta = at - unixSeconds(now);
  return std::chrono::seconds(std::max<int64_t>(0, delta));
}

std::chrono::seconds retryDelay(int failures, std::chrono::seconds base, std::chrono::seconds max,
                                double jitter01, std::optional<std::chrono::seconds> retry_after) {
  int64_t d = base.count();
  for (int i = 1; i < failures && d < max.count(); ++i) d *= 2;
  d = std::min(d, max.count());
  const double j = std::clamp(jitter01, 0.0, 1.0);
  int64_t jittered = d / 2 + static_cast<int64_t>(static_cast<double>(d - d / 2) * j);
  if (retry_after) jittered = std::max(jittered, std::min(retry_after->count(), max.count()));
  return std::chrono::seconds(std::max<int64_t>(1, jittered));
}

}  // namespace linkgate::gateway
