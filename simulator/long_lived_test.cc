// The long_lived calls of the Instagram and Facebook profiles (issue 13), emulated strictly: the
// exchange takes a valid short-lived token (Facebook: any valid one), the renewal a long-lived
// one at least 24 h old; each takes exactly its documented parameters.
#include <gtest/gtest.h>

#include "core/percent.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

const std::string kIg = "/instagram/graph.instagram.com";
const std::string kFbToken = "/facebook/graph.facebook.com/v22.0/oauth/access_token";

Json bodyOf(const web::Response& r) { return parseJson(r.body).value_or(Json::object()); }

// The description of an error answer: Graph-shaped (error.message) or RFC 6749 (the Instagram
// profile's assumed token errors).
std::string graphError(const web::Response& r) {
  const Json body = bodyOf(r);
  if (body.contains("error") && body["error"].is_object()) {
    return body["error"].value("message", r.body);
  }
  return body.value("error_description", r.body);
}

web::Response get(GenericSim& s, const std::string& target) {
  return s.call(testing::makeRequest("GET", target));
}

// A short-lived Instagram token from a real code exchange (form POST, credentials in the body).
std::string instagramShortLived(GenericSim& s) {
  const std::string code = s.code({{"scope", "instagram_business_basic"}}, "instagram");
  web::Response t = s.call(testing::formPost(
      "/instagram/api.instagram.com/oauth/access_token",
      "grant_type=authorization_code&code=" + code + "&client_id=c1&client_secret=s1" +
          "&redirect_uri=" + percentEncode(GenericSim::kRedirect)));
  EXPECT_EQ(t.status, 200) << t.body;
  return bodyOf(t).value("access_token", "");
}

Json introspect(GenericSim& s, const std::string& token) {
  return bodyOf(s.control("POST", "/_sim/introspect", Json{{"token", token}}));
}

TEST(LongLived, InstagramExchangesAShortLivedTokenForASixtyDayOne) {
  GenericSim s({testing::providerProfile("instagram")});
  const std::string short_lived = instagramShortLived(s);
  ASSERT_FALSE(short_lived.empty());
  EXPECT_EQ(introspect(s, short_lived)["long_lived"], false);
  web::Response x = get(s, kIg + "/access_token?grant_type=ig_exchange_token&client_secret=s1"
                                 "&access_token=" + short_lived);
  ASSERT_EQ(x.status, 200) << x.body;
  const Json answer = bodyOf(x);
  const std::string long_lived = answer.value("access_token", "");
  EXPECT_NE(long_lived, short_lived);
  EXPECT_EQ(answer["expires_in"], 5184000);
  EXPECT_EQ(answer["token_type"], "bearer");
  const Json seen = introspect(s, long_lived);
  EXPECT_EQ(seen["active"], true);
  EXPECT_EQ(seen["long_lived"], true);
  EXPECT_EQ(get(s, "/instagram/api/me?access_token=" + long_lived).status, 200);
  // A long-lived token is not exchanged again: the exchange takes short-lived ones only.
  web::Response again = get(s, kIg + "/access_token?grant_type=ig_exchange_token"
                                     "&client_secret=s1&access_token=" + long_lived);
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(graphError(again).find("short-lived"), std::string::npos) << again.body;
}

TEST(LongLived, InstagramExchangeTakesExactlyItsDocumentedParameters) {
  GenericSim s({testing::providerProfile("instagram")});
  const std::string at = instagramShortLived(s);
  const std::string base = kIg + "/access_token?grant_type=ig_exchange_token";
  // The secret is required and checked (invalid_client: 401 in the RFC style the profile
  // assumes); client_id is not a parameter of this call.
  EXPECT_EQ(get(s, base + "&access_token=" + at).status, 401);
  EXPECT_EQ(get(s, base + "&client_secret=wrong&access_token=" + at).status, 401);
  web::Response with_id = get(s, base + "&client_id=c1&client_secret=s1&access_token=" + at);
  EXPECT_EQ(with_id.status, 400);
  EXPECT_NE(graphError(with_id).find("client_id"), std::string::npos) << with_id.body;
  EXPECT_EQ(get(s, kIg + "/access_token?grant_type=ig_refresh_token&client_secret=s1"
                         "&access_token=" + at).status, 400);
  EXPECT_EQ(s.call(testing::formPost(kIg + "/access_token",
                                     "grant_type=ig_exchange_token&client_secret=s1"
                                     "&access_token=" + at)).status, 405);
  EXPECT_EQ(get(s, base + "&client_secret=s1&access_token=nope").status, 400);
  // An expired short-lived token cannot be exchanged.
  s.clock.advance(std::chrono::seconds(3601));
  EXPECT_EQ(get(s, base + "&client_secret=s1&access_token=" + at).status, 400);
}

