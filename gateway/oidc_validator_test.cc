// id_token validation (OIDC Core §3.1.3.7) against a scripted JWKS: every rule refuses what
// breaks it and names itself; the JWKS is cached and refetched once on an unknown kid.
#include "gateway/oidc_validator.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/jws.h"
#include "gateway/catalogue.h"
#include "gateway/catalogue_oidc.h"
#include "gateway/oidc_flow.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

constexpr const char* kJwks = "http://sim/jwks";
constexpr int64_t kNow = 1'700'000'000;

const JwsKey& key1() {
  static const JwsKey k = *JwsKey::generate(2048);
  return k;
}
const JwsKey& key2() {
  static const JwsKey k = *JwsKey::generate(2048);
  return k;
}

class OidcValidatorTest : public ::testing::Test {
 protected:
  OidcValidatorTest() : cache_(http_, clock_) {
    serve({key1().publicJwk("k1")});
    expect_.issuer = "http://sim/generic/generic.example";
    expect_.jwks_uri = kJwks;
    expect_.client_id = "client-1";
    expect_.nonce = "nonce-1";
    expect_.access_token = "at-1";
    expect_.now = kNow;
  }
  void serve(Json keys) {
    http_.answer([keys](const HttpRequest&) -> Result<HttpResponse> {
      return HttpResponse{200, {}, Json{{"keys", keys}}.dump()};
    });
  }
  Json claims() {
    return Json{{"iss", expect_.issuer}, {"aud", "client-1"}, {"sub", "u1"},
                {"iat", kNow},           {"exp", kNow + 3600}, {"nonce", "nonce-1"},
                {"at_hash", leftHalfHash("at-1")}};
  }
  Result<ValidIdToken> check(const Json& c, const JwsKey& key = key1(),
                             const std::string& kid = "k1") {
    return validateIdToken(jwsSignRs256(Json{{"kid", kid}}, c, key), expect_, cache_);
  }
  std::string refusal(const Json& c) {
    auto r = check(c);
    if (r) return "(accepted)";
    EXPECT_EQ(r.error().id, "invalid_id_token");
    return r.error().message;
  }
  size_t fetches() { return http_.requests().size(); }

  testing::FakeHttpClient http_;
  ManualClock clock_;
  JwksCache cache_;
  IdTokenExpectations expect_;
};

TEST_F(OidcValidatorTest, AcceptsAGoodToken) {
  auto r = check(claims());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "u1");
  EXPECT_EQ(r->claims["nonce"], "nonce-1");
  Json c = claims();
  c["aud"] = Json::array({"client-1", "other"});
  c["azp"] = "client-1";
  EXPECT_TRUE(check(c));
  c = claims();
  c.erase("at_hash");
  EXPECT_TRUE(check(c));
  c = claims();
  c["exp"] = kNow - 60;  // inside the leeway
  EXPECT_TRUE(check(c));
}

TEST_F(OidcValidatorTest, EachRuleRefuses) {
  Json c = claims();
  c["iss"] = "http://sim/other";
  EXPECT_NE(refusal(c).find("iss"), std::string::npos);
  c = claims();
  c["aud"] = "client-2";
  EXPECT_NE(refusal(c).find("aud"), std::string::npos);
  c = claims();
  c["aud"] = Json::array({"client-1", "other"});
  EXPECT_NE(refusal(c).find("azp"), std::string::npos);
  c = claims();
  c["azp"] = "other";
  EXPECT_NE(refusal(c).find("azp"), std::string::npos);
  c = claims();
  c["exp"] = kNow - 121;
  EXPECT_NE(refusal(c).find("expired"), std::string::npos);
  c = claims();
  c["iat"] = kNow - 86400 - 121;
  c["exp"] = kNow + 3600;
  EXPECT_NE(refusal(c).find("iat"), std::string::npos);
  c["iat"] = kNow + 600;  // a provider clock ahead of ours: exp still bounds the token
  EXPECT_EQ(refusal(c), "(accepted)");
  c = claims();
  c.erase("iat");
  EXPECT_NE(refusal(c).find("iat"), std::string::npos);
  c = claims();
  c["nonce"] = "nonce-2";
  EXPECT_NE(refusal(c).find("nonce"), std::string::npos);
  c = claims();
  c.erase("nonce");
  EXPECT_NE(refusal(c).find("nonce"), std::string::npos);
  c = claims();
  c["sub"] = "";
  EXPECT_NE(refusal(c).find("sub"), std::string::npos);
  c = claims();
  c["at_hash"] = leftHalfHash("another access token");
  EXPECT_NE(refusal(c).find("at_hash"), std::string::npos);
}

