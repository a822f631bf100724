// Tests for JWS RS256 and HS256: sign/verify round trips (HS256 also against RFC 7515 A.1), a
// public key rebuilt from its JWK, tampering, structural parse errors, and at_hash.
#include "core/jws.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate {
namespace {

const JwsKey& testKey() {
  static const JwsKey key = *JwsKey::generate(2048);
  return key;
}

TEST(JwsTest, SignedTokenVerifiesWithThePublicJwk) {
  std::string token = jwsSignRs256(Json{{"kid", "k1"}}, Json{{"sub", "alice"}}, testKey());
  auto parsed = parseCompactJws(token);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->header["alg"], "RS256");
  EXPECT_EQ(parsed->header["typ"], "JWT");
  EXPECT_EQ(parsed->header["kid"], "k1");
  EXPECT_EQ(parsed->payload["sub"], "alice");
  EXPECT_EQ(parsed->signature.size(), 256u);
  auto pub = JwsKey::fromJwk(testKey().publicJwk("k1"));
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_FALSE(pub->hasPrivate());
  EXPECT_EQ(pub->bits(), 2048);
  EXPECT_TRUE(pub->verifyRs256(parsed->signing_input, parsed->signature));
  EXPECT_TRUE(pub->signRs256("x").empty());
}

TEST(JwsTest, TamperedPayloadOrSignatureFails) {
  std::string token = jwsSignRs256(Json::object(), Json{{"sub", "alice"}}, testKey());
  auto parsed = *parseCompactJws(token);
  auto pub = *JwsKey::fromJwk(testKey().publicJwk("k"));
  std::string other_input = parsed.signing_input;
  other_input.back() = other_input.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(pub.verifyRs256(other_input, parsed.signature));
  std::string sig = parsed.signature;
  sig[10] = static_cast<char>(sig[10] ^ 1);
  EXPECT_FALSE(pub.verifyRs256(parsed.signing_input, sig));
  EXPECT_FALSE(pub.verifyRs256(parsed.signing_input, ""));
  auto other = *JwsKey::generate(2048);
  EXPECT_FALSE(other.verifyRs256(parsed.signing_input, parsed.signature));
}

// RFC 7515 Appendix A.1: the HS256 example's signing input, key and signature.
TEST(JwsTest, Hs256VerifiesTheRfc7515AppendixA1Example) {
  const std::string input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  const std::string key = *base64UrlDecode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  const std::string sig = *base64UrlDecode("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  EXPECT_TRUE(verifyHs256(input, sig, key));
  EXPECT_FALSE(verifyHs256(input, sig, key.substr(1)));
  EXPECT_FALSE(verifyHs256(input + "x", sig, key));
  EXPECT_FALSE(verifyHs256(input, sig.substr(1), key));
  EXPECT_FALSE(verifyHs256(input, sig, ""));
}

TEST(JwsTest, Hs256SignedTokenRoundTrips) {
  std::string token = jwsSignHs256(Json::object(), Json{{"sub", "U1"}}, "channel-secret");
  auto parsed = parseCompactJws(token);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->header, (Json{{"alg", "HS256"}, {"typ", "JWT"}}));
  EXPECT_EQ(parsed->signature.size(), 32u);
  EXPECT_TRUE(verifyHs256(parsed->signing_input, parsed->signature, "channel-secret"));
  EXPECT_FALSE(verifyHs256(parsed->signing_input, parsed->signature, "another-secret"));
}

TEST(JwsTest, BadJwksAreRefused) {
  EXPECT_EQ(JwsKey::fromJwk(Json{{"kty", "EC"}}).error().id, "bad_jwk");
  EXPECT_EQ(JwsKey::fromJwk(Json{{"kty", "RSA"}, {"n", "AQAB"}}).error().id, "bad_jwk");
  EXPECT_EQ(JwsKey::fromJwk(Json{{"kty", "RSA"}, {"n", "***"}, {"e", "AQAB"}}).error().id,
            "bad_jwk");
  Json small{{"kty", "RSA"}, {"n", base64UrlEncode(std::string(128, '\x7f'))}, {"e", "AQAB"}};
  EXPECT_EQ(JwsKey::fromJwk(small).error().message, "RSA modulus under 2048 bits");
}

TEST(JwsTest, ParseRejectsMalformedCompactForms) {
  for (std::string bad : {"", "a.b", "a.b.c.d", "!!.e30.", "e30.!!.", "e30.e30.!!", "W10.e30.",
                          "e30.bnVsbA."}) {
    auto r = parseCompactJws(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().id, "bad_jws");
  }
  auto ok = parseCompactJws("e30.e30.");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->signature.empty());
  EXPECT_EQ(ok->signing_input, "e30.e30");
}

TEST(JwsTest, LeftHalfHashIsHalfOfSha256) {
  EXPECT_EQ(leftHalfHash("abc"), base64UrlEncode(sha256("abc").substr(0, 16)));
  EXPECT_EQ(leftHalfHash("abc").size(), 22u);
}

}  // namespace
}  // namespace linkgate
