// The long-lived token dimension of the catalogue (issue 13): token_upgrade and refresh.presents
// / min_token_age_seconds read strictly; the upgrade request and answer; the age rule.
#include "gateway/long_lived.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "core/params.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

Json shipped(const std::string& slug) { return testing::shippedCatalogueJson(slug); }

TEST(LongLivedCatalogue, InstagramAndFacebookDescribeTheUpgradeAndTheRenewal) {
  auto ig = parseDialect(shipped("instagram"), "instagram");
  ASSERT_TRUE(ig) << ig.error().message;
  EXPECT_TRUE(ig->token_upgrade.on);
  EXPECT_TRUE(ig->refresh.presents_access_token);
  EXPECT_EQ(ig->refresh.min_token_age_seconds, 86400);
  EXPECT_EQ(ig->refresh_request.client_auth, ClientAuth::kNone);
  auto fb = parseDialect(shipped("facebook"), "facebook");
  ASSERT_TRUE(fb) << fb.error().message;
  EXPECT_TRUE(fb->token_upgrade.on);
  EXPECT_TRUE(fb->refresh.presents_access_token);
  EXPECT_EQ(fb->refresh.min_token_age_seconds, 0);
}

TEST(LongLivedCatalogue, BadBlocksAreRefusedNamingTheField) {
  const Json ig = shipped("instagram");
  auto refused = [&](const std::function<void(Json&)>& change, const std::string& field) {
    Json d = ig;
    change(d);
    auto r = parseDialect(d, "instagram");
    ASSERT_FALSE(r) << "accepted: " << field;
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  refused([](Json& d) { d["token_upgrade"]["params"]["access_token"] = "{refresh_token}"; },
          "token_upgrade.params.access_token");
  refused([](Json& d) { d["token_upgrade"]["params"].erase("access_token"); },
          "token_upgrade.params");
  refused([](Json& d) { d["token_upgrade"]["url"] = "http://graph.instagram.com/x"; },
          "token_upgrade.url");
  refused([](Json& d) { d["token_upgrade"]["method"] = "PUT"; }, "token_upgrade.method");
  refused([](Json& d) { d["token_upgrade"]["extra"] = 1; }, "token_upgrade.extra");
  refused([](Json& d) { d["refresh"]["presents"] = "id_token"; }, "refresh.presents");
  refused([](Json& d) { d["refresh"]["min_token_age_seconds"] = 0; },
          "refresh.min_token_age_seconds");
  refused([](Json& d) { d["token"]["client_auth"] = {"none"}; }, "token.client_auth");
  refused(
      [](Json& d) {
        d["refresh"]["issued"] = "always";
        d["refresh"].erase("presents");
      },
      "token_upgrade");
}

TEST(LongLived, TheUpgradeRequestFillsItsTemplatesAndTheAnswerReplacesTheToken) {
  auto fb = parseDialect(shipped("facebook"), "facebook");
  ASSERT_TRUE(fb) << fb.error().message;
  ProviderUrls urls("http://127.0.0.1:9");
  auto req = tokenUpgradeRequest(*fb, urls, "SHORT", "app1", "s e/cret", {{"api_version", "v22.0"}});
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->method, "GET");
  const std::string query = req->url.substr(req->url.find('?') + 1);
  auto q = Params::parse(query);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->get("grant_type"), "fb_exchange_token");
  EXPECT_EQ(q->get("client_id"), "app1");
  EXPECT_EQ(q->get("client_secret"), "s e/cret");
  EXPECT_EQ(q->get("fb_exchange_token"), "SHORT");
  EXPECT_NE(req->url.find("/facebook/graph.facebook.com/v22.0/oauth/access_token?"),
            std::string::npos) << req->url;

  TokenSet tokens;
  tokens.access_token = "SHORT";
  tokens.scopes = {"public_profile", "email"};
  tokens.expires_at = 100;
  HttpResponse answer;
  answer.status = 200;
  answer.headers = {{"content-type", "application/json"}};
  answer.body = R"({"access_token":"LONG","token_type":"bearer","expires_in":5183944})";
  const TimePoint now{std::chrono::seconds(1000)};
  ASSERT_TRUE(applyTokenUpgrade(*fb, answer, now, tokens));
  EXPECT_EQ(tokens.access_token, "LONG");
  EXPECT_EQ(tokens.expires_at, 1000 + 5183944);
  EXPECT_EQ(tokens.scopes, (std::vector<std::string>{"public_profile", "email"}));
  // A Graph error is an error, and the token stays what it was.
  answer.status = 400;
  answer.body = R"({"error":{"message":"Error validating access token","type":"OAuthException"}})";
  TokenSet kept = tokens;
  auto refused = applyTokenUpgrade(*fb, answer, now, kept);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("OAuthException"), std::string::npos);
  EXPECT_EQ(kept.access_token, "LONG");
}

TEST(LongLived, TheAgeRuleCountsFromTheTokensIssue) {
  auto ig = parseDialect(shipped("instagram"), "instagram");
  ASSERT_TRUE(ig) << ig.error().message;
  Json props{{"access_token", "AT"}, {"long_lived", longLivedProperty(*ig, 1'000'000)}};
  EXPECT_TRUE(renewable(props));
  EXPECT_EQ(renewalToken(*ig, props), "AT");
  EXPECT_EQ(secondsUntilRenewable(*ig, props, 1'000'000), 86400);
  EXPECT_EQ(secondsUntilRenewable(*ig, props, 1'000'000 + 86399), 1);
  EXPECT_EQ(secondsUntilRenewable(*ig, props, 1'000'000 + 86400), 0);
  EXPECT_EQ(props["long_lived"]["renewable_after"], formatRfc3339(TimePoint(std::chrono::seconds(1'086'400))));
  // Without the property (an import) the provider decides; without any token nothing renews.
  EXPECT_EQ(secondsUntilRenewable(*ig, Json{{"access_token", "AT"}}, 5), 0);
  EXPECT_FALSE(renewable(Json{{"access_token", "AT"}}));
  EXPECT_TRUE(renewable(Json{{"refresh_token", "RT"}}));
  EXPECT_FALSE(renewable(Json{{"long_lived", Json::object()}}));
}

}  // namespace
}  // namespace linkgate::gateway
