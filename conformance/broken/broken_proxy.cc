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
#include "web/server.h"

namespace {

using namespace linkgate;

enum class Mode {
  kAlterState,     // the integrator's state loses its '+' escaping (%2B -> +) on the way back
  kTrailingSlash,  // a redirect_uri with a trailing slash is rewritten to match without it
  kDoubleRedeem,   // a redeemed code's token answer is cached and replayed to later callers
  kDropIss,        // iss (RFC 9207) is removed from redirects back to the integrator
  kPrefixMatch,    // C-2.3: a redirect_uri that merely starts with a registered URI is taken
  kProviderInHost, // C-2.5: a URI with ':provider' in the host is "registered"
  kTruncateState,  // C-1.1.3: a state over 1024 bytes is cut to 1024 at /start
  kLongCodeTtl,    // C-3.6: codes are redeemed at the callback and served whenever asked
  kNoStore,        // C-3.9: token answers lose Cache-Control
  kCookieNoHttpOnly,  // C-1.1.7: the flow cookie loses HttpOnly
  kNoAuth,         // C-4.1: /v1 requests without a key get the last key seen
  kNoPageHeaders,  // C-7.1: HTML pages lose Content-Security-Policy
  kUnmaskedSecret, // C-4.2: the masked client secret is shown as "revealed"
  kKeepDeletedUri, // C-2.6: DELETE /v1/redirect-uris/{id} answers 204 and deletes nothing
  kKeepDeletedCredential,  // C-4.6: DELETE /v1/credentials/{id} answers 204, deletes nothing
  kKeepDeletedStartLink,   // C-1.1.14: DELETE /v1/start-links/{id} answers 204, the link works
  kNoMetrics,      // C-4.13: /metrics answers 404
  kHealthAlwaysOk, // C-4.11: a credential's health.status always reads "ok"
  kDropIdToken,    // C-8.8: the id_token is checked but not kept: credentials lose it and its claims
  kIgnoreEndUserFilter,  // C-9.2: GET /v1/credentials?end_user_id= answers every credential
  kUnmaskedWebhookSecret,  // C-10.6: later webhook answers show the whsec_ secret again
  kBadWebhookSignature,    // C-10.3: deliveries are not signed with the whsec_ secret shown
  kStaleInstanceCache,     // C-11.4: apps and redirect URIs deleted elsewhere still start flows
  kRenamedRoutes,  // not broken: /api/... routes and X-Api-Key instead of /v1 and Bearer
};

std::optional<Mode> parseMode(const std::string& name) {
  static const std::map<std::string, Mode> kModes = {
      {"alter-state", Mode::kAlterState},       {"trailing-slash", Mode::kTrailingSlash},
      {"double-redeem", Mode::kDoubleRedeem},   {"drop-iss", Mode::kDropIss},
      {"prefix-match", Mode::kPrefixMatch},     {"provider-in-host", Mode::kProviderInHost},
      {"truncate-state", Mode::kTruncateState}, {"long-code-ttl", Mode::kLongCodeTtl},
      {"no-store", Mode::kNoStore},             {"cookie-no-httponly", Mode::kCookieNoHttpOnly},
      {"no-auth", Mode::kNoAuth},               {"no-page-headers", Mode::kNoPageHeaders},
      {"unmasked-secret", Mode::kUnmaskedSecret}, {"keep-deleted-uri", Mode::kKeepDeletedUri},
      {"keep-deleted-credential", Mode::kKeepDeletedCredential},
      {"keep-deleted-start-link", Mode::kKeepDeletedStartLink},
      {"no-metrics", Mode::kNoMetrics},         {"health-always-ok", Mode::kHealthAlwaysOk},
      {"drop-id-token", Mode::kDropIdToken},
      {"ignore-end-user-filter", Mode::kIgnoreEndUserFilter},
      {"unmasked-webhook-secret", Mode::kUnmaskedWebhookSecret},
      {"bad-webhook-signature", Mode::kBadWebhookSignature},
      {"stale-instance-cache", Mode::kStaleInstanceCache},
      {"renamed-routes", Mode::kRenamedRoutes}};
  auto it = kModes.find(name);
  return it == kModes.end() ? std::nullopt : std::optional<Mode>(it->second);
}

bool skippedHeader(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return n == "host" || n == "content-length" || n == "connection" || n == "transfer-encoding" ||
         n == "keep-alive" || n == "expect";
}

// Applies `edit` to the raw value of query parameter `name` in `url` (first occurrence).
template <class Edit>
std::string editParam(const std::string& url, const std::string& name, Edit edit) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string out = url.substr(0, q + 1);
  std::string query = url.substr(q + 1);
  size_t start = 0;
  bool first = true;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string segment = query.substr(start, amp - start);
    const size_t eq = segment.find('=');
    const std::string key = segment.substr(0, eq);
    std::optional<std::string> value;
    if (key == name) value = edit(eq == std::string::npos ? "" : segment.substr(eq + 1));
    if (key != name || value) {
      if (!first) out += "&";
      out += key == name ? key + "=" + *value : segment;
      first = false;
    }
    start = amp + 1;
  }
  return out;
}

