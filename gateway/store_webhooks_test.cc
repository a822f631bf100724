// The webhook outbox of the store (issue #13) on both engines: fan-out to subscribed endpoints
// in the credential's own transaction, nothing on a change that did not happen, leases that
// give each delivery to one claimer (two stores racing, as two gateway instances do), expired
// leases reclaimed, redelivery, and the secret sealed at rest.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

using StoreWebhooks = StoreContract;

WebhookEndpoint endpoint(const std::string& id, const std::string& account,
                         std::vector<std::string> events) {
  WebhookEndpoint e;
  e.id = id;
  e.account_id = account;
  e.url = "http://127.0.0.1:9/" + id;
  e.secret = "whsec_c2VjcmV0LW9mLSIgKyBpZCArICJ0aGF0LW11c3Qtbm90LWxlYWs=" + id;
  e.events = std::move(events);
  e.created_at = 100;
  return e;
}

Credential credential(const std::string& id) {
  Credential c;
  c.id = id;
  c.account_id = "acct";
  c.app_id = "app";
  c.provider = "github";
  c.properties = Json{{"access_token", "at-" + id}};
  c.provider_account = "id:" + id;
  return c;
}

WebhookEvent event(const std::string& id, const std::string& type, int64_t at_ms = 5000) {
  return WebhookEvent{id, "acct", type, "{\"type\":\"" + type + "\"}", at_ms};
}

TEST_P(StoreWebhooks, EventsFanOutToSubscribedEndpointsOfTheAccountOnly) {
  ASSERT_TRUE(store_->insertWebhook(endpoint("a", "acct", {"credential.created"})));
  ASSERT_TRUE(store_->insertWebhook(endpoint("b", "acct", {"credential.deleted"})));
  ASSERT_TRUE(store_->insertWebhook(endpoint("c", "other", {"credential.created"})));
  ASSERT_TRUE(store_->saveCredentialEmitting(credential("c1"), nullptr,
                                             {event("e1", "credential.created")}));
  auto a = store_->listDeliveries("acct", "a", 10);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].event_id, "e1");
  EXPECT_EQ((*a)[0].status, "pending");
  EXPECT_EQ((*a)[0].payload, "{\"type\":\"credential.created\"}");
  EXPECT_EQ((*a)[0].next_attempt_at, 5000);
  EXPECT_TRUE(store_->listDeliveries("acct", "b", 10)->empty());
  EXPECT_TRUE(store_->listDeliveries("other", "c", 10)->empty());
  EXPECT_TRUE(store_->listDeliveries("other", "a", 10)->empty()) << "another account's log";
  auto found = store_->findWebhook("acct", "a");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->secret, endpoint("a", "acct", {}).secret);
  EXPECT_EQ((*found)->events, std::vector<std::string>{"credential.created"});
  EXPECT_FALSE(*store_->findWebhook("other", "a"));
  EXPECT_EQ(bytesAtRest().find("that-must-not-leak"), std::string::npos);
  EXPECT_EQ(bytesAtRest().find("c2VjcmV0LW9mLSIgKyBpZCArICJ0aGF0LW11c3Qtbm90LWxlYWs="),
            std::string::npos);
}

TEST_P(StoreWebhooks, AChangeThatFailsOrDoesNotHappenLeavesNoEvent) {
  ASSERT_TRUE(store_->insertWebhook(
      endpoint("a", "acct", {"credential.created", "credential.deleted"})));
  EXPECT_FALSE(*store_->deleteCredentialEmitting("acct", "nope",
                                                 {event("e0", "credential.deleted")}));
  AuthCode code;
  code.code = "one-code";
  code.credential_id = "c1";
  code.app_id = "app";
  code.expires_at = 1000;
  ASSERT_TRUE(store_->saveCredentialWithCode(credential("c0"), code));
  // The same code again violates its primary key: the whole transaction, event included, is
  // rolled back.
  EXPECT_FALSE(store_->saveCredentialEmitting(credential("c1"), &code,
                                              {event("e1", "credential.created")}));
  EXPECT_FALSE(*store_->findCredential("c1"));
  EXPECT_TRUE(store_->listDeliveries("acct", "a", 10)->empty());
  ASSERT_TRUE(store_->deleteCredentialEmitting("acct", "c0", {event("e2", "credential.deleted")}));
  auto log = store_->listDeliveries("acct", "a", 10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].event_type, "credential.deleted");
}

