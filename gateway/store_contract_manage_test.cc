// The store contract for issue 12's additions, on both engines: API keys listed by id and
// prefix (never the key) and revoked; credential pages with filters in a stable order; app
// deletion that refuses while credentials exist and cascades on request.
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

OAuthApp appOf(const std::string& id, const std::string& provider) {
  OAuthApp a;
  a.id = id;
  a.account_id = "acct";
  a.provider = provider;
  a.client_id = "c";
  a.client_secret = "s";
  a.name = "n";
  a.created_at = a.updated_at = 1;
  return a;
}

Credential credentialOf(int n, const std::string& app, const std::string& provider,
                        int64_t created) {
  Credential c;
  char id[40];
  std::snprintf(id, sizeof id, "%08d-0000-4000-8000-000000000000", n);
  c.id = id;
  c.account_id = "acct";
  c.app_id = app;
  c.provider = provider;
  c.properties = {{"access_token", "AT" + std::to_string(n)}};
  c.provider_account = "at:AT" + std::to_string(n);
  c.created_at = c.updated_at = created;
  return c;
}

const std::string kApp1 = "11111111-1111-4111-8111-111111111111";
const std::string kApp2 = "33333333-3333-4333-8333-333333333333";

TEST_P(StoreContract, ApiKeysListByIdAndPrefixAndRevoke) {
  ASSERT_TRUE(store_->addApiKey("lgk_first-key-value", "acct", 10));
  ASSERT_TRUE(store_->addApiKey("lgk_second-key-value", "acct", 20));
  ASSERT_TRUE(store_->addApiKey("lgk_other-account", "other", 30));
  auto keys = store_->listApiKeys("acct");
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, sha256Hex("lgk_first-key-value").substr(0, 16));
  EXPECT_EQ((*keys)[0].prefix, "lgk_firs");
  EXPECT_EQ((*keys)[0].created_at, 10);
  EXPECT_EQ((*keys)[1].prefix, "lgk_seco");
  // Another account's id revokes nothing; the right one revokes exactly that key.
  const std::string other_id = sha256Hex("lgk_other-account").substr(0, 16);
  EXPECT_FALSE(*store_->deleteApiKey("acct", other_id));
  EXPECT_TRUE(*store_->deleteApiKey("acct", (*keys)[0].id));
  EXPECT_FALSE(*store_->deleteApiKey("acct", (*keys)[0].id));
  EXPECT_EQ(*store_->accountForApiKey("lgk_first-key-value"), std::nullopt);
  EXPECT_EQ(*store_->accountForApiKey("lgk_second-key-value"), "acct");
  EXPECT_EQ(*store_->accountForApiKey("lgk_other-account"), "other");
}

TEST_P(StoreContract, CredentialPagesFilterAndKeepOrder) {
  ASSERT_TRUE(store_->insertApp(appOf(kApp1, "github")));
  ASSERT_TRUE(store_->insertApp(appOf(kApp2, "slack")));
  // Created out of id order, with ties on created_at.
  for (auto [n, app, provider, at] : std::vector<std::tuple<int, std::string, std::string, int>>{
           {5, kApp1, "github", 100}, {2, kApp1, "github", 100}, {9, kApp2, "slack", 100},
           {1, kApp2, "slack", 200}, {7, kApp1, "github", 50}}) {
    ASSERT_TRUE(store_->saveCredential(credentialOf(n, app, provider, at)));
  }
  using After = std::optional<std::pair<int64_t, std::string>>;
  auto query = [](std::optional<std::string> provider, std::optional<std::string> app,
                  After after = std::nullopt, int64_t limit = 100) {
    CredentialQuery q;
    q.provider = std::move(provider);
    q.app_id = std::move(app);
    q.after = std::move(after);
    q.limit = limit;
    return q;
  };
  const auto none = std::nullopt;
  auto ids = [&](CredentialQuery q) {
    auto page = store_->listCredentialsPage("acct", q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<int> out;
    for (const auto& c : *page) out.push_back(std::stoi(c.id.substr(0, 8)));
    return out;
  };
  EXPECT_EQ(ids(query(none, none)), (std::vector<int>{7, 2, 5, 9, 1}));
  EXPECT_EQ(ids(query("github", none)), (std::vector<int>{7, 2, 5}));
  EXPECT_EQ(ids(query(none, kApp2)), (std::vector<int>{9, 1}));
  EXPECT_EQ(ids(query("slack", kApp1)), (std::vector<int>{}));
  EXPECT_EQ(ids(query(none, none, none, 2)), (std::vector<int>{7, 2}));
  const auto c2 = credentialOf(2, kApp1, "github", 100);
  EXPECT_EQ(ids(query(none, none, std::pair{int64_t{100}, c2.id}, 2)),
            (std::vector<int>{5, 9}));
  EXPECT_EQ(ids(query("github", none, std::pair{int64_t{100}, c2.id})),
            (std::vector<int>{5}));
  EXPECT_EQ(ids(query(none, none, std::pair{int64_t{200}, c2.id})), (std::vector<int>{}));
  EXPECT_EQ(store_->listCredentialsPage("other", query(none, none))->size(), 0u);
}

TEST_P(StoreContract, AppDeletionRefusesWithCredentialsAndCascades) {
  ASSERT_TRUE(store_->insertApp(appOf(kApp1, "github")));
  ASSERT_TRUE(store_->insertApp(appOf(kApp2, "github")));
  const auto c1 = credentialOf(1, kApp1, "github", 10);
  AuthCode code;
  code.code = "CODE-1";
  code.credential_id = c1.id;
  code.app_id = kApp1;
  code.account_id = "acct";
  code.expires_at = 1000;
  ASSERT_TRUE(store_->saveCredentialWithCode(c1, code));
  ASSERT_TRUE(store_->saveCredential(credentialOf(2, kApp1, "github", 11)));
  ASSERT_TRUE(store_->saveCredential(credentialOf(3, kApp2, "github", 12)));

  auto refused = store_->deleteAppChecked("acct", kApp1, false);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_TRUE(refused->found);
  EXPECT_FALSE(refused->deleted);
  EXPECT_EQ(refused->credentials, 2);
  EXPECT_TRUE(*store_->findApp(kApp1));
  EXPECT_EQ(store_->listCredentials("acct")->size(), 3u);

  auto wrong_account = store_->deleteAppChecked("other", kApp1, true);
  EXPECT_FALSE(wrong_account->found);
  EXPECT_TRUE(*store_->findApp(kApp1));

  auto cascaded = store_->deleteAppChecked("acct", kApp1, true);
  ASSERT_TRUE(cascaded) << cascaded.error().message;
  EXPECT_TRUE(cascaded->deleted);
  EXPECT_EQ(cascaded->credentials, 2);
  EXPECT_FALSE(*store_->findApp(kApp1));
  auto left = store_->listCredentials("acct");
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].app_id, kApp2);
  EXPECT_FALSE(*store_->findCode("CODE-1"));  // the deleted credential's code went with it
  EXPECT_FALSE(store_->deleteAppChecked("acct", kApp1, true)->found);
  // Without credentials no cascade is needed.
  ASSERT_TRUE(store_->deleteCredential("acct", (*left)[0].id));
  EXPECT_TRUE(store_->deleteAppChecked("acct", kApp2, false)->deleted);
}

}  // namespace
}  // namespace linkgate::gateway::testing