// Every "id_token" and "id_token_claims" member, at any depth, removed from a JSON answer (an
// answer that is not JSON is left as it is).
void dropIdTokens(Json& j) {
  if (j.is_object()) {
    j.erase("id_token");
    j.erase("id_token_claims");
  }
  if (j.is_structured()) {
    for (auto& child : j) dropIdTokens(child);
  }
}

// Every object whose "id" is a key of `secrets` gets that secret as its "secret" member.
void revealSecrets(Json& j, const std::map<std::string, std::string>& secrets) {
  if (j.is_object()) {
    if (auto id = j.find("id"); id != j.end() && id->is_string()) {
      if (auto it = secrets.find(id->get<std::string>()); it != secrets.end()) {
        j["secret"] = it->second;
      }
    }
  }
  if (j.is_structured()) {
    for (auto& child : j) revealSecrets(child, secrets);
  }
}

std::string withoutIdTokens(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) return body;
  dropIdTokens(j);
  return j.dump();
}

// mode bad-webhook-signature: deliveries go from the gateway straight to the integrator's
// receiver, so the proxy breaks the key instead: the create answer shows a well-formed whsec_
// secret derived from a fixed string, and every delivery, signed with the real secret, carries
// a signature that this secret does not verify.
std::string withWrongWebhookSecret(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.value("secret", Json()).is_string()) return body;
  j["secret"] = "whsec_" + base64Encode("broken_proxy: a fixed key, not the webhook's");
  return j.dump();
}

std::string lowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The decoded value of query parameter `name` in `target`.
std::optional<std::string> queryValue(const std::string& target, const std::string& name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  auto params = Params::parse(target.substr(q + 1));
  return params ? params->get(name) : std::nullopt;
}

// Renamed management routes (mode renamed-routes), this gateway's name first.
const std::vector<std::pair<std::string, std::string>> kRenamed = {
    {"/api/apps", "/v1/oauth-apps"},        {"/api/callback-urls", "/v1/redirect-uris"},
    {"/api/connections/link", "/v1/credentials/start-auth"},
    {"/api/link-sessions", "/v1/start-links"},
    {"/api/connections", "/v1/credentials"}, {"/api/catalogue", "/v1/providers"}};

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
        v = breakLocation(v);
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

  std::string breakLocation(const std::string& location) const {
    if (mode_ == Mode::kAlterState) {
      return editParam(location, "state", [](std::string v) -> std::optional<std::string> {
        for (size_t at; (at = v.find("%2B")) != std::string::npos;) v.replace(at, 3, "+");
        return v;
      });
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
                   "MODE: alter-state trailing-slash double-redeem drop-iss prefix-match\n"
                   "      provider-in-host truncate-state long-code-ttl no-store cookie-no-httponly\n"
                   "      no-auth no-page-headers unmasked-secret keep-deleted-uri\n"
                   "      keep-deleted-credential keep-deleted-start-link no-metrics\n"
                   "      health-always-ok drop-id-token ignore-end-user-filter\n"
                   "      unmasked-webhook-secret bad-webhook-signature stale-instance-cache\n"
                   "      renamed-routes\n"
                   "(without --upstream, reads it from the first stdin line)\n";
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
