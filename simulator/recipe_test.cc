// Recipes: GET /_sim/providers/{slug} says how to configure a client, from the profile alone.
#include "simulator/recipe.h"

#include <gtest/gtest.h>

#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

Json get(GenericSim& s, const std::string& slug, int status) {
  web::Response r = s.control("GET", "/_sim/providers/" + slug);
  EXPECT_EQ(r.status, status) << r.body;
  return parseJson(r.body).value_or(Json::object());
}

TEST(Recipe, SaysWhereTheTokenSitsAndWhatToSend) {
  GenericSim s({testing::providerProfile("slack"), testing::providerProfile("zendesk"),
                testing::providerProfile("withings")});
  Json slack = get(s, "slack", 200);
  EXPECT_EQ(slack["slug"], "slack");
  EXPECT_TRUE(slack.contains("dialect"));
  const Json& r = slack["recipe"];
  EXPECT_EQ(r["token"]["access_token_at"], "authed_user.access_token");
  EXPECT_EQ(r["refresh"]["access_token_at"], "access_token");
  EXPECT_EQ(r["refresh"]["rotation"], "strict");
  EXPECT_EQ(r["authorize"]["scope_separator"], "comma");
  EXPECT_EQ(r["urls"]["simulator_token"], "http://sim.test/slack/slack.com/api/oauth.v2.access");
  EXPECT_EQ(r["tolerated"]["authorize"]["response_type"]["accept"], Json::array({""}));
  EXPECT_EQ(r["client"]["client_auth"], Json::array({"client_secret_basic", "client_secret_post"}));
  EXPECT_FALSE(r["deviations"].get<std::string>().empty());

  Json zendesk = get(s, "zendesk", 200)["recipe"];
  EXPECT_EQ(zendesk["urls"]["connection_params"][0]["name"], "subdomain");
  Json withings = get(s, "withings", 200)["recipe"];
  EXPECT_EQ(withings["token"]["access_token_at"], "body.access_token");
  EXPECT_EQ(withings["token"]["extra_params"]["action"], "requesttoken");

  get(s, "nosuch", 404);
  EXPECT_EQ(s.control("POST", "/_sim/providers/slack", Json::object()).status, 405);
}

TEST(Recipe, MarkdownNamesEveryProfile) {
  std::vector<Profile> all = testing::providerProfiles();
  std::string md = recipesMarkdown(all);
  for (const Profile& p : all) {
    EXPECT_NE(md.find("(`" + p.slug + "`)"), std::string::npos) << p.slug;
  }
  EXPECT_NE(md.find("Basic: form-encode id and secret"), std::string::npos);
  EXPECT_NE(md.find("{base}/google/accounts.google.com/o/oauth2/v2/auth"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::sim
