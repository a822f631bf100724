// Answers in a provider's own format: success bodies from the profile's response template,
// errors in its error style (RFC 6749 §5.2, HTTP-200 errors, provider-shaped bodies).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "simulator/grant_store.h"
#include "simulator/profile.h"
#include "simulator/template.h"
#include "web/http.h"

namespace linkgate::sim {

// The template values every answer may use: now*, client_id, param.*, user.*, scope*.
TemplateValues baseValues(TimePoint now, const std::string& client_id,
                          const std::map<std::string, std::string>& params, const User* user,
                          const std::vector<std::string>& scopes, ScopeSeparator separator);

// True when the answer is JSON (format json, or form_unless_accept_json with Accept JSON).
bool answersJson(ResponseFormat format, const web::Request& request);
// A JSON or form-encoded body (Cache-Control: no-store, RFC 6749 §5.1).
web::Response encodedBody(int status, const Json& rendered, bool as_json);

struct ErrorOptions {
  std::optional<int> status;  // overrides the style's status (405 for a wrong method)
  std::optional<bool> http200;  // the refresh_errors_http200 behaviour; unset = the style's
};
// An OAuth error `rejection.error` (an RFC 6749 code) rendered in the profile's style.
web::Response oauthError(const ErrorSpec& errors, ResponseFormat format,
                         const web::Request& request, const Rejection& rejection,
                         const TemplateValues& base, ErrorOptions options = {});
// The success answer.
web::Response tokenSuccess(const ResponseSpec& response, const web::Request& request,
                           const TemplateValues& values);
// A body that parses as neither JSON nor a form (fault kind malformed_body).
web::Response malformedBody();

}  // namespace linkgate::sim
