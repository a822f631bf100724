// OpenID Connect in the simulator (SPEC §8): discovery, JWKS, id_token claims and signature
// (verified here with OpenSSL directly, not through core/jws), userinfo, every id_token fault,
// key rotation with a grace period, and an `oidc` block on every provider that speaks OIDC.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <set>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/percent.h"
#include "simulator/oidc_id_token.h"
#include "simulator/oidc_routes.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;
using testing::makeRequest;

// RS256 verification with OpenSSL alone: the key built from the JWK's n and e.
bool opensslVerifies(const Json& jwk, const std::string& token) {
  size_t dot = token.rfind('.');
  auto n = base64UrlDecode(jwk.value("n", ""));
  auto e = base64UrlDecode(jwk.value("e", ""));
  auto sig = base64UrlDecode(std::string_view(token).substr(dot + 1));
  if (!n || !e || !sig) return false;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                           static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, "n", bn_n);
  OSSL_PARAM_BLD_push_BN(bld, "e", bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(pctx);
  EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::string input = token.substr(0, dot);
  bool ok = key && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(key);
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return ok;
}

Json part(const std::string& token, int index) {
  size_t a = token.find('.');
  size_t b = token.find('.', a + 1);
  std::string text = index == 0 ? token.substr(0, a) : token.substr(a + 1, b - a - 1);
  auto decoded = base64UrlDecode(text);
  auto j = decoded ? parseJson(*decoded) : Result<Json>(Json());
  return j ? *j : Json();
}

constexpr const char* kIssuer = "http://sim.test/generic/generic.example";

