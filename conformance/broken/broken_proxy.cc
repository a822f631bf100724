// broken_proxy: a deliberately wrong gateway — a reverse proxy in front of the real one that
// breaks one contract rule (docs/CONTRACT.md) per --mode — so CI can prove the conformance
// suite catches it. One mode is not broken: renamed-routes serves the management API under
// other routes (and the API key in X-Api-Key), for the suite's --adapter http-adapter:FILE.
// Prints "listening on URL", then reads the upstream gateway URL from its first stdin line
// (the suite starts it before the gateway, whose public URL must be this proxy's).
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base64.h"
#include "core/http_client.h"
#include "core/json.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/worker_pool.h"
#include "conformance/broken/broken_modes.h"
#include "web/server.h"

namespace {

using namespace linkgate;
using namespace linkgate::broken;

class BrokenProxy {
 public:
  explicit BrokenProxy(Mode mode) : mode_(mode), pool_(8) {}

  void setUpstream(std::string url) {
    std::lock_guard lock(mu_);
    upstream_ = std::move(url);
  }

  void handle(web::Request request, web::Responder respond) {
    pool_.post([this, request = std::move(request), respond]() mutable {
      respond(forward(std::move(request)));
    });
  }

 private:
  std::string upstream() {
    std::lock_guard lock(mu_);
    return upstream_;
  }

  Result<HttpResponse> send(const std::string& method, const std::string& target,
                            const HeaderList& headers, const std::string& body) {
    HttpRequest out;
    out.method = method;
    out.url = upstream() + target;
    for (const auto& [name, value] : headers) {
      if (!skippedHeader(name)) out.headers.emplace_back(name, value);
    }
    out.body = body;
    out.total_timeout = std::chrono::milliseconds(60000);
    return http_.send(out);
  }

  // Rewrites the request on its way in; an answer when the proxy answers itself.
  std::optional<web::Response> before(web::Request& request) {
    const bool start = request.path == "/link/oauth2/start";
    if (request.path.starts_with("/v1/")) {
      std::lock_guard lock(mu_);
      if (auto auth = request.header("authorization")) {
        last_auth_ = *auth;
      } else if (mode_ == Mode::kNoAuth && !last_auth_.empty()) {
        request.headers.emplace_back("authorization", last_auth_);
      }
    }
    if (mode_ == Mode::kRenamedRoutes) {
      if (request.path.starts_with("/v1/")) {
        return web::Response::json(404, Json{{"error", "not_found"},
                                             {"error_description", "this gateway serves /api/"}});
      }
      for (const auto& [mine, theirs] : kRenamed) {
        if (request.target.starts_with(mine) &&
            (request.target.size() == mine.size() || std::string("/?").find(request.target[mine.size()]) != std::string::npos)) {
          request.target = theirs + request.target.substr(mine.size());
          std::erase_if(request.headers, [](const auto& h) { return h.first == "authorization"; });
          if (auto key = request.header("x-api-key")) {
            request.headers.emplace_back("authorization", "Bearer " + *key);
          }
          break;
        }
      }
    }
    if (request.method == "DELETE" &&
        ((mode_ == Mode::kKeepDeletedUri && request.path.starts_with("/v1/redirect-uris/")) ||
         (mode_ == Mode::kKeepDeletedCredential && request.path.starts_with("/v1/credentials/")) ||
         (mode_ == Mode::kKeepDeletedStartLink && request.path.starts_with("/v1/start-links/")))) {
      return web::Response::text(204, "");
    }
    if (mode_ == Mode::kNoMetrics && request.path == "/metrics") {
      return web::Response::text(404, "no metrics here\n");
    }
    if (mode_ == Mode::kIgnoreEndUserFilter && request.method == "GET" &&
        request.path == "/v1/credentials") {
      request.target = editParam(request.target, "end_user_id",
                                 [](const std::string&) -> std::optional<std::string> { return {}; });
    }
    if (mode_ == Mode::kTrailingSlash && start) {
      request.target = editParam(request.target, "redirect_uri",
                                 [](std::string v) -> std::optional<std::string> {
                                   // "...%2F" or "...%2F%3F..." (before the query): drop it.
                                   if (v.ends_with("%2F")) return v.substr(0, v.size() - 3);
                                   if (const size_t at = v.find("%2F%3F"); at != std::string::npos) {
                                     v.erase(at, 3);
                                   }
                                   return v;
                                 });
    }
    if (mode_ == Mode::kTruncateState && start) {
      if (auto state = queryValue(request.target, "state"); state && state->size() > 1024 &&
                                                             state->size() <= 4096) {
        const std::string cut = percentEncode(state->substr(0, 1024));
        request.target = editParam(request.target, "state",
                                   [&](const std::string&) -> std::optional<std::string> { return cut; });
      }
    }
    if (mode_ == Mode::kPrefixMatch && start) prefixMatch(request);
    if (mode_ == Mode::kProviderInHost && request.method == "POST" &&
        request.path == "/v1/redirect-uris") {
      auto body = parseJsonObject(request.body);
      const std::string uri = body ? jsonString(*body, "uri").value_or("") : "";
      const size_t host = uri.find("://");
      if (host != std::string::npos && uri.substr(host + 3, uri.find('/', host + 3) - host - 3)
                                               .find(":provider") != std::string::npos) {
        std::lock_guard lock(mu_);
        const std::string n = std::to_string(++fake_);
        const std::string id = "00000000-0000-4000-8000-" + std::string(12 - n.size(), '0') + n;
        fake_ids_.push_back(id);
        return web::Response::json(201, Json{{"id", id}, {"uri", uri}});
      }
    }
    if (mode_ == Mode::kProviderInHost && request.method == "DELETE") {
      std::lock_guard lock(mu_);
      for (const auto& id : fake_ids_) {
        if (request.path == "/v1/redirect-uris/" + id) return web::Response::text(204, "");
      }
    }
    return std::nullopt;
  }

