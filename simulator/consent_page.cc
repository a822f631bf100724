// Consent and error pages.
#include "simulator/consent_page.h"

namespace linkgate::sim {

web::Response consentPage(const Profile& profile, const std::string& consent_id,
                          const std::string& client_id, const std::vector<std::string>& scopes) {
  using web::htmlEscape;
  std::string name = htmlEscape(profile.display_name);
  std::string html =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + name +
      " - authorize</title></head>\n<body>\n<h1>" + name + "</h1>\n<p>The application <code>" +
      htmlEscape(client_id) + "</code> asks for access to your " + name + " account.</p>\n";
  if (!scopes.empty()) {
    html += "<ul class=\"scopes\">\n";
    for (const auto& s : scopes) html += "<li>" + htmlEscape(s) + "</li>\n";
    html += "</ul>\n";
  }
  html += "<form method=\"post\" action=\"/" + htmlEscape(profile.slug) + "/_consent\">\n";
  html += "<input type=\"hidden\" name=\"consent\" value=\"" + htmlEscape(consent_id) + "\">\n";
  html += "<label>User <select name=\"user\">\n";
  for (const auto& user : profile.users) {
    html += "<option value=\"" + htmlEscape(user.at("id")) + "\">" + htmlEscape(user.at("login")) +
            "</option>\n";
  }
  html += "</select></label>\n";
  html += "<button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n";
  html += "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n";
  html += "</form>\n</body></html>\n";
  return web::Response::html(200, std::move(html));
}

web::Response errorPage(const web::Request& request, int status, const std::string& error,
                        const std::string& description) {
  if (request.wantsJson()) {
    return web::Response::json(status, Json{{"error", error}, {"error_description", description}});
  }
  std::string html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Error</title>"
                     "</head>\n<body>\n<h1>" +
                     web::htmlEscape(error) + "</h1>\n<p>" + web::htmlEscape(description) +
                     "</p>\n</body></html>\n";
  return web::Response::html(status, std::move(html));
}

}  // namespace linkgate::sim