class OidcTest : public ::testing::Test {
 protected:
  Json get(const std::string& target) {
    web::Response r = s_.call(makeRequest("GET", target));
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    auto j = parseJson(r.body);
    return j ? *j : Json();
  }
  Json jwks() { return get("/generic/generic.example/oauth/jwks"); }
  const Json* jwk(const Json& set, const std::string& kid) {
    for (const auto& k : set["keys"]) {
      if (k["kid"] == kid) return &k;
    }
    return nullptr;
  }
  // A code exchange with openid and a nonce; the token answer.
  Json openidExchange(const std::string& nonce = "n-0S6_WzA2Mj") {
    return s_.exchange(s_.code({{"scope", "openid profile"}, {"nonce", nonce}}));
  }
  void fault(const std::string& kind, const std::string& endpoint = "token") {
    web::Response r = s_.control("POST", "/_sim/faults",
                                 Json{{"provider", "generic"}, {"endpoint", endpoint}, {"kind", kind}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  GenericSim s_;
};

TEST_F(OidcTest, DiscoveryNamesTheMappedEndpoints) {
  Json d = get("/generic/generic.example/.well-known/openid-configuration");
  EXPECT_EQ(d["issuer"], kIssuer);
  EXPECT_EQ(d["authorization_endpoint"], std::string(kIssuer) + "/oauth/authorize");
  EXPECT_EQ(d["token_endpoint"], std::string(kIssuer) + "/oauth/token");
  EXPECT_EQ(d["jwks_uri"], std::string(kIssuer) + "/oauth/jwks");
  EXPECT_EQ(d["userinfo_endpoint"], std::string(kIssuer) + "/oauth/userinfo");
  EXPECT_EQ(d["id_token_signing_alg_values_supported"], Json::array({"RS256"}));
  EXPECT_EQ(d["response_types_supported"], Json::array({"code"}));
  EXPECT_EQ(d["subject_types_supported"], Json::array({"public"}));
  EXPECT_EQ(d["authorization_response_iss_parameter_supported"], true);
  web::Request with_host = makeRequest("GET", "/generic/generic.example/.well-known/openid-configuration",
                                       {{"Host", "other.test:9100"}});
  auto other = parseJson(s_.call(with_host).body);
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)["issuer"], "http://other.test:9100/generic/generic.example");
  EXPECT_EQ(s_.call(makeRequest("POST", "/generic/generic.example/.well-known/openid-configuration")).status,
            405);
}

TEST_F(OidcTest, IdTokenIsSignedAndCarriesTheClaims) {
  Json answer = openidExchange();
  ASSERT_TRUE(answer.contains("id_token")) << answer.dump();
  const std::string token = answer["id_token"];
  Json header = part(token, 0), claims = part(token, 1);
  EXPECT_EQ(header["alg"], "RS256");
  ASSERT_TRUE(header["kid"].is_string());
  const Json set = jwks();
  const Json* key = jwk(set, header["kid"]);
  ASSERT_NE(key, nullptr) << "kid not in the JWKS";
  EXPECT_EQ((*key)["kty"], "RSA");
  EXPECT_EQ((*key)["use"], "sig");
  EXPECT_TRUE(opensslVerifies(*key, token));
  std::string tampered = token;
  tampered[tampered.find('.') + 5] ^= 1;
  EXPECT_FALSE(opensslVerifies(*key, tampered));
  EXPECT_EQ(claims["iss"], kIssuer);
  EXPECT_EQ(claims["aud"], GenericSim::kClient);
  EXPECT_EQ(claims["sub"], "1001");
  EXPECT_EQ(claims["nonce"], "n-0S6_WzA2Mj");
  EXPECT_EQ(claims["email"], "alice@generic.example");
  EXPECT_EQ(claims["name"], "Alice Example");
  const int64_t now = unixSeconds(s_.clock.now());
  EXPECT_EQ(claims["iat"], now);
  EXPECT_EQ(claims["auth_time"], now);
  EXPECT_EQ(claims["exp"], now + 3600);
  std::string digest = sha256(answer["access_token"].get<std::string>());
  EXPECT_EQ(claims["at_hash"], base64UrlEncode(digest.substr(0, 16)));
  // The same user gets the same sub in the next flow; no nonce sent, none in the token.
  Json again = s_.exchange(s_.code({{"scope", "openid"}}));
  Json claims2 = part(again["id_token"], 1);
  EXPECT_EQ(claims2["sub"], "1001");
  EXPECT_FALSE(claims2.contains("nonce"));
}

TEST_F(OidcTest, NoIdTokenWithoutOpenid) {
  Json answer = s_.exchange(s_.code({{"scope", "read"}}));
  EXPECT_TRUE(answer.contains("access_token"));
  EXPECT_FALSE(answer.contains("id_token"));
}

TEST_F(OidcTest, RefreshCarriesANewIdTokenWithoutNonce) {
  Json answer = openidExchange();
  web::Response r = s_.token("grant_type=refresh_token&refresh_token=" +
                             answer["refresh_token"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  Json refreshed = *parseJson(r.body);
  ASSERT_TRUE(refreshed.contains("id_token"));
  Json claims = part(refreshed["id_token"], 1);
  EXPECT_EQ(claims["sub"], "1001");
  EXPECT_FALSE(claims.contains("nonce"));  // OIDC Core §12.2
  EXPECT_EQ(claims["at_hash"], base64UrlEncode(
                                   sha256(refreshed["access_token"].get<std::string>()).substr(0, 16)));
}

TEST_F(OidcTest, OtherSubFaultOnRefreshNamesAnotherSubject) {
  Json answer = openidExchange();
  fault("id_token_other_sub", "refresh");
  web::Response r = s_.token("grant_type=refresh_token&refresh_token=" +
                             answer["refresh_token"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  Json refreshed = *parseJson(r.body);
  const std::string t = refreshed.value("id_token", "");
  ASSERT_FALSE(t.empty());
  EXPECT_NE(part(t, 1)["sub"], "1001");
  EXPECT_EQ(part(t, 1)["iss"], kIssuer);  // otherwise a good token: only the subject differs
  EXPECT_TRUE(opensslVerifies(*jwk(jwks(), part(t, 0)["kid"]), t));
  // Used once: the next refresh names the user again.
  web::Response again = s_.token("grant_type=refresh_token&refresh_token=" +
                                 refreshed.value("refresh_token", answer["refresh_token"].get<std::string>()));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(part(parseJson(again.body)->value("id_token", ""), 1)["sub"], "1001");
}

TEST_F(OidcTest, Userinfo) {
  Json answer = openidExchange();
  const std::string at = answer["access_token"];
  web::Response ok = s_.call(makeRequest("GET", "/generic/generic.example/oauth/userinfo",
                                         {{"Authorization", "bearer " + at}}));
  ASSERT_EQ(ok.status, 200) << ok.body;
  Json info = *parseJson(ok.body);
  EXPECT_EQ(info["sub"], "1001");
  EXPECT_EQ(info["email"], "alice@generic.example");
  web::Response none = s_.call(makeRequest("GET", "/generic/generic.example/oauth/userinfo"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  web::Response unknown = s_.call(makeRequest("GET", "/generic/generic.example/oauth/userinfo",
                                              {{"Authorization", "Bearer nope"}}));
  EXPECT_EQ(unknown.status, 401);
  Json plain = s_.exchange(s_.code({{"scope", "read"}}));
  web::Response no_openid = s_.call(makeRequest(
      "GET", "/generic/generic.example/oauth/userinfo",
      {{"Authorization", "Bearer " + plain["access_token"].get<std::string>()}}));
  EXPECT_EQ(no_openid.status, 403);
  s_.clock.advance(std::chrono::hours(2));
  web::Response expired = s_.call(makeRequest("GET", "/generic/generic.example/oauth/userinfo",
                                              {{"Authorization", "Bearer " + at}}));
  EXPECT_EQ(expired.status, 401) << expired.body;
}

TEST_F(OidcTest, EachFaultMakesOneWrongIdToken) {
  const Json set = jwks();
  auto faulty = [&](const std::string& kind) {
    fault(kind);
    Json answer = openidExchange();
    EXPECT_TRUE(answer.contains("id_token")) << kind;
    return answer.value("id_token", "");
  };
  std::string t = faulty("id_token_wrong_iss");
  EXPECT_NE(part(t, 1)["iss"], kIssuer);
  EXPECT_TRUE(opensslVerifies(*jwk(set, part(t, 0)["kid"]), t));
  t = faulty("id_token_wrong_aud");
  EXPECT_NE(part(t, 1)["aud"], GenericSim::kClient);
  EXPECT_EQ(part(t, 1)["iss"], kIssuer);
  t = faulty("id_token_expired");
  EXPECT_LT(part(t, 1)["exp"].get<int64_t>(), unixSeconds(s_.clock.now()) - 600);
  t = faulty("id_token_bad_signature");
  EXPECT_FALSE(opensslVerifies(*jwk(set, part(t, 0)["kid"]), t));
  t = faulty("id_token_unknown_kid");
  EXPECT_EQ(jwk(set, part(t, 0)["kid"]), nullptr);
  for (const auto& k : set["keys"]) EXPECT_FALSE(opensslVerifies(k, t));
  t = faulty("id_token_alg_none");
  EXPECT_EQ(part(t, 0)["alg"], "none");
  EXPECT_TRUE(t.ends_with("."));
  // A replay is the client's previous good id_token, byte for byte (another flow's nonce).
  Json good = openidExchange("first-flow");
  t = faulty("id_token_replay");
  EXPECT_EQ(t, good["id_token"]);
  EXPECT_EQ(part(t, 1)["nonce"], "first-flow");
  // Each fault is used once: the next answer is good again.
  Json after = openidExchange("later");
  EXPECT_EQ(part(after["id_token"], 1)["nonce"], "later");
  EXPECT_TRUE(opensslVerifies(*jwk(set, part(after["id_token"], 0)["kid"]), after["id_token"]));
}

TEST_F(OidcTest, IdTokenFaultsOnlyOnTokenEndpoints) {
  web::Response r = s_.control("POST", "/_sim/faults",
                               Json{{"provider", "generic"}, {"endpoint", "authorize"},
                                    {"kind", "id_token_wrong_aud"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("token and refresh only"), std::string::npos) << r.body;
}

TEST_F(OidcTest, KeyRotationKeepsTheOldKeyForTheGracePeriod) {
  const std::string old_kid = part(openidExchange()["id_token"], 0)["kid"];
  web::Response r = s_.control("POST", "/_sim/providers/generic/keys/rotate",
                               Json{{"grace_seconds", 300}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string new_kid = (*parseJson(r.body))["current_kid"];
  EXPECT_NE(new_kid, old_kid);
  Json set = jwks();
  EXPECT_EQ(set["keys"].size(), 2u);
  EXPECT_NE(jwk(set, old_kid), nullptr);
  const std::string token = openidExchange()["id_token"];
  EXPECT_EQ(part(token, 0)["kid"], new_kid);
  EXPECT_TRUE(opensslVerifies(*jwk(set, new_kid), token));
  s_.clock.advance(std::chrono::seconds(301));
  set = jwks();
  EXPECT_EQ(set["keys"].size(), 1u);
  EXPECT_EQ(jwk(set, old_kid), nullptr);
  Json keys = get("/_sim/providers/generic/keys");
  EXPECT_EQ(keys["current_kid"], new_kid);
  EXPECT_EQ(keys["issuer"], kIssuer);
  EXPECT_EQ(keys["discovery_url"], std::string(kIssuer) + "/.well-known/openid-configuration");
  EXPECT_EQ(keys["id_token_on_refresh"], true);  // generic's profile: oidc.on_refresh
  // Reset: back to the first key.
  ASSERT_EQ(s_.control("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(get("/_sim/providers/generic/keys")["current_kid"], old_kid);
}

TEST_F(OidcTest, KeysControlRefusesBadInput) {
  EXPECT_EQ(s_.control("POST", "/_sim/providers/generic/keys/rotate", Json{{"grace_seconds", -1}})
                .status, 400);
  EXPECT_EQ(s_.control("POST", "/_sim/providers/generic/keys/rotate", Json{{"nope", 1}}).status,
            400);
  EXPECT_EQ(s_.control("GET", "/_sim/providers/generic/keys/rotate").status, 405);
  EXPECT_EQ(s_.control("POST", "/_sim/providers/generic/keys").status, 405);
  EXPECT_EQ(s_.control("GET", "/_sim/providers/nope/keys").status, 404);
  web::Response r = s_.call(makeRequest("POST", "/_sim/providers/generic/keys/rotate", {}, "{bad"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(get("/_sim/providers/generic/keys")["keys"].size(), 1u) << "a refused rotation rotated";
}

// Every profile whose provider speaks OIDC has an `oidc` block, and its discovery document is
// served at the mapped issuer with the mapped endpoints.
TEST(OidcProfilesTest, EveryOidcProviderIsDiscoverable) {
  testing::TestSimulator s(testing::providerProfiles(), true);
  std::set<std::string> with_oidc;
  for (const auto& p : s.sim->router().providers()) {
    if (!p->profile.oidc) continue;
    with_oidc.insert(p->profile.slug);
    std::map<std::string, std::string> examples;
    for (const auto& [name, spec] : p->profile.params) examples[name] = spec.example;
    const std::string base = "http://sim.test";
    const std::string issuer = base + "/" + p->profile.slug + "/" + p->oidc->issuer.fill(examples);
    web::Response r = s.call(makeRequest("GET", discoveryUrl(issuer).substr(base.size())));
    ASSERT_EQ(r.status, 200) << p->profile.slug << ": " << r.body;
    Json d = *parseJson(r.body);
    // A multi-tenant issuer (Microsoft `common`) names {tenantid} in its discovery document.
    EXPECT_EQ(d["issuer"], p->profile.oidc->tenant_issuer ? mappedIssuer(base, *p, examples) : issuer)
        << p->profile.slug;
    EXPECT_EQ(d["token_endpoint"], Router::exampleUrl(base, *p, p->token)) << p->profile.slug;
    EXPECT_EQ(d["authorization_endpoint"], Router::exampleUrl(base, *p, p->authorize));
    const std::string jwks = d["jwks_uri"];
    web::Response k = s.call(makeRequest("GET", jwks.substr(base.size())));
    ASSERT_EQ(k.status, 200) << p->profile.slug << " jwks: " << k.body;
    EXPECT_EQ((*parseJson(k.body))["keys"].size(), 1u);
    EXPECT_EQ(d.contains("userinfo_endpoint"), p->profile.oidc->userinfo.has_value());
  }
  for (const char* slug : {"google", "microsoft", "apple", "okta", "salesforce", "linkedin",
                           "gitlab", "yahoo", "xero", "generic"}) {
    EXPECT_TRUE(with_oidc.contains(slug)) << slug << " speaks OIDC but has no oidc block";
  }
}

// Microsoft's issuer is per tenant: discovery under a named tenant names that tenant; under the
// multi-tenant aliases (common, organizations, consumers) it names the literal {tenantid}.
TEST(OidcProfilesTest, MicrosoftIssuerFollowsTheTenant) {
  testing::TestSimulator s({testing::providerProfile("microsoft")}, true);
  const std::string guid = "9a0c3f47-1b2d-4e5f-8a6b-7c8d9e0f1a2b";
  web::Response named = s.call(makeRequest(
      "GET", "/microsoft/login.microsoftonline.com/" + guid + "/v2.0/.well-known/openid-configuration"));
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ((*parseJson(named.body))["issuer"],
            "http://sim.test/microsoft/login.microsoftonline.com/" + guid + "/v2.0");
  web::Response r = s.call(makeRequest(
      "GET", "/microsoft/login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json d = *parseJson(r.body);
  EXPECT_EQ(d["issuer"], "http://sim.test/microsoft/login.microsoftonline.com/{tenantid}/v2.0");
  EXPECT_EQ(d["token_endpoint"],
            "http://sim.test/microsoft/login.microsoftonline.com/organizations/oauth2/v2.0/token");
  EXPECT_EQ(d["subject_types_supported"], Json::array({"pairwise"}));
  // The keys control names the templated issuer and where its document is (the example tenant).
  web::Response keys = s.call(makeRequest("GET", "/_sim/providers/microsoft/keys"));
  ASSERT_EQ(keys.status, 200) << keys.body;
  Json k = *parseJson(keys.body);
  EXPECT_EQ(k["issuer"], "http://sim.test/microsoft/login.microsoftonline.com/{tenantid}/v2.0");
  EXPECT_EQ(k["discovery_url"], "http://sim.test/microsoft/login.microsoftonline.com/common/v2.0/"
                                ".well-known/openid-configuration");
  EXPECT_EQ(s.call(makeRequest("GET", "/microsoft/login.microsoftonline.com/bad_tenant!/v2.0/"
                                      ".well-known/openid-configuration")).status, 404);
}

// Through `common`, the id_token's iss is the signed-in user's tenant (its tid claim).
TEST(OidcProfilesTest, MicrosoftCommonIdTokenNamesTheUsersTenant) {
  testing::GenericSim s({testing::providerProfile("microsoft")});
  Json answer = s.exchange(s.code({{"scope", "openid offline_access User.Read"}}, "microsoft"),
                           "microsoft");
  ASSERT_TRUE(answer.contains("id_token")) << answer.dump();
  Json claims = part(answer["id_token"], 1);
  ASSERT_TRUE(claims["tid"].is_string());
  EXPECT_EQ(claims["iss"], "http://sim.test/microsoft/login.microsoftonline.com/" +
                               claims["tid"].get<std::string>() + "/v2.0");
}

// LINE web login: HS256 keyed with the channel secret, no kid (developers.line.biz
// verify-id-token); checked here with OpenSSL's HMAC, not core/jws. Its faults make tokens that do not verify.
TEST(OidcProfilesTest, LineIdTokenIsHs256KeyedWithTheChannelSecret) {
  testing::GenericSim s({testing::providerProfile("line")});
  auto hmacVerifies = [](const std::string& token, const std::string& secret) {
    size_t dot = token.rfind('.');
    const std::string input = token.substr(0, dot);
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    auto sig = base64UrlDecode(std::string_view(token).substr(dot + 1));
    return sig && len == 32 && *sig == std::string(reinterpret_cast<char*>(mac), len);
  };
  auto idToken = [&] {  // LINE takes client_secret_post only
    const std::string code = s.code({{"scope", "openid profile"}, {"nonce", "n1"}}, "line");
    web::Response r = s.token("grant_type=authorization_code&code=" + code + "&redirect_uri=" +
                                  percentEncode(GenericSim::kRedirect) + "&client_id=" +
                                  GenericSim::kClient + "&client_secret=" + GenericSim::kSecret,
                              HeaderList{}, "line");
    EXPECT_EQ(r.status, 200) << r.body;
    auto answer = parseJson(r.body);
    return answer ? answer->value("id_token", std::string()) : std::string();
  };
  const std::string token = idToken();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(part(token, 0), (Json{{"alg", "HS256"}, {"typ", "JWT"}}));
  EXPECT_TRUE(hmacVerifies(token, GenericSim::kSecret));
  EXPECT_FALSE(hmacVerifies(token, "another-secret"));
  Json claims = part(token, 1);
  EXPECT_EQ(claims["iss"], "http://sim.test/line/access.line.me");
  EXPECT_EQ(claims["aud"], GenericSim::kClient);
  EXPECT_EQ(claims["nonce"], "n1");
  EXPECT_EQ(claims["amr"], Json::array({"pwd"}));
  web::Response d =
      s.call(makeRequest("GET", "/line/access.line.me/.well-known/openid-configuration"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ((*parseJson(d.body))["id_token_signing_alg_values_supported"], Json::array({"HS256"}));
  for (const char* kind : {"id_token_bad_signature", "id_token_unknown_kid"}) {
    web::Response f = s.control("POST", "/_sim/faults",
                                Json{{"provider", "line"}, {"endpoint", "token"}, {"kind", kind}});
    ASSERT_EQ(f.status, 201) << f.body;
    const std::string wrong = idToken();
    ASSERT_FALSE(wrong.empty()) << kind;
    EXPECT_FALSE(hmacVerifies(wrong, GenericSim::kSecret)) << kind;
  }
}

TEST(OidcProfilesTest, AppleAlwaysSendsAnIdToken) {
  Profile apple = testing::providerProfile("apple");
  ASSERT_TRUE(apple.oidc);
  EXPECT_EQ(apple.oidc->id_token, IdTokenWhen::kAlways);
  EXPECT_FALSE(apple.oidc->userinfo);
}

// Sign in with Slack: iss https://slack.com, sub = the Slack user id, Slack's claims; with no
// nonce sent the id_token still carries nonce "" (next-auth #9002), a sent one is kept.
TEST(OidcProfilesTest, SlackOpenidClaimsAndItsEmptyNonce) {
  GenericSim s({testing::providerProfile("slack-openid")});
  Json without = s.exchange(s.code({{"scope", "openid email profile"}}, "slack-openid"),
                            "slack-openid");
  ASSERT_TRUE(without.contains("id_token")) << without.dump();
  Json claims = part(without["id_token"], 1);
  EXPECT_EQ(claims["iss"], "http://sim.test/slack-openid/slack.com");
  EXPECT_EQ(claims["sub"], "U061F7AUR");
  EXPECT_EQ(claims["https://slack.com/user_id"], "U061F7AUR");
  EXPECT_EQ(claims["https://slack.com/team_id"], "T9TK3CUKW");
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 300);
  ASSERT_TRUE(claims.contains("nonce"));
  EXPECT_EQ(claims["nonce"], "");
  EXPECT_EQ(without["ok"], true);
  EXPECT_EQ(without["token_type"], "Bearer");
  Json with = s.exchange(s.code({{"scope", "openid"}, {"nonce", "n-7"}}, "slack-openid"),
                         "slack-openid");
  EXPECT_EQ(part(with.value("id_token", ""), 1)["nonce"], "n-7");
  // Another OIDC profile keeps the rule of OIDC Core §2: no nonce sent, no claim.
  Json generic = s.exchange(s.code({{"scope", "openid"}}));
  EXPECT_FALSE(part(generic.value("id_token", ""), 1).contains("nonce"));
}

TEST(OidcProfilesTest, LoaderRefusesBadOidcBlocks) {
  auto with = [](const Json& oidc) {
    Json doc = testing::genericProfileJson();
    doc["oidc"] = oidc;
    return parseProfile(doc, "generic.json");
  };
  Json good{{"issuer", "https://generic.example"}, {"jwks_uri", "https://generic.example/jwks"}};
  EXPECT_TRUE(with(good));
  Json j = good;
  j["claims"] = {{"iss", "x"}};
  EXPECT_NE(with(j).error().message.find("oidc.claims.iss"), std::string::npos);
  j = good;
  j["claims"] = {{"email", "{user.nope}"}};
  EXPECT_FALSE(with(j));
  j = good;
  j["signing_alg"] = "HS256";
  EXPECT_TRUE(with(j));
  j["signing_alg"] = "ES256";
  EXPECT_NE(with(j).error().message.find("oidc.signing_alg"), std::string::npos);
  j = good;
  j["extra"] = 1;
  EXPECT_NE(with(j).error().message.find("oidc.extra: unknown field"), std::string::npos);
  j = good;
  j.erase("jwks_uri");
  EXPECT_NE(with(j).error().message.find("oidc.jwks_uri: required"), std::string::npos);
  j = good;
  j["issuer"] = "https://generic.example//";
  EXPECT_FALSE(with(j));
  j = good;  // a tenant issuer needs a param the issuer uses and a claim the template has
  j["tenant_issuer"] = {{"param", "tenant"}, {"values", {"common"}}, {"claim", "tid"}};
  EXPECT_NE(with(j).error().message.find("oidc.tenant_issuer.param"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::sim
