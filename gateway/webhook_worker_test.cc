// Webhook delivery without sockets (issue #13): the Standard Webhooks signature against the
// spec's published example, the backoff schedule's bounds, and the worker driven by a manual
// clock over a real SQLite store and a scripted HttpClient — retries at the scheduled times,
// giving up after max_attempts, the headers of every attempt, no token in any payload.
#include "gateway/webhook_worker.h"

#include <gtest/gtest.h>

#include <set>

#include "gateway/store_open.h"
#include "gateway/test_support.h"
#include "gateway/webhook_events.h"
#include "gateway/webhook_signing.h"

namespace linkgate::gateway::testing {
namespace {

using std::chrono::milliseconds;

TEST(WebhookSignature, MatchesTheStandardWebhooksExample) {
  // The example of the Standard Webhooks reference libraries' test suites.
  auto sig = webhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                              "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                              "{\"test\": 2432232314}");
  ASSERT_TRUE(sig);
  EXPECT_EQ(*sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_FALSE(webhookSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "{}"));
  EXPECT_FALSE(webhookSignature("whsec_", "m", 1, "{}"));
  EXPECT_FALSE(webhookSignature("whsec_!!!", "m", 1, "{}"));
}

TEST(WebhookSignature, NewSecretsFollowTheConvention) {
  SeededRandom random(1);
  const std::string a = newWebhookSecret(random), b = newWebhookSecret(random);
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_NE(a, b);
  EXPECT_TRUE(webhookSignature(a, "m", 1, "{}"));
}

TEST(WebhookBackoff, ExponentialWithJitterWithinBoundsAndCapped) {
  SeededRandom random(99);
  std::set<int64_t> seen;
  for (int64_t n = 1; n <= 30; ++n) {
    int64_t full = 1000;
    for (int64_t i = 1; i < n && full < 60000; ++i) full *= 2;
    full = std::min<int64_t>(full, 60000);
    for (int k = 0; k < 20; ++k) {
      const int64_t d = webhookRetryDelayMs(n, 1000, 60000, random);
      ASSERT_GE(d, full / 2) << "attempt " << n;
      ASSERT_LE(d, full) << "attempt " << n;
      seen.insert(d);
    }
  }
  EXPECT_GT(seen.size(), 100u) << "jitter spreads the delays";
}

struct WorkerFixture : ::testing::Test {
  void SetUp() override {
    ASSERT_TRUE(keys.addKey("k1", std::string(32, 'k')));
    auto s = openStore({(dir.path() / "gw.db").string(), 2}, keys);
    ASSERT_TRUE(s) << s.error().message;
    store = std::move(*s);
    hook.id = "00000000-0000-4000-8000-000000000001";
    hook.account_id = "acct";
    hook.url = "http://127.0.0.1:1/hook";
    hook.secret = newWebhookSecret(random);
    hook.events = webhookEventTypes();
    ASSERT_TRUE(store->insertWebhook(hook));
    config.retry_base_ms = 1000;
    config.retry_cap_ms = 8000;
    config.max_attempts = 4;
    config.timeout = milliseconds(1500);
    worker = std::make_unique<WebhookWorker>(*store, http, clock, random, config, "me");
  }
  int64_t nowMs() const {
    return std::chrono::duration_cast<milliseconds>(clock.now().time_since_epoch()).count();
  }
  WebhookDelivery only() {
    auto log = store->listDeliveries("acct", hook.id, 10);
    EXPECT_TRUE(log && log->size() == 1);
    return log && !log->empty() ? (*log)[0] : WebhookDelivery{};
  }
  Credential cred() {
    Credential c;
    c.id = "c1";
    c.account_id = "acct";
    c.app_id = "app";
    c.provider = "github";
    c.properties = Json{{"access_token", "secret-access-token"},
                        {"refresh_token", "secret-refresh-token"}};
    return c;
  }

