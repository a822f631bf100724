// PostgreSQL restarted under a load of flows through two real gateway instances: requests in
// the window fail cleanly (503 with a JSON error or an error page, well inside the timeout,
// never a 500), /readyz says not ready while the database is down, the gateways reconnect by
// themselves, and afterwards every code delivered before the restart is still redeemable and
// every credential is still there.
#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "core/json.h"
#include "gateway/pg_stack.h"

namespace linkgate::gateway::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTimeout = std::chrono::seconds(12);  // below the load balancer's and ours

// A status the gateway may answer while its database restarts.
bool clean(int status) { return status == 200 || status == 302 || status == 400 || status == 503; }

struct Load {
  std::mutex mu;
  std::condition_variable cv;
  int succeeded = 0, failed = 0;  // whole flows
  std::vector<std::string> bad;   // anything not clean
  bool stop = false;
};

TEST(PgRestart, RequestsFailCleanlyReadinessFollowsAndNothingIsLost) {
  PgStackOptions options;
  options.gateways = 2;
  auto started = PgStack::start(options);
  ASSERT_TRUE(started) << started.error().message;
  PgStack& s = **started;
  auto app = s.createApp("restart", "restart-secret");
  ASSERT_TRUE(app) << app.error().message;

  // Before: codes delivered (not yet redeemed) and credentials linked.
  std::vector<std::string> codes;
  for (size_t i = 0; i < 8; ++i) {
    auto flow = s.startFlow(i % 2, *app);
    ASSERT_TRUE(flow) << flow.error().message;
    auto code = s.finishFlow((i + 1) % 2, *flow);
    ASSERT_TRUE(code) << code.error().message;
    codes.push_back(*code);
  }
  auto before = s.api(0, "GET", "/v1/credentials");
  ASSERT_EQ(before.status, 200);
  const size_t credentials_before = Json::parse(before.body)["data"].size();
  ASSERT_EQ(credentials_before, codes.size());

  Load load;
  std::thread driver([&] {
    for (size_t n = 0;; ++n) {
      {
        std::lock_guard g(load.mu);
        if (load.stop) return;
      }
      const auto t0 = Clock::now();
      std::string what;
      bool ok = false;
      auto flow = s.startFlow(n % 2, *app);
      if (flow) {
        auto code = s.finishFlow((n + 1) % 2, *flow);
        if (code) {
          auto token = s.redeem(n % 2, *app, "restart-secret", *code);
          ok = token.status == 200;
          if (!clean(token.status)) what = "token " + std::to_string(token.status) + token.body;
        } else {
          what = code.error().message;
        }
      } else {
        what = flow.error().message;
      }
      const bool slow = Clock::now() - t0 > kTimeout * 3;
      std::lock_guard g(load.mu);
      (ok ? load.succeeded : load.failed)++;
      // A failed hop must be a clean 503/400, never a 500 or a dropped connection.
      if (!ok && (what.find(" 500") != std::string::npos ||
                  what.find(": 0 ") != std::string::npos)) {
        load.bad.push_back(what);
      }
      if (slow) load.bad.push_back("a flow took longer than three timeouts");
      load.cv.notify_all();
    }
  });
  auto waitFor = [&](auto pred) {
    std::unique_lock g(load.mu);
    return load.cv.wait_for(g, std::chrono::seconds(60), [&] { return pred(); });
  };
  ASSERT_TRUE(waitFor([&] { return load.succeeded >= 3; })) << "no flow before the restart";

  ASSERT_TRUE(s.cluster->stop());
  for (size_t i = 0; i < 2; ++i) {
    const auto t0 = Clock::now();
    auto ready = s.call("GET", s.url(i) + "/readyz");
    EXPECT_EQ(ready.status, 503) << "readyz of instance " << i << " while the database is down";
    EXPECT_LT(Clock::now() - t0, kTimeout);
    const auto t1 = Clock::now();
    auto apps = s.api(i, "GET", "/v1/oauth-apps");
    EXPECT_LT(Clock::now() - t1, kTimeout);
    EXPECT_EQ(apps.status, 503) << apps.body;
    auto body = parseJsonObject(apps.body);
    ASSERT_TRUE(body) << apps.body;
    EXPECT_EQ(body->value("error", ""), "temporarily_unavailable");
    EXPECT_EQ(apps.body.find("postgresql"), std::string::npos) << "internal text: " << apps.body;
    auto page = s.call("GET", s.url(i) + "/link/oauth2/start?client_id=" + *app +
                                  "&redirect_uri=http%3A%2F%2F127.0.0.1%3A4321%2Fdone%2Fgeneric");
    EXPECT_EQ(page.status, 503) << page.body;
  }
  const int failed_before = [&] {
    std::lock_guard g(load.mu);
    return load.failed;
  }();
  ASSERT_TRUE(waitFor([&] { return load.failed >= failed_before + 2; }))
      << "the load saw no failure while the database was down";

  ASSERT_TRUE(s.cluster->restartServer()) << s.cluster->log();
  const int succeeded_down = [&] {
    std::lock_guard g(load.mu);
    return load.succeeded;
  }();
  ASSERT_TRUE(waitFor([&] { return load.succeeded >= succeeded_down + 5; }))
      << "the gateways did not reconnect by themselves";
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(s.call("GET", s.url(i) + "/readyz").status, 200);
  {
    std::lock_guard g(load.mu);
    load.stop = true;
  }
  driver.join();
  for (const auto& b : load.bad) ADD_FAILURE() << b;

  // Every code delivered before the restart redeems, once; no credential was lost.
  for (size_t i = 0; i < codes.size(); ++i) {
    auto token = s.redeem(i % 2, *app, "restart-secret", codes[i]);
    EXPECT_EQ(token.status, 200) << "code " << i << ": " << token.body;
  }
  auto after = s.api(1, "GET", "/v1/credentials");
  ASSERT_EQ(after.status, 200);
  const size_t credentials_after = Json::parse(after.body)["data"].size();
  std::lock_guard g(load.mu);
  EXPECT_GE(credentials_after, credentials_before + static_cast<size_t>(load.succeeded));
}

}  // namespace
}  // namespace linkgate::gateway::testing