TEST(LongLived, InstagramRenewsOnlyALongLivedTokenAtLeastADayOld) {
  GenericSim s({testing::providerProfile("instagram")});
  const std::string short_lived = instagramShortLived(s);
  const std::string renew = kIg + "/refresh_access_token?grant_type=ig_refresh_token&access_token=";
  // A short-lived token is refused by the renewal.
  web::Response young = get(s, renew + short_lived);
  EXPECT_EQ(young.status, 400);
  EXPECT_NE(graphError(young).find("long-lived"), std::string::npos) << young.body;
  const std::string long_lived =
      bodyOf(get(s, kIg + "/access_token?grant_type=ig_exchange_token&client_secret=s1"
                          "&access_token=" + short_lived)).value("access_token", "");
  ASSERT_FALSE(long_lived.empty());
  // Younger than 24 h: refused, at 23 h 59 min as at once.
  s.clock.advance(std::chrono::seconds(86340));
  web::Response early = get(s, renew + long_lived);
  EXPECT_EQ(early.status, 400);
  EXPECT_NE(graphError(early).find("younger"), std::string::npos) << early.body;
  s.clock.advance(std::chrono::seconds(60));
  // No client credentials are taken by the renewal.
  EXPECT_EQ(get(s, renew + long_lived + "&client_secret=s1").status, 400);
  web::Response renewed = get(s, renew + long_lived);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  const std::string fresh = bodyOf(renewed).value("access_token", "");
  EXPECT_NE(fresh, long_lived);
  EXPECT_EQ(bodyOf(renewed)["expires_in"], 5184000);
  EXPECT_EQ(introspect(s, fresh)["long_lived"], true);
  // The renewed token starts its own day: renewing it at once is refused.
  EXPECT_EQ(get(s, renew + fresh).status, 400);
  // The journal names the calls.
  web::Response journal = s.control("GET", "/_sim/journal?provider=instagram");
  EXPECT_NE(journal.body.find("\"endpoint\":\"exchange\""), std::string::npos);
  EXPECT_NE(journal.body.find("\"endpoint\":\"renew\""), std::string::npos);
}

TEST(LongLived, FacebookExchangesAndRenewsWithFbExchangeToken) {
  GenericSim s({testing::providerProfile("facebook")});
  web::Response a = s.authorize({{"scope", ""}}, "facebook");
  ASSERT_EQ(a.status, 302) << a.body;
  const std::string code = *testing::locationParam(a, "code");
  const std::string creds = "?client_id=c1&client_secret=s1";
  web::Response t = get(s, kFbToken + creds + "&grant_type=authorization_code&code=" + code +
                               "&redirect_uri=" + percentEncode(GenericSim::kRedirect));
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string short_lived = bodyOf(t)["access_token"];
  EXPECT_EQ(bodyOf(t)["expires_in"], 3600);
  web::Response x = get(s, kFbToken + creds + "&grant_type=fb_exchange_token&fb_exchange_token=" +
                               short_lived);
  ASSERT_EQ(x.status, 200) << x.body;
  const std::string long_lived = bodyOf(x)["access_token"];
  EXPECT_NE(long_lived, short_lived);
  EXPECT_EQ(bodyOf(x)["expires_in"], 5184000);
  EXPECT_EQ(introspect(s, long_lived)["long_lived"], true);
  EXPECT_EQ(get(s, "/facebook/api/me?access_token=" + long_lived).status, 200);
  // Renewal: the long-lived token exchanged again, before it expires.
  s.clock.advance(std::chrono::hours(24 * 59));
  web::Response renewed = get(s, kFbToken + creds +
                                     "&grant_type=fb_exchange_token&fb_exchange_token=" + long_lived);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_NE(bodyOf(renewed)["access_token"], long_lived);
  // The client must be the token's, with its secret; an expired token is refused.
  EXPECT_EQ(get(s, kFbToken + std::string("?client_id=c1&client_secret=bad") +
                       "&grant_type=fb_exchange_token&fb_exchange_token=" + long_lived).status,
            400);
  EXPECT_EQ(get(s, kFbToken + std::string("?client_secret=s1") +
                       "&grant_type=fb_exchange_token&fb_exchange_token=" + long_lived).status,
            400);
  s.clock.advance(std::chrono::hours(24 * 2));
  web::Response expired = get(s, kFbToken + creds +
                                     "&grant_type=fb_exchange_token&fb_exchange_token=" + long_lived);
  EXPECT_EQ(expired.status, 400);
  EXPECT_NE(graphError(expired).find("expired"), std::string::npos) << expired.body;
}

TEST(LongLived, TheLoaderRefusesAnInconsistentBlock) {
  Json doc = testing::genericProfileJson();
  doc["refresh"] = Json{{"issued", "never"}};
  Json body{{"access_token", "{access_token}"}};
  doc["long_lived"] = Json{{"ttl_seconds", 100},
                           {"exchange", Json{{"grant_type", "x_exchange"},
                                             {"accepts", "any"},
                                             {"response", Json{{"body", body}}}}}};
  EXPECT_TRUE(parseProfile(doc, "generic.json")) << "a valid block";
  Json no_renew = doc;
  no_renew["long_lived"]["exchange"]["accepts"] = "short_lived";
  EXPECT_FALSE(parseProfile(no_renew, "generic.json")) << "short_lived exchange without renew";
  Json refreshing = doc;
  refreshing["refresh"] = Json{{"issued", "always"}};
  EXPECT_FALSE(parseProfile(refreshing, "generic.json")) << "a refresh token exists";
  Json unknown = doc;
  unknown["long_lived"]["exchange"]["client_params"] = {"client_key"};
  EXPECT_FALSE(parseProfile(unknown, "generic.json"));
  Json same_grant = doc;
  same_grant["long_lived"]["exchange"]["grant_type"] = "refresh_token";
  EXPECT_FALSE(parseProfile(same_grant, "generic.json"));
}

}  // namespace
}  // namespace linkgate::sim
