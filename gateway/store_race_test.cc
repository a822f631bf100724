// Two connections (two stores on one database, as two gateway instances have) racing for the
// same single-use row: exactly one wins, every round. And Store::lock across stores, released
// by a holder that dies.
#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

constexpr int kRounds = 60;

using StoreRace = StoreContract;

// Runs a and b at the same moment on two threads; returns how many said true.
template <class A, class B>
int race(A a, B b) {
  std::barrier start(2);
  std::atomic<int> wins{0};
  std::thread t([&] {
    start.arrive_and_wait();
    if (a()) ++wins;
  });
  start.arrive_and_wait();
  if (b()) ++wins;
  t.join();
  return wins.load();
}

TEST_P(StoreRace, TwoConnectionsExactlyOneConsumesEachRow) {
  auto second = open(keys_);
  ASSERT_TRUE(second) << second.error().message;
  SqlStore& a = *store_;
  SqlStore& b = **second;
  int flows = 0, codes = 0, links = 0, errors = 0;
  for (int i = 0; i < kRounds; ++i) {
    const std::string n = std::to_string(i);
    Flow f;
    f.id = "flow-" + n;
    f.state = "state-" + n;
    f.expires_at = 1000;
    ASSERT_TRUE(a.insertFlow(f));
    Credential c;
    c.id = "cred-" + n;
    c.account_id = "acct";
    c.app_id = "app";
    AuthCode k;
    k.code = "code-" + n;
    k.credential_id = c.id;
    k.app_id = "app";
    k.expires_at = 1000;
    ASSERT_TRUE(a.saveCredentialWithCode(c, k));
    StartLink l;
    l.token = "link-" + n;
    l.account_id = "acct";
    l.expires_at = 1000;
    ASSERT_TRUE(a.insertStartLink(l));
    auto take = [&](SqlStore& s, auto&& call) {
      auto r = call(s);
      if (!r) ++errors;
      return r && *r;
    };
    flows += race([&] { return take(a, [&](SqlStore& s) { return s.consumeFlow(f.id, 10); }); },
                  [&] { return take(b, [&](SqlStore& s) { return s.consumeFlow(f.id, 10); }); })
             == 1;
    codes += race(
                 [&] { return take(a, [&](SqlStore& s) { return s.consumeCode(k.code, "app", 10); }); },
                 [&] { return take(b, [&](SqlStore& s) { return s.consumeCode(k.code, "app", 10); }); })
             == 1;
    auto link = [&](SqlStore& s) -> Result<bool> {
      auto r = s.consumeStartLink(l.token, 10);
      if (!r) return std::unexpected(r.error());
      return r->has_value();
    };
    links += race([&] { return take(b, link); }, [&] { return take(a, link); }) == 1;
  }
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(flows, kRounds) << "rounds in which exactly one consumer won the flow";
  EXPECT_EQ(codes, kRounds);
  EXPECT_EQ(links, kRounds);
}

TEST_P(StoreRace, LockIsExclusiveAcrossStores) {
  auto second = open(keys_);
  ASSERT_TRUE(second);
  for (int i = 0; i < 5; ++i) {
    auto held = store_->lock("refresh:x");
    ASSERT_TRUE(held) << held.error().message;
    std::atomic<bool> released{false}, order_ok{false};
    std::barrier waiting(2);
    std::thread other([&] {
      waiting.arrive_and_wait();
      auto mine = (*second)->lock("refresh:x");
      order_ok = mine && released.load();
    });
    waiting.arrive_and_wait();
    // Another name is not blocked by the held one.
    auto unrelated = (*second)->lock("refresh:y");
    EXPECT_TRUE(unrelated);
    unrelated->reset();
    released = true;
    held->reset();
    other.join();
    EXPECT_TRUE(order_ok.load()) << "the second holder got the lock only after the release";
  }
}

// PostgreSQL only: a holder whose session dies (process killed) releases the lock.
TEST(PgStoreLock, AHolderThatDiesReleasesTheLock) {
  std::string why;
  PgTestCluster* cluster = PgTestCluster::shared(&why);
  ASSERT_NE(cluster, nullptr) << why;
  auto uri = cluster->createDatabase();
  ASSERT_TRUE(uri);
  SeededRandom r(3);
  KeyRing keys(r);
  ASSERT_TRUE(keys.addKey("k1", std::string(32, 'x')));
  auto a = openStore({*uri, 2}, keys);
  auto b = openStore({*uri, 2}, keys);
  ASSERT_TRUE(a && b);
  auto held = (*a)->lock("refresh:dies");
  ASSERT_TRUE(held);
  // Kill the holder's session the way a crashed process loses it.
  auto admin = openPgDatabase(*uri, {});
  ASSERT_TRUE(admin);
  auto c = (*admin)->acquire();
  auto killed = (*c)->query("SELECT pg_terminate_backend(pid) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND granted", {});
  ASSERT_TRUE(killed) << killed.error().message;
  ASSERT_EQ(killed->rows.size(), 1u);
  auto next = (*b)->lock("refresh:dies");
  EXPECT_TRUE(next) << (next ? "" : next.error().message);
  held->reset();  // the dead holder's release fails quietly
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreRace, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
