// connection_params[].per_client (Cognito's user pool id): a value fixed per OAuth client at
// registration, used only in the oidc issuer, so every id_token of that client names its pool.
#include <gtest/gtest.h>

#include <functional>

#include "core/base64.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;
using testing::makeRequest;

Json claimsOf(const std::string& token) {
  const size_t a = token.find('.');
  auto text = base64UrlDecode(token.substr(a + 1, token.find('.', a + 1) - a - 1));
  auto j = text ? parseJson(*text) : Result<Json>(Json());
  return j ? *j : Json();
}

// The generic profile with a per_client param `pool`, patched by `edit`; the loader's message.
std::string loadError(const std::function<void(Json&)>& edit) {
  Json doc = testing::genericProfileJson();
  doc["connection_params"] = Json::array(
      {Json{{"name", "pool"}, {"pattern", "[a-z]+"}, {"example", "main"}, {"per_client", true}}});
  doc["oidc"]["issuer"] = "https://generic.example/{pool}";
  edit(doc);
  auto p = parseProfile(doc, "generic.json");
  return p ? "" : p.error().message;
}

TEST(PerClientParam, LoaderAllowsItOnlyInTheOidcIssuer) {
  EXPECT_EQ(loadError([](Json&) {}), "");
  EXPECT_NE(loadError([](Json& d) { d["endpoints"]["token"] = "https://generic.example/{pool}/t"; })
                .find("per_client: an endpoint URL cannot use it"),
            std::string::npos);
  EXPECT_NE(loadError([](Json& d) { d["oidc"]["issuer"] = "https://generic.example"; })
                .find("\"pool\" is per_client, but oidc.issuer does not use it"),
            std::string::npos);
  EXPECT_NE(loadError([](Json& d) { d["oidc"]["userinfo"] = "https://generic.example/{pool}/u"; })
                .find("is called with a request's values only"),
            std::string::npos);
  EXPECT_NE(loadError([](Json& d) { d["connection_params"][0]["per_client"] = "yes"; })
                .find("per_client"),
            std::string::npos);
  EXPECT_NE(loadError([](Json& d) {
              d["connection_params"][0]["name"] = "client_id";
              d["oidc"]["issuer"] = "https://generic.example/{client_id}";
            }).find("POST /_sim/clients uses that name for itself"),
            std::string::npos);
  // Without per_client the same param is an ordinary one, which an endpoint must use.
  EXPECT_NE(loadError([](Json& d) { d["connection_params"][0].erase("per_client"); })
                .find("is not used by any endpoint"),
            std::string::npos);
}

class CognitoPool : public ::testing::Test {
 protected:
  CognitoPool() : s_({testing::providerProfile("cognito")}) {}
  web::Response registerClient(const Json& extra) {
    Json body{{"provider", "cognito"},
              {"client_id", GenericSim::kClient},
              {"client_secret", GenericSim::kSecret},
              {"redirect_uris", Json::array({GenericSim::kRedirect})}};
    for (const auto& [k, v] : extra.items()) body[k] = v;
    return s_.control("POST", "/_sim/clients", body);
  }
  GenericSim s_;
};

constexpr const char* kPoolBase = "http://sim.test/cognito/cognito-idp.us-east-1.amazonaws.com/";

TEST_F(CognitoPool, TheClientsPoolNamesTheIssuer) {
  web::Response r = registerClient(Json{{"user_pool_id", "eu-west-1_Zz9Yy8Xx7"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(parseJson(r.body)->value("user_pool_id", ""), "eu-west-1_Zz9Yy8Xx7");
  Json answer =
      s_.exchange(s_.code({{"scope", "openid email"}, {"nonce", "n1"}}, "cognito"), "cognito");
  ASSERT_TRUE(answer.contains("id_token")) << answer.dump();
  Json claims = claimsOf(answer["id_token"]);
  const std::string issuer = std::string(kPoolBase) + "eu-west-1_Zz9Yy8Xx7";
  EXPECT_EQ(claims["iss"], issuer);
  EXPECT_EQ(claims["aud"], GenericSim::kClient);
  EXPECT_EQ(claims["token_use"], "id");
  EXPECT_EQ(claims["cognito:username"], "ada");
  EXPECT_EQ(claims["nonce"], "n1");
  // Discovery at that issuer names it, and its JWKS holds the token's key.
  web::Response d = s_.call(makeRequest(
      "GET", "/cognito/cognito-idp.us-east-1.amazonaws.com/eu-west-1_Zz9Yy8Xx7/.well-known/"
             "openid-configuration"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(parseJson(d.body)->value("issuer", ""), issuer);
  EXPECT_EQ(parseJson(d.body)->value("jwks_uri", ""), issuer + "/.well-known/jwks.json");
  // A refresh keeps the client's pool.
  web::Response refreshed = s_.token("grant_type=refresh_token&refresh_token=" +
                                         answer["refresh_token"].get<std::string>(),
                                     std::nullopt, "cognito");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(claimsOf(parseJson(refreshed.body)->value("id_token", ""))["iss"], issuer);
}

TEST_F(CognitoPool, WithoutOneTheExamplePool) {
  ASSERT_EQ(registerClient(Json::object()).status, 201);
  Json answer = s_.exchange(s_.code({{"scope", "openid"}}, "cognito"), "cognito");
  EXPECT_EQ(claimsOf(answer.value("id_token", ""))["iss"],
            std::string(kPoolBase) + "us-east-1_Ab12Cd34E");
}

TEST_F(CognitoPool, BadRegistrationsAreRefusedAndChangeNothing) {
  ASSERT_EQ(registerClient(Json{{"user_pool_id", "eu-west-1_Keep1"}}).status, 201);
  for (const Json& bad : {Json{{"user_pool_id", "no pool"}}, Json{{"user_pool_id", 7}},
                          Json{{"user_pool_id", "x_y/../z"}}}) {
    web::Response r = registerClient(bad);
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_NE(r.body.find("user_pool_id: must be a string matching"), std::string::npos) << r.body;
  }
  // A provider without the param does not take it.
  web::Response other = s_.control("POST", "/_sim/clients",
                                   Json{{"provider", "generic"}, {"client_id", "c9"},
                                        {"client_secret", "s9"},
                                        {"redirect_uris", Json::array({GenericSim::kRedirect})},
                                        {"user_pool_id", "us-east-1_A"}});
  EXPECT_EQ(other.status, 400);
  EXPECT_NE(other.body.find("unknown field user_pool_id"), std::string::npos) << other.body;
  Json answer = s_.exchange(s_.code({{"scope", "openid"}}, "cognito"), "cognito");
  EXPECT_EQ(claimsOf(answer.value("id_token", ""))["iss"],
            std::string(kPoolBase) + "eu-west-1_Keep1");
}

}  // namespace
}  // namespace linkgate::sim
