// Refresh-time id_token validation (C-8.9, OIDC Core §12.2) against a scripted JWKS: a good
// refreshed id_token (no nonce) is taken; one naming another subject or issuer, a forged or
// expired one, is refused naming the rule; no id_token leaves the stored one alone.
#include "gateway/oidc_refresh.h"

#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/jws.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

constexpr int64_t kNow = 1'700'000'000;

const JwsKey& signingKey() {
  static const JwsKey k = *JwsKey::generate(2048);
  return k;
}
const JwsKey& strangerKey() {
  static const JwsKey k = *JwsKey::generate(2048);
  return k;
}

class OidcRefreshTest : public ::testing::Test {
 protected:
  OidcRefreshTest() : cache_(http_, clock_) {
    http_.answer([](const HttpRequest&) -> Result<HttpResponse> {
      return HttpResponse{200, {}, Json{{"keys", {signingKey().publicJwk("k1")}}}.dump()};
    });
    expect_.issuer = "http://sim/generic/generic.example";
    expect_.jwks_uri = "http://sim/jwks";
    expect_.client_id = "client-1";
    expect_.nonce = "flow-nonce";  // left over from the flow: must not be required at refresh
    expect_.access_token = "at-2";
    expect_.now = kNow;
    stored_ = Json{{"id_token", "old"},
                   {"id_token_claims", {{"iss", expect_.issuer}, {"sub", "u1"}}}};
  }
  Json claims() {
    return Json{{"iss", expect_.issuer}, {"aud", "client-1"}, {"sub", "u1"},
                {"iat", kNow},           {"exp", kNow + 3600}, {"at_hash", leftHalfHash("at-2")}};
  }
  Json answer(const Json& c, const JwsKey& key = signingKey()) {
    return Json{{"access_token", "at-2"}, {"id_token", jwsSignRs256(Json{{"kid", "k1"}}, c, key)}};
  }
  Result<std::optional<RefreshedIdToken>> check(const Json& body) {
    return validateRefreshIdToken(body, expect_, cache_, stored_);
  }
  std::string refusal(const Json& body) {
    auto r = check(body);
    if (r) return "(accepted)";
    EXPECT_EQ(r.error().id, "invalid_id_token");
    return r.error().message;
  }

  testing::FakeHttpClient http_;
  ManualClock clock_;
  JwksCache cache_;
  IdTokenExpectations expect_;
  Json stored_;
};

TEST_F(OidcRefreshTest, AGoodRefreshedIdTokenWithoutNonceIsTaken) {
  auto r = check(answer(claims()));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->claims["sub"], "u1");
  EXPECT_FALSE((*r)->id_token.empty());
}

TEST_F(OidcRefreshTest, NoIdTokenInTheAnswerChangesNothing) {
  auto r = check(Json{{"access_token", "at-2"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST_F(OidcRefreshTest, AnotherSubjectIsRefused) {
  Json c = claims();
  c["sub"] = "someone-else";
  const std::string why = refusal(answer(c));
  EXPECT_NE(why.find("sub"), std::string::npos) << why;
  EXPECT_NE(why.find("§12.2"), std::string::npos) << why;
  EXPECT_EQ(why.find("someone-else"), std::string::npos) << "echoes a claim value: " << why;
}

TEST_F(OidcRefreshTest, AnotherIssuerThanTheStoredOneIsRefused) {
  stored_["id_token_claims"]["iss"] = "http://sim/generic/other";  // linked under another issuer
  EXPECT_NE(refusal(answer(claims())).find("iss"), std::string::npos);
}

TEST_F(OidcRefreshTest, TheUsualRulesStillApply) {
  EXPECT_NE(refusal(answer(claims(), strangerKey())).find("signature"), std::string::npos);
  Json c = claims();
  c["aud"] = "another-client";
  EXPECT_NE(refusal(answer(c)).find("aud"), std::string::npos);
  c = claims();
  c["exp"] = kNow - 3600;
  EXPECT_NE(refusal(answer(c)).find("expired"), std::string::npos);
  c = claims();
  c["at_hash"] = leftHalfHash("at-1");  // bound to the old access token
  EXPECT_NE(refusal(answer(c)).find("at_hash"), std::string::npos);
  EXPECT_NE(refusal(Json{{"id_token", 7}}).find("not a non-empty string"), std::string::npos);
}

TEST_F(OidcRefreshTest, ACredentialWithoutStoredClaimsTakesAValidToken) {
  stored_ = Json::object();  // imported, or linked without openid
  auto r = check(answer(claims()));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(*r);
}

}  // namespace
}  // namespace linkgate::gateway
