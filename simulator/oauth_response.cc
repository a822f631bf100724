// Rendering of token-endpoint answers.
#include "simulator/oauth_response.h"

#include "core/params.h"

namespace linkgate::sim {

TemplateValues baseValues(TimePoint now, const std::string& client_id,
                          const std::map<std::string, std::string>& params, const User* user,
                          const std::vector<std::string>& scopes, ScopeSeparator separator) {
  TemplateValues v;
  int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  v["now"] = unixSeconds(now);
  v["now_ms"] = now_ms;
  v["now_ms_string"] = std::to_string(now_ms);
  v["client_id"] = client_id;
  for (const auto& [name, value] : params) v["param." + name] = value;
  if (user) {
    for (const auto& [name, value] : *user) v["user." + name] = value;
  }
  std::string joined;
  for (const auto& s : scopes) {
    if (!joined.empty()) joined += separatorText(separator);
    joined += s;
  }
  v["scope"] = joined;
  v["scope_array"] = scopes;
  std::string comma;  // GitHub answers the granted scopes comma-joined whatever it was sent
  for (const auto& s : scopes) comma += (comma.empty() ? "" : ",") + s;
  v["scope_comma"] = comma;
  return v;
}

bool answersJson(ResponseFormat format, const web::Request& request) {
  switch (format) {
    case ResponseFormat::kJson: return true;
    case ResponseFormat::kForm: return false;
    case ResponseFormat::kFormUnlessAcceptJson: {
      auto accept = request.header("accept");
      return accept && accept->find("application/json") != std::string::npos;
    }
  }
  return true;
}

web::Response encodedBody(int status, const Json& rendered, bool as_json) {
  web::Response r;
  if (as_json) {
    r = web::Response::json(status, rendered);
  } else {
    Params form;
    if (rendered.is_object()) {
      for (const auto& [key, value] : rendered.items()) form.add(key, scalarText(value));
    }
    r.status = status;
    r.body = form.toForm();
    r.setHeader("Content-Type", "application/x-www-form-urlencoded");
  }
  r.setHeader("Cache-Control", "no-store");
  r.setHeader("Pragma", "no-cache");
  return r;
}

web::Response oauthError(const ErrorSpec& errors, ResponseFormat format,
                         const web::Request& request, const Rejection& rejection,
                         const TemplateValues& base, ErrorOptions options) {
  int status = rejection.error == "invalid_client" ? errors.invalid_client_status : errors.status;
  if (options.http200.value_or(errors.style == ErrorStyle::kHttp200)) status = 200;
  if (options.status) status = *options.status;
  TemplateValues values = base;
  auto mapped = errors.codes.find(rejection.error);
  values["error"] = mapped == errors.codes.end() ? rejection.error : mapped->second;
  values["error_description"] = rejection.description;
  web::Response r = encodedBody(status, renderTemplate(errors.body, values),
                                answersJson(format, request));
  if (status == 401 && request.header("authorization")) {
    r.setHeader("WWW-Authenticate", "Basic realm=\"simulator\"");  // RFC 6749 §5.2
  }
  return r;
}

web::Response tokenSuccess(const ResponseSpec& response, const web::Request& request,
                           const TemplateValues& values) {
  return encodedBody(response.status, renderTemplate(response.body, values),
                     answersJson(response.format, request));
}

web::Response malformedBody() {
  web::Response r;
  r.status = 200;
  r.body = "{\"access_token\": \"trunc";
  r.setHeader("Content-Type", "application/json");
  return r;
}

}  // namespace linkgate::sim
