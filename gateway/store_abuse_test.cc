// Store contract of issue #15 on both engines: failure counts and lockouts (one upsert, so
// stores on one database — two instances — add up), their prune, and the unexpired-flow count.
#include <thread>

#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

class StoreAbuse : public StoreContract {};

TEST_P(StoreAbuse, FailuresLockAtTheThresholdAcrossStoresAndExpire) {
  auto other = open(keys_);  // a second instance on the same database
  ASSERT_TRUE(other) << other.error().message;
  const int64_t now = 1'000'000;
  EXPECT_EQ(*store_->lockedUntil("client:a"), 0);
  EXPECT_EQ(*store_->recordAuthFailure("client:a", now, 4, 60, 300), 0);
  EXPECT_EQ(*(*other)->recordAuthFailure("client:a", now + 1, 4, 60, 300), 0);
  EXPECT_EQ(*store_->recordAuthFailure("client:a", now + 2, 4, 60, 300), 0);
  EXPECT_EQ(*store_->recordAuthFailure("client:b", now + 2, 4, 60, 300), 0) << "own count";
  EXPECT_EQ(*(*other)->recordAuthFailure("client:a", now + 3, 4, 60, 300), now + 303);
  EXPECT_EQ(*store_->lockedUntil("client:a"), now + 303) << "seen by every instance";
  EXPECT_EQ(*store_->lockedUntil("client:b"), 0);
  // After the lock the count starts again: one failure does not lock anew.
  EXPECT_EQ(*store_->recordAuthFailure("client:a", now + 400, 4, 60, 300), now + 303);
  EXPECT_EQ(*store_->lockedUntil("client:a"), now + 303);
}

TEST_P(StoreAbuse, AnExpiredWindowRestartsTheCount) {
  const int64_t now = 2'000'000;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(*store_->recordAuthFailure("s", now, 4, 60, 300), 0);
  EXPECT_EQ(*store_->recordAuthFailure("s", now + 60, 4, 60, 300), 0) << "window over";
  for (int i = 0; i < 2; ++i) ASSERT_EQ(*store_->recordAuthFailure("s", now + 61, 4, 60, 300), 0);
  EXPECT_EQ(*store_->recordAuthFailure("s", now + 62, 4, 60, 300), now + 362);
  EXPECT_EQ(*store_->recordAuthFailure("t", now, 1, 60, 5), now + 5) << "threshold 1";
}

TEST_P(StoreAbuse, ConcurrentFailuresAllCount) {
  auto other = open(keys_);
  ASSERT_TRUE(other);
  const int64_t now = 3'000'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? static_cast<Store&>(*store_) : static_cast<Store&>(**other);
      for (int i = 0; i < 5; ++i) EXPECT_TRUE(s.recordAuthFailure("race", now, 20, 60, 300));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store_->lockedUntil("race"), now + 300) << "20 failures from 4 threads: locked";
}

TEST_P(StoreAbuse, OldRowsArePrunedInBatches) {
  const int64_t now = 4'000'000;
  for (int i = 0; i < 70; ++i) {
    ASSERT_TRUE(store_->recordAuthFailure("old" + std::to_string(i), now, 5, 60, 60));
  }
  // Much later: 64 failures in, the prune removes every row whose window and lock are over.
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(store_->recordAuthFailure("new", now + 1000, 500, 60, 60));
  auto db = raw();
  auto c = db->acquire();
  auto r = (*c)->query("SELECT COUNT(*) FROM auth_lockouts", {});
  ASSERT_TRUE(r && !r->rows.empty());
  EXPECT_EQ(r->rows[0].integer(0), 1) << "only the live subject is left";
}

TEST_P(StoreAbuse, CountsUnexpiredFlowsUsedOrNot) {
  const int64_t now = 5'000'000;
  auto flow = [](const std::string& id, int64_t expires_at) {
    Flow f;
    f.id = id;
    f.state = "state-" + id;
    f.cookie_hash = "h";
    f.account_id = "acct";
    f.app_id = "app";
    f.provider = "github";
    f.redirect_uri = "https://x/cb";
    f.created_at = expires_at - 600;
    f.expires_at = expires_at;
    return f;
  };
  ASSERT_TRUE(store_->insertFlow(flow("live1", now + 10)));
  ASSERT_TRUE(store_->insertFlow(flow("live2", now + 10)));
  ASSERT_TRUE(store_->insertFlow(flow("gone", now - 1)));
  ASSERT_TRUE(*store_->consumeFlow("live2", now));
  EXPECT_EQ(*store_->countUnexpiredFlows(now), 2) << "a used row still takes room";
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreAbuse, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkgate::gateway::testing