  // mode prefix-match: a requested redirect_uri that starts with a registered one becomes it.
  void prefixMatch(web::Request& request) {
    const auto wanted = queryValue(request.target, "redirect_uri");
    std::string auth;
    {
      std::lock_guard lock(mu_);
      auth = last_auth_;
    }
    if (!wanted || auth.empty()) return;
    auto list = send("GET", "/v1/redirect-uris", {{"authorization", auth}}, "");
    if (!list) return;
    auto json = parseJsonObject(list->body);
    const Json* data = json ? jsonAt(*json, "data") : nullptr;
    if (data == nullptr || !data->is_array()) return;
    for (const Json& item : *data) {
      const std::string registered = jsonString(item, "uri").value_or(jsonString(item, "url").value_or(""));
      if (registered.empty() || registered == *wanted) return;  // exact: nothing to break
    }
    for (const Json& item : *data) {
      const std::string registered = jsonString(item, "uri").value_or(jsonString(item, "url").value_or(""));
      if (!registered.empty() && wanted->starts_with(registered)) {
        const std::string encoded = percentEncode(registered);
        request.target = editParam(request.target, "redirect_uri",
                                   [&](const std::string&) -> std::optional<std::string> { return encoded; });
        return;
      }
    }
  }

  web::Response forward(web::Request request) {
    if (upstream().empty()) return web::Response::text(503, "no upstream yet\n");
    if (auto own = before(request)) return *own;
    const bool token = request.path == "/link/oauth2/token" && request.method == "POST";
    std::optional<std::string> code;
    std::unique_lock<std::mutex> token_lock(token_mu_, std::defer_lock);
    if ((mode_ == Mode::kDoubleRedeem || mode_ == Mode::kLongCodeTtl) && token) {
      code = codeOf(request);
      token_lock.lock();  // one redemption at a time, so later ones see the cache
      if (code) {
        if (auto it = redeemed_.find(*code); it != redeemed_.end()) return it->second;
        if (auto it = kept_.find(*code); it != kept_.end() && clientOf(request) == it->second.client) {
          web::Response cached = it->second.response;
          kept_.erase(it);  // served once, however late
          return cached;
        }
      }
    }
    auto answer = send(request.method, request.target, request.headers, request.body);
    if (!answer) return web::Response::text(502, "upstream: " + answer.error().message + "\n");

    web::Response response;
    response.status = answer->status;
    response.body = answer->body;
    if (mode_ == Mode::kUnmaskedSecret && request.path.starts_with("/v1/oauth-apps")) {
      for (size_t at; (at = response.body.find("\"**********\"")) != std::string::npos;) {
        response.body.replace(at, 12, "\"revealed\"");
      }
    }
    if (mode_ == Mode::kDropIdToken && (request.path == "/link/oauth2/token" ||
                                        request.path.starts_with("/v1/credentials"))) {
      response.body = withoutIdTokens(response.body);
    }
    if (mode_ == Mode::kUnmaskedWebhookSecret && request.path.starts_with("/v1/webhooks")) {
      Json j = Json::parse(response.body, nullptr, false);
      if (!j.is_discarded()) {
        std::lock_guard lock(mu_);
        if (request.method == "POST" && response.status == 201 && j.is_object() &&
            j.value("id", Json()).is_string() && j.value("secret", Json()).is_string()) {
          webhook_secrets_[j["id"].get<std::string>()] = j["secret"].get<std::string>();
        } else {
          revealSecrets(j, webhook_secrets_);
          response.body = j.dump();
        }
      }
    }
    if (mode_ == Mode::kBadWebhookSignature && request.method == "POST" &&
        request.path == "/v1/webhooks" && response.status == 201) {
      response.body = withWrongWebhookSecret(response.body);
    }
    if (mode_ == Mode::kHealthAlwaysOk && request.path.starts_with("/v1/credentials")) {
      for (size_t at; (at = response.body.find("\"status\":\"error\"")) != std::string::npos;) {
        response.body.replace(at, 16, "\"status\":\"ok\"");
      }
    }
    const bool html = lowerAscii(answer->header("Content-Type").value_or("")).find("text/html") !=
                      std::string::npos;
    for (const auto& [name, value] : answer->headers) {
      if (skippedHeader(name)) continue;
      std::string v = value;
      const std::string lower = lowerAscii(name);
      if (lower == "location" && request.path.starts_with("/link/oauth2/callback/")) {
        v = breakLocation(v, request.target);
      }
      if (mode_ == Mode::kNoStore && token && lower == "cache-control") continue;
      if (mode_ == Mode::kNoPageHeaders && html && lower == "content-security-policy") continue;
      if (mode_ == Mode::kCookieNoHttpOnly && lower == "set-cookie") {
        for (size_t at; (at = lowerAscii(v).find("; httponly")) != std::string::npos;) v.erase(at, 10);
      }
      response.addHeader(name, v);
    }
    if (mode_ == Mode::kDoubleRedeem && token && code && response.status == 200) {
      redeemed_[*code] = response;
    }
    if (mode_ == Mode::kLongCodeTtl) remember(request, *answer);
    if (mode_ == Mode::kStaleInstanceCache && request.path == "/link/oauth2/start") {
      return staleStart(request, std::move(response));
    }
    return response;
  }

