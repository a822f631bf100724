// The store's hot-path additions of issue 10, on both engines: the start hop's read-through
// cache sees every write made through another store on the same database (another gateway
// instance) at once; expired flows, codes and start links are pruned; concurrent durable
// writes (SQLite: group commit) all land and survive a reopen.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

OAuthApp app(const std::string& id) {
  OAuthApp a;
  a.id = id;
  a.account_id = "acct";
  a.provider = "github";
  a.client_id = "cid";
  a.client_secret = "secret";
  a.name = "n";
  a.default_scopes = {"read"};
  return a;
}

Flow flow(const std::string& id, int64_t created_at, int64_t expires_at) {
  Flow f;
  f.id = id;
  f.state = "state-" + id;
  f.cookie_hash = "h";
  f.account_id = "acct";
  f.app_id = "app";
  f.provider = "github";
  f.redirect_uri = "https://x/cb";
  f.created_at = created_at;
  f.expires_at = expires_at;
  return f;
}

int64_t count(SqlDatabase& db, const std::string& sql) {
  auto c = db.acquire();
  EXPECT_TRUE(c);
  auto r = (*c)->query(sql, {});
  EXPECT_TRUE(r && !r->rows.empty()) << (r ? "" : r.error().message);
  return r && !r->rows.empty() ? r->rows[0].integer(0) : -1;
}

class StorePerf : public StoreContract {};

TEST_P(StorePerf, StartConfigCacheSeesWritesOfAnotherInstanceAtOnce) {
  auto other = open(keys_);  // a second gateway instance on the same database
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_FALSE(*store_->findStartConfig("a1")) << "unknown app";
  ASSERT_TRUE((*other)->insertApp(app("a1")));
  ASSERT_TRUE((*other)->insertRedirectUri({"r1", "acct", "https://x/one", 1}));
  auto first = store_->findStartConfig("a1");
  ASSERT_TRUE(first && *first) << "an app created elsewhere is found at once (misses not cached)";
  EXPECT_EQ((*first)->app.client_secret, "secret");
  ASSERT_EQ((*first)->redirect_uris.size(), 1u);
  ASSERT_TRUE(*store_->findStartConfig("a1"));  // now served from the cache

  ASSERT_TRUE((*other)->insertRedirectUri({"r2", "acct", "https://x/two", 2}));
  EXPECT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 2u);
  ASSERT_TRUE(*(*other)->deleteRedirectUri("acct", "r1"));
  auto after_delete = store_->findStartConfig("a1");
  ASSERT_TRUE(after_delete && *after_delete);
  ASSERT_EQ((*after_delete)->redirect_uris.size(), 1u);
  EXPECT_EQ((*after_delete)->redirect_uris[0].url, "https://x/two");

  OAuthApp changed = app("a1");
  changed.client_secret = "rotated";
  changed.default_scopes = {"write"};
  ASSERT_TRUE((*other)->updateApp(changed));
  auto updated = store_->findStartConfig("a1");
  ASSERT_TRUE(updated && *updated);
  EXPECT_EQ((*updated)->app.client_secret, "rotated");
  EXPECT_EQ((*updated)->app.default_scopes, (std::vector<std::string>{"write"}));

  ASSERT_TRUE(*(*other)->deleteApp("acct", "a1"));
  EXPECT_FALSE(*store_->findStartConfig("a1")) << "a deleted app is refused at once";
  ASSERT_TRUE((*other)->insertApp(app("a1")));
  EXPECT_TRUE(*store_->findStartConfig("a1"));
}

// SQLite: while no process has announced a config write, a cached start config is served
// without any query (here: a generation bumped behind the store's back is not even read); an
// announced write, or one still in progress, sends the store back to the database.
// PostgreSQL: the generation is read on every start.
TEST_P(StorePerf, StartConfigCacheAsksTheDatabaseOnlyWhenItMust) {
  ASSERT_TRUE(store_->insertApp(app("a1")));
  ASSERT_TRUE(store_->insertRedirectUri({"r1", "acct", "https://x/one", 1}));
  ASSERT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 1u);
  // Written behind the store's back, generation included, with no announcement.
  rawQuery("INSERT INTO redirect_uris (id, account_id, url, created_at) VALUES (?, ?, ?, ?)",
           {"r2", "acct", "https://x/two", 2});
  rawQuery("UPDATE config_generations SET generation = generation + 1 WHERE account_id = ?",
           {"acct"});
  if (postgres()) {
    // Instances share no memory there: every start reads the generation, and so sees this.
    EXPECT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 2u);
    return;
  }
  EXPECT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 1u)
      << "served from memory: no generation read";
  {
    auto signal = ConfigSignal::open(db_ + ".config");  // another process, mid-write
    ASSERT_TRUE(signal);
    ConfigSignal::Write write(signal->get());
    EXPECT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 2u)
        << "a write in progress: the generation is read, and it changed";
    rawQuery("DELETE FROM redirect_uris WHERE id = ?", {"r2"});
    rawQuery("UPDATE config_generations SET generation = generation + 1 WHERE account_id = ?",
             {"acct"});
  }
  EXPECT_EQ((*store_->findStartConfig("a1"))->redirect_uris.size(), 1u)
      << "the write ended: announced, so the database is asked again";
}

TEST_P(StorePerf, ExpiredFlowsCodesAndStartLinksArePruned) {
  const int64_t now = 100000;
  ASSERT_TRUE(store_->insertFlow(flow("old", now - 8000, now - 7200)));
  AuthCode code;
  code.code = "old-code";
  code.credential_id = "c";
  code.app_id = "app";
  code.account_id = "acct";
  code.expires_at = now - 7200;
  Credential cred;
  cred.id = "c";
  cred.account_id = "acct";
  cred.app_id = "app";
  cred.provider = "github";
  cred.provider_account = "id:1";
  ASSERT_TRUE(store_->saveCredentialWithCode(cred, code));
  StartLink link;
  link.token = "old-link";
  link.account_id = "acct";
  link.app_id = "app";
  link.redirect_uri = "https://x";
  link.expires_at = now - 7200;
  ASSERT_TRUE(store_->insertStartLink(link));
  auto db = raw();
  ASSERT_NE(db, nullptr);
  const std::string expired = " WHERE expires_at < " + std::to_string(now - 3600);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM flows" + expired), 1);
  // Amortised housekeeping: flows keep being started, expired rows go.
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(store_->insertFlow(flow("f" + std::to_string(i), now, now + 600)));
  }
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM flows" + expired), 0);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM codes" + expired), 0);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM start_links" + expired), 0);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM flows"), 300) << "live flows stay";
  EXPECT_TRUE(*store_->findCredential("c")) << "credentials are never pruned";
}

TEST_P(StorePerf, ConcurrentDurableWritesAllLandAndSurviveReopen) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Credential c;
        c.id = "c-" + std::to_string(t) + "-" + std::to_string(i);
        c.account_id = "acct";
        c.app_id = "app";
        c.provider = "github";
        c.provider_account = "id:" + c.id;
        AuthCode k;
        k.code = "k-" + c.id;
        k.credential_id = c.id;
        k.app_id = "app";
        k.account_id = "acct";
        k.expires_at = 1LL << 40;
        if (!store_->saveCredentialWithCode(c, k)) ++failed;
        if (!*store_->consumeCode(k.code, "app", 1)) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  reopen();
  auto all = store_->listCredentials("acct");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_FALSE(*store_->consumeCode("k-c-3-7", "app", 1)) << "a used code stays used";
}

INSTANTIATE_TEST_SUITE_P(Engines, StorePerf, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
