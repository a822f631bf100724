// HTML and JSON renderings of gateway errors, in the shared page frame (web/assets).
#include "gateway/pages.h"

#include "web/assets/page_style.h"

namespace linkgate::gateway {
namespace {

using web::htmlEscape;

web::Response page(int status, const std::string& title, const std::string& body) {
  return web::pageResponse(status, web::PageFrame{title, "gateway", body});
}

std::string item(const std::string& label, const std::string& value) {
  return "<dt>" + htmlEscape(label) + "</dt><dd><code>" + htmlEscape(value) + "</code></dd>";
}

std::string errorList(const GatewayError& error) {
  return item("error", error.wireError()) + item("reason", error.description) +
         item("error id", std::string(error.id()));
}

}  // namespace

// The request log's and the metrics' view of an error (web::Response::Note, never sent).
web::Response noted(web::Response response, const GatewayError& error) {
  response.note.error_id = std::string(error.id());
  response.note.detail = error.description;
  return response;
}

// The answer's note names what the request is about, whatever the answer is: a failed start
// is counted under its app's provider (an unknown one under "other": Metrics bounds the label).
web::Response withKnown(web::Response response, const web::Response::Note& known) {
  if (response.note.account.empty()) response.note.account = known.account;
  if (response.note.app.empty()) response.note.app = known.app;
  if (response.note.provider.empty()) response.note.provider = known.provider;
  return response;
}

web::Response errorPage(const web::Request& request, const GatewayError& error) {
  if (request.wantsJson()) return jsonError(error);
  std::string body = "<div class=\"card\"><h1>This link cannot continue</h1>"
                     "<div class=\"notice bad\"><strong>" + htmlEscape(error.wireError()) +
                     "</strong>: " + htmlEscape(error.description) + "</div><dl>" +
                     errorList(error) + "</dl>" +
                     "<p class=\"muted\">Return to the application that sent you here and start "
                     "again. Developers: add <code>debug=true</code> to the start URL for the "
                     "diagnostics page.</p></div>";
  return noted(page(error.status(), "Error: " + error.wireError(), body), error);
}

web::Response jsonError(const GatewayError& error) {
  auto response = web::Response::json(error.status(), error.toJson());
  response.setHeader("Cache-Control", "no-store");
  return noted(std::move(response), error);
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
    return noted(std::move(response), d.error);
  }
  std::string body = "<div class=\"card\"><h1>Linkgate diagnostics</h1><p>The <strong>" +
                     htmlEscape(d.stage) + "</strong> step failed.</p>" +
                     "<div class=\"notice bad\"><strong>" + htmlEscape(d.error.wireError()) +
                     "</strong>: " + htmlEscape(d.error.description) + "</div><dl>" +
                     errorList(d.error);
  if (d.provider) body += item("provider", *d.provider);
  if (d.requested_redirect_uri) body += item("requested redirect_uri", *d.requested_redirect_uri);
  body += "</dl></div>";
  if (d.provider_answer) {
    body += "<div class=\"card\"><h2>What the provider answered</h2><p><code>" +
            htmlEscape(*d.provider_answer) + "</code></p></div>";
  }
  body += "<div class=\"card\"><h2>Registered redirect URIs (after :provider substitution)</h2>";
  if (d.registered_after_substitution.empty()) {
    body += "<p>None. Register one with <code>POST /v1/redirect-uris</code>.</p>";
  } else {
    body += "<ul class=\"registered\">";
    for (const auto& uri : d.registered_after_substitution) {
      body += "<li><code>" + htmlEscape(uri) + "</code></li>";
    }
    body += "</ul>";
  }
  body += "</div>";
  if (!d.hints.empty()) {
    body += "<div class=\"card\"><h2>What to do</h2><ul>";
    for (const auto& hint : d.hints) body += "<li>" + htmlEscape(hint) + "</li>";
    body += "</ul></div>";
  }
  if (d.continue_url) {
    body += "<div class=\"card\"><p>The application receives the error above.</p>"
            "<div class=\"actions\"><a class=\"button\" href=\"" + htmlEscape(*d.continue_url) +
            "\">Continue to the application</a></div></div>";
  }
  return noted(page(status, "Linkgate diagnostics", body), d.error);
}

web::Response hostMismatchPage(const web::Request& request, const std::string& request_host,
                               const std::string& public_host, const std::string& right_url) {
  GatewayError error = gwError(
      Code::kInvalidRequest, "this request came to " + request_host +
                                 ", but the gateway's public URL is at " + public_host +
                                 ": the flow cookie would be set for the wrong host and the "
                                 "callback would fail (flow_cookie_mismatch). Use " + right_url);
  if (request.wantsJson()) return jsonError(error);
  std::string body =
      "<div class=\"card\"><h1>Open this link at " + htmlEscape(public_host) + "</h1>"
      "<div class=\"notice warn\">You opened the gateway at <code>" + htmlEscape(request_host) +
      "</code>, but its public URL is at <code>" + htmlEscape(public_host) + "</code>.</div>"
      "<p>Browsers keep cookies per host name: <code>localhost</code> and "
      "<code>127.0.0.1</code> are different hosts to them. The provider sends you back to the "
      "public URL, where the cookie this step would set is not sent, and the sign-in would end "
      "with <code>flow_cookie_mismatch</code>. Nothing was started.</p>"
      "<div class=\"actions\"><a class=\"button\" id=\"right-url\" href=\"" +
      htmlEscape(right_url) + "\">Continue at " + htmlEscape(public_host) + "</a></div>"
      "<p class=\"muted\">Developers: link to the gateway with the host of its "
      "<code>--public-url</code> (or start the gateway with the public URL you use).</p></div>";
  return noted(page(400, "Wrong host for this gateway", body), error);
}

}  // namespace linkgate::gateway
