// Tests for KeyRing: AES-256-GCM round trips, tamper detection, key rotation, bad input.
#include "core/sealer.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <openssl/evp.h>

#include "core/base64.h"

namespace linkgate {
namespace {

const std::string kKeyA(32, 'A');
const std::string kKeyB(32, 'B');

TEST(KeyRingTest, SealsAndOpens) {
  SeededRandom random(1);
  KeyRing ring(random);
  ASSERT_TRUE(ring.addKey("a", kKeyA).has_value());
  const std::string sealed = ring.seal("refresh-token", "row-7").value();
  EXPECT_TRUE(sealed.starts_with("a."));
  EXPECT_EQ(sealed.find("refresh-token"), std::string::npos);
  EXPECT_EQ(ring.open(sealed, "row-7").value(), "refresh-token");
  EXPECT_EQ(ring.open(sealed, "row-8").error().id, "auth_failed");
  EXPECT_EQ(ring.open(sealed).error().id, "auth_failed");
  EXPECT_NE(ring.seal("x").value(), ring.seal("x").value());  // fresh nonce each time
  EXPECT_EQ(ring.open(ring.seal("").value()).value(), "");
}

TEST(KeyRingTest, EmptyRingHasNoKey) {
  SeededRandom random(1);
  KeyRing ring(random);
  EXPECT_EQ(ring.seal("x").error().id, "no_key");
  EXPECT_EQ(ring.open("a.AAAA").error().id, "unknown_key");
}

TEST(KeyRingTest, RejectsBadKeys) {
  SeededRandom random(1);
  KeyRing ring(random);
  EXPECT_EQ(ring.addKey("a", "").error().id, "bad_key");
  EXPECT_EQ(ring.addKey("a", std::string(31, 'x')).error().id, "bad_key");
  EXPECT_EQ(ring.addKey("a", std::string(33, 'x')).error().id, "bad_key");
  EXPECT_EQ(ring.addKey("", kKeyA).error().id, "bad_key");
  EXPECT_EQ(ring.addKey("a.b", kKeyA).error().id, "bad_key");
  EXPECT_EQ(ring.addKey(std::string(33, 'k'), kKeyA).error().id, "bad_key");
  EXPECT_TRUE(ring.addKey(std::string(32, 'k'), kKeyA).has_value());
  EXPECT_EQ(ring.addKey(std::string(32, 'k'), kKeyB).error().id, "bad_key");
  EXPECT_EQ(ring.setPrimary("nope").error().id, "unknown_key");
}

TEST(KeyRingTest, RejectsMalformedAndTruncated) {
  SeededRandom random(1);
  KeyRing ring(random);
  ASSERT_TRUE(ring.addKey("a", kKeyA).has_value());
  const std::string sealed = ring.seal("secret").value();
  EXPECT_EQ(ring.open("").error().id, "bad_sealed");
  EXPECT_EQ(ring.open("no-dot").error().id, "bad_sealed");
  EXPECT_EQ(ring.open("a.").error().id, "bad_sealed");
  EXPECT_EQ(ring.open("a.!!!!").error().id, "bad_sealed");
  EXPECT_EQ(ring.open("b" + sealed.substr(1)).error().id, "unknown_key");
  for (size_t cut = 1; cut < sealed.size(); ++cut) {
    const auto r = ring.open(sealed.substr(0, sealed.size() - cut));
    ASSERT_FALSE(r.has_value()) << cut;
  }
  // Well-formed base64url, but fewer bytes than nonce + tag / a ciphertext missing its end.
  const std::string raw = base64UrlDecode(sealed.substr(2)).value();
  EXPECT_EQ(ring.open("a." + base64UrlEncode(raw.substr(0, 27))).error().id, "bad_sealed");
  EXPECT_EQ(ring.open("a." + base64UrlEncode(raw.substr(0, 28))).error().id, "auth_failed");
  EXPECT_EQ(ring.open("a." + base64UrlEncode(raw.substr(0, raw.size() - 1))).error().id,
            "auth_failed");
  EXPECT_EQ(ring.open("a." + base64UrlEncode(raw)).value(), "secret");
}

TEST(KeyRingTest, RotationKeepsOldTextReadable) {
  SeededRandom random(2);
  KeyRing ring(random);
  ASSERT_TRUE(ring.addKey("a", kKeyA).has_value());
  const std::string old_text = ring.seal("old").value();
  ASSERT_TRUE(ring.addKey("b", kKeyB).has_value());
  EXPECT_EQ(ring.primaryId(), "a");  // adding a key does not rotate by itself
  ASSERT_TRUE(ring.setPrimary("b").has_value());
  const std::string new_text = ring.seal("new").value();
  EXPECT_TRUE(new_text.starts_with("b."));
  EXPECT_EQ(ring.open(old_text).value(), "old");
  EXPECT_EQ(ring.open(new_text).value(), "new");

  KeyRing only_a(random);  // a ring without B cannot read B's text
  ASSERT_TRUE(only_a.addKey("a", kKeyA).has_value());
  EXPECT_EQ(only_a.open(new_text).error().id, "unknown_key");
  KeyRing wrong(random);  // same id, different bytes: authentication fails
  ASSERT_TRUE(wrong.addKey("a", kKeyB).has_value());
  EXPECT_EQ(wrong.open(old_text).error().id, "auth_failed");
}

TEST(KeyRingTest, EveryBitFlipIsRejected) {
  // Exhaustive over every bit of the text, for payload lengths of each residue mod 3 (so the
  // base64url tail has 0, 2 and 4 pad bits: accepting non-zero pad bits would let a flip pass).
  SeededRandom random(3);
  KeyRing ring(random);
  ASSERT_TRUE(ring.addKey("k1", kKeyA).has_value());
  for (const std::string plain : {"", "x", "xy", "xyz"}) {
    const std::string sealed = ring.seal(plain, "aad").value();
    for (size_t i = 0; i < sealed.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string flipped = sealed;
        flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
        EXPECT_FALSE(ring.open(flipped, "aad").has_value()) << plain << " " << i << " " << bit;
      }
    }
  }
}

RC_GTEST_PROP(KeyRingProperty, OpenInvertsSeal,
              (const std::string& plain, const std::string& aad)) {
  SeededRandom random(*rc::gen::arbitrary<uint64_t>());
  KeyRing ring(random);
  RC_ASSERT(ring.addKey("k1", kKeyA).has_value());
  const auto sealed = ring.seal(plain, aad);
  RC_ASSERT(sealed.has_value());
  RC_ASSERT(ring.open(*sealed, aad).value() == plain);
}

// AES-256-GCM of (nonce, key, aad, plain) by a context made for this one call: the oracle for
// the sealer's per-thread context, which is keyed once and re-used with a new nonce.
std::string oracleGcm(const std::string& key, const std::string& nonce, const std::string& aad,
                      const std::string& plain) {
  const auto u = [](const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  };
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(plain.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx, nullptr, nullptr, u(key), u(nonce)) == 1 &&
            EVP_EncryptUpdate(ctx, nullptr, &len, u(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx, o, &len, u(plain), static_cast<int>(plain.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, o + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, o + plain.size()) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok ? out : "";
}

RC_GTEST_PROP(KeyRingProperty, EverySealIsExactAesGcmAcrossKeyChanges,
              (const std::vector<std::tuple<bool, std::string, std::string>>& seals)) {
  SeededRandom random(*rc::gen::arbitrary<uint64_t>());
  KeyRing ring_a(random);
  KeyRing ring_b(random);
  RC_ASSERT(ring_a.addKey("a", kKeyA).has_value());
  RC_ASSERT(ring_b.addKey("b", kKeyB).has_value());
  for (const auto& [use_b, plain, aad] : seals) {
    const std::string sealed = (use_b ? ring_b : ring_a).seal(plain, aad).value();
    const auto raw = base64UrlDecode(sealed.substr(2));
    RC_ASSERT(raw.has_value());
    RC_ASSERT(raw->size() == 12 + plain.size() + 16);
    RC_ASSERT(raw->substr(12) == oracleGcm(use_b ? kKeyB : kKeyA, raw->substr(0, 12), aad, plain));
  }
}

RC_GTEST_PROP(KeyRingProperty, AnySingleBitFlipIsRejected,
              (const std::string& plain, const std::string& aad)) {
  SeededRandom random(*rc::gen::arbitrary<uint64_t>());
  KeyRing ring(random);
  RC_ASSERT(ring.addKey("k1", kKeyA).has_value());
  RC_ASSERT(ring.addKey("k2", kKeyB).has_value());
  std::string sealed = ring.seal(plain, aad).value();
  const size_t i = *rc::gen::inRange<size_t>(0, sealed.size());
  const int bit = *rc::gen::inRange(0, 8);
  sealed[i] = static_cast<char>(sealed[i] ^ (1 << bit));
  const auto opened = ring.open(sealed, aad);
  RC_ASSERT(!opened.has_value());
  const std::string& id = opened.error().id;
  RC_ASSERT(id == "bad_sealed" || id == "auth_failed" || id == "unknown_key");
}

}  // namespace
}  // namespace linkgate
