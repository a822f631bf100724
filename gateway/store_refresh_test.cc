// The store's refresher part (issue 13) on both engines: which credentials are due, the lease
// that exactly one of many racing claimers gets, retries, and the index of old rows.
#include <barrier>
#include <thread>

#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

Credential credential(const std::string& id, std::optional<std::string> expires_at,
                      const std::string& provider = "generic") {
  Credential c;
  c.id = id;
  c.account_id = "acct";
  c.app_id = "11111111-1111-4111-8111-111111111111";
  c.provider = provider;
  c.properties = {{"access_token", "AT-" + id}, {"refresh_token", "RT-" + id}};
  if (expires_at) c.properties["expires_at"] = *expires_at;
  c.created_at = c.updated_at = 1'700'000'000;
  return c;
}

const int64_t kNow = 1'700'000'000;  // 2023-11-14T22:13:20Z
std::string at(int64_t unix) { return formatRfc3339(TimePoint(std::chrono::seconds(unix))); }

std::vector<std::string> ids(const std::vector<RefreshCandidate>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.credential_id);
  return out;
}

using StoreRefresh = StoreContract;

TEST_P(StoreRefresh, CandidatesAreHealthyRefreshableCredentialsExpiringInTheWindow) {
  ASSERT_TRUE(store_->saveCredential(credential("c-soon", at(kNow + 100))));
  ASSERT_TRUE(store_->saveCredential(credential("c-late", at(kNow + 5000))));
  ASSERT_TRUE(store_->saveCredential(credential("c-never", std::nullopt)));
  ASSERT_TRUE(store_->saveCredential(credential("c-past", at(kNow - 10))));
  Credential no_rt = credential("c-nort", at(kNow + 50));
  no_rt.properties.erase("refresh_token");
  ASSERT_TRUE(store_->saveCredential(no_rt));
  Credential sick = credential("c-sick", at(kNow + 50));
  sick.health_status = "error";
  ASSERT_TRUE(store_->saveCredential(sick));
  RefreshQuery q{kNow, kNow + 600, {}, 100};
  auto due = store_->refreshCandidates(q);
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_EQ(ids(*due), (std::vector<std::string>{"c-past", "c-soon"}));
  // Healthy again (a re-link): a candidate again.
  sick.health_status = "ok";
  ASSERT_TRUE(store_->saveCredential(sick));
  EXPECT_EQ(ids(*store_->refreshCandidates(q)),
            (std::vector<std::string>{"c-past", "c-sick", "c-soon"}));
  // Idle: a provider's credentials whose tokens were last obtained long ago, expiring or not.
  Credential idle = credential("c-idle", std::nullopt, "xero");
  idle.updated_at = kNow - 60 * 86400;
  ASSERT_TRUE(store_->saveCredential(idle));
  q.idle_before = {{"xero", kNow - 50 * 86400}};
  EXPECT_EQ(ids(*store_->refreshCandidates(q)),
            (std::vector<std::string>{"c-past", "c-sick", "c-soon", "c-idle"}));
  q.idle_before = {{"xero", kNow - 70 * 86400}};
  EXPECT_EQ(store_->refreshCandidates(q)->size(), 3u);
  q.limit = 1;
  EXPECT_EQ(ids(*store_->refreshCandidates(q)), (std::vector<std::string>{"c-past"}));
}

TEST_P(StoreRefresh, ExactlyOneOfManyRacingClaimersGetsTheLease) {
  ASSERT_TRUE(store_->saveCredential(credential("c-race", at(kNow + 100))));
  constexpr int kClaimers = 12;
  std::vector<std::unique_ptr<SqlStore>> stores;  // separate connections (pools)
  for (int i = 0; i < 3; ++i) {
    auto s = open(keys_);
    ASSERT_TRUE(s) << s.error().message;
    stores.push_back(std::move(*s));
  }
  std::barrier go(kClaimers);
  std::vector<int> won(kClaimers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClaimers; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      auto r = stores[static_cast<size_t>(i) % stores.size()]->claimRefreshLease(
          "c-race", "owner-" + std::to_string(i), kNow, kNow + 120);
      won[static_cast<size_t>(i)] = r && *r ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(won.begin(), won.end(), 1), 1);
  // Leased: not a candidate; the lease expires; then it is again.
  EXPECT_TRUE(store_->refreshCandidates({kNow, kNow + 600, {}, 10})->empty());
  EXPECT_EQ(store_->refreshCandidates({kNow + 121, kNow + 721, {}, 10})->size(), 1u);
  auto later = store_->claimRefreshLease("c-race", "late", kNow + 121, kNow + 241);
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, std::optional<int>(0));
}

TEST_P(StoreRefresh, ATransientFailureSchedulesTheRetryAndCountsFailures) {
  ASSERT_TRUE(store_->saveCredential(credential("c-retry", at(kNow + 100))));
  auto first = store_->claimRefreshLease("c-retry", "me", kNow, kNow + 120);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, 0);
  ASSERT_TRUE(store_->releaseRefreshLease("c-retry", "me", 1, kNow + 30));
  EXPECT_TRUE(store_->refreshCandidates({kNow + 10, kNow + 610, {}, 10})->empty());
  auto early = store_->claimRefreshLease("c-retry", "me", kNow + 10, kNow + 130);
  ASSERT_TRUE(early);
  EXPECT_FALSE(*early) << "claimed before the retry time";
  EXPECT_EQ(store_->refreshCandidates({kNow + 30, kNow + 630, {}, 10})->size(), 1u);
  auto again = store_->claimRefreshLease("c-retry", "me", kNow + 30, kNow + 150);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ(**again, 1) << "the failure count so far";
  // Another owner's release changes nothing.
  ASSERT_TRUE(store_->releaseRefreshLease("c-retry", "someone-else", 0, 0));
  EXPECT_FALSE(*store_->claimRefreshLease("c-retry", "x", kNow + 31, kNow + 151));
  ASSERT_TRUE(store_->releaseRefreshLease("c-retry", "me", 0, 0));
  EXPECT_EQ(**store_->claimRefreshLease("c-retry", "x", kNow + 31, kNow + 151), 0);
}

TEST_P(StoreRefresh, RowsStoredBeforeTheRefresherAreIndexedOnTheFirstPass) {
  ASSERT_TRUE(store_->saveCredential(credential("c-old", at(kNow + 100))));
  rawQuery("UPDATE credentials SET token_expires_at = NULL, refreshable = NULL", {});
  auto due = store_->refreshCandidates({kNow, kNow + 600, {}, 10});
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_EQ(ids(*due), (std::vector<std::string>{"c-old"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreRefresh, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
