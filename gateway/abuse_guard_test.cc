// Issue 15 unit tests with a ManualClock: rate limits, lockouts (the real SQLite store), the
// pending-flow cap, the client address behind a trusted proxy, the flags and the metrics.
#include "gateway/abuse_guard.h"

#include <gtest/gtest.h>

#include "gateway/options.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::TestGateway;
using std::chrono::seconds;

TEST(RateLimiter, BurstThenRetryAfterThenRefill) {
  ManualClock clock;
  RateLimiter limiter(clock);
  const RateLimit limit{3, 60};  // 3 at once, then one every 20 s
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("k", limit).allowed) << i;
  auto refused = limiter.take("k", limit);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 20);
  EXPECT_TRUE(limiter.take("other", limit).allowed) << "keys are independent";
  clock.advance(seconds(19));
  EXPECT_EQ(limiter.take("k", limit).retry_after, 1);
  clock.advance(seconds(1));
  EXPECT_TRUE(limiter.take("k", limit).allowed);
  EXPECT_FALSE(limiter.take("k", limit).allowed);
  EXPECT_TRUE(limiter.take("k", RateLimit{0, 60}).allowed) << "0 = no limit";
}

TEST(RateLimiter, MemoryStaysBoundedUnderAFloodOfKeys) {
  ManualClock clock;
  RateLimiter limiter(clock, 160);
  const RateLimit limit{2, 1};
  for (int i = 0; i < 2000; ++i) (void)limiter.take("k" + std::to_string(i), limit);
  EXPECT_LE(limiter.size(), 160u + 16u);
  clock.advance(seconds(2));  // every bucket refilled: swept as new keys come
  for (int i = 0; i < 2000; ++i) EXPECT_TRUE(limiter.take("n" + std::to_string(i), limit).allowed);
  EXPECT_LE(limiter.size(), 160u + 16u);
}

TEST(AbuseGuard, ClientAddressBelievesForwardedForOnlyFromATrustedProxy) {
  ManualClock clock;
  testing::TempDir dir;
  SeededRandom random(1);
  KeyRing keys(random);
  ASSERT_TRUE(keys.addKey("k", std::string(32, 'k')));
  auto store = SqliteStore::open((dir.path() / "g.db").string(), keys);
  ASSERT_TRUE(store);
  Metrics metrics;
  web::Request r = testing::makeRequest("GET", "/v1/providers", "",
                                        {{"X-Forwarded-For", "198.51.100.7, 10.0.0.2"}});
  AbuseGuard plain(AbuseConfig{}, clock, **store, metrics);
  EXPECT_EQ(plain.clientAddress(r), "127.0.0.1") << "no --trusted-proxy: the peer, always";
  AbuseConfig behind;
  behind.trusted_proxies = {"127.0.0.1", "10.0.0.2"};
  AbuseGuard proxied(behind, clock, **store, metrics);
  EXPECT_EQ(proxied.clientAddress(r), "198.51.100.7") << "right-most hop not ours";
  r.remote_address = "192.0.2.9";  // not a trusted proxy: its header is the client's own text
  EXPECT_EQ(proxied.clientAddress(r), "192.0.2.9");
  r.remote_address = "127.0.0.1";
  r.headers = {};
  EXPECT_EQ(proxied.clientAddress(r), "127.0.0.1") << "no header: the proxy itself";
}

