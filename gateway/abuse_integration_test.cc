// Issue 15 over real loopback HTTP against the real gateway binary (and the real simulator
// for a real gateway code): rate limits answer 429 + Retry-After + the JSON error and change
// nothing; lockouts after wrong client secrets / API keys hold across two gateway instances on
// one SQLite file and expire; the pending-flow cap answers its error and rows stop growing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "core/http_client.h"
#include "core/json.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::ChildProcess;

constexpr const char* kApiKey = "abuse-test-api-key-4d2c";
constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kSecret = "abuse-github-secret";

class AbuseStack : public ::testing::Test {
 protected:
  std::string db() const { return (dir_.path() / "gw.db").string(); }

  // A gateway on the shared database with extra flags; its URL.
  std::string gateway(std::vector<std::string> flags) {
    std::vector<std::string> argv = {
        testing::binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY),
        "--port", "0", "--db", db(), "--catalogue", testing::sourceDir() + "/gateway/catalogue",
        "--log-level", "off"};
    if (!sim_url_.empty()) {
      argv.push_back("--provider-base-url");
      argv.push_back(sim_url_);
    }
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto child = ChildProcess::start(argv, {std::string("LINKGATE_API_KEY=") + kApiKey,
                                            std::string("LINKGATE_MASTER_KEY=") + kMasterKey});
    if (!child) {
      ADD_FAILURE() << child.error().message;
      return "";
    }
    children_.push_back(std::move(*child));
    return children_.back()->url();
  }
  void simulator() {
    auto sim = ChildProcess::start(
        {testing::binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR),
         "--port", "0", "--auto-approve", "--profiles",
         testing::sourceDir() + "/fixtures/providers"});
    ASSERT_TRUE(sim) << sim.error().message;
    sim_url_ = (*sim)->url();
    children_.push_back(std::move(*sim));
  }

  HttpResponse call(const std::string& method, const std::string& url, std::string body = {},
                    HeaderList headers = {}) {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.body = std::move(body);
    r.headers = std::move(headers);
    auto got = http_.send(r);
    EXPECT_TRUE(got) << method << " " << url << ": " << (got ? "" : got.error().message);
    return got ? *got : HttpResponse{};
  }
  HttpResponse api(const std::string& gw, const std::string& method, const std::string& path,
                   const std::string& body = {}, HeaderList extra = {}) {
    extra.push_back({"Authorization", std::string("Bearer ") + kApiKey});
    extra.push_back({"Content-Type", "application/json"});
    return call(method, gw + path, body, extra);
  }
  // An app (github, client registered at the simulator when one runs) and the redirect URI.
  std::string setUp(const std::string& gw) {
    if (!sim_url_.empty()) {
      auto client = call("POST", sim_url_ + "/_sim/clients",
                         dumpJson(Json{{"provider", "github"},
                                       {"client_id", "abuse-client"},
                                       {"client_secret", kSecret},
                                       {"redirect_uris", {gw + "/link/oauth2/callback/github"}}}),
                         {{"Content-Type", "application/json"}});
      EXPECT_EQ(client.status, 201) << client.body;
    }
    auto app = api(gw, "POST", "/v1/oauth-apps",
                   dumpJson(Json{{"provider", "github"}, {"client_id", "abuse-client"},
                                 {"client_secret", kSecret}}));
    EXPECT_EQ(app.status, 201) << app.body;
    auto uri = api(gw, "POST", "/v1/redirect-uris", R"({"url":"http://127.0.0.1:9/done"})");
    EXPECT_EQ(uri.status, 201) << uri.body;
    return app.status == 201 ? Json::parse(app.body)["id"].get<std::string>() : "";
  }
  HttpResponse start(const std::string& gw, const std::string& app) {
    return call("GET", gw + "/link/oauth2/start?client_id=" + app +
                           "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fdone&state=st");
  }
  // A start whose flow is too large to travel sealed in its cookie (a 4 KB integrator state):
  // the gateway records it as a row, which is what the pending-flow caps bound (issue 10).
  HttpResponse bigStart(const std::string& gw, const std::string& app) {
    return call("GET", gw + "/link/oauth2/start?client_id=" + app +
                           "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fdone&state=" +
                           std::string(4000, 's'));
  }
  // start -> simulator (auto-approve) -> callback: the gateway code.
  std::string codeFor(const std::string& gw, const std::string& app) {
    auto started = start(gw, app);
    const std::string cookie = started.header("Set-Cookie").value_or("");
    auto consent = call("GET", started.header("Location").value_or(""));
    auto back = call("GET", consent.header("Location").value_or(""), {},
                     {{"Cookie", cookie.substr(0, cookie.find(';'))}});
    return testing::queryOf(back.header("Location").value_or("")).get("code").value_or("");
  }
  HttpResponse token(const std::string& gw, const std::string& app, const std::string& secret,
                     const std::string& code = "no-such-code") {
    return call("POST", gw + "/link/oauth2/token",
                "code=" + percentEncode(code) + "&client_id=" + app +
                    "&client_secret=" + percentEncode(secret),
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  int64_t flowRows() {
    sqlite3* h = nullptr;
    int64_t n = -1;
    if (sqlite3_open_v2(db().c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM flows", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
  }
  double metric(const std::string& gw, const std::string& sample) {
    const std::string body = call("GET", gw + "/metrics").body;
    const size_t at = body.find("\n" + sample + " ");
    return at == std::string::npos ? -1 : std::stod(body.substr(at + sample.size() + 2));
  }

  testing::TempDir dir_;
  CurlHttpClient http_;
  std::string sim_url_;
  std::vector<std::unique_ptr<ChildProcess>> children_;  // stopped when the test ends
};

void expect429(const HttpResponse& r, const std::string& error) {
  EXPECT_EQ(r.status, 429) << r.body;
  const std::string retry = r.header("Retry-After").value_or("");
  EXPECT_FALSE(retry.empty());
  EXPECT_GE(std::atoi(retry.c_str()), 1) << retry;
  EXPECT_NE(r.header("Content-Type").value_or("").find("application/json"), std::string::npos);
  auto body = parseJsonObject(r.body);
  ASSERT_TRUE(body) << r.body;
  EXPECT_EQ((*body)["error"], error);
  EXPECT_TRUE((*body)["error_description"].is_string());
}

TEST_F(AbuseStack, TokenRateLimitRefusesARealCodeWithoutUsingIt) {
  simulator();
  const std::string limited = gateway({"--token-rate-per-client", "3/60"});
  const std::string app = setUp(limited);
  const std::string code = codeFor(limited, app);
  ASSERT_FALSE(code.empty());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(token(limited, app, kSecret).status, 400) << i;
  expect429(token(limited, app, kSecret, code), "rate_limited");
  EXPECT_EQ(metric(limited, "linkgate_abuse_refusals_total{route=\"token\",reason="
                            "\"rate_limit_client\"}"),
            1);
  // The refused request changed nothing: the code is still good, at another instance.
  const std::string other = gateway({});
  auto redeemed = token(other, app, kSecret, code);
  EXPECT_EQ(redeemed.status, 200) << redeemed.body;
}

TEST_F(AbuseStack, ApiRateLimitsPerKeyAndPerAddressBehindATrustedProxy) {
  const std::string gw = gateway({"--api-rate-per-key", "4/60"});
  setUp(gw);  // 2 requests
  EXPECT_EQ(api(gw, "GET", "/v1/providers").status, 200);
  EXPECT_EQ(api(gw, "GET", "/v1/providers").status, 200);
  expect429(api(gw, "POST", "/v1/redirect-uris", R"({"url":"http://127.0.0.1:9/new"})"),
            "rate_limited");
  const std::string proxied = gateway({"--api-rate-per-address", "2/60", "--trusted-proxy",
                                       "127.0.0.1"});
  const HeaderList from_a = {{"X-Forwarded-For", "203.0.113.5"}};
  EXPECT_EQ(api(proxied, "GET", "/v1/redirect-uris", "", from_a).status, 200);
  EXPECT_EQ(api(proxied, "GET", "/v1/redirect-uris", "", from_a).status, 200);
  expect429(api(proxied, "GET", "/v1/redirect-uris", "", from_a), "rate_limited");
  auto from_b = api(proxied, "GET", "/v1/redirect-uris", "", {{"X-Forwarded-For", "203.0.113.6"}});
  ASSERT_EQ(from_b.status, 200) << "another client address behind the proxy";
  EXPECT_EQ(from_b.body.find("127.0.0.1:9/new"), std::string::npos) << "the 429 added nothing";
  // Without --trusted-proxy the header is the client's own text: the peer address counts.
  const std::string direct = gateway({"--api-rate-per-address", "2/60"});
  EXPECT_EQ(api(direct, "GET", "/v1/providers", "", {{"X-Forwarded-For", "198.51.100.1"}}).status,
            200);
  EXPECT_EQ(api(direct, "GET", "/v1/providers", "", {{"X-Forwarded-For", "198.51.100.2"}}).status,
            200);
  expect429(api(direct, "GET", "/v1/providers", "", {{"X-Forwarded-For", "198.51.100.3"}}),
            "rate_limited");
}

TEST_F(AbuseStack, WrongSecretsAtTwoInstancesLockTheClientEverywhereUntilItExpires) {
  const std::vector<std::string> lockout = {"--client-lockout", "4/60/2"};
  const std::string a = gateway(lockout), b = gateway(lockout);
  const std::string app = setUp(a);
  for (int i = 0; i < 4; ++i) {
    auto r = token(i % 2 == 0 ? a : b, app, "wrong-secret");
    EXPECT_EQ(r.status, 401) << i << " " << r.body;
  }
  // The right secret is refused at both instances while the lock holds.
  expect429(token(a, app, kSecret), "locked_out");
  expect429(token(b, app, kSecret), "locked_out");
  EXPECT_EQ(metric(b, "linkgate_lockouts_total{route=\"token\"}") +
                metric(a, "linkgate_lockouts_total{route=\"token\"}"),
            1);
  EXPECT_GE(metric(a, "linkgate_abuse_refusals_total{route=\"token\",reason=\"locked_out\"}"), 1);
  // It expires (2 s): poll with a deadline; every refusal until then is locked_out.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = token(a, app, kSecret);
    status = r.status;
    if (status != 429) break;
    EXPECT_EQ(parseJsonObject(r.body).value_or(Json::object())["error"], "locked_out");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 400) << "after the lock: the secret is accepted (the code is unknown)";
  EXPECT_EQ(token(b, app, kSecret).status, 400);
}

TEST_F(AbuseStack, WrongApiKeysLockTheAddressOutOfBothInstances) {
  const std::vector<std::string> lockout = {"--api-key-lockout", "3/60/60"};
  const std::string a = gateway(lockout), b = gateway(lockout);
  const HeaderList wrong = {{"Authorization", "Bearer not-the-key"}};
  EXPECT_EQ(call("GET", a + "/v1/providers", "", wrong).status, 401);
  EXPECT_EQ(call("GET", b + "/v1/providers", "", wrong).status, 401);
  EXPECT_EQ(call("GET", a + "/v1/providers", "", wrong).status, 401);
  expect429(api(b, "GET", "/v1/providers"), "locked_out");
  expect429(api(a, "POST", "/v1/redirect-uris", R"({"url":"http://127.0.0.1:9/x"})"),
            "locked_out");
  EXPECT_GE(metric(a, "linkgate_abuse_refusals_total{route=\"api\",reason=\"locked_out\"}"), 1);
}

TEST_F(AbuseStack, PendingFlowCapsAnswerTheirErrorAndRowsStopGrowing) {
  const std::string per_address = gateway({"--max-pending-flows-per-address", "3"});
  const std::string app = setUp(per_address);
  for (int i = 0; i < 3; ++i) {
    auto r = bigStart(per_address, app);
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header("Location").value_or("").find("127.0.0.1:9"), std::string::npos);
  }
  EXPECT_EQ(flowRows(), 3);
  for (int i = 0; i < 3; ++i) {
    auto r = bigStart(per_address, app);
    EXPECT_EQ(r.status, 302);
    const Params q = testing::queryOf(r.header("Location").value_or(""));
    EXPECT_EQ(q.get("error"), "temporarily_unavailable") << r.header("Location").value_or("");
    EXPECT_NE(q.get("error_description").value_or("").find("too many"), std::string::npos);
    EXPECT_EQ(q.get("state"), std::string(4000, 's'));
  }
  EXPECT_EQ(flowRows(), 3) << "refused starts write no row";
  EXPECT_EQ(metric(per_address, "linkgate_abuse_refusals_total{route=\"start\",reason="
                                "\"flow_cap_address\"}"),
            3);
  // The global cap counts the database's rows, whichever instance wrote them.
  const std::string global = gateway({"--max-pending-flows", "5"});
  EXPECT_EQ(testing::queryOf(bigStart(global, app).header("Location").value_or("")).get("error"),
            std::nullopt);
  EXPECT_EQ(testing::queryOf(bigStart(global, app).header("Location").value_or("")).get("error"),
            std::nullopt);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(testing::queryOf(bigStart(global, app).header("Location").value_or("")).get("error"),
              "temporarily_unavailable");
  }
  EXPECT_EQ(flowRows(), 5);
  // A debug start shows the refusal on the page (the browser answer of the error contract).
  auto page = call("GET", global + "/link/oauth2/start?client_id=" + app +
                              "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fdone&debug=true&state=" +
                              std::string(4000, 's'));
  EXPECT_NE(page.body.find("too_many_pending_flows"), std::string::npos) << page.body;
  EXPECT_EQ(flowRows(), 5);
  // A flow sealed into its cookie writes no row and costs nothing at rest: no cap refuses it.
  for (int i = 0; i < 4; ++i) {
    auto r = start(global, app);
    EXPECT_EQ(testing::queryOf(r.header("Location").value_or("")).get("error"), std::nullopt);
  }
  EXPECT_EQ(flowRows(), 5) << "sealed flows have no row";
}

}  // namespace
}  // namespace linkgate::gateway