  TempDir dir;
  ManualClock clock;
  SeededRandom random{5};
  KeyRing keys{random};
  std::unique_ptr<SqlStore> store;
  FakeHttpClient http;
  WebhookEndpoint hook;
  WebhookWorkerConfig config;
  std::unique_ptr<WebhookWorker> worker;
};

TEST_F(WorkerFixture, RetriesOnTheBackoffScheduleUntilTheReceiverSays2xx) {
  int answers = 0;
  http.answer([&](const HttpRequest&) -> Result<HttpResponse> {
    if (++answers == 2) return fail("timeout", "receiver too slow");
    return jsonResponse(answers < 3 ? 500 : 204, Json::object());
  });
  const auto event = credentialEvent(kCredentialCreated, cred(), clock, random);
  ASSERT_TRUE(store->saveCredentialEmitting(cred(), nullptr, {event}));
  ASSERT_EQ(*worker->runOnce(), 1u);
  auto d = only();
  EXPECT_EQ(d.status, "pending");
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.last_status_code, 500);
  EXPECT_GE(d.next_attempt_at, nowMs() + 500);
  EXPECT_LE(d.next_attempt_at, nowMs() + 1000);
  EXPECT_EQ(*worker->runOnce(), 0u) << "not due yet";
  clock.advance(milliseconds(d.next_attempt_at - nowMs()));
  ASSERT_EQ(*worker->runOnce(), 1u);
  d = only();
  EXPECT_EQ(d.last_error, "timeout");
  EXPECT_EQ(d.last_status_code, 0);
  EXPECT_GE(d.next_attempt_at, nowMs() + 1000) << "second retry: base * 2, jittered";
  EXPECT_LE(d.next_attempt_at, nowMs() + 2000);
  clock.advance(milliseconds(d.next_attempt_at - nowMs() - 1));
  EXPECT_EQ(*worker->runOnce(), 0u);
  clock.advance(milliseconds(1));
  ASSERT_EQ(*worker->runOnce(), 1u);
  d = only();
  EXPECT_EQ(d.status, "delivered");
  EXPECT_EQ(d.attempts, 3);
  EXPECT_EQ(d.delivered_at, nowMs());
  // Every attempt: the same webhook-id, a signature over this attempt's timestamp, no token.
  auto sent = http.requests();
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& r : sent) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.url, hook.url);
    EXPECT_EQ(r.total_timeout, milliseconds(1500));
    EXPECT_EQ(findHeader(r.headers, "webhook-id"), event.id);
    auto ts = findHeader(r.headers, "webhook-timestamp");
    ASSERT_TRUE(ts);
    EXPECT_EQ(findHeader(r.headers, "webhook-signature"),
              *webhookSignature(hook.secret, event.id, std::stoll(*ts), r.body));
    EXPECT_EQ(r.body.find("secret-"), std::string::npos) << r.body;
    auto body = parseJson(r.body);
    ASSERT_TRUE(body);
    EXPECT_EQ((*body)["type"], "credential.created");
    EXPECT_EQ((*body)["data"]["credential_id"], "c1");
    EXPECT_EQ((*body)["data"]["health"]["status"], "ok");
  }
  EXPECT_NE(findHeader(sent[0].headers, "webhook-timestamp"),
            findHeader(sent[2].headers, "webhook-timestamp"));
}

TEST_F(WorkerFixture, GivesUpAfterMaxAttemptsAndRedeliveryStartsOver) {
  http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return fail("connect_failed", "nobody listens");
  });
  ASSERT_TRUE(store->emitEvents({credentialEvent(kCredentialDeleted, cred(), clock, random)}));
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(*worker->runOnce(), 1u) << "attempt " << i + 1;
    clock.advance(std::chrono::seconds(9));  // past the capped delay
  }
  auto d = only();
  EXPECT_EQ(d.status, "failed");
  EXPECT_EQ(d.attempts, 4);
  EXPECT_EQ(*worker->runOnce(), 0u) << "a failed delivery is not retried";
  auto again = store->redeliver("acct", hook.id, d.id, "r1", nowMs());
  ASSERT_TRUE(again && *again);
  http.answer([](const HttpRequest&) { return Result<HttpResponse>(jsonResponse(200, {})); });
  ASSERT_EQ(*worker->runOnce(), 1u);
  auto log = store->listDeliveries("acct", hook.id, 10);
  ASSERT_EQ(log->size(), 2u);
  for (const auto& x : *log) EXPECT_EQ(x.status, x.id == "r1" ? "delivered" : "failed");
}

TEST_F(WorkerFixture, TheBackgroundThreadDeliversAndStops) {
  config.poll = milliseconds(20);
  SystemClock real;
  WebhookWorker threaded(*store, http, real, random, config, "bg");
  std::mutex mu;
  std::condition_variable cv;
  int delivered = 0;
  http.answer([&](const HttpRequest&) {
    std::lock_guard lock(mu);
    ++delivered;
    cv.notify_all();
    return Result<HttpResponse>(jsonResponse(200, {}));
  });
  ASSERT_TRUE(store->emitEvents({credentialEvent(kCredentialUpdated, cred(), real, random)}));
  threaded.start();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return delivered > 0; }));
  }
  threaded.stop();
  EXPECT_EQ(delivered, 1);
}

}  // namespace
}  // namespace linkgate::gateway::testing
