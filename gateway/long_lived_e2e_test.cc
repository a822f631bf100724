// Issue 13, long-lived tokens end to end: the real gateway and the real simulator (strict
// Instagram and Facebook profiles). Linking stores the long-lived token, never the short-lived
// one; refresh renews it through the provider's own call; Instagram's 24 h rule is kept by the
// gateway without asking. Both clocks move together: the simulator's by POST /_sim/clock, the
// gateway's through --clock-file (test-only seam). Every wait is bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;
using testing::ChildProcess;

class Stack {
 public:
  static Stack& get() {
    static Stack stack;
    return stack;
  }
  std::string error;
  std::unique_ptr<ChildProcess> simulator, gateway;
  CurlHttpClient http;
  testing::TempDir dir;
  int64_t offset = 0;

  HttpResponse call(const std::string& method, const std::string& url,
                    const std::string& body = {}, HeaderList headers = {}) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    req.total_timeout = std::chrono::seconds(20);
    auto r = http.send(req);
    EXPECT_TRUE(r) << method << " " << url << ": " << (r ? "" : r.error().message);
    return r ? *r : HttpResponse{};
  }
  HttpResponse api(const std::string& method, const std::string& path, const Json& body = {}) {
    return call(method, gateway->url() + path, body.is_null() ? "" : dumpJson(body),
                {{"Authorization", "Bearer ll-key"}, {"Content-Type", "application/json"}});
  }
  // Moves the simulator and the gateway forward by `seconds`.
  void advance(int64_t seconds) {
    auto r = call("POST", simulator->url() + "/_sim/clock",
                  dumpJson(Json{{"advance_seconds", seconds}}),
                  {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    writeOffset(offset + seconds);
  }
  // Journal entries of `slug` after seq `mark` at `endpoint`: their statuses.
  std::vector<int> journal(const std::string& slug, const std::string& endpoint, int64_t mark) {
    auto r = call("GET", simulator->url() + "/_sim/journal?provider=" + slug);
    std::vector<int> out;
    auto j = parseJsonObject(r.body);
    if (!j) return out;
    for (const auto& e : (*j)["entries"]) {
      if (e.value("seq", int64_t{0}) > mark && e.value("endpoint", "") == endpoint) {
        out.push_back(e.value("status", 0));
      }
    }
    return out;
  }
  int64_t mark() {
    auto r = call("GET", simulator->url() + "/_sim/journal");
    int64_t top = 0;
    if (auto j = parseJsonObject(r.body)) {
      for (const auto& e : (*j)["entries"]) top = std::max(top, e.value("seq", int64_t{0}));
    }
    return top;
  }
  Json introspect(const std::string& token) {
    auto r = call("POST", simulator->url() + "/_sim/introspect", dumpJson(Json{{"token", token}}),
                  {{"Content-Type", "application/json"}});
    return parseJsonObject(r.body).value_or(Json::object());
  }

 private:
  Stack() {
    const std::string clock_file = (dir.path() / "clock").string();
    writeOffsetTo(clock_file, 0);
    clock_file_ = clock_file;
    auto sim = ChildProcess::start(
        {binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR), "--port", "0",
         "--auto-approve", "--profiles", testing::sourceDir() + "/fixtures/providers"});
    if (!sim) {
      error = sim.error().message;
      return;
    }
    simulator = std::move(*sim);
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY), "--port", "0", "--db",
         (dir.path() / "gw.db").string(), "--provider-base-url", simulator->url(), "--catalogue",
         testing::sourceDir() + "/gateway/catalogue", "--clock-file", clock_file,
         // The background refresher: a pass every 100 ms, due within 10 minutes of expiry.
         "--refresh-interval", "100ms", "--refresh-window", "600"},
        {"LINKGATE_API_KEY=ll-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (!gw) {
      error = gw.error().message;
      return;
    }
    gateway = std::move(*gw);
  }
  static void writeOffsetTo(const std::string& file, int64_t offset) {
    const std::string tmp = file + ".tmp";
    std::ofstream(tmp) << offset << "\n";
    std::filesystem::rename(tmp, file);  // atomic: the gateway never reads half a file
  }
  void writeOffset(int64_t o) {
    offset = o;
    writeOffsetTo(clock_file_, o);
  }
  std::string clock_file_;
};

