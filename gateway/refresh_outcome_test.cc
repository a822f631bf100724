// Unit tests of the refresh failure classification and the retry schedule (issue 13).
#include "gateway/refresh_outcome.h"

#include <gtest/gtest.h>

namespace linkgate::gateway {
namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1'700'000'000));

HttpResponse answer(int status, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

RefreshFailureKind kindOf(int status, const char* parse_id, std::optional<std::string> code) {
  return answerFailure(answer(status), Error{parse_id, "detail"}, code, kNow).kind;
}

TEST(RefreshOutcome, TheProviderSayingNoIsPermanent) {
  EXPECT_EQ(kindOf(400, "provider_error", "invalid_grant"), RefreshFailureKind::kPermanent);
  EXPECT_EQ(kindOf(401, "provider_error", "invalid_client"), RefreshFailureKind::kPermanent);
  // HTTP-200 error bodies (GitHub, Slack): the dialect engine reports provider_error.
  EXPECT_EQ(kindOf(200, "provider_error", "bad_refresh_token"), RefreshFailureKind::kPermanent);
  EXPECT_EQ(kindOf(200, "provider_error", std::nullopt), RefreshFailureKind::kPermanent);
}

TEST(RefreshOutcome, BusyStatusesAndTryLaterCodesAreTransient) {
  for (int status : {408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(kindOf(status, "provider_error", "invalid_grant"), RefreshFailureKind::kTransient)
        << status;
  }
  EXPECT_EQ(kindOf(400, "provider_error", "temporarily_unavailable"),
            RefreshFailureKind::kTransient);
  EXPECT_EQ(kindOf(200, "provider_error", "server_error"), RefreshFailureKind::kTransient);
  // An unreadable answer is not the provider refusing the token.
  EXPECT_EQ(kindOf(200, "bad_provider_response", std::nullopt), RefreshFailureKind::kTransient);
  EXPECT_EQ(kindOf(404, "bad_provider_response", std::nullopt), RefreshFailureKind::kTransient);
  EXPECT_EQ(transportFailure("timeout").kind, RefreshFailureKind::kTransient);
}

TEST(RefreshOutcome, RetryAfterInSecondsOrAsAnHttpDate) {
  EXPECT_EQ(retryAfter(answer(429, {{"Retry-After", "120"}}), kNow), std::chrono::seconds(120));
  EXPECT_EQ(retryAfter(answer(503, {{"retry-after", " 7 "}}), kNow), std::chrono::seconds(7));
  // 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT
  EXPECT_EQ(retryAfter(answer(503, {{"Retry-After", "Tue, 14 Nov 2023 22:15:20 GMT"}}), kNow),
            std::chrono::seconds(120));
  EXPECT_EQ(retryAfter(answer(503, {{"Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT"}}), kNow),
            std::chrono::seconds(0));
  EXPECT_FALSE(retryAfter(answer(503, {{"Retry-After", "soon"}}), kNow));
  EXPECT_FALSE(retryAfter(answer(503, {{"Retry-After", "-5"}}), kNow));
  EXPECT_FALSE(retryAfter(answer(503), kNow));
  auto f = answerFailure(answer(429, {{"Retry-After", "90"}}), Error{"provider_error", "x"},
                         std::nullopt, kNow);
  EXPECT_EQ(f.kind, RefreshFailureKind::kTransient);
  EXPECT_EQ(f.retry_after, std::chrono::seconds(90));
}

TEST(RefreshOutcome, BackoffDoublesWithEqualJitterAndHonoursRetryAfter) {
  using std::chrono::seconds;
  const seconds base(30), max(3600);
  EXPECT_EQ(retryDelay(1, base, max, 1.0, std::nullopt), seconds(30));
  EXPECT_EQ(retryDelay(1, base, max, 0.0, std::nullopt), seconds(15));
  EXPECT_EQ(retryDelay(2, base, max, 1.0, std::nullopt), seconds(60));
  EXPECT_EQ(retryDelay(4, base, max, 1.0, std::nullopt), seconds(240));
  EXPECT_EQ(retryDelay(30, base, max, 1.0, std::nullopt), seconds(3600));
  EXPECT_EQ(retryDelay(30, base, max, 0.0, std::nullopt), seconds(1800));
  for (int failures = 1; failures < 20; ++failures) {
    for (double j : {0.0, 0.3, 0.7, 1.0}) {
      const auto d = retryDelay(failures, base, max, j, std::nullopt);
      EXPECT_GE(d, seconds(15));
      EXPECT_LE(d, max);
    }
  }
  EXPECT_EQ(retryDelay(1, base, max, 0.0, seconds(600)), seconds(600));
  EXPECT_EQ(retryDelay(1, base, max, 0.0, seconds(99999)), max);
  EXPECT_EQ(retryDelay(5, base, max, 1.0, seconds(1)), seconds(480));
}

}  // namespace
}  // namespace linkgate::gateway
