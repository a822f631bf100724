// callProvider: the one place outbound provider calls are observed.
#include "gateway/provider_call.h"

#include <chrono>

#include "core/json.h"
#include "gateway/log.h"

namespace linkgate::gateway {

std::string providerErrorToken(const HttpResponse& response) {
  if (response.status < 400 || response.body.empty() || response.body.size() > 64 * 1024) return "";
  auto json = parseJsonObject(response.body);
  if (!json) return "";
  auto it = json->find("error");
  if (it == json->end() || !it->is_string()) return "";
  std::string code = it->get<std::string>();
  if (code.empty() || code.size() > 64) return "";
  for (char c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return "";
  }
  return code;
}

bool isCircuitOpen(const Error& error) { return error.id == "circuit_open"; }

Result<HttpResponse> callProvider(Services& s, std::string_view provider, CallKind kind,
                                  const HttpRequest& request) {
  // Issue 15: fail fast while the provider's circuit is open (the breaker logs the change).
  if (s.breakers != nullptr && !s.breakers->allow(provider)) {
    return fail("circuit_open", "the gateway pauses calls to this provider after repeated "
                                "failures");
  }
  const auto begin = std::chrono::steady_clock::now();
  auto response = s.http.send(request);
  if (s.breakers != nullptr) s.breakers->record(provider, response && response->status < 500);
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  const double secs = std::chrono::duration<double>(elapsed).count();
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  std::string result;
  std::string error_code;
  if (response) {
    const int hundreds = response->status / 100;
    result = hundreds >= 2 && hundreds <= 5 ? std::to_string(hundreds) + "xx" : "other";
    error_code = providerErrorToken(*response);
  } else {
    result = response.error().id;
  }
  s.metrics->providerCall(provider, kind, secs, result);
  const LogLevel level =
      !response || response->status >= 500 ? LogLevel::kWarn : LogLevel::kInfo;
  if (s.log->enabled(level)) {
    LogFields fields = {LogField::str("provider", provider),
                        LogField::str("endpoint", callKindName(kind)),
                        LogField::num("duration_ms", ms)};
    if (response) {
      fields.push_back(LogField::num("status", response->status));
      if (!error_code.empty()) fields.push_back(LogField::str("provider_error", error_code));
    } else {
      fields.push_back(LogField::str("transport_error", response.error().id));
    }
    s.log->write(level, "provider call", fields);
  }
  return response;
}

}  // namespace linkgate::gateway