class AbuseGatewayTest : public ::testing::Test {
 protected:
  AbuseGatewayTest() : catalogue_(catalogue()), gw_(catalogue_) {
    app_ = gw_.createApp("acme", "acme-client", "acme-secret");
    gw_.registerRedirectUri("https://app.example/cb");
  }
  static Catalogue catalogue() {
    Catalogue c;
    c.add(testing::acmeDialect());
    return c;
  }
  void configure(const AbuseConfig& config) {
    gw_.services->abuse =
        std::make_shared<AbuseGuard>(config, gw_.clock, *gw_.store, *gw_.services->metrics);
  }
  web::Response token(const std::string& secret, const std::string& code = "no-such-code") {
    return gw_.send("POST", "/link/oauth2/token",
                    "code=" + code + "&client_id=" + app_ + "&client_secret=" + secret,
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  web::Response start() {
    return gw_.get("/link/oauth2/start?client_id=" + app_ +
                   "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s");
  }
  // A flow too large for its cookie (a 4 KB state) is a row: what the caps bound (issue 10).
  static std::string bigState() { return std::string(4000, 's'); }
  web::Response bigStart() {
    return gw_.get("/link/oauth2/start?client_id=" + app_ +
                   "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=" + bigState());
  }
  int64_t flowRows() {
    auto c = gw_.store->database().acquire();
    auto r = (*c)->query("SELECT COUNT(*) FROM flows", {});
    return r && !r->rows.empty() ? r->rows[0].integer(0) : -1;
  }
  std::string metrics() { return gw_.get("/metrics").body; }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string app_;
};

void expectTooMany(const web::Response& r, const std::string& error, int64_t retry_after) {
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.header("Retry-After").value_or(""), std::to_string(retry_after));
  auto body = parseJsonObject(r.body);
  ASSERT_TRUE(body) << r.body;
  EXPECT_EQ((*body)["error"], error);
  EXPECT_FALSE((*body)["error_description"].get<std::string>().empty());
}

TEST_F(AbuseGatewayTest, TokenRateLimitPerClientAnswers429WithRetryAfter) {
  AbuseConfig config;
  config.token_per_client = {2, 60};
  configure(config);
  EXPECT_EQ(token("acme-secret").status, 400);  // invalid_grant: the code is unknown
  EXPECT_EQ(token("acme-secret").status, 400);
  expectTooMany(token("acme-secret"), "rate_limited", 30);
  EXPECT_NE(metrics().find("linkgate_abuse_refusals_total{route=\"token\",reason="
                           "\"rate_limit_client\"} 1"),
            std::string::npos);
  gw_.clock.advance(seconds(30));
  EXPECT_EQ(token("acme-secret").status, 400) << "refilled";
}

TEST_F(AbuseGatewayTest, ApiRateLimitPerAddressRefusesBeforeAnyChange) {
  AbuseConfig config;
  config.api_per_address = {1, 10};
  configure(config);
  const HeaderList auth = {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                           {"Content-Type", "application/json"}};
  EXPECT_EQ(gw_.send("GET", "/v1/redirect-uris", "", auth).status, 200);
  auto refused = gw_.send("POST", "/v1/redirect-uris", R"({"url":"https://app.example/new"})", auth);
  expectTooMany(refused, "rate_limited", 10);
  gw_.clock.advance(seconds(10));
  auto list = gw_.send("GET", "/v1/redirect-uris", "", auth);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("app.example/new"), std::string::npos) << "the refused POST added none";
}

TEST_F(AbuseGatewayTest, WrongSecretsLockTheClientEvenForTheRightSecretUntilExpiry) {
  AbuseConfig config;
  config.client_lockout = {3, 60, 120};
  configure(config);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(token("wrong").status, 401) << i;
  expectTooMany(token("acme-secret"), "locked_out", 120);
  gw_.clock.advance(seconds(60));
  expectTooMany(token("acme-secret"), "locked_out", 60);
  EXPECT_NE(metrics().find("linkgate_lockouts_total{route=\"token\"} 1"), std::string::npos);
  gw_.clock.advance(seconds(60));
  EXPECT_EQ(token("acme-secret").status, 400) << "expired: the right secret works again";
  EXPECT_EQ(token("wrong").status, 401) << "and the count started again";
  EXPECT_EQ(token("acme-secret").status, 400);
}

TEST_F(AbuseGatewayTest, FailuresOutsideTheWindowDoNotAddUp) {
  AbuseConfig config;
  config.client_lockout = {3, 60, 120};
  configure(config);
  EXPECT_EQ(token("wrong").status, 401);
  EXPECT_EQ(token("wrong").status, 401);
  gw_.clock.advance(seconds(61));
  EXPECT_EQ(token("wrong").status, 401);
  EXPECT_EQ(token("wrong").status, 401);
  EXPECT_EQ(token("acme-secret").status, 400) << "2 + 2 in two windows: not locked";
}

TEST_F(AbuseGatewayTest, WrongApiKeysLockTheAddressOut) {
  AbuseConfig config;
  config.api_key_lockout = {2, 60, 30};
  configure(config);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(gw_.send("GET", "/v1/providers", "", {{"Authorization", "Bearer nope"}}).status, 401);
  }
  expectTooMany(gw_.send("GET", "/v1/providers", "",
                         {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey}}),
                "locked_out", 30);
  gw_.clock.advance(seconds(30));
  EXPECT_EQ(gw_.send("GET", "/v1/providers", "",
                     {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey}})
                .status,
            200);
}

