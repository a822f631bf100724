// "Sign in as any user": stable derived identities, shaped like the profile's users, usable for
// the whole flow (code, token, api/me); bad input refused.
#include "simulator/any_user.h"

#include <gtest/gtest.h>

#include "core/params.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

Profile sampleProfile() {
  Profile p;
  p.slug = "sample";
  p.users.push_back({{"id", "10045"}, {"login", "alice"}, {"email", "alice@sample.example"},
                     {"name", "Alice Example"}, {"uuid", "1f0c9e2a-77aa-4b3c-9d1e-000000000001"},
                     {"team_id", "T42"}});
  return p;
}

TEST(DeriveUser, SameTextSameUserShapedLikeTheProfilesUsers) {
  const Profile p = sampleProfile();
  auto a = deriveUser(p, "carol@corp.example");
  auto b = deriveUser(p, " carol@corp.example ");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->at("email"), "carol@corp.example");
  EXPECT_EQ(a->at("login"), "carol");
  EXPECT_EQ(a->at("name"), "Carol Example");
  EXPECT_EQ(a->at("team_id"), "T42");  // the organisation stays
  EXPECT_EQ(a->at("id").size(), 5u);
  EXPECT_EQ(a->at("id").find_first_not_of("0123456789"), std::string::npos);
  EXPECT_NE(a->at("id"), "10045");
  EXPECT_EQ(a->at("uuid").size(), 36u);
  EXPECT_EQ(a->at("uuid")[8], '-');
  auto other = deriveUser(p, "dave");
  ASSERT_TRUE(other);
  EXPECT_NE(other->at("id"), a->at("id"));
  EXPECT_EQ(other->at("email"), "dave@sample.example");  // the profile's domain
}

TEST(DeriveUser, ATestUsersIdOrEmailIsThatUser) {
  const Profile p = sampleProfile();
  EXPECT_EQ(deriveUser(p, "10045")->at("login"), "alice");
  EXPECT_EQ(deriveUser(p, "alice@sample.example")->at("id"), "10045");
}

TEST(DeriveUser, BadInputIsRefused) {
  const Profile p = sampleProfile();
  for (const std::string& bad : std::vector<std::string>{"", "   ", std::string(129, 'a'), "a b", "a\x01"}) {
    auto r = deriveUser(p, bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().id, "invalid_request");
  }
}

TEST(AnyUsers, AddIsIdempotentAndFindable) {
  AnyUsers users;
  const User& first = users.add({{"id", "7"}, {"login", "x"}});
  const User& again = users.add({{"id", "7"}, {"login", "changed"}});
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(users.find("7")->at("login"), "x");
  EXPECT_EQ(users.find("8"), nullptr);
}

TEST(ConsentSignInAsAnyUser, TheTypedUserIsWhoTheTokenBelongsTo) {
  GenericSim s({}, /*auto_approve=*/false);
  web::Response page = s.authorize();
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<input type=\"text\" name=\"login_as\""), std::string::npos);
  auto consent = testing::consentId(page.body);
  ASSERT_TRUE(consent);
  auto r = s.call(testing::formPost(
      "/generic/_consent",
      Params{{"consent", *consent}, {"user", "1001"}, {"login_as", "zoe@corp.example"},
             {"decision", "approve"}}.toForm()));
  ASSERT_EQ(r.status, 302) << r.body;
  Json tokens = s.exchange(*testing::locationParam(r, "code"));
  const std::string me = s.apiMe(tokens["access_token"]).body;
  EXPECT_NE(me.find("zoe@corp.example"), std::string::npos) << me;
  EXPECT_EQ(me.find("alice"), std::string::npos) << me;
  // An empty login_as (what a form without typing submits) keeps the picked user.
  auto page2 = s.authorize();
  auto r2 = s.call(testing::formPost(
      "/generic/_consent", Params{{"consent", *testing::consentId(page2.body)}, {"user", "1002"},
                                  {"login_as", ""}, {"decision", "approve"}}.toForm()));
  ASSERT_EQ(r2.status, 302) << r2.body;
  Json tokens2 = s.exchange(*testing::locationParam(r2, "code"));
  EXPECT_NE(s.apiMe(tokens2["access_token"]).body.find("bob"), std::string::npos);
  // A bad typed value is a page, not a redirect.
  auto page3 = s.authorize();
  auto bad = s.call(testing::formPost(
      "/generic/_consent", Params{{"consent", *testing::consentId(page3.body)},
                                  {"login_as", "a b"}, {"decision", "approve"}}.toForm()));
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(bad.header("location"));
}

}  // namespace
}  // namespace linkgate::sim
