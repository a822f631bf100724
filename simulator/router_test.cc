// The URL mapping rule: endpoint patterns and routing.
#include "simulator/router.h"

#include <gtest/gtest.h>

#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

std::map<std::string, ParamSpec> tenantParam() {
  return {{"tenant", ParamSpec{"[a-z][a-z0-9-]*", "acme"}}};
}

TEST(EndpointPattern, MatchesHostAndPathAndExtractsParams) {
  auto p = EndpointPattern::compile("https://{tenant}.zendesk.com/oauth/tokens", tenantParam());
  ASSERT_TRUE(p) << p.error().message;
  auto m = p->match("acme.zendesk.com/oauth/tokens");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("tenant"), "acme");
  EXPECT_FALSE(p->match("Acme.zendesk.com/oauth/tokens"));       // pattern is anchored
  EXPECT_FALSE(p->match("acme.zendesk.com/oauth/tokens/"));      // exact path
  EXPECT_FALSE(p->match("acme.evil.com/x.zendesk.com/oauth/tokens"));
  EXPECT_FALSE(p->match("acmeXzendesk.com/oauth/tokens"));       // '.' is literal
  EXPECT_EQ(p->fill({{"tenant", "demo"}}), "demo.zendesk.com/oauth/tokens");
}

TEST(EndpointPattern, RejectsBadTemplates) {
  EXPECT_FALSE(EndpointPattern::compile("http://a.example/x", {}));
  EXPECT_FALSE(EndpointPattern::compile("https://{nope}.example/x", {}));
  EXPECT_FALSE(EndpointPattern::compile("https://a.example/x?t={tenant}", tenantParam()));
  EXPECT_FALSE(EndpointPattern::compile("https://a.example/x#frag", {}));
  EXPECT_FALSE(EndpointPattern::compile("https://{tenant.example/x", tenantParam()));
}

TEST(EndpointPattern, FixedQueryIsKept) {
  auto p = EndpointPattern::compile("https://a.example/token?api=2", {});
  ASSERT_TRUE(p);
  ASSERT_EQ(p->fixedQuery().size(), 1u);
  EXPECT_EQ(p->fixedQuery()[0].second, "2");
  EXPECT_TRUE(p->match("a.example/token"));
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Router::build(testing::providerProfiles());
    ASSERT_TRUE(r) << r.error().message;
    router_ = std::move(*r);
  }
  Router router_;
};

TEST_F(RouterTest, MapsEveryKindOfPath) {
  auto m = router_.match("/github/github.com/login/oauth/authorize");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->provider->profile.slug, "github");
  EXPECT_EQ(m->route, Route::kAuthorize);
  EXPECT_EQ(router_.match("/github/github.com/login/oauth/access_token")->route, Route::kToken);
  EXPECT_EQ(router_.match("/github/api/me")->route, Route::kApiMe);
  EXPECT_EQ(router_.match("/github/_consent")->route, Route::kConsent);
  EXPECT_EQ(router_.match("/github/github.com/login/oauth/nope")->route, Route::kUnknownPath);
  EXPECT_EQ(router_.match("/github")->route, Route::kUnknownPath);
  EXPECT_FALSE(router_.match("/nosuch/github.com/login/oauth/authorize"));
  EXPECT_FALSE(router_.match("/"));
  EXPECT_FALSE(router_.match(""));
}

TEST_F(RouterTest, TemplatedHostsMatchOnlyTheirPattern) {
  auto m = router_.match("/zendesk/acme.zendesk.com/oauth/tokens");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, Route::kToken);
  EXPECT_EQ(m->params.at("subdomain"), "acme");
  EXPECT_EQ(router_.match("/zendesk/ac_me.zendesk.com/oauth/tokens")->route, Route::kUnknownPath);
  auto ms = router_.match("/microsoft/login.microsoftonline.com/common/oauth2/v2.0/token");
  ASSERT_TRUE(ms);
  EXPECT_EQ(ms->route, Route::kToken);
  EXPECT_EQ(ms->params.at("tenant"), "common");
}

TEST_F(RouterTest, SeparateRefreshUrl) {
  const Provider* figma = router_.find("figma");
  ASSERT_TRUE(figma && figma->refresh);
  std::map<std::string, std::string> none;
  auto m = router_.match("/figma/" + figma->refresh->fill(none));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, Route::kRefreshUrl);
}

TEST_F(RouterTest, ExampleUrlsFollowTheMappingRule) {
  const Provider* zendesk = router_.find("zendesk");
  ASSERT_TRUE(zendesk);
  std::string url = Router::exampleUrl("http://127.0.0.1:9100", *zendesk, zendesk->token);
  EXPECT_TRUE(url.starts_with("http://127.0.0.1:9100/zendesk/")) << url;
  EXPECT_EQ(url.find('{'), std::string::npos) << url;
  EXPECT_TRUE(router_.match(url.substr(std::string("http://127.0.0.1:9100").size())));
  EXPECT_EQ(Router::apiMeUrl("http://h:1", *zendesk), "http://h:1/zendesk/api/me");
}

// One URL for both (Egnyte's /puboauth/token): a GET the token endpoint does not take is the
// authorization request; a POST, and any request without a method, is the token request.
TEST(RouterBuild, SameAuthorizeAndTokenUrlIsSplitByMethod) {
  Profile p = testing::providerProfile("generic");
  p.endpoints.authorize = p.endpoints.token;
  auto r = Router::build({p});
  ASSERT_TRUE(r) << r.error().message;
  const std::string path = "/generic/generic.example/oauth/token";
  EXPECT_EQ(r->match(path, "GET")->route, Route::kAuthorize);
  EXPECT_EQ(r->match(path, "POST")->route, Route::kToken);
  EXPECT_EQ(r->match(path)->route, Route::kToken);
  p.token.methods = {"POST", "GET"};  // a token endpoint that takes GET keeps it
  auto both = Router::build({p});
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->match(path, "GET")->route, Route::kToken);
}

TEST_F(RouterTest, DistinctUrlsIgnoreTheMethod) {
  EXPECT_EQ(router_.match("/github/github.com/login/oauth/access_token", "GET")->route,
            Route::kToken);
  EXPECT_EQ(router_.match("/github/github.com/login/oauth/authorize", "POST")->route,
            Route::kAuthorize);
}

TEST(RouterBuild, DuplicateSlugIsAnError) {
  Profile p = testing::providerProfile("generic");
  auto r = Router::build({p, p});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("duplicate slug generic"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::sim