TEST_F(AbuseGatewayTest, PerAddressFlowCapRedirectsWithAnErrorAndWritesNoRow) {
  AbuseConfig config;
  config.max_pending_flows_per_address = 2;
  configure(config);
  EXPECT_EQ(bigStart().status, 302);
  EXPECT_EQ(bigStart().status, 302);
  EXPECT_EQ(flowRows(), 2);
  auto refused = bigStart();
  ASSERT_EQ(refused.status, 302);
  const std::string location = refused.header("Location").value_or("");
  ASSERT_TRUE(location.starts_with("https://app.example/cb?")) << location;
  auto q = testing::queryOf(location);
  EXPECT_EQ(q.get("error"), "temporarily_unavailable");
  EXPECT_TRUE(q.get("error_description"));
  EXPECT_EQ(q.get("state"), bigState());
  EXPECT_EQ(flowRows(), 2) << "no row for a refused start";
  EXPECT_NE(metrics().find("reason=\"flow_cap_address\"} 1"), std::string::npos);
  gw_.clock.advance(seconds(2 * 600));  // two flow TTLs: the address's window is clear
  EXPECT_EQ(bigStart().header("Location").value_or("").find("error="), std::string::npos);
}

TEST_F(AbuseGatewayTest, GlobalFlowCapCountsUnexpiredRowsInTheDatabase) {
  AbuseConfig config;
  config.max_pending_flows = 3;
  configure(config);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bigStart().header("Location")->find("error="), std::string::npos);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(bigStart().header("Location")->find("error=temporarily_unavailable"), std::string::npos);
  }
  EXPECT_EQ(flowRows(), 3) << "rows stop growing at the cap";
  // A sealed flow (the usual, small one) writes no row, so no cap refuses it.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(start().header("Location")->find("error="), std::string::npos);
  EXPECT_EQ(flowRows(), 3) << "sealed flows have no row";
  gw_.clock.advance(seconds(601));  // the flows expired; the count is re-read
  EXPECT_EQ(bigStart().header("Location")->find("error="), std::string::npos);
}

TEST(AbuseOptions, FlagsAndVariablesFillTheConfig) {
  auto none = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto o = parseOptions({"--db", "x.db", "--token-rate-per-client", "10/60",
                         "--api-rate-per-address=0", "--client-lockout", "5/300/900",
                         "--max-pending-flows", "1000", "--trusted-proxy", "10.0.0.1,::1"},
                        none, "cat");
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->abuse.token_per_client.requests, 10);
  EXPECT_EQ(o->abuse.token_per_client.seconds, 60);
  EXPECT_FALSE(o->abuse.api_per_address.enabled());
  EXPECT_EQ(o->abuse.client_lockout.failures, 5);
  EXPECT_EQ(o->abuse.client_lockout.lock_s, 900);
  EXPECT_EQ(o->abuse.max_pending_flows, 1000);
  EXPECT_EQ(o->abuse.trusted_proxies, (std::vector<std::string>{"10.0.0.1", "::1"}));
  auto env = [](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "LINKGATE_API_KEY_LOCKOUT") return "0";
    return std::nullopt;
  };
  auto e = parseOptions({"--db", "x.db"}, env, "cat");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->abuse.api_key_lockout.enabled());
  EXPECT_TRUE(e->abuse.client_lockout.enabled()) << "defaults on";
  for (const char* bad : {"10", "10/", "/60", "10/0", "-1/60", "a/b", "10/60/1"}) {
    EXPECT_FALSE(parseOptions({"--db", "x", "--token-rate-per-client", bad}, none, "c")) << bad;
  }
  for (const char* bad : {"5/300", "5/0/10", "5/300/x"}) {
    EXPECT_FALSE(parseOptions({"--db", "x", "--client-lockout", bad}, none, "c")) << bad;
  }
  EXPECT_FALSE(parseOptions({"--db", "x", "--trusted-proxy", "evil.example"}, none, "c"));
  EXPECT_NE(usage().find("--client-lockout"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::gateway