TEST_F(OidcValidatorTest, SignatureAndAlgorithm) {
  auto forged = check(claims(), key2(), "k1");  // right kid, wrong key
  ASSERT_FALSE(forged);
  EXPECT_NE(forged.error().message.find("signature"), std::string::npos);
  // alg none, and HS256 keyed with anything: refused before any key is looked at.
  Json c = claims();
  std::string body = base64UrlEncode(c.dump());
  for (const char* alg : {"none", "HS256", "RS512"}) {
    std::string token = base64UrlEncode(Json{{"alg", alg}, {"kid", "k1"}}.dump()) + "." + body + ".";
    auto r = validateIdToken(token, expect_, cache_);
    ASSERT_FALSE(r) << alg;
    EXPECT_NE(r.error().message.find(std::string("alg ") + alg), std::string::npos);
  }
  EXPECT_FALSE(validateIdToken("not.a-jws", expect_, cache_));
  EXPECT_FALSE(validateIdToken("a.b.c.d.e", expect_, cache_));  // a JWE shape
  std::string no_kid = jwsSignRs256(Json::object(), claims(), key1());
  EXPECT_NE(validateIdToken(no_kid, expect_, cache_).error().message.find("kid"),
            std::string::npos);
}

// RFC 8725 §2.1 algorithm confusion: an RS256 provider's public key, which anyone can read at
// its JWKS, used as an HMAC key. A correctly computed HS256 signature over it is still refused.
TEST_F(OidcValidatorTest, HmacKeyedWithThePublicKeyIsRefusedForAnRs256Provider) {
  const std::string public_key = key1().publicJwk("k1").dump();
  const std::string token = jwsSignHs256(Json{{"kid", "k1"}}, claims(), public_key);
  auto r = validateIdToken(token, expect_, cache_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("alg HS256 is not allowed (this provider signs RS256"),
            std::string::npos)
      << r.error().message;
  expect_.hmac_secret = public_key;  // even with a secret set, the algorithm rules
  EXPECT_FALSE(validateIdToken(token, expect_, cache_));
}

// An HS256 provider (LINE web login: catalogue oidc.signing_alg HS256): keyed with the client
// secret, no kid, no JWKS; RS256, none and a wrong secret are refused.
TEST_F(OidcValidatorTest, Hs256ProviderIsCheckedWithTheClientSecret) {
  expect_.alg = "HS256";
  expect_.hmac_secret = "channel-secret";
  expect_.jwks_uri.clear();
  auto good = validateIdToken(jwsSignHs256(Json::object(), claims(), "channel-secret"), expect_,
                              cache_);
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->subject, "u1");
  auto wrong = validateIdToken(jwsSignHs256(Json::object(), claims(), "other-secret"), expect_,
                               cache_);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("HMAC signature does not verify"), std::string::npos);
  auto rs = validateIdToken(jwsSignRs256(Json{{"kid", "k1"}}, claims(), key1()), expect_, cache_);
  ASSERT_FALSE(rs);
  EXPECT_NE(rs.error().message.find("alg RS256 is not allowed"), std::string::npos);
  std::string none = base64UrlEncode(Json{{"alg", "none"}}.dump()) + "." +
                     base64UrlEncode(claims().dump()) + ".";
  EXPECT_FALSE(validateIdToken(none, expect_, cache_));
  Json c = claims();
  c["aud"] = "client-2";  // the claim rules still apply
  EXPECT_FALSE(validateIdToken(jwsSignHs256(Json::object(), c, "channel-secret"), expect_, cache_));
  expect_.hmac_secret.clear();  // no secret: nothing verifies
  EXPECT_FALSE(validateIdToken(jwsSignHs256(Json::object(), claims(), ""), expect_, cache_));
  EXPECT_EQ(fetches(), 0u);
}

