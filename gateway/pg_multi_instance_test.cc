// Three real gateway processes on one real PostgreSQL database, the real simulator as the
// provider: nothing a request needs is process-local. A flow started on one instance completes
// on another; a code is redeemed once among 20 racing redemptions across instances; an app or
// redirect URI deleted through one is refused by the others at once; N concurrent access-token
// calls over 3 instances on one expiring credential make exactly one refresh at the provider,
// and strict rotation never loses the current refresh token.
#include <gtest/gtest.h>
#include <unistd.h>

#include <barrier>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/json.h"
#include "gateway/pg_stack.h"
#include "gateway/store_migrations.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {
namespace {

constexpr size_t kInstances = 3;

PgStack& stack() {
  static std::string error;
  static std::unique_ptr<PgStack> s = [] {
    auto started = PgStack::start({});
    if (!started) error = started.error().message;
    return started ? std::move(*started) : nullptr;
  }();
  if (!s) ADD_FAILURE() << "stack: " << error;
  return *s;
}

// Runs f(i) on n threads released together.
template <class F>
void together(size_t n, F f) {
  std::barrier go(static_cast<std::ptrdiff_t>(n));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      f(i);
    });
  }
  for (auto& t : threads) t.join();
}

TEST(MultiInstance, AFlowStartedOnOneInstanceCompletesOnAnother) {
  PgStack& s = stack();
  auto app = s.createApp("mi-flow", "mi-flow-secret");
  ASSERT_TRUE(app) << app.error().message;
  for (size_t a = 0; a < kInstances; ++a) {
    const size_t b = (a + 1) % kInstances, c = (a + 2) % kInstances;
    auto started = s.startFlow(a, *app);
    ASSERT_TRUE(started) << started.error().message;
    auto code = s.finishFlow(b, *started);
    ASSERT_TRUE(code) << code.error().message;
    auto token = s.redeem(c, *app, "mi-flow-secret", *code);
    EXPECT_EQ(token.status, 200) << "start on " << a << ", callback on " << b << ", token on "
                                 << c << ": " << token.body;
  }
}

TEST(MultiInstance, ACodeIsRedeemedOnceAmongTwentyRacingRedemptions) {
  PgStack& s = stack();
  auto app = s.createApp("mi-code", "mi-code-secret");
  ASSERT_TRUE(app) << app.error().message;
  for (int round = 0; round < 3; ++round) {
    auto started = s.startFlow(0, *app);
    ASSERT_TRUE(started) << started.error().message;
    auto code = s.finishFlow(1, *started);
    ASSERT_TRUE(code) << code.error().message;
    std::vector<int> statuses(20);
    together(statuses.size(), [&](size_t i) {
      statuses[i] = s.redeem(i % kInstances, *app, "mi-code-secret", *code).status;
    });
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 400), 19)
        << "the losers are told invalid_grant (400), never a 5xx";
  }
}

TEST(MultiInstance, DeletedAppAndRedirectUriAreRefusedByTheOthersAtOnce) {
  PgStack& s = stack();
  auto app = s.createApp("mi-delete", "mi-delete-secret");
  ASSERT_TRUE(app) << app.error().message;
  // A second registered URI, deleted through instance 0, refused by 1 and 2 right after.
  auto uri = s.api(0, "POST", "/v1/redirect-uris",
                   dumpJson(Json{{"url", "http://127.0.0.1:7777/only-this"}}));
  ASSERT_EQ(uri.status, 201) << uri.body;
  const std::string uri_id = Json::parse(uri.body)["id"];
  const std::string start = "/link/oauth2/start?client_id=" + *app +
                            "&redirect_uri=http%3A%2F%2F127.0.0.1%3A7777%2Fonly-this";
  for (size_t i = 0; i < kInstances; ++i) {
    EXPECT_EQ(s.call("GET", s.url(i) + start).status, 302) << "registered, instance " << i;
  }
  ASSERT_EQ(s.api(0, "DELETE", "/v1/redirect-uris/" + uri_id).status, 204);
  for (size_t i = 1; i < kInstances; ++i) {
    EXPECT_EQ(s.call("GET", s.url(i) + start).status, 400) << "deleted, instance " << i;
  }
  // A code issued before the app is deleted through instance 1 is refused by instance 2.
  auto started = s.startFlow(2, *app);
  ASSERT_TRUE(started) << started.error().message;
  auto code = s.finishFlow(0, *started);
  ASSERT_TRUE(code) << code.error().message;
  // It has the flow's credential: cascade (a plain DELETE answers 409, issue 12).
  ASSERT_EQ(s.api(1, "DELETE", "/v1/oauth-apps/" + *app + "?cascade=true").status, 204);
  EXPECT_EQ(s.call("GET", s.url(2) + "/link/oauth2/start?client_id=" + *app +
                              "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fdone%2Fgeneric")
                .status,
            400);
  auto redeemed = s.redeem(2, *app, "mi-delete-secret", *code);
  EXPECT_EQ(redeemed.status / 100, 4) << redeemed.body;
}

