// The example integrator app's handlers (see app.h).
#include "examples/integrator/app.h"

#include <algorithm>
#include <vector>

#include "core/crypto.h"
#include "core/params.h"
#include "web/assets/page_style.h"

namespace linkgate::example {
namespace {

using web::htmlEscape;

constexpr size_t kMaxField = 512;

web::Response page(int status, const std::string& title, const std::string& body) {
  return web::pageResponse(status, web::PageFrame{title, "example integrator app", body});
}

web::Response problem(int status, const std::string& error, const std::string& description) {
  return page(status, "Error: " + error,
              "<div class=\"card\"><h1>The connection failed</h1><div class=\"notice bad\" "
              "id=\"flow-error\"><strong class=\"error\">" + htmlEscape(error) +
              "</strong><p class=\"description\">" + htmlEscape(description) +
              "</p></div><div class=\"actions\"><a class=\"button\" href=\"/\">Back to the "
              "providers</a></div></div>");
}

bool isSlug(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
}

std::string item(const std::string& label, const std::string& value) {
  return "<dt>" + htmlEscape(label) + "</dt><dd><code>" + htmlEscape(value) + "</code></dd>";
}

std::string scalarText(const Json& v) { return v.is_string() ? v.get<std::string>() : dumpJson(v); }

// The first human-readable name in the provider's answer, for the heading: at the top level,
// else in a nested object ({"shop": {...}}, {"data": {...}}, {"user": {...}}, [{...}]).
std::string displayName(const Json& me) {
  std::vector<const Json*> places{&me};
  const Json& root = me.is_array() && !me.empty() ? me.front() : me;
  if (&root != &me) places.push_back(&root);
  if (root.is_object()) {
    for (const auto& [key, value] : root.items()) {
      if (value.is_object()) places.push_back(&value);
      if (value.is_array() && !value.empty() && value.front().is_object()) {
        places.push_back(&value.front());
      }
    }
  }
  for (const Json* j : places) {
    if (!j->is_object()) continue;
    for (const char* key : {"name", "display_name", "login", "username", "email", "id", "sub"}) {
      if (j->contains(key) && ((*j)[key].is_string() || (*j)[key].is_number())) {
        return scalarText((*j)[key]);
      }
    }
  }
  return "(no name in the answer)";
}

// The app to use for a provider: one named kPreferredAppName, else the first.
const AppInfo* pickApp(const std::vector<AppInfo>& apps, const std::string& provider) {
  const AppInfo* first = nullptr;
  for (const auto& a : apps) {
    if (a.provider != provider) continue;
    if (a.name == IntegratorApp::kPreferredAppName) return &a;
    if (first == nullptr) first = &a;
  }
  return first;
}

}  // namespace

IntegratorApp::IntegratorApp(AppConfig config, LinkgateClient& linkgate, IdentityLookup& identity,
                             RandomSource& random)
    : config_(std::move(config)), linkgate_(linkgate), identity_(identity), random_(random) {
  while (!config_.public_url.empty() && config_.public_url.back() == '/') {
    config_.public_url.pop_back();
  }
}

std::string IntegratorApp::redirectUri(const std::string& provider) const {
  return config_.public_url + "/callback/" + provider;
}

web::Response IntegratorApp::handle(const web::Request& request) {
  const std::string& path = request.path;
  if (path == "/healthz") return web::Response::text(200, "ok\n");
  if (path == "/" && (request.method == "GET" || request.method == "HEAD")) return home(request);
  for (const std::string prefix : {"/connect/", "/callback/"}) {
    if (!path.starts_with(prefix)) continue;
    const std::string slug = path.substr(prefix.size());
    if (!isSlug(slug)) return problem(404, "not_found", "no such provider path");
    if (prefix == "/connect/") {
      if (request.method != "POST") return problem(405, "method_not_allowed", "Connect is a POST");
      return connect(request, slug);
    }
    if (request.method != "GET") return problem(405, "method_not_allowed", "the callback is a GET");
    return callback(request, slug);
  }
  return problem(404, "not_found", "no such page");
}

web::Response IntegratorApp::home(const web::Request&) {
  auto providers = linkgate_.providers();
  if (!providers) return problem(502, "gateway_error", providers.error().message);
  auto apps = linkgate_.apps();
  if (!apps) return problem(502, "gateway_error", apps.error().message);
  std::string rows;
  int connectable = 0;
  for (const auto& p : *providers) {
    if (pickApp(*apps, p.slug) == nullptr) continue;
    ++connectable;
    rows += "<tr id=\"provider-" + htmlEscape(p.slug) + "\"><td><strong>" +
            htmlEscape(p.display_name) + "</strong><br><code>" + htmlEscape(p.slug) +
            "</code></td><td><form class=\"inline\" method=\"post\" action=\"/connect/" +
            htmlEscape(p.slug) + "\">";
    for (const auto& c : p.connection_params) {
      rows += "<label>" + htmlEscape(c.name) + " <input name=\"" + htmlEscape(c.name) +
              "\" required placeholder=\"" + htmlEscape(c.example) + "\"></label>";
    }
    rows += "<button type=\"submit\">Connect</button></form></td></tr>\n";
  }
  std::string body =
      "<div class=\"card\"><h1>Connect an account</h1><p>This is the example integrator app of "
      "Linkgate: each button starts a link flow through the gateway at <code>" +
      htmlEscape(config_.gateway_url) + "</code> and comes back here to <code>" +
      htmlEscape(config_.public_url) + "/callback/:provider</code>, where the code is exchanged "
      "on the server.</p></div><div class=\"card\">";
  if (connectable == 0) {
    body += "<p>No provider has an OAuth app at the gateway yet: create one with "
            "<code>POST /v1/oauth-apps</code> (<code>bash tools/dev-stack</code> does it for "
            "every provider).</p>";
  } else {
    body += "<table class=\"providers\"><tr><th>provider</th><th></th></tr>\n" + rows + "</table>";
  }
  body += "</div>";
  return page(200, "Linkgate example app", body);
}

web::Response IntegratorApp::connect(const web::Request& request, const std::string& provider) {
  auto form = Params::parse(request.body);
  if (!form) return problem(400, "invalid_request", "the form body is malformed");
  auto apps = linkgate_.apps();
  if (!apps) return problem(502, "gateway_error", apps.error().message);
  const AppInfo* app = pickApp(*apps, provider);
  if (app == nullptr) return problem(404, "no_app", "the gateway has no OAuth app for " + provider);
  Json params = Json::object();
  for (const auto& [name, value] : form->items()) {
    if (name.size() > 64 || value.size() > kMaxField || !printable(name) || !printable(value)) {
      return problem(400, "invalid_request", "a form field is too long or not printable");
    }
    if (!value.empty()) params[name] = value;
  }
  // Binds the flow to this browser: the state carries a nonce that must come back with the
  // same cookie (RFC 6749 §10.12).
  const std::string nonce = randomToken(random_, 128);
  Json state{{"nonce", nonce}, {"provider", provider}};
  auto start = linkgate_.startAuth(app->id, redirectUri(provider), state, params);
  if (!start) return problem(400, "start_failed", start.error().message);
  web::Response r;
  r.status = 303;
  r.setHeader("Location", *start);
  r.setHeader("Cache-Control", "no-store");
  r.setHeader("Referrer-Policy", "no-referrer");
  r.addHeader("Set-Cookie", std::string(kNonceCookie) + "=" + nonce +
                                "; Path=/callback; Max-Age=600; HttpOnly; SameSite=Lax");
  return r;
}

web::Response IntegratorApp::callback(const web::Request& request, const std::string& provider) {
  auto query = Params::parse(request.raw_query);
  if (!query) return problem(400, "invalid_request", "the callback query is malformed");
  auto state_text = query->get("state");
  Result<Json> state = fail("no_state", "the callback carries no state");
  if (state_text) state = parseJson(*state_text);
  auto cookie = request.cookie(kNonceCookie);
  if (!state || !state->is_object() || !cookie || !(*state).contains("nonce") ||
      !(*state)["nonce"].is_string() ||
      !constantTimeEqual((*state)["nonce"].get<std::string>(), *cookie)) {
    return problem(400, "state_mismatch",
                   "this callback's state was not started by this browser: start again");
  }
  if (auto error = query->get("error")) {
    return problem(200, *error, query->get("error_description").value_or("(no description)"));
  }
  auto code = query->get("code");
  if (!code || code->empty()) return problem(400, "invalid_request", "the callback has no code");
  auto apps = linkgate_.apps();
  if (!apps) return problem(502, "gateway_error", apps.error().message);
  const AppInfo* app = pickApp(*apps, provider);
  if (app == nullptr) return problem(404, "no_app", "no OAuth app for " + provider);
  auto exchanged = linkgate_.exchangeCode(*code, *app);
  if (!exchanged) return problem(502, "code_exchange_failed", exchanged.error().message);
  const Json* id_json = jsonAt(*exchanged, "credential.id");
  if (id_json == nullptr || !id_json->is_string()) {
    return problem(502, "code_exchange_failed", "the token answer carries no credential id");
  }
  const std::string id = id_json->get<std::string>();
  auto masked = linkgate_.credential(id);
  if (!masked) return problem(502, "gateway_error", masked.error().message);
  std::string body = "<div class=\"card\"><h1>Connected</h1><div class=\"notice ok\" "
                     "id=\"connected\">Your <strong>" + htmlEscape(provider) +
                     "</strong> account is connected.</div><h2>Credential (as the gateway "
                     "shows it, secrets masked)</h2><dl class=\"credential\">" +
                     item("credential id", id) +
                     item("provider", masked->value("provider", provider));
  const Json props = masked->value("properties", Json::object());
  for (const auto& [name, value] : props.items()) body += item(name, scalarText(value));
  body += "</dl>";
  const Json connection = masked->value("connection_params", Json::object());
  if (connection.is_object() && !connection.empty()) {
    body += "<h2>Provider account</h2><dl class=\"account\">";
    for (const auto& [name, value] : connection.items()) body += item(name, scalarText(value));
    body += "</dl>";
  }
  body += "</div><div class=\"card\" id=\"identity\"><h2>Who you are at the provider</h2>";
  auto token = linkgate_.accessToken(id);
  if (!token) {
    body += "<div class=\"notice bad\">access-token failed: " + htmlEscape(token.error().message) +
            "</div>";
  } else if (auto me = identity_.me(provider, *token); !me) {
    body += "<div class=\"notice warn\">" + htmlEscape(me.error().message) + "</div>";
  } else {
    body += "<p>Signed in as <strong class=\"identity-name\">" + htmlEscape(displayName(*me)) +
            "</strong> (the provider's me endpoint, called with the access token from "
            "<code>GET /v1/credentials/{id}/access-token</code>):</p><pre><code>" +
            htmlEscape(dumpJson(*me, 2)) + "</code></pre>";
  }
  body += "<div class=\"actions\"><a class=\"button\" href=\"/\">Connect another</a></div></div>";
  web::Response r = page(200, "Connected: " + provider, body);
  r.addHeader("Set-Cookie", std::string(kNonceCookie) + "=; Path=/callback; Max-Age=0; HttpOnly; "
                                                        "SameSite=Lax");
  return r;
}

}  // namespace linkgate::example