TEST_F(OidcValidatorTest, JwksIsCachedAndRefetchedOnceOnUnknownKid) {
  ASSERT_TRUE(check(claims()));
  ASSERT_TRUE(check(claims()));
  EXPECT_EQ(fetches(), 1u);
  // Rotation: k2 appears at the JWKS; the first token with kid k2 refetches once.
  serve({key1().publicJwk("k1"), key2().publicJwk("k2")});
  EXPECT_TRUE(check(claims(), key2(), "k2"));
  EXPECT_EQ(fetches(), 2u);
  EXPECT_TRUE(check(claims(), key2(), "k2"));
  EXPECT_EQ(fetches(), 2u);
  // A kid nobody publishes: one refetch, then refused.
  auto r = check(claims(), key2(), "k9");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("kid"), std::string::npos);
  EXPECT_EQ(fetches(), 3u);
  // After the TTL the set is fetched again.
  clock_.advance(std::chrono::hours(2));
  EXPECT_TRUE(check(claims(), key2(), "k2"));
  EXPECT_EQ(fetches(), 4u);
  for (const auto& req : http_.requests()) {
    EXPECT_EQ(req.url, kJwks);
    EXPECT_LE(req.total_timeout.count(), 8000);
  }
}

TEST_F(OidcValidatorTest, JwksFailuresAreErrors) {
  http_.answer([](const HttpRequest&) -> Result<HttpResponse> { return HttpResponse{500, {}, ""}; });
  EXPECT_NE(check(claims()).error().message.find("HTTP 500"), std::string::npos);
  http_.answer([](const HttpRequest&) -> Result<HttpResponse> { return fail("timeout", "slow"); });
  EXPECT_NE(check(claims()).error().message.find("timeout"), std::string::npos);
  http_.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{200, {}, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"};
  });
  EXPECT_FALSE(check(claims()));  // a 17-bit "key" is no key
}

TEST_F(OidcValidatorTest, DiscoveryGivesTheJwksUri) {
  http_.answer([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url == "http://sim/iss/.well-known/openid-configuration") {
      return HttpResponse{200, {}, R"({"issuer":"http://sim/iss","jwks_uri":"http://sim/keys"})"};
    }
    return HttpResponse{404, {}, ""};
  });
  auto uri = cache_.discoverJwksUri("http://sim/iss", {});
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(*uri, "http://sim/keys");
  EXPECT_TRUE(cache_.discoverJwksUri("http://sim/iss", {}));
  EXPECT_EQ(fetches(), 1u);  // cached
  EXPECT_FALSE(cache_.discoverJwksUri("http://sim/other", {}));
}

TEST(CatalogueOidcTest, ParsesAndRefuses) {
  Dialect d;
  auto ok = parseOidcDialect(Json{{"issuer", "https://a.example"}, {"id_token", "always"}}, d);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->id_token_always);
  EXPECT_FALSE(ok->jwks_uri);
  EXPECT_NE(parseOidcDialect(Json::object(), d).error().message.find("oidc.issuer"),
            std::string::npos);
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "http://a.example"}}, d).error().message.find("https"),
            std::string::npos);
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "https://{tenant}.example"}}, d)
                .error().message.find("placeholders"), std::string::npos);
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "https://a.example"}, {"x", 1}}, d)
                .error().message.find("unknown field"), std::string::npos);
  EXPECT_FALSE(parseOidcDialect(Json{{"issuer", "https://a.example"}, {"leeway_seconds", 9999}}, d));
  EXPECT_EQ(ok->signing_alg, "RS256");
  auto hs = parseOidcDialect(Json{{"issuer", "https://a.example"}, {"signing_alg", "HS256"}}, d);
  ASSERT_TRUE(hs) << hs.error().message;
  EXPECT_EQ(hs->signing_alg, "HS256");
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "https://a.example"}, {"signing_alg", "ES256"}}, d)
                .error().message.find("oidc.signing_alg"), std::string::npos);
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "https://a.example"}, {"signing_alg", "HS256"},
                                  {"jwks_uri", "https://a.example/jwks"}}, d)
                .error().message.find("oidc.jwks_uri"), std::string::npos);
}