  // mode stale-instance-cache (meant for --proxy-second-instance): an instance whose cache of
  // apps and redirect URIs is never invalidated. It remembers each app's last redirect to the
  // provider and every redirect URI a /start was let through with; when the instance refuses a
  // /start whose app and redirect URI it both remembers (deleted on another instance since),
  // the remembered redirect is the answer.
  web::Response staleStart(const web::Request& request, web::Response fresh) {
    const auto app = queryValue(request.target, "client_id");
    const auto uri = queryValue(request.target, "redirect_uri");
    if (!app || !uri) return fresh;
    std::lock_guard lock(mu_);
    if (fresh.status / 100 == 3) {
      stale_starts_[*app] = fresh;
      stale_uris_.insert(*uri);
      return fresh;
    }
    const auto it = stale_starts_.find(*app);
    if (it != stale_starts_.end() && stale_uris_.contains(*uri)) return it->second;
    return fresh;
  }

  // mode long-code-ttl: learns each app's secret and each flow's app, and redeems the code of
  // every successful callback at once, keeping the answer for the integrator's later request.
  void remember(const web::Request& request, const HttpResponse& answer) {
    if (request.method == "POST" && request.path == "/v1/oauth-apps" && answer.status == 201) {
      auto sent = parseJsonObject(request.body);
      auto got = parseJsonObject(answer.body);
      if (sent && got) {
        std::lock_guard lock(mu_);
        secrets_[jsonString(*got, "id").value_or("")] = jsonString(*sent, "client_secret").value_or("");
      }
    }
    const auto location = answer.header("Location");
    if (!location || answer.status != 302) return;
    if (request.path == "/link/oauth2/start") {
      auto app = queryValue(request.target, "client_id");
      auto state = queryValue(*location, "state");
      std::lock_guard lock(mu_);
      if (app && state) flow_apps_[*state] = *app;
    } else if (request.path.starts_with("/link/oauth2/callback/")) {
      auto state = queryValue(request.target, "state");
      auto code = queryValue(*location, "code");
      std::string app, secret;
      {
        std::lock_guard lock(mu_);
        if (state && flow_apps_.contains(*state)) app = flow_apps_[*state];
        secret = secrets_[app];
      }
      if (!code || app.empty()) return;
      auto redeemed = send("POST", "/link/oauth2/token", {{"content-type", "application/json"}},
                           dumpJson(Json{{"code", *code}, {"client_id", app}, {"client_secret", secret}}));
      if (!redeemed || redeemed->status != 200) return;
      web::Response kept;
      kept.status = 200;
      kept.body = redeemed->body;
      for (const auto& [name, value] : redeemed->headers) {
        if (!skippedHeader(name)) kept.addHeader(name, value);
      }
      std::lock_guard lock(token_mu_);
      kept_[*code] = {kept, {app, secret}};
    }
  }

