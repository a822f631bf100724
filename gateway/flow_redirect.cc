#include "gateway/flow_redirect.h"

#include "gateway/request_checks.h"

namespace linkgate::gateway {

web::Response redirectWith(const std::string& public_url, const std::string& redirect_uri,
                           Params answer, const std::optional<std::string>& state) {
  if (state) answer.add("state", *state);
  answer.add("iss", public_url);  // RFC 9207
  return web::Response::redirect(appendToRedirect(redirect_uri, answer));
}

web::Response redirectError(const web::Request& request, const std::string& public_url,
                            const std::string& redirect_uri,
                            const std::optional<std::string>& state, const GatewayError& error,
                            bool debug, Diagnostics diagnostics) {
  Params answer;
  answer.add("error", error.wireError());
  answer.add("error_description", error.description);
  auto redirect = noted(redirectWith(public_url, redirect_uri, std::move(answer), state), error);
  if (!debug) return redirect;
  diagnostics.error = error;
  diagnostics.continue_url = redirect.header("Location");
  return diagnosticsPage(request, diagnostics);
}

}  // namespace linkgate::gateway
