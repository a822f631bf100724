// The strict catalogue loader: the real catalogue loads; every n_ case is rejected naming the
// field (fixtures/cases/catalogue/).
#include "gateway/catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

Json readJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

TEST(Catalogue, RealCatalogueLoadsEveryProvider) {
  auto c = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->size(), 126u) << "issue 16: 125 providers plus generic";
  for (const auto& [slug, d] : c->all()) {
    EXPECT_EQ(slug, d.slug);
    EXPECT_FALSE(d.sources.empty()) << slug;
    for (const auto& p : d.connection_params) EXPECT_TRUE(p.matches(p.example)) << slug;
  }
}

// SPEC §9, docs/CONTRACT.md C-9.5: one credential per provider account needs the account id,
// so every entry names where it comes from. The exceptions identify the user only through a
// POST (GraphQL) call, which api.resources cannot make (Wave too), one that needs a header
// api.resources cannot send (Klaviyo: revision), or none that is documented (Workday).
TEST(Catalogue, EveryProviderSaysWhereItsAccountIdComesFrom) {
  const std::set<std::string> kNoGetIdentityCall = {"linear", "monday", "outreach",
                                                    "klaviyo", "wave", "workday"};
  auto c = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(c) << c.error().message;
  for (const auto& [slug, d] : c->all()) {
    if (kNoGetIdentityCall.contains(slug)) {
      EXPECT_EQ(d.account.from, AccountFrom::kNone) << slug << " has one now: drop it here";
      continue;
    }
    EXPECT_NE(d.account.from, AccountFrom::kNone) << slug << ": no `account` block";
    EXPECT_EQ(d.account.from == AccountFrom::kOidc, d.account.fields.empty()) << slug;
  }
}

TEST(Catalogue, AccountBlockIsChecked) {
  Json doc = readJsonFile(testing::sourceDir() + "/gateway/catalogue/slack.json");
  ASSERT_TRUE(parseDialect(doc, "slack")) << "slack.json as shipped";
  auto refused = [&](Json account, const std::string& why) {
    Json d = doc;
    d["account"] = std::move(account);
    auto r = parseDialect(d, "slack");
    ASSERT_FALSE(r) << why;
    EXPECT_NE(r.error().message.find("account"), std::string::npos) << r.error().message;
  };
  refused({{"from", "token"}, {"fields", {"no_such_field"}}}, "a field the token does not fill");
  refused({{"from", "callback"}, {"fields", {"team_id"}}}, "team_id is not a callback field");
  refused({{"from", "oidc"}}, "slack has no oidc block");
  refused({{"from", "token"}}, "fields missing");
  refused({{"from", "elsewhere"}, {"fields", {"team_id"}}}, "unknown from");
  refused({{"from", "token"}, {"fields", {"team_id"}}, {"extra", 1}}, "unknown field");
  // The account id is the named fields, joined by a space, only when all are present.
  const Dialect slack = *parseDialect(doc, "slack");
  EXPECT_EQ(accountFromFields(slack.account, Json{{"team_id", "T1"}, {"authed_user_id", "U2"}}),
            "T1 U2");
  EXPECT_EQ(accountFromFields(slack.account, Json{{"team_id", "T1"}}), std::nullopt);
  EXPECT_EQ(accountFromFields(slack.account, Json{{"team_id", "T1"}, {"authed_user_id", ""}}),
            std::nullopt);
  AccountSource numeric;
  numeric.from = AccountFrom::kToken;
  numeric.fields = {"n"};
  EXPECT_EQ(accountFromFields(numeric, Json{{"n", 42}}), "42");
}

TEST(Catalogue, VerdictNamedCases) {
  const auto dir = std::filesystem::path(testing::sourceDir()) / "fixtures/cases/catalogue";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    Json c = readJsonFile(entry.path());
    auto d = parseDialect(c["document"], "case");
    ++count;
    if (name.starts_with("y_")) {
      EXPECT_TRUE(d) << name << ": " << (d ? "" : d.error().message);
    } else {
      ASSERT_FALSE(d) << name << " was accepted";
      EXPECT_EQ(d.error().id, "bad_catalogue");
      EXPECT_NE(d.error().message.find(c["error_contains"].get<std::string>()), std::string::npos)
          << name << ": " << d.error().message;
    }
  }
  EXPECT_GE(count, 20);
}