  // The client id and secret of a token request: JSON or form body, or HTTP Basic.
  static std::pair<std::string, std::string> clientOf(const web::Request& request) {
    if (auto basic = request.header("authorization"); basic && basic->starts_with("Basic ")) {
      auto decoded = base64Decode(basic->substr(6));
      const size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) return {};
      return {percentDecode(decoded->substr(0, colon), true).value_or(""),
              percentDecode(decoded->substr(colon + 1), true).value_or("")};
    }
    if (auto json = parseJsonObject(request.body)) {
      return {jsonString(*json, "client_id").value_or(""), jsonString(*json, "client_secret").value_or("")};
    }
    if (auto form = Params::parse(request.body)) {
      return {form->get("client_id").value_or(""), form->get("client_secret").value_or("")};
    }
    return {};
  }

  std::string breakLocation(const std::string& location, const std::string& callback) const {
    if (mode_ == Mode::kAlterState) {
      return editParam(location, "state", [](std::string v) -> std::optional<std::string> {
        for (size_t at; (at = v.find("%2B")) != std::string::npos;) v.replace(at, 3, "+");
        return v;
      });
    }
    if (mode_ == Mode::kRawErrorDescription) {
      // What a gateway that pastes the provider's text into its redirect writes.
      const auto raw = queryValue(callback, "error_description");
      if (!raw) return location;
      return editParam(location, "error_description",
                       [&](const std::string&) -> std::optional<std::string> { return *raw; });
    }
    if (mode_ == Mode::kDropIss) {
      return editParam(location, "iss", [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
      });
    }
    return location;
  }

  static std::optional<std::string> codeOf(const web::Request& request) {
    if (auto json = parseJsonObject(request.body)) return jsonString(*json, "code");
    if (auto form = Params::parse(request.body)) return form->get("code");
    return std::nullopt;
  }

  Mode mode_;
  CurlHttpClient http_;
  WorkerPool pool_;
  std::mutex mu_;
  std::string upstream_;
  std::string last_auth_;                          // the last /v1 Authorization seen
  std::map<std::string, std::string> webhook_secrets_;  // unmasked-webhook-secret: id -> whsec_
  std::map<std::string, std::string> secrets_;     // app id -> client secret (long-code-ttl)
  std::map<std::string, std::string> flow_apps_;   // gateway state -> app id (long-code-ttl)
  std::vector<std::string> fake_ids_;              // provider-in-host "registrations"
  std::map<std::string, web::Response> stale_starts_;  // stale-instance-cache: app -> redirect
  std::set<std::string> stale_uris_;               // stale-instance-cache: URIs let through
  int fake_ = 0;
  std::mutex token_mu_;
  std::map<std::string, web::Response> redeemed_;  // guarded by token_mu_ (double-redeem)
  struct Kept {
    web::Response response;
    std::pair<std::string, std::string> client;  // id, secret
  };
  std::map<std::string, Kept> kept_;  // guarded by token_mu_ (long-code-ttl)
};

}  // namespace

int main(int argc, char** argv) {
  web::prepareSignals();
  std::optional<Mode> mode;
  std::optional<std::string> upstream;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help") {
      std::cout << "usage: broken_proxy --mode MODE [--upstream URL]\n"
                << modeNames() << "(without --upstream, reads it from the first stdin line)\n";
      return 0;
    }
    if (args[i] == "--mode" && i + 1 < args.size()) {
      mode = parseMode(args[++i]);
      if (!mode) {
        std::cerr << "broken_proxy: unknown mode " << args[i] << "\n";
        return 2;
      }
    } else if (args[i] == "--upstream" && i + 1 < args.size()) {
      upstream = args[++i];
    } else {
      std::cerr << "broken_proxy: bad flag " << args[i] << " (see --help)\n";
      return 2;
    }
  }
  if (!mode) {
    std::cerr << "broken_proxy: --mode is required\n";
    return 2;
  }
  BrokenProxy proxy(*mode);
  web::Server server({}, [&proxy](web::Request r, web::Responder s) {
    proxy.handle(std::move(r), std::move(s));
  });
  auto port = server.start();
  if (!port) {
    std::cerr << "broken_proxy: " << port.error().message << "\n";
    return 1;
  }
  std::cout << "listening on http://127.0.0.1:" << *port << std::endl;
  if (!upstream) {
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) {
      std::cerr << "broken_proxy: no upstream URL on stdin\n";
      return 1;
    }
    upstream = line;
  }
  proxy.setUpstream(*upstream);
  std::cerr << "broken_proxy: forwarding to " << *upstream << "\n";
  web::waitForShutdownSignal();
  server.stop();
  return 0;
}
