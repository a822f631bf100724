// Every outbound call to a provider goes through callProvider(): it times the call, counts it
// (linkgate_provider_calls_total, linkgate_provider_call_duration_seconds) and writes one log
// line with the provider, the endpoint kind, the status or transport error and the provider's
// RFC 6749 `error` code. Never the URL's query, a header, or any part of the body but that code.
#pragma once
#include <string>
#include <string_view>

#include "core/http_client.h"
#include "gateway/metrics.h"
#include "gateway/services.h"

namespace linkgate::gateway {

// With s.breakers set, a provider whose circuit is open is not called: the result is the
// error "circuit_open" (isCircuitOpen()); every call's outcome feeds its provider's breaker
// (a transport error, a timeout or a 5xx is a failure).
Result<HttpResponse> callProvider(Services& s, std::string_view provider, CallKind kind,
                                  const HttpRequest& request);

// True for callProvider()'s "circuit_open" error.
bool isCircuitOpen(const Error& error);

// The `error` member of a JSON error answer, when it is a short token of [A-Za-z0-9_.-]
// (anything else is not logged); "" otherwise.
std::string providerErrorToken(const HttpResponse& response);

}  // namespace linkgate::gateway