// Links `slug` (connection params from `params`); returns the token answer's credential.
Json link(const std::string& slug, const std::vector<std::pair<std::string, std::string>>& params) {
  Stack& s = Stack::get();
  const std::string gw = s.gateway->url(), sim = s.simulator->url();
  const std::string client_id = "ll-" + slug, secret = "ll-" + slug + "-secret";
  auto client = s.call("POST", sim + "/_sim/clients",
                       dumpJson(Json{{"provider", slug},
                                     {"client_id", client_id},
                                     {"client_secret", secret},
                                     {"redirect_uris", {gw + "/link/oauth2/callback/" + slug}}}),
                       {{"Content-Type", "application/json"}});
  EXPECT_TRUE(client.status == 201 || client.status == 200) << client.body;
  auto app = s.api("POST", "/v1/oauth-apps",
                   Json{{"provider", slug}, {"client_id", client_id}, {"client_secret", secret}});
  EXPECT_EQ(app.status, 201) << app.body;
  const std::string app_id = parseJsonObject(app.body).value_or(Json::object()).value("id", "");
  s.api("POST", "/v1/redirect-uris", Json{{"url", "http://127.0.0.1/done/:provider"}});
  Params start;
  start.add("client_id", app_id);
  start.add("redirect_uri", "http://127.0.0.1:4321/done/" + slug);
  start.add("state", "ll");
  for (const auto& [k, v] : params) start.add(k, v);
  auto started = s.call("GET", gw + "/link/oauth2/start?" + start.toQuery());
  EXPECT_EQ(started.status, 302) << started.body;
  const std::string cookie = started.header("Set-Cookie").value_or("");
  auto consent = s.call("GET", started.header("Location").value_or(""));
  EXPECT_EQ(consent.status, 302) << consent.body;
  auto back = s.call("GET", consent.header("Location").value_or(""), {},
                     {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  EXPECT_EQ(back.status, 302) << back.body;
  const std::string done = back.header("Location").value_or("");
  Params answer = testing::queryOf(done);
  EXPECT_TRUE(answer.has("code")) << done;
  auto token = s.call("POST", gw + "/link/oauth2/token",
                      "code=" + percentEncode(answer.get("code").value_or("")) + "&client_id=" +
                          app_id + "&client_secret=" + percentEncode(secret),
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(token.status, 200) << token.body;
  return parseJsonObject(token.body).value_or(Json::object()).value("credential", Json::object());
}

std::string accessToken(const std::string& id) {
  auto r = Stack::get().api("GET", "/v1/credentials/" + id + "?truncate_secrets=false");
  return parseJsonObject(r.body).value_or(Json::object())["properties"].value("access_token", "");
}

TEST(LongLivedE2E, InstagramStoresTheLongLivedTokenAndRenewsItAfterADay) {
  Stack& s = Stack::get();
  ASSERT_TRUE(s.error.empty()) << s.error;
  const int64_t mark = s.mark();
  const Json cred = link("instagram", {});
  ASSERT_TRUE(cred.contains("id")) << cred.dump();
  const std::string id = cred["id"];
  // The code exchange, then the exchange for the long-lived token, both answered 200.
  EXPECT_EQ(s.journal("instagram", "token", mark), std::vector<int>{200});
  EXPECT_EQ(s.journal("instagram", "exchange", mark), std::vector<int>{200});
  const std::string stored = accessToken(id);
  const Json seen = s.introspect(stored);
  EXPECT_EQ(seen.value("active", false), true) << seen.dump();
  EXPECT_EQ(seen.value("long_lived", false), true) << "the stored token is the short-lived one";
  const Json& props = cred["properties"];
  ASSERT_TRUE(props.contains("long_lived")) << props.dump();
  EXPECT_TRUE(props["long_lived"].contains("renewable_after"));
  ASSERT_TRUE(props.contains("expires_at"));  // 60 days from now, not one hour
  EXPECT_GT(parseRfc3339(props["expires_at"].get<std::string>()).value_or(0),
            parseRfc3339(props["long_lived"]["issued_at"].get<std::string>()).value_or(0) +
                50 * 86400);

  // Younger than 24 h: refused by the gateway, nothing sent, nothing changed.
  const int64_t before_refresh = s.mark();
  auto young = s.api("POST", "/v1/credentials/" + id + "/refresh", Json::object());
  EXPECT_EQ(young.status, 409) << young.body;
  EXPECT_NE(young.body.find("renewable_after"), std::string::npos) << young.body;
  EXPECT_TRUE(s.journal("instagram", "renew", before_refresh).empty());
  EXPECT_EQ(accessToken(id), stored);
  auto health = s.api("GET", "/v1/credentials/" + id);
  EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos) << health.body;

  // A day later: renewed through ig_refresh_token, the new token long-lived too.
  s.advance(86400 + 60);
  auto renewed = s.api("POST", "/v1/credentials/" + id + "/refresh", Json::object());
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(s.journal("instagram", "renew", before_refresh), std::vector<int>{200});
  const std::string fresh = accessToken(id);
  EXPECT_NE(fresh, stored);
  EXPECT_EQ(s.introspect(fresh).value("long_lived", false), true);
  // Its age starts again: an immediate second renewal is refused locally.
  EXPECT_EQ(s.api("POST", "/v1/credentials/" + id + "/refresh", Json::object()).status, 409);
}

TEST(LongLivedE2E, FacebookStoresTheLongLivedTokenAndRenewsItWithFbExchangeToken) {
  Stack& s = Stack::get();
  ASSERT_TRUE(s.error.empty()) << s.error;
  const int64_t mark = s.mark();
  const Json cred = link("facebook", {{"api_version", "v22.0"}});
  ASSERT_TRUE(cred.contains("id")) << cred.dump();
  const std::string id = cred["id"];
  EXPECT_EQ(s.journal("facebook", "token", mark), std::vector<int>{200});
  EXPECT_EQ(s.journal("facebook", "exchange", mark), std::vector<int>{200});
  const std::string stored = accessToken(id);
  EXPECT_EQ(s.introspect(stored).value("long_lived", false), true);
  // Renewed before it expires (59 days on), the same call presenting the long-lived token.
  s.advance(59 * 86400);
  const int64_t before = s.mark();
  auto renewed = s.api("POST", "/v1/credentials/" + id + "/refresh", Json::object());
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(s.journal("facebook", "exchange", before), std::vector<int>{200});
  const std::string fresh = accessToken(id);
  EXPECT_NE(fresh, stored);
  EXPECT_EQ(s.introspect(fresh).value("long_lived", false), true);
  EXPECT_EQ(s.introspect(stored).value("active", true), true) << "the old one is still valid";
}

// C-12.7: the background refresher renews long-lived tokens near their expiry by the
// provider's own call, with nobody asking. Polled with a deadline, never a fixed sleep.
TEST(LongLivedE2E, TheBackgroundRefresherRenewsLongLivedTokensBeforeTheyExpire) {
  Stack& s = Stack::get();
  ASSERT_TRUE(s.error.empty()) << s.error;
  // Only this test's credentials (the other tests may have run in this process before).
  auto listed = parseJsonObject(s.api("GET", "/v1/credentials").body).value_or(Json::object());
  for (const auto& c : listed.value("data", Json::array())) {
    EXPECT_EQ(s.api("DELETE", "/v1/credentials/" + c.value("id", "")).status, 204);
  }
  const Json ig = link("instagram", {});
  const Json fb = link("facebook", {{"api_version", "v22.0"}});
  ASSERT_TRUE(ig.contains("id") && fb.contains("id"));
  const std::string ig_token = accessToken(ig["id"]), fb_token = accessToken(fb["id"]);
  const int64_t mark = s.mark();
  s.advance(5184000 - 300);  // both now expire within the refresh window
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline &&
         (accessToken(ig["id"]) == ig_token || accessToken(fb["id"]) == fb_token)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(s.journal("instagram", "renew", mark), std::vector<int>{200});
  EXPECT_EQ(s.journal("facebook", "exchange", mark), std::vector<int>{200});
  EXPECT_TRUE(s.journal("instagram", "refresh", mark).empty());
  const std::string ig_new = accessToken(ig["id"]), fb_new = accessToken(fb["id"]);
  EXPECT_NE(ig_new, ig_token) << "the refresher did not renew the Instagram token";
  EXPECT_NE(fb_new, fb_token) << "the refresher did not renew the Facebook token";
  EXPECT_EQ(s.introspect(ig_new).value("long_lived", false), true);
  EXPECT_EQ(s.introspect(fb_new).value("long_lived", false), true);
}

}  // namespace
}  // namespace linkgate::gateway
