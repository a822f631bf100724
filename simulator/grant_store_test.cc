// GrantStore: code redemption, lineage revocation and expiry-based pruning, on a manual clock.
#include "simulator/grant_store.h"

#include <gtest/gtest.h>

namespace linkgate::sim {
namespace {

using std::chrono::seconds;

constexpr seconds kSlack = GrantStore::kPruneSlack;

struct GrantStoreTest : ::testing::Test {
  ManualClock clock;
  TimePoint t0 = clock.now();

  CodeGrant code(const std::string& id, seconds ttl) {
    CodeGrant g;
    g.code = id;
    g.request.provider = "generic";
    g.request.client_id = "c1";
    g.user_id = "1001";
    g.expires_at = clock.now() + ttl;
    return g;
  }
  // Tokens for the grant: access lives access_ttl (0 = forever), refresh never expires.
  static GrantStore::CodeDecision issue(const std::string& access, const std::string& refresh,
                                        std::optional<TimePoint> access_expiry) {
    return [=](const CodeGrant& g) -> std::variant<Issue, Rejection> {
      Issue i;
      i.access = TokenRecord{access, "generic", "c1", g.user_id, {}, {}, access_expiry,
                             std::nullopt, g.code, {}, false, false, "", std::nullopt};
      if (!refresh.empty()) {
        TokenRecord r = i.access;
        r.token = refresh;
        r.expires_at.reset();
        i.refresh = r;
      }
      return i;
    };
  }
  PendingConsent consent(const std::string& id, seconds ttl) {
    return PendingConsent{id, {}, clock.now() + ttl};
  }
};

TEST_F(GrantStoreTest, ReusedCodeRevokesItsLineage) {
  GrantStore store(clock);
  store.addCode(code("k", seconds(600)));
  auto first = store.redeemCode("k", clock.now(), issue("a1", "r1", t0 + seconds(3600)));
  ASSERT_EQ(first.status, CodeStatus::kIssued);
  // The redeemed code comes back whole (the caller answers with its user and request).
  ASSERT_TRUE(first.code);
  EXPECT_EQ(first.code->user_id, "1001");
  EXPECT_EQ(first.code->request.client_id, "c1");
  EXPECT_TRUE(store.findAccessToken("a1")->validAt(clock.now()));
  auto second = store.redeemCode("k", clock.now(), issue("a2", "r2", std::nullopt));
  EXPECT_EQ(second.status, CodeStatus::kReused);
  EXPECT_FALSE(store.findAccessToken("a1")->validAt(clock.now()));
  EXPECT_FALSE(store.findRefreshToken("r1")->validAt(clock.now()));
  EXPECT_FALSE(store.findAccessToken("a2"));
}

TEST_F(GrantStoreTest, UsedCodeIsKeptForItsLifetimeSoReuseStillRevokes) {
  GrantStore store(clock, 1);  // sweep on every insert
  store.addCode(code("k", seconds(600)));
  ASSERT_EQ(store.redeemCode("k", clock.now(), issue("a1", "r1", std::nullopt)).status,
            CodeStatus::kIssued);
  clock.advance(seconds(599));
  for (int i = 0; i < 5; ++i) store.addConsent(consent("c" + std::to_string(i), seconds(1)));
  store.prune(clock.now());
  EXPECT_EQ(store.sizes().codes, 1u);
  EXPECT_EQ(store.redeemCode("k", clock.now(), issue("a2", "", std::nullopt)).status,
            CodeStatus::kReused);
  EXPECT_FALSE(store.findRefreshToken("r1")->validAt(clock.now()));
  EXPECT_EQ(store.sizes().revoked_grants, 1u);

  // After the code's lifetime (plus the slack) the code, its revoked tokens and the
  // lineage mark all go.
  clock.advance(seconds(1) + kSlack);
  store.prune(clock.now());
  GrantStore::Sizes s = store.sizes();
  EXPECT_EQ(s.codes, 0u);
  EXPECT_EQ(s.access_tokens, 0u);
  EXPECT_EQ(s.refresh_tokens, 0u);
  EXPECT_EQ(s.revoked_grants, 0u);
  EXPECT_EQ(s.consents, 0u);
}

TEST_F(GrantStoreTest, UnusedCodeStaysRedeemableUntilItExpires) {
  GrantStore store(clock, 1);
  store.addCode(code("k", seconds(60)));
  clock.advance(seconds(59));
  store.prune(clock.now());
  EXPECT_EQ(store.redeemCode("k", clock.now(), issue("a1", "", std::nullopt)).status,
            CodeStatus::kIssued);
  store.addCode(code("late", seconds(60)));
  clock.advance(seconds(60));
  store.prune(clock.now());  // expired, but not yet for the slack: still answers kExpired
  EXPECT_EQ(store.redeemCode("late", clock.now(), issue("a2", "", std::nullopt)).status,
            CodeStatus::kExpired);
  clock.advance(kSlack);
  store.prune(clock.now());
  EXPECT_EQ(store.redeemCode("late", clock.now(), issue("a2", "", std::nullopt)).status,
            CodeStatus::kUnknown);
}

TEST_F(GrantStoreTest, TokensWithoutAnEndAreNeverPruned) {
  GrantStore store(clock, 1);
  store.addCode(code("k", seconds(600)));
  ASSERT_EQ(store.redeemCode("k", clock.now(), issue("a1", "r1", std::nullopt)).status,
            CodeStatus::kIssued);
  store.addCode(code("k2", seconds(600)));
  ASSERT_EQ(store.redeemCode("k2", clock.now(), issue("short", "", t0 + seconds(10))).status,
            CodeStatus::kIssued);
  clock.advance(seconds(86400 * 3650));
  store.prune(clock.now());
  EXPECT_TRUE(store.findAccessToken("a1"));
  EXPECT_TRUE(store.findRefreshToken("r1"));
  EXPECT_FALSE(store.findAccessToken("short"));
  EXPECT_EQ(store.sizes().codes, 0u);
  // The refresh token still works.
  auto refreshed = store.useRefreshToken("r1", clock.now(), [](const TokenRecord& old) {
    Issue i;
    i.access = old;
    i.access.token = "a3";
    return std::variant<Issue, Rejection>(i);
  });
  EXPECT_EQ(refreshed.status, RefreshStatus::kIssued);
}

TEST_F(GrantStoreTest, GraceRotatedRefreshTokenIsKeptUntilItsGraceAndSlackEnd) {
  GrantStore store(clock, 1);
  store.addCode(code("k", seconds(600)));
  ASSERT_EQ(store.redeemCode("k", clock.now(), issue("a1", "old", std::nullopt)).status,
            CodeStatus::kIssued);
  auto rotate = [&](const TokenRecord& old) {
    Issue i;
    i.access = old;
    i.access.token = "a2";
    TokenRecord fresh = old;
    fresh.token = "new";
    i.refresh = fresh;
    i.revoke_old_at = clock.now() + seconds(30);
    return std::variant<Issue, Rejection>(i);
  };
  ASSERT_EQ(store.useRefreshToken("old", clock.now(), rotate).status, RefreshStatus::kIssued);
  clock.advance(seconds(29));
  store.prune(clock.now());
  EXPECT_TRUE(store.findRefreshToken("old")->validAt(clock.now()));
  clock.advance(seconds(1) + kSlack - seconds(1));
  store.prune(clock.now());
  EXPECT_TRUE(store.findRefreshToken("old"));  // revoked 59 s ago: within the slack
  clock.advance(seconds(1));
  store.prune(clock.now());
  EXPECT_FALSE(store.findRefreshToken("old"));
  EXPECT_TRUE(store.findRefreshToken("new"));
}

TEST_F(GrantStoreTest, ConsentsGoAfterTheirExpiryAndTheSlack) {
  GrantStore store(clock, 1);
  store.addConsent(consent("c", seconds(600)));
  clock.advance(seconds(600) + kSlack - seconds(1));
  store.prune(clock.now());
  EXPECT_EQ(store.sizes().consents, 1u);
  clock.advance(seconds(1));
  store.prune(clock.now());
  EXPECT_EQ(store.sizes().consents, 0u);
  EXPECT_FALSE(store.takeConsent("c"));
}

TEST_F(GrantStoreTest, PruningRunsByItselfAmortisedOverInserts) {
  GrantStore store(clock, 4);
  for (int i = 0; i < 4; ++i) store.addConsent(consent("old" + std::to_string(i), seconds(1)));
  clock.advance(seconds(1) + kSlack);
  for (int i = 0; i < 3; ++i) store.addConsent(consent("new" + std::to_string(i), seconds(600)));
  EXPECT_EQ(store.sizes().consents, 7u);  // the 4th insert since the last sweep is due next
  store.addConsent(consent("new3", seconds(600)));
  EXPECT_EQ(store.sizes().consents, 4u);  // the four expired ones were swept, by the clock

  // With more live entries than prune_every, the next sweep waits for as many inserts.
  for (int i = 0; i < 4; ++i) store.addCode(code("live" + std::to_string(i), seconds(86400)));
  // 4 inserts: a sweep ran (8 live now), so the next one is due after 8 more inserts.
  for (int i = 0; i < 4; ++i) store.addConsent(consent("x" + std::to_string(i), seconds(1)));
  clock.advance(seconds(1) + kSlack);
  for (int i = 0; i < 3; ++i) store.addCode(code("more" + std::to_string(i), seconds(86400)));
  EXPECT_EQ(store.sizes().consents, 8u);  // 7 inserts since the sweep: not yet
  store.addCode(code("more3", seconds(86400)));
  EXPECT_EQ(store.sizes().consents, 4u);  // the 8th: swept
  EXPECT_EQ(store.sizes().codes, 8u);
}

TEST_F(GrantStoreTest, ClearEmptiesEverything) {
  GrantStore store(clock);
  store.addConsent(consent("c", seconds(1)));
  store.addCode(code("k", seconds(1)));
  store.clear();
  GrantStore::Sizes s = store.sizes();
  EXPECT_EQ(s.consents + s.codes + s.access_tokens + s.refresh_tokens + s.revoked_grants, 0u);
}

// token.limit (GitHub: ten tokens per user, app and scope set): the oldest valid one goes.
struct LimitTest : GrantStoreTest {
  GrantStore store{clock};
  int codes = 0;
  // Redeems a fresh code for (client, user) and issues `token` with `scopes` under `limit`.
  void issueLimited(const std::string& token, const std::string& client, const std::string& user,
                    std::vector<std::string> scopes, size_t limit) {
    CodeGrant g = code("k" + std::to_string(++codes), seconds(600));
    g.request.client_id = client;
    g.user_id = user;
    store.addCode(g);
    auto outcome = store.redeemCode(g.code, clock.now(), [&](const CodeGrant& c) {
      Issue i;
      i.access = TokenRecord{token, "generic", client, c.user_id, scopes, {}, std::nullopt,
                             std::nullopt, c.code, {}, false, false, "", std::nullopt};
      i.per_user_scope_limit = limit;
      return std::variant<Issue, Rejection>(i);
    });
    ASSERT_EQ(outcome.status, CodeStatus::kIssued);
  }
  bool valid(const std::string& token) const {
    auto t = store.findAccessToken(token);
    return t && t->validAt(clock.now());
  }
};

TEST_F(LimitTest, PastTheLimitTheOldestTokenOfTheSameUserClientAndScopesGoes) {
  for (int i = 1; i <= 3; ++i) issueLimited("a" + std::to_string(i), "c1", "u1", {"x", "y"}, 3);
  // Not the same combination: another scope set, user or client; the scope order is not.
  issueLimited("other-scope", "c1", "u1", {"x"}, 3);
  issueLimited("other-user", "c1", "u2", {"x", "y"}, 3);
  issueLimited("other-client", "c2", "u1", {"x", "y"}, 3);
  EXPECT_TRUE(valid("a1") && valid("a2") && valid("a3"));
  issueLimited("a4", "c1", "u1", {"y", "x"}, 3);
  EXPECT_FALSE(store.findAccessToken("a1"));  // revoked and forgotten at once
  EXPECT_TRUE(valid("a2") && valid("a3") && valid("a4"));
  EXPECT_TRUE(valid("other-scope") && valid("other-user") && valid("other-client"));
  issueLimited("a5", "c1", "u1", {"x", "y", "x"}, 3);
  EXPECT_FALSE(store.findAccessToken("a2"));
  EXPECT_EQ(store.sizes().access_tokens, 6u);
}

TEST_F(LimitTest, TokensCountInIssueOrderValidOrNotAndNoLimitKeepsEveryToken) {
  issueLimited("a1", "c1", "u1", {}, 2);
  issueLimited("a2", "c1", "u1", {}, 2);
  ASSERT_EQ(store.redeemCode("k2", clock.now(), issue("z", "", std::nullopt)).status,
            CodeStatus::kReused);  // a2's lineage revoked: it still counts
  issueLimited("a3", "c1", "u1", {}, 2);
  EXPECT_FALSE(store.findAccessToken("a1"));
  EXPECT_FALSE(valid("a2"));
  EXPECT_TRUE(valid("a3"));
  issueLimited("a4", "c1", "u1", {}, 2);
  EXPECT_FALSE(store.findAccessToken("a2"));
  EXPECT_TRUE(valid("a3") && valid("a4"));
  for (int i = 0; i < 20; ++i) issueLimited("n" + std::to_string(i), "c1", "u9", {}, 0);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(valid("n" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace linkgate::sim
