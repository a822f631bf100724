// The store contract for issue 12's additions, on both engines: API keys listed by id and
// prefix (never the key) and revoked; credential pages with filters in a stable order; app
// deletion that refuses while credentials exist and cascades on request; start links listed
// newest first by their public id, filtered, paged, read and deleted (issue 17).
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

TEST_P(StoreContract, StartLinksListFindAndDeleteById) {
  // 250 links (more than one batch of the filtered scan), every tenth of app 2 for "bob".
  for (int i = 0; i < 250; ++i) {
    StartLink l;
    l.token = "link-token-" + std::to_string(i);
    l.account_id = "acct";
    l.app_id = i % 10 == 0 ? kApp2 : kApp1;
    l.redirect_uri = "https://x";
    if (i % 10 == 0) l.end_user.id = "bob";
    l.created_at = 1000 + i / 3;  // ties on expiry too
    l.expires_at = l.created_at + 300;
    ASSERT_TRUE(store_->insertStartLink(l));
  }
  StartLink theirs;
  theirs.token = "another-account-token";
  theirs.account_id = "other";
  theirs.app_id = kApp1;
  theirs.expires_at = 5000;
  ASSERT_TRUE(store_->insertStartLink(theirs));
  StartLinkQuery q;
  q.limit = 1000;
  auto all = store_->listStartLinks("acct", q);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 250u);
  for (size_t i = 1; i < all->size(); ++i) {
    const auto key = [&](size_t k) { return std::pair{(*all)[k].link.expires_at, (*all)[k].id}; };
    EXPECT_GT(key(i - 1), key(i)) << "not newest first at " << i;
  }
  EXPECT_EQ((*all)[0].link.token, "") << "the token is never read back";
  // Pages of 7 after the last seen (expires_at, id) cover the same list.
  std::vector<std::string> paged;
  StartLinkQuery page;
  page.limit = 7;
  for (int n = 0; n < 100; ++n) {
    auto got = store_->listStartLinks("acct", page);
    ASSERT_TRUE(got);
    for (const auto& l : *got) paged.push_back(l.id);
    if (got->size() < 7) break;
    page.after = std::pair{got->back().link.expires_at, got->back().id};
  }
  ASSERT_EQ(paged.size(), 250u);
  for (size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], (*all)[i].id);
  // Filters: by app, by end user, both; an empty app set matches nothing.
  StartLinkQuery bob;
  bob.end_user_id = "bob";
  EXPECT_EQ(store_->listStartLinks("acct", bob)->size(), 25u);
  StartLinkQuery app1;
  app1.limit = 1000;
  app1.app_ids = std::vector<std::string>{kApp1};
  EXPECT_EQ(store_->listStartLinks("acct", app1)->size(), 225u);
  app1.end_user_id = "bob";
  EXPECT_EQ(store_->listStartLinks("acct", app1)->size(), 0u);
  StartLinkQuery none;
  none.app_ids = std::vector<std::string>{};
  EXPECT_EQ(store_->listStartLinks("acct", none)->size(), 0u);
  // By id: found in its account only; deleted once; then consumeStartLink knows it no more.
  const std::string id = sha256Hex("link-token-7").substr(0, 16);
  auto found = store_->findStartLink("acct", id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, id);
  EXPECT_FALSE((*found)->used);
  EXPECT_EQ((*found)->link.created_at, 1002);
  EXPECT_FALSE(*store_->findStartLink("other", id));
  EXPECT_FALSE(*store_->deleteStartLink("other", id));
  EXPECT_FALSE(*store_->findStartLink("acct", "not-an-id"));
  ASSERT_TRUE(store_->consumeStartLink("link-token-8", 1100));
  EXPECT_TRUE((*store_->findStartLink("acct", sha256Hex("link-token-8").substr(0, 16)))->used);
  EXPECT_TRUE(*store_->deleteStartLink("acct", id));
  EXPECT_FALSE(*store_->deleteStartLink("acct", id));
  EXPECT_FALSE(*store_->findStartLink("acct", id));
  EXPECT_FALSE(*store_->consumeStartLink("link-token-7", 1100));
  EXPECT_EQ(store_->listStartLinks("acct", q)->size(), 249u);
  EXPECT_EQ(store_->listStartLinks("other", q)->size(), 1u);
}

}  // namespace
}  // namespace linkgate::gateway::testing