TEST(MultiInstance, OneRefreshAtTheProviderForConcurrentCallsOnThreeInstances) {
  PgStack& s = stack();
  auto app = s.createApp("mi-refresh", "mi-refresh-secret");
  ASSERT_TRUE(app) << app.error().message;
  auto started = s.startFlow(0, *app);
  ASSERT_TRUE(started) << started.error().message;
  auto code = s.finishFlow(0, *started);
  ASSERT_TRUE(code) << code.error().message;
  auto token = s.redeem(0, *app, "mi-refresh-secret", *code);
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string id = Json::parse(token.body)["credential"]["id"];
  std::string previous = Json::parse(token.body)["credential"]["properties"]["access_token"];
  constexpr size_t kCallers = 12;
  for (int round = 0; round < 4; ++round) {
    // Make the stored token expire within the 5-minute margin: the export line, re-imported.
    auto line = s.api(static_cast<size_t>(round) % kInstances, "GET", "/v1/credentials/export");
    ASSERT_EQ(line.status, 200) << line.body;
    Json cred;
    for (size_t at = 0; at < line.body.size();) {
      const size_t end = line.body.find('\n', at);
      Json j = Json::parse(line.body.substr(at, end - at));
      if (j["id"] == id) cred = j;
      at = end == std::string::npos ? line.body.size() : end + 1;
    }
    ASSERT_TRUE(cred.is_object()) << "credential " << id << " not exported";
    cred["properties"]["expires_at"] =
        formatRfc3339(std::chrono::system_clock::now() + std::chrono::seconds(120));
    cred["oauth_app_id"] = *app;
    ASSERT_EQ(s.api(1, "POST", "/v1/credentials", dumpJson(cred)).status, 200);

    auto mark = s.journalMark();
    ASSERT_TRUE(mark) << mark.error().message;
    std::vector<int> statuses(kCallers);
    std::vector<std::string> tokens(kCallers);
    together(kCallers, [&](size_t i) {
      auto r = s.api(i % kInstances, "GET", "/v1/credentials/" + id + "/access-token");
      statuses[i] = r.status;
      if (auto j = parseJsonObject(r.body)) tokens[i] = j->value("access_token", "");
    });
    for (size_t i = 0; i < kCallers; ++i) {
      EXPECT_EQ(statuses[i], 200) << "round " << round << " caller " << i;
    }
    const std::set<std::string> distinct(tokens.begin(), tokens.end());
    EXPECT_EQ(distinct.size(), 1u) << "round " << round << ": callers got different tokens";
    EXPECT_NE(*distinct.begin(), previous) << "round " << round << ": not refreshed";
    previous = *distinct.begin();
    auto refreshes = s.countAtProvider("refresh", *mark);
    ASSERT_TRUE(refreshes) << refreshes.error().message;
    EXPECT_EQ(*refreshes, 1) << "round " << round << ": " << kCallers
                             << " callers over 3 instances did not share one refresh";
  }
  // Strict rotation: every round used the refresh token the round before stored. The stored
  // one still works (one more refresh through another instance).
  auto last = s.api(2, "POST", "/v1/credentials/" + id + "/refresh", "{}");
  EXPECT_EQ(last.status, 200) << last.body;
}

