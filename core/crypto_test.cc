// Tests for crypto primitives: FIPS 180-2 / RFC 4231 / RFC 7636 vectors, tokens, comparison.
#include "core/crypto.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "core/base64.h"

namespace linkgate {
namespace {

TEST(CryptoTest, Sha256Vectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
  EXPECT_EQ(hexEncode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
  EXPECT_EQ(hexEncode(""), "");
}

TEST(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(hexEncode(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HmacWithEmptyKeyAndData) {
  // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
  EXPECT_EQ(hexEncode(hmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoTest, PkceRfc7636AppendixB) {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  EXPECT_TRUE(isValidPkceVerifier(verifier));
  EXPECT_EQ(pkceS256Challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(CryptoTest, PkceVerifierRules) {
  EXPECT_TRUE(isValidPkceVerifier(std::string(43, 'a')));
  EXPECT_TRUE(isValidPkceVerifier(std::string(128, '~')));
  EXPECT_FALSE(isValidPkceVerifier(std::string(42, 'a')));
  EXPECT_FALSE(isValidPkceVerifier(std::string(129, 'a')));
  EXPECT_FALSE(isValidPkceVerifier(std::string(42, 'a') + "+"));
  EXPECT_FALSE(isValidPkceVerifier(std::string(42, 'a') + "="));
  EXPECT_FALSE(isValidPkceVerifier(""));
}

TEST(CryptoTest, RandomTokens) {
  SeededRandom random(7);
  const std::string t = randomToken(random);
  EXPECT_EQ(base64UrlDecode(t).value().size(), 32u);
  EXPECT_EQ(base64UrlDecode(randomToken(random, 129)).value().size(), 17u);
  EXPECT_EQ(base64UrlDecode(randomToken(random, 0)).value().size(), 1u);
  std::set<std::string> seen;
  SystemRandom system;
  for (int i = 0; i < 100; ++i) seen.insert(randomToken(system));
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& token : seen) {
    EXPECT_EQ(token.size(), 43u);
    EXPECT_TRUE(isValidPkceVerifier(token));  // a default token is a usable PKCE verifier
  }
}

TEST(CryptoTest, ConstantTimeEqualBasics) {
  EXPECT_TRUE(constantTimeEqual("", ""));
  EXPECT_TRUE(constantTimeEqual("abc", "abc"));
  EXPECT_FALSE(constantTimeEqual("abc", "abd"));
  EXPECT_FALSE(constantTimeEqual("abc", "ab"));
  EXPECT_FALSE(constantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

RC_GTEST_PROP(CryptoProperty, ConstantTimeEqualAgreesWithEquality,
              (const std::string& a, const std::string& b)) {
  RC_ASSERT(constantTimeEqual(a, b) == (a == b));
  RC_ASSERT(constantTimeEqual(a, a));
}

RC_GTEST_PROP(CryptoProperty, ConstantTimeEqualDetectsOneFlippedBit, (const std::string& a)) {
  RC_PRE(!a.empty());
  std::string b = a;
  const size_t i = *rc::gen::inRange<size_t>(0, a.size());
  b[i] = static_cast<char>(b[i] ^ (1 << *rc::gen::inRange(0, 8)));
  RC_ASSERT(!constantTimeEqual(a, b));
}

}  // namespace
}  // namespace linkgate