// Microsoft `common` (item 3 of the OIDC brief): the discovery issuer holds {tenantid}; the
// expected iss is the issuer with the id_token's own tid as the tenant (catalogue data,
// oidc.tenant_issuer), checked against the tenant param's pattern.
TEST(CatalogueOidcTest, TenantIssuerTakesTheTokensTid) {
  auto c = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(c) << c.error().message;
  const Dialect* ms = c->find("microsoft");
  ASSERT_NE(ms, nullptr);
  ASSERT_TRUE(ms->oidc && ms->oidc->tenant_issuer);
  auto token = [](const Json& claims) {
    return jwsSignRs256(Json{{"kid", "k1"}}, claims, key1());
  };
  const std::string tid = "9a0c3f47-1b2d-4e5f-8a6b-7c8d9e0f1a2b";
  ConnectionValues common{{"tenant", "common"}};
  auto iss = realIssuer(*ms, common, token(Json{{"tid", tid}, {"sub", "s"}}));
  ASSERT_TRUE(iss) << iss.error().message;
  EXPECT_EQ(*iss, "https://login.microsoftonline.com/" + tid + "/v2.0");
  // A named tenant stays as it is, whatever the token says.
  ConnectionValues named{{"tenant", "contoso.onmicrosoft.com"}};
  EXPECT_EQ(*realIssuer(*ms, named, token(Json{{"tid", tid}})),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0");
  // No tid, or one that is no tenant id (an injection attempt): refused, naming the claim.
  auto none = issuerValues(*ms, common, token(Json{{"sub", "s"}}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().id, "invalid_id_token");
  EXPECT_NE(none.error().message.find("tid"), std::string::npos);
  auto evil = issuerValues(*ms, common, token(Json{{"tid", "evil.example/x?"}}));
  ASSERT_FALSE(evil);
  EXPECT_NE(evil.error().message.find("not a tenant id"), std::string::npos);
  // Without the block, `common` is taken literally (the bug this fixes).
  Dialect plain = *ms;
  plain.oidc->tenant_issuer.reset();
  EXPECT_EQ(*realIssuer(plain, common, token(Json{{"tid", tid}})),
            "https://login.microsoftonline.com/common/v2.0");
}

TEST(CatalogueOidcTest, TenantIssuerIsChecked) {
  auto c = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(c);
  const Dialect& ms = *c->find("microsoft");
  auto refusal = [&](Json tenant) {
    auto r = parseOidcDialect(
        Json{{"issuer", "https://login.microsoftonline.com/{tenant}/v2.0"}, {"tenant_issuer", tenant}},
        ms);
    return r ? std::string("(accepted)") : r.error().message;
  };
  const Json good = {{"param", "tenant"}, {"values", {"common"}}, {"claim", "tid"}};
  EXPECT_EQ(refusal(good), "(accepted)");
  Json bad = good;
  bad["param"] = "nope";
  EXPECT_NE(refusal(bad).find("declared connection param"), std::string::npos);
  bad = good;
  bad["values"] = Json::array();
  EXPECT_NE(refusal(bad).find("values"), std::string::npos);
  bad = good;
  bad.erase("claim");
  EXPECT_NE(refusal(bad).find("required"), std::string::npos);
  bad = good;
  bad["extra"] = 1;
  EXPECT_NE(refusal(bad).find("unknown field"), std::string::npos);
  EXPECT_NE(parseOidcDialect(Json{{"issuer", "https://login.microsoftonline.com/v2.0"},
                                  {"tenant_issuer", good}},
                             ms)
                .error().message.find("does not use it"),
            std::string::npos);
}

}  // namespace
}  // namespace linkgate::gateway