TEST_P(StoreWebhooks, ALeaseGivesADeliveryToOneClaimerUntilItExpires) {
  ASSERT_TRUE(store_->insertWebhook(endpoint("a", "acct", {"credential.created"})));
  ASSERT_TRUE(store_->emitEvents({event("e1", "credential.created", 1000)}));
  auto other = open(keys_);
  ASSERT_TRUE(other);
  EXPECT_TRUE(store_->claimDeliveries("w1", 999, 5000, 10)->empty()) << "not due yet";
  auto got = store_->claimDeliveries("w1", 1000, 5000, 10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE((*other)->claimDeliveries("w2", 4999, 9000, 10)->empty()) << "leased to w1";
  // w1 died: its lease runs out and w2 takes the delivery over; w1's late record is refused.
  auto taken = (*other)->claimDeliveries("w2", 5000, 9000, 10);
  ASSERT_EQ(taken->size(), 1u);
  DeliveryOutcome retry{"pending", 5000, 7000, 500, "HTTP 500"};
  EXPECT_FALSE(*store_->finishDelivery((*got)[0].id, "w1", retry));
  EXPECT_TRUE(*(*other)->finishDelivery((*got)[0].id, "w2", retry));
  EXPECT_TRUE(store_->claimDeliveries("w1", 6999, 9999, 10)->empty()) << "backing off";
  auto again = store_->claimDeliveries("w1", 7000, 9999, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  EXPECT_EQ((*again)[0].last_status_code, 500);
  ASSERT_TRUE(*store_->finishDelivery((*again)[0].id, "w1", {"delivered", 7100, 0, 204, ""}));
  EXPECT_TRUE(store_->claimDeliveries("w1", 99999, 999999, 10)->empty()) << "delivered";
  auto log = store_->listDeliveries("acct", "a", 10);
  EXPECT_EQ((*log)[0].status, "delivered");
  EXPECT_EQ((*log)[0].attempts, 2);
  EXPECT_EQ((*log)[0].delivered_at, 7100);
  // Redelivery: a new pending delivery of the same event (same webhook-id for the receiver).
  auto re = store_->redeliver("acct", "a", (*log)[0].id, "redelivery-1", 8000);
  ASSERT_TRUE(re && *re);
  EXPECT_EQ((*re)->event_id, "e1");
  EXPECT_FALSE(*store_->redeliver("other", "a", (*log)[0].id, "redelivery-2", 8000));
  auto due = store_->claimDeliveries("w1", 8000, 20000, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, "redelivery-1");
  // Deleting the endpoint drops its deliveries, pending ones too.
  EXPECT_TRUE(*store_->deleteWebhook("acct", "a"));
  EXPECT_TRUE(store_->listDeliveries("acct", "a", 10)->empty());
  EXPECT_FALSE(*store_->deleteWebhook("acct", "a"));
}

TEST_P(StoreWebhooks, TwoStoresClaimingTogetherGetEachDeliveryExactlyOnce) {
  ASSERT_TRUE(store_->insertWebhook(endpoint("a", "acct", {"credential.updated"})));
  constexpr int kEvents = 120;
  std::vector<WebhookEvent> events;
  for (int i = 0; i < kEvents; ++i) events.push_back(event("e" + std::to_string(i), "credential.updated"));
  ASSERT_TRUE(store_->emitEvents(events));
  auto other = open(keys_);
  ASSERT_TRUE(other);
  auto drain = [](SqlStore& s, const std::string& owner, std::vector<std::string>& out) {
    for (;;) {
      auto got = s.claimDeliveries(owner, 5000, 60000, 7);
      if (!got) {
        ADD_FAILURE() << got.error().message;
        return;
      }
      if (got->empty()) return;
      for (const auto& d : *got) out.push_back(d.event_id);
    }
  };
  std::vector<std::string> mine, theirs;
  std::thread t([&] { drain(**other, "w2", theirs); });
  drain(*store_, "w1", mine);
  t.join();
  std::set<std::string> all(mine.begin(), mine.end());
  for (const auto& id : theirs) EXPECT_TRUE(all.insert(id).second) << id << " claimed twice";
  EXPECT_EQ(mine.size() + theirs.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(all.size(), static_cast<size_t>(kEvents));
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreWebhooks, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
