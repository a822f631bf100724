// HTML and JSON renderings of gateway errors.
#include "gateway/pages.h"

namespace linkgate::gateway {
namespace {

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + web::htmlEscape(title) +
         "</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto}"
         "code{background:#eee;padding:0 .2em}</style></head><body>" +
         body + "</body></html>\n";
}

std::string item(const std::string& label, const std::string& value) {
  return "<dt>" + web::htmlEscape(label) + "</dt><dd><code>" + web::htmlEscape(value) +
         "</code></dd>";
}

}  // namespace

web::Response errorPage(const web::Request& request, const GatewayError& error) {
  if (request.wantsJson()) return jsonError(error);
  std::string body = "<h1>This link cannot continue</h1><dl>" +
                     item("error", error.wireError()) + item("reason", error.description) +
                     item("error id", std::string(error.id())) + "</dl>" +
                     "<p>Return to the application that sent you here and start again.</p>";
  return web::Response::html(error.status(), page("Error: " + error.wireError(), body));
}

web::Response jsonError(const GatewayError& error) {
  auto response = web::Response::json(error.status(), error.toJson());
  response.setHeader("Cache-Control", "no-store");
  return response;
}

web::Response diagnosticsPage(const web::Request& request, const Diagnostics& d) {
  const int status = d.continue_url ? 200 : d.error.status();
  if (request.wantsJson()) {
    Json j = d.error.toJson();
    j["stage"] = d.stage;
    if (d.provider) j["provider"] = *d.provider;
    if (d.requested_redirect_uri) j["requested_redirect_uri"] = *d.requested_redirect_uri;
    j["registered_redirect_uris"] = d.registered_after_substitution;
    if (d.provider_answer) j["provider_answer"] = *d.provider_answer;
    if (d.continue_url) j["continue_url"] = *d.continue_url;
    j["hints"] = d.hints;
    auto response = web::Response::json(status, j);
    response.setHeader("Cache-Control", "no-store");
    return response;
  }
  std::string body = "<h1>Linkgate diagnostics</h1><p>The " + web::htmlEscape(d.stage) +
                     " step failed.</p><dl>" + item("error", d.error.wireError()) +
                     item("reason", d.error.description) +
                     item("error id", std::string(d.error.id()));
  if (d.provider) body += item("provider", *d.provider);
  if (d.requested_redirect_uri) body += item("requested redirect_uri", *d.requested_redirect_uri);
  if (d.provider_answer) body += item("provider answered", *d.provider_answer);
  body += "</dl><h2>Registered redirect URIs (after :provider substitution)</h2>";
  if (d.registered_after_substitution.empty()) {
    body += "<p>None. Register one with <code>POST /v1/redirect-uris</code>.</p>";
  } else {
    body += "<ul>";
    for (const auto& uri : d.registered_after_substitution) {
      body += "<li><code>" + web::htmlEscape(uri) + "</code></li>";
    }
    body += "</ul>";
  }
  if (!d.hints.empty()) {
    body += "<h2>What to do</h2><ul>";
    for (const auto& hint : d.hints) body += "<li>" + web::htmlEscape(hint) + "</li>";
    body += "</ul>";
  }
  if (d.continue_url) {
    body += "<p><a href=\"" + web::htmlEscape(*d.continue_url) +
            "\">Continue to the application</a> (it receives the error above).</p>";
  }
  return web::Response::html(status, page("Linkgate diagnostics", body));
}

}  // namespace linkgate::gateway
