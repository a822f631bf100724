// Several accounts behind one login, as the simulator emulates them (issue 13): Xero's access
// token is a JWT naming this authorisation (authentication_event_id), and GET /connections lists
// an earlier tenant first and this authorisation's second; Atlassian lists two sites.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/percent.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

Json claimsOf(const std::string& jwt) {
  const size_t a = jwt.find('.'), b = jwt.find('.', a + 1);
  if (a == std::string::npos || b == std::string::npos) return Json();
  auto payload = base64UrlDecode(std::string_view(jwt).substr(a + 1, b - a - 1));
  return payload ? parseJson(*payload).value_or(Json()) : Json();
}

Json xeroTokens(GenericSim& s) {
  const std::string code = s.code({{"scope", "openid offline_access"}}, "xero");
  web::Response t = s.token("grant_type=authorization_code&code=" + code + "&redirect_uri=" +
                                percentEncode(GenericSim::kRedirect),
                            std::nullopt, "xero");
  EXPECT_EQ(t.status, 200) << t.body;
  return parseJson(t.body).value_or(Json::object());
}

Json connections(GenericSim& s, const std::string& token) {
  web::Response r = s.call(testing::makeRequest("GET", "/xero/api.xero.com/connections",
                                                {{"Authorization", "Bearer " + token}}));
  EXPECT_EQ(r.status, 200) << r.body;
  return parseJson(r.body).value_or(Json::array());
}

TEST(AccountChoice, XeroTokensNameTheirAuthorisationAndConnectionsListItSecond) {
  GenericSim s({testing::providerProfile("xero")});
  const Json first = xeroTokens(s);
  const std::string at = first.value("access_token", "");
  const Json claims = claimsOf(at);
  ASSERT_TRUE(claims.is_object()) << "the access token is not a JWT: " << at;
  const std::string event = claims.value("authentication_event_id", "");
  EXPECT_EQ(event.size(), 36u) << claims.dump();
  EXPECT_EQ(claims.value("client_id", ""), GenericSim::kClient);
  EXPECT_TRUE(claims.contains("exp") && claims.contains("xero_userid"));
  const Json list = connections(s, at);
  ASSERT_EQ(list.size(), 2u) << list.dump();
  EXPECT_NE(list[0].value("authEventId", ""), event) << "the first is an earlier authorisation";
  EXPECT_EQ(list[1].value("authEventId", ""), event);
  EXPECT_NE(list[0].value("tenantId", ""), list[1].value("tenantId", ""));

  // Another authorisation, another event; a refresh keeps its authorisation's.
  const Json second = xeroTokens(s);
  const std::string event2 = claimsOf(second.value("access_token", "")).value("authentication_event_id", "");
  EXPECT_NE(event2, event);
  web::Response r = s.token("grant_type=refresh_token&refresh_token=" +
                                first.value("refresh_token", ""),
                            std::nullopt, "xero");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string refreshed = parseJson(r.body).value()["access_token"];
  EXPECT_NE(refreshed, at);
  EXPECT_EQ(claimsOf(refreshed).value("authentication_event_id", ""), event);
  EXPECT_EQ(connections(s, refreshed)[1].value("authEventId", ""), event);
}

TEST(AccountChoice, TheLoaderChecksAccessTokenJwt) {
  Json generic = testing::genericProfileJson();
  generic["token"]["access_token_jwt"] = Json{{"claims", Json{{"sub", "{user.id}"}}},
                                              {"evidence", "e"}};
  ASSERT_TRUE(generic.contains("oidc"));
  EXPECT_TRUE(parseProfile(generic, "generic.json")) << "signed with the oidc key";
  Json unsigned_jwt = generic;
  unsigned_jwt.erase("oidc");
  EXPECT_FALSE(parseProfile(unsigned_jwt, "generic.json")) << "no oidc block to sign with";
  Json prefixed = generic;
  prefixed["token"]["access_token_prefix"] = "gen_";
  EXPECT_FALSE(parseProfile(prefixed, "generic.json")) << "a JWT has no prefix";
  Json reserved = testing::genericProfileJson();
  reserved["token"]["access_token_jwt"] = Json{{"claims", Json{{"exp", 1}}}, {"evidence", "e"}};
  EXPECT_FALSE(parseProfile(reserved, "generic.json"));
  Json no_evidence = testing::genericProfileJson();
  no_evidence["token"]["access_token_jwt"] = Json{{"claims", Json::object()}};
  EXPECT_FALSE(parseProfile(no_evidence, "generic.json"));
}

}  // namespace
}  // namespace linkgate::sim
