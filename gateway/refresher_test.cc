// Refresher passes without sockets (issue 13): the real catalogue and SQLite store, a manual
// clock, and a provider stand-in that records how many refreshes of each provider are in
// flight at once. Per-provider concurrency is bounded, Retry-After is honoured in the retry
// schedule, a permanent failure emits the event once and is never tried again.
#include "gateway/refresher.h"

#include <iostream>
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>

#include "gateway/test_support.h"

namespace linkgate::gateway::testing {
namespace {

// Answers every refresh with a fresh token (or a scripted failure). With `rendezvous` the first
// call of each provider waits (up to 5 s) for a second one of the same provider, so two at once
// are seen whenever the refresher allows two.
class ProbeProvider final : public HttpClient {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    const std::string provider =
        request.url.find("googleapis") != std::string::npos ? "google" : "generic";
    std::unique_lock lock(mu_);
    const size_t now_in = ++in_flight_[provider];
    max_in_flight_[provider] = std::max(max_in_flight_[provider], now_in);
    ++calls_[provider];
    cv_.notify_all();
    if (rendezvous && calls_[provider] == 1) {
      cv_.wait_for(lock, std::chrono::seconds(5), [&] { return calls_[provider] >= 2; });
    }
    --in_flight_[provider];
    if (!failures_.empty()) {
      HttpResponse r = failures_.front();
      failures_.erase(failures_.begin());
      return r;
    }
    return jsonResponse(200, Json{{"access_token", "AT-" + std::to_string(++issued_)},
                                  {"token_type", "Bearer"},
                                  {"expires_in", 3600}});
  }
  bool rendezvous = false;  // set before the pass
  void failNext(HttpResponse r) {
    std::lock_guard lock(mu_);
    failures_.push_back(std::move(r));
  }
  size_t maxInFlight(const std::string& p) {
    std::lock_guard lock(mu_);
    return max_in_flight_[p];
  }
  int calls(const std::string& p) {
    std::lock_guard lock(mu_);
    return calls_[p];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, size_t> in_flight_, max_in_flight_;
  std::map<std::string, int> calls_;
  std::vector<HttpResponse> failures_;
  int issued_ = 0;
};

class RefresherPass : public ::testing::Test {
 protected:
  RefresherPass() : gw_(realCatalogue()) {
    GatewayConfig config;
    config.public_url = "https://gw.example";
    services_ = std::make_unique<Services>(config, realCatalogue(), *gw_.store, probe_, gw_.clock,
                                           gw_.random);
    api_ = std::make_unique<ApiHandlers>(*services_, std::nullopt);
    RefresherOptions o;
    o.per_provider = 2;
    o.window = std::chrono::seconds(600);
    refresher_ = std::make_unique<Refresher>(*services_, *api_, o, "test-owner");
  }
  std::string import(const std::string& app, int i) {
    const Json body = {
        {"oauth_app_id", app},
        {"properties",
         {{"access_token", "old-" + std::to_string(i)},
          {"refresh_token", "RT-" + std::to_string(i)},
          {"expires_at", formatRfc3339(gw_.clock.now() + std::chrono::seconds(100))}}}};
    auto r = gw_.send("POST", "/v1/credentials", dumpJson(body),
                      {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                       {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Json::parse(r.body)["id"];
  }
  std::string health(const std::string& id) {
    auto c = gw_.store->findCredential(id);
    return c && *c ? (*c)->health_status : "?";
  }
  void advance(int64_t s) { gw_.clock.advance(std::chrono::seconds(s)); }
  web::Response api(const std::string& method, const std::string& path,
                     const std::string& body = "") {
    return gw_.send(method, path, body,
                    {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                     {"Content-Type", "application/json"}});
  }
  // A webhook endpoint subscribed to credential.refresh_failed: its outbox is what the
  // integrator hears (issue 13). Nothing delivers in this test; the deliveries stay pending.
  void subscribe() {
    auto r = api("POST", "/v1/webhooks",
                 dumpJson(Json{{"url", "http://127.0.0.1:9/hook"},
                               {"events", Json::array({"credential.refresh_failed"})}}));
    ASSERT_EQ(r.status, 201) << r.body;
    hook_ = Json::parse(r.body)["id"];
  }
  // The credential ids of the refresh_failed events in the outbox.
  std::vector<std::string> failedEvents() {
    auto r = api("GET", "/v1/webhooks/" + hook_ + "/deliveries");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    const Json body = Json::parse(r.body);
    for (const auto& d : body["data"]) {
      if (d["event_type"] == "credential.refresh_failed") {
        ids.push_back(d["payload"]["data"]["credential_id"]);
      }
    }
    return ids;
  }
  std::string hook_;

  TestGateway gw_;
  ProbeProvider probe_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<ApiHandlers> api_;
  std::unique_ptr<Refresher> refresher_;
};

TEST_F(RefresherPass, RefreshesWhatIsDueAtMostTwoAtATimePerProvider) {
  const std::string generic = gw_.createApp("generic", "g-client", "g-secret");
  const std::string google = gw_.createApp("google", "o-client", "o-secret");
  for (int i = 0; i < 8; ++i) import(generic, i);
  for (int i = 0; i < 5; ++i) import(google, 100 + i);
  probe_.rendezvous = true;
  auto stats = refresher_->runOnce();
  EXPECT_EQ(stats.candidates, 13u);
  EXPECT_EQ(stats.refreshed, 13u);
  EXPECT_EQ(probe_.calls("generic"), 8);
  EXPECT_EQ(probe_.calls("google"), 5);
  EXPECT_EQ(probe_.maxInFlight("generic"), 2u);
  EXPECT_EQ(probe_.maxInFlight("google"), 2u);
  // Fresh for an hour now: nothing is due until the window reaches the new expiry.
  EXPECT_EQ(refresher_->runOnce().candidates, 0u);
  advance(2990);  // 610 s left: just outside the 600 s window
  EXPECT_EQ(refresher_->runOnce().candidates, 0u);
  advance(20);
  EXPECT_EQ(refresher_->runOnce().refreshed, 13u);
}

TEST_F(RefresherPass, A429WaitsForItsRetryAfterAndLeavesHealthAlone) {
  subscribe();
  const std::string app = gw_.createApp("generic", "g-client", "g-secret");
  const std::string id = import(app, 1);
  probe_.failNext(jsonResponse(429, Json{{"error", "rate_limited"}}));
  HttpResponse busy = jsonResponse(429, Json{{"error", "rate_limited"}});
  busy.headers.emplace_back("Retry-After", "900");
  probe_.failNext(busy);
  auto first = refresher_->runOnce();
  EXPECT_EQ(first.transient, 1u);
  EXPECT_EQ(health(id), "ok");
  advance(60);  // past the first backoff (at most 30 s)
  EXPECT_EQ(refresher_->runOnce().transient, 1u);
  EXPECT_EQ(health(id), "ok");
  advance(800);  // the provider asked for 900 s
  EXPECT_EQ(refresher_->runOnce().candidates, 0u);
  advance(101);
  EXPECT_EQ(refresher_->runOnce().refreshed, 1u);
  EXPECT_EQ(health(id), "ok");
  EXPECT_TRUE(failedEvents().empty());
}

TEST_F(RefresherPass, APermanentFailureEmitsTheEventOnceAndIsNotTriedAgain) {
  subscribe();
  const std::string app = gw_.createApp("generic", "g-client", "g-secret");
  const std::string id = import(app, 1);
  probe_.failNext(jsonResponse(400, Json{{"error", "invalid_grant"}}));
  EXPECT_EQ(refresher_->runOnce().permanent, 1u);
  EXPECT_EQ(health(id), "error");
  ASSERT_EQ(failedEvents(), std::vector<std::string>{id});
  for (int hour = 0; hour < 5; ++hour) {
    advance(3600);
    EXPECT_EQ(refresher_->runOnce().candidates, 0u);
  }
  EXPECT_EQ(probe_.calls("generic"), 1);
  EXPECT_EQ(failedEvents().size(), 1u);
}

}  // namespace
}  // namespace linkgate::gateway::testing