TEST(Catalogue, DefaultsFollowTheSchema) {
  Dialect d = testing::acmeDialect();
  EXPECT_EQ(d.authorization.client_id_param, "client_id");
  EXPECT_EQ(d.authorization.response_type, "code");
  EXPECT_EQ(d.token_request.client_auth, ClientAuth::kPost);
  EXPECT_EQ(d.token_request.encoding, Encoding::kForm);
  EXPECT_TRUE(d.token_request.send_redirect_uri);
  EXPECT_FALSE(d.refresh_request.send_redirect_uri);
  EXPECT_EQ(d.refresh_request.grant_type, "refresh_token");
  EXPECT_EQ(d.refresh_request.token_param, "refresh_token");
  EXPECT_EQ(d.token_response.success_status, std::vector<int>{200});
  EXPECT_EQ(d.token_response.access_token, "access_token");
}

// docs/VOCABULARY.md: the lists of accepted ways (client_auth, encoding, methods) are the
// provider's; the gateway uses the first. token.redirect_uri if_sent follows the authorization.
TEST(Catalogue, SharedVocabularyMeaningOnTheGatewaySide) {
  Json doc = {{"slug", "v"},
              {"display_name", "V"},
              {"sources", {"test"}},
              {"endpoints", {{"authorize", "https://v.test/a"}, {"token", "https://v.test/t"}}},
              {"authorize", {{"redirect_uri", "optional"}, {"pkce", "accept_then_reject"},
                             {"send_iss", true}, {"issuer", "https://v.test"}}},
              {"token", {{"client_auth", {"client_secret_basic", "client_secret_post"}},
                         {"encoding", {"json", "form"}},
                         {"methods", {"GET", "POST"}},
                         {"response", Json::object()}}},
              {"refresh", {{"issued", {{"authorize_param", {{"access_type", "offline"}}}}},
                           {"rotation", "grace"},
                           {"redirect_uri", "required"}}},
              {"api", Json::object()}};
  auto d = parseDialect(doc, "v");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->token_request.client_auth, ClientAuth::kBasic);
  EXPECT_EQ(d->token_request.encoding, Encoding::kJson);
  EXPECT_EQ(d->token_request.method, TokenMethod::kGet);
  EXPECT_FALSE(d->authorization.send_redirect_uri);
  EXPECT_FALSE(d->token_request.send_redirect_uri) << "if_sent: the authorization did not send it";
  EXPECT_TRUE(d->refresh_request.send_redirect_uri);
  EXPECT_EQ(d->refresh_request.client_auth, ClientAuth::kBasic) << "refresh defaults to token";
  EXPECT_FALSE(sendsPkce(d->authorization.pkce));
  EXPECT_EQ(d->authorization.iss, IssCheck::kRequired);
  EXPECT_EQ(d->refresh.rotation, Rotation::kGrace);
  EXPECT_EQ(issuedJson(d->refresh), Json({{"authorize_param", {{"access_type", "offline"}}}}));
  EXPECT_EQ(wireName(d->authorization.pkce), "accept_then_reject");

  doc["authorize"] = {{"pkce", "not_supported"}};
  doc["token"]["redirect_uri"] = "if_sent";
  auto e = parseDialect(doc, "v");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->token_request.send_redirect_uri) << "if_sent: the authorization sent it";
  EXPECT_EQ(wireName(e->authorization.pkce), "not_supported");
}

TEST(Catalogue, BadFileNamesTheFile) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "broken.json") << R"({"slug": "broken"})";
  auto c = Catalogue::load(dir.path().string());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("broken.json"), std::string::npos);
  EXPECT_NE(c.error().message.find("display_name: is required"), std::string::npos);
  std::ofstream(dir.path() / "broken.json") << "{not json";
  EXPECT_FALSE(Catalogue::load(dir.path().string()));
  EXPECT_FALSE(Catalogue::load((dir.path() / "missing").string()));
}

// Issue 15: a provider's own invalid_grant words (read by the refresh path).
TEST(Catalogue, InvalidGrantErrorsAreData) {
  const Catalogue& c = testing::realCatalogue();
  const auto& hubspot = c.find("hubspot")->refreshResponse().invalid_grant_errors;
  EXPECT_NE(std::find(hubspot.begin(), hubspot.end(), "BAD_REFRESH_TOKEN"), hubspot.end());
  const auto& slack = c.find("slack")->refreshResponse().invalid_grant_errors;
  EXPECT_NE(std::find(slack.begin(), slack.end(), "invalid_refresh_token"), slack.end());
  EXPECT_TRUE(c.find("github")->refreshResponse().invalid_grant_errors.empty());
}

}  // namespace
}  // namespace linkgate::gateway
