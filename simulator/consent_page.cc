// Consent and error pages.
#include "simulator/consent_page.h"

#include <array>
#include <utility>

#include "web/assets/page_style.h"

namespace linkgate::sim {
namespace {

using web::htmlEscape;

constexpr std::string_view kBadge = "provider simulator — not a real provider";

std::string userLabel(const User& user) {
  std::string label = user.at("login");
  if (auto email = user.find("email"); email != user.end() && email->second != label) {
    label += " <" + email->second + ">";
  }
  return label + " (id " + user.at("id") + ")";
}

}  // namespace

std::string_view scopeMeaning(std::string_view scope) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kKnown{{
      {"openid", "sign you in with OpenID Connect (an ID token naming your account)"},
      {"profile", "your name and basic profile"},
      {"email", "your email address and whether it is verified"},
      {"offline_access", "keep access while you are away (a refresh token)"},
      {"address", "your postal address"},
      {"phone", "your phone number"},
  }};
  for (const auto& [name, meaning] : kKnown) {
    if (name == scope) return meaning;
  }
  return {};
}

web::Response consentPage(const Profile& profile, const std::string& consent_id,
                          const std::string& client_id, const std::vector<std::string>& scopes,
                          const std::string& redirect_uri) {
  const std::string name = htmlEscape(profile.display_name);
  std::string body = "<div class=\"card\"><p class=\"muted\">Linkgate simulator of <strong>" +
                     name + "</strong> (<code>" + htmlEscape(profile.slug) +
                     "</code>): test accounts only, nothing leaves this machine.</p>"
                     "<h1>Sign in to " + name + "</h1><p>The application <code class=\"client\">" +
                     htmlEscape(client_id) + "</code> asks for access to your " + name +
                     " account.</p><dl><dt>client_id</dt><dd><code>" + htmlEscape(client_id) +
                     "</code></dd>";
  if (!redirect_uri.empty()) {
    body += "<dt>sends you back to</dt><dd><code class=\"redirect-uri\">" +
            htmlEscape(redirect_uri) + "</code></dd>";
  }
  body += "</dl>";
  if (!scopes.empty()) {
    body += "<h2>It asks for these scopes</h2><ul class=\"scopes\">\n";
    for (const auto& s : scopes) {
      const auto meaning = scopeMeaning(s);
      body += "<li>" + htmlEscape(s) +
              (meaning.empty() ? std::string()
                               : " <span class=\"muted\">— " + htmlEscape(meaning) + "</span>") +
              "</li>\n";
    }
    body += "</ul>";
  } else {
    body += "<p class=\"muted\">No scopes requested.</p>";
  }
  body += "</div><div class=\"card\"><form method=\"post\" action=\"/" + htmlEscape(profile.slug) +
          "/_consent\">\n<input type=\"hidden\" name=\"consent\" value=\"" +
          htmlEscape(consent_id) + "\">\n<label>Sign in as <select name=\"user\">\n";
  for (const auto& user : profile.users) {
    body += "<option value=\"" + htmlEscape(user.at("id")) + "\">" + htmlEscape(user.at("login")) +
            "</option>\n";
  }
  body += "</select></label>\n<p><label>or sign in as any user <input type=\"text\" "
          "name=\"login_as\" placeholder=\"an id or an email\" maxlength=\"128\"></label></p>"
          "\n<p class=\"muted\">A typed id or email is a new user of this profile, the same "
          "one every time you type it.</p>\n<div class=\"actions\">"
          "<button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n"
          "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></div>\n"
          "</form>";
  body += "<h2>Test users of this profile</h2><ul class=\"users\">";
  for (const auto& user : profile.users) body += "<li>" + htmlEscape(userLabel(user)) + "</li>";
  body += "</ul></div>";
  return web::pageResponse(200, web::PageFrame{profile.display_name + " - authorize (simulator)",
                                               std::string(kBadge), body});
}

web::Response errorPage(const web::Request& request, int status, const std::string& error,
                        const std::string& description) {
  if (request.wantsJson()) {
    return web::Response::json(status, Json{{"error", error}, {"error_description", description}});
  }
  std::string body = "<div class=\"card\"><h1>" + htmlEscape(error) +
                     "</h1><div class=\"notice bad\">" + htmlEscape(description) +
                     "</div></div>";
  return web::pageResponse(status, web::PageFrame{"Error", std::string(kBadge), body});
}

}  // namespace linkgate::sim
