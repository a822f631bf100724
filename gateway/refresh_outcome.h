// How a failed refresh is classified (issue 13): transient failures (the provider could not
// answer now) are retried with backoff and leave the credential's health alone; permanent ones
// (the provider refused the refresh token) mark it `error` and stop every further attempt.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/http_client.h"

namespace linkgate::gateway {

enum class RefreshFailureKind { kTransient, kPermanent };

struct RefreshFailure {
  RefreshFailureKind kind = RefreshFailureKind::kTransient;
  std::optional<std::chrono::seconds> retry_after;  // from a 429/503 Retry-After header
  std::string detail;                               // for people; never a token
};

// What one background refresh attempt came to.
struct RefreshAttempt {
  enum class Result { kRefreshed, kNotDue, kGone, kFailed };
  Result result = Result::kFailed;
  RefreshFailure failure;  // kFailed
};

// A transport failure (no answer: timeout, refused, dropped): transient.
RefreshFailure transportFailure(const std::string& detail);
// A provider answer that was not a usable token answer. `parse` is the dialect engine's error
// ("provider_error" = the provider said no, in its own dialect, HTTP 200 error bodies included;
// "bad_provider_response" = unreadable). Permanent: the provider said no (invalid_grant and each
// provider's word for it, invalid_client, ...) with a status other than 408, 429 or 5xx and a
// code other than the RFC's `server_error` / `temporarily_unavailable`. Everything else
// (busy statuses, unreadable answers) is transient.
RefreshFailure answerFailure(const HttpResponse& response, const Error& parse,
                             const std::optional<std::string>& provider_code, TimePoint now);

// RFC 9110 §10.2.3: delay-seconds or an HTTP-date; nullopt when absent or malformed.
std::optional<std::chrono::seconds> retryAfter(const HttpResponse& response, TimePoint now);

// The wait before retry number `failures` (1 = after the first failure): base * 2^(failures-1)
// capped at max, then scaled by `jitter01` in [0, 1] into [half, full] (equal jitter). A
// Retry-After longer than that wins (still capped at max).
std::chrono::seconds retryDelay(int failures, std::chrono::seconds base, std::chrono::seconds max,
                                double jitter01, std::optional<std::chrono::seconds> retry_after);

}  // namespace linkgate::gateway