TEST(MultiInstance, MigrateCommandsStartedTogetherMigrateOnce) {
  PgStack& s = stack();
  auto uri = s.cluster->createDatabase();
  ASSERT_TRUE(uri) << uri.error().message;
  std::vector<std::string> outputs(3);
  std::vector<bool> ok(3);
  together(outputs.size(), [&](size_t i) {
    ok[i] = bool(runAs(::getuid(), ::getgid(), {PgStack::binary("gateway"), "migrate", "--db", *uri},
                       &outputs[i]));
  });
  for (size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_TRUE(ok[i]) << outputs[i];
    const std::string expected =
        "schema version " + std::to_string(postgresMigrations().size());
    EXPECT_NE(outputs[i].find(expected), std::string::npos) << outputs[i];
  }
  std::string bad;
  EXPECT_FALSE(runAs(::getuid(), ::getgid(),
                     {PgStack::binary("gateway"), "migrate", "--db",
                      s.cluster->uri("no_such_database")},
                     &bad));
  EXPECT_NE(bad.find("no_such_database"), std::string::npos) << bad;
}

// docs/DEPLOYMENT.md "Backups": pg_dump, restore into a fresh database, and a gateway on the
// restored database reads every credential, secrets included.
TEST(MultiInstance, ADumpRestoredIntoAFreshDatabaseServesEveryCredential) {
  PgStack& s = stack();
  auto app = s.createApp("mi-backup", "mi-backup-secret");
  ASSERT_TRUE(app) << app.error().message;
  for (size_t i = 0; i < 3; ++i) {
    auto started = s.startFlow(i, *app);
    ASSERT_TRUE(started) << started.error().message;
    auto code = s.finishFlow(i, *started);
    ASSERT_TRUE(code) << code.error().message;
    ASSERT_EQ(s.redeem(i, *app, "mi-backup-secret", *code).status, 200);
  }
  TempDir dir;
  const std::string dump = (dir.path() / "linkgate.dump").string();
  std::string out;
  ASSERT_TRUE(runAs(::getuid(), ::getgid(),
                    {s.cluster->binary("pg_dump"), "--format=custom", "--file", dump, s.db_uri},
                    &out))
      << out;
  auto fresh = s.cluster->createDatabase();
  ASSERT_TRUE(fresh) << fresh.error().message;
  ASSERT_TRUE(runAs(::getuid(), ::getgid(),
                    {s.cluster->binary("pg_restore"), "--no-owner", "--dbname", *fresh, dump},
                    &out))
      << out;
  auto restored = ChildProcess::start(
      {PgStack::binary("gateway"), "--port", "0", "--db", *fresh, "--public-url", s.public_url,
       "--catalogue", sourceDir() + "/gateway/catalogue"},
      {std::string("LINKGATE_API_KEY=") + PgStack::kApiKey,
       std::string("LINKGATE_MASTER_KEY=") + PgStack::kMasterKey});
  ASSERT_TRUE(restored) << restored.error().message;
  const HeaderList auth = {{"Authorization", std::string("Bearer ") + PgStack::kApiKey}};
  auto original = s.call("GET", s.url(0) + "/v1/credentials?truncate_secrets=false", {}, auth);
  auto copy = s.call("GET", (*restored)->url() + "/v1/credentials?truncate_secrets=false", {},
                     auth);
  ASSERT_EQ(original.status, 200);
  ASSERT_EQ(copy.status, 200) << copy.body;
  const Json a = Json::parse(original.body)["data"], b = Json::parse(copy.body)["data"];
  EXPECT_GE(a.size(), 3u);
  EXPECT_EQ(a, b) << "the restored database serves other credentials";
}

}  // namespace
}  // namespace linkgate::gateway::testing
