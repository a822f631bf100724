// Store contract of issue 10 on both engines: a flow sealed whole into its browser cookie opens
// only for its own state and key, keeps every field, and is used exactly once — across threads
// and across two stores on one database (two gateway instances) — and only before it expires.
#include <atomic>
#include <thread>

#include "gateway/store_records.h"
#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

class StoreSealedFlow : public StoreContract {
 protected:
  static Flow sample() {
    Flow f;
    f.id = "flow-1";
    f.state = "STATE-sealed-abc";
    f.account_id = "acct";
    f.app_id = "app-1";
    f.provider = "github";
    f.redirect_uri = "https://app.example/cb";
    f.integrator_state = std::string("any\0bytes\xff", 10);
    f.scopes = {"repo", "read:user"};
    f.connection_params = Json{{"subdomain", "acme"}};
    f.provider_code_verifier = "VERIFIER-sealed-def";
    f.code_challenge = std::string(43, 'c');
    f.debug = true;
    f.end_user = EndUser{"u-1", "u@example.com", "U"};
    f.created_at = 100;
    f.expires_at = 700;
    return f;
  }
  static void expectAllButScopes(const Flow& opened, const Flow& f) {
    EXPECT_EQ(opened.id, f.id);
    EXPECT_EQ(opened.state, f.state);
    EXPECT_EQ(opened.account_id, f.account_id);
    EXPECT_EQ(opened.app_id, f.app_id);
    EXPECT_EQ(opened.provider, f.provider);
    EXPECT_EQ(opened.redirect_uri, f.redirect_uri);
    EXPECT_EQ(opened.integrator_state, f.integrator_state) << "any bytes survive";
    EXPECT_EQ(opened.connection_params, f.connection_params);
    EXPECT_EQ(opened.provider_code_verifier, f.provider_code_verifier);
    EXPECT_EQ(opened.code_challenge, f.code_challenge);
    EXPECT_TRUE(opened.debug);
    EXPECT_EQ(opened.end_user, f.end_user);
    EXPECT_EQ(opened.created_at, 100);
    EXPECT_EQ(opened.expires_at, 700);
  }
};

TEST_P(StoreSealedFlow, OpensForItsStateWithEveryField) {
  const Flow f = sample();
  auto sealed = store_->sealFlow(f);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->find("VERIFIER"), std::string::npos) << "sealed, not in clear";
  EXPECT_EQ(sealed->find("app.example"), std::string::npos);
  EXPECT_NE(sealed->find('.'), std::string::npos) << "the callback tells a sealed cookie by it";
  auto opened = store_->openSealedFlow(*sealed, f.state);
  ASSERT_TRUE(opened) << opened.error().message;
  expectAllButScopes(*opened, f);
  EXPECT_EQ(opened->scopes, f.scopes);
  // Another instance with the same key opens it too (any instance may finish a flow).
  auto other = open(keys_);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE((*other)->openSealedFlow(*sealed, f.state));
}

// The record is written directly unless a string is not valid UTF-8; then nlohmann writes it
// (replacing the bad bytes). Both forms carry every field.
TEST_P(StoreSealedFlow, ARecordWithBytesThatAreNotUtf8IsSealedToo) {
  Flow f = sample();
  f.scopes = {"repo", "bad\xff"};
  auto sealed = store_->sealFlow(f);
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = store_->openSealedFlow(*sealed, f.state);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->scopes, (std::vector<std::string>{"repo", "bad\xEF\xBF\xBD"}));
  expectAllButScopes(*opened, f);
}

TEST_P(StoreSealedFlow, RefusesAnotherStateATamperedTextAndAnotherKey) {
  const Flow f = sample();
  auto sealed = store_->sealFlow(f);
  ASSERT_TRUE(sealed);
  EXPECT_FALSE(store_->openSealedFlow(*sealed, "STATE-other")) << "bound to its state";
  std::string tampered = *sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(store_->openSealedFlow(tampered, f.state));
  EXPECT_FALSE(store_->openSealedFlow("k.garbage", f.state));
  EXPECT_FALSE(store_->openSealedFlow("", f.state));
  // Sealed under another master key with the same key id: refused (it cannot be forged).
  SeededRandom random(9);
  KeyRing stranger(random);
  ASSERT_TRUE(stranger.addKey("k1", std::string(32, 'z')));
  auto forged = records::sealedFlow(f, stranger);
  ASSERT_TRUE(forged);
  EXPECT_FALSE(store_->openSealedFlow(*forged, f.state));
  EXPECT_TRUE(records::sealedFlowFrom(*forged, f.state, stranger)) << "the control opens";
}

TEST_P(StoreSealedFlow, UsedOnceAcrossThreadsAndInstancesAndOnlyBeforeExpiry) {
  auto other = open(keys_);
  ASSERT_TRUE(other) << other.error().message;
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Store& s = i % 2 == 0 ? *store_ : **other;
      if (auto r = s.consumeSealedFlow("flow-1", 700, 100); r && *r) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1) << "exactly one callback redeems the flow";
  EXPECT_FALSE(*store_->consumeSealedFlow("flow-1", 700, 101)) << "a replay is refused";
  EXPECT_FALSE(*store_->consumeSealedFlow("flow-2", 700, 700)) << "expired at 700";
  EXPECT_TRUE(*store_->consumeSealedFlow("flow-2", 700, 699));
  // The marks survive a restart (a replay after a crash is still refused).
  store_.reset();
  reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_FALSE(*store_->consumeSealedFlow("flow-1", 700, 102));
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreSealedFlow, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkgate::gateway::testing
