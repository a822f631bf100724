// The gateway's answers for people and for programs: an HTML error page (or JSON with
// Accept: application/json), the debug=true diagnostics page, and JSON API errors. Everything
// echoed is HTML-escaped; callers never pass secrets in.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gateway/errors.h"
#include "web/http.h"

namespace linkgate::gateway {

// 4xx/5xx page for a browser, or JSON when the request asks for it.
web::Response errorPage(const web::Request& request, const GatewayError& error);
// JSON error body with the error's status (the management API and the token endpoint).
web::Response jsonError(const GatewayError& error);
// Records the error in response.note (the request log and metrics; not sent). The renderings
// here all do it.
web::Response noted(web::Response response, const GatewayError& error);
// Fills the note's empty account, app and provider from known (the starts: issue 12).
web::Response withKnown(web::Response response, const web::Response::Note& known);

struct Diagnostics {
  GatewayError error;
  std::string stage;  // "start" or "callback"
  std::optional<std::string> provider;
  std::optional<std::string> requested_redirect_uri;
  // Registered redirect URIs of the account after `:provider` substitution.
  std::vector<std::string> registered_after_substitution;
  std::optional<std::string> provider_answer;  // what the provider said (no secrets)
  std::optional<std::string> continue_url;     // the integrator redirect that was held back
  std::vector<std::string> hints;              // what to do
};

// The debug=true page (HTTP 400, or 200 when there is a continue link).
web::Response diagnosticsPage(const web::Request& request, const Diagnostics& diagnostics);

// 400: the browser came to `request_host` but the gateway's public URL is at `public_host`;
// links to `right_url` (the same request at the public URL). JSON with Accept: application/json.
web::Response hostMismatchPage(const web::Request& request, const std::string& request_host,
                               const std::string& public_host, const std::string& right_url);

}  // namespace linkgate::gateway
