// querySignature against Shopify's documented example, and what must break it.
#include "core/query_signature.h"

#include <gtest/gtest.h>

namespace linkgate {
namespace {

const char* kSigned =
    "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
    "&state=0.6784241404160823&timestamp=1337178173"
    "&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf";

Params parsed(const std::string& text) { return *Params::parse(text); }

TEST(QuerySignature, ShopifysDocumentedExample) {
  Params q = parsed(kSigned);
  EXPECT_EQ(querySignature(q, "hmac", "hush"),
            "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf");
  EXPECT_TRUE(querySignatureValid(q, "hmac", "hush"));
  // Order of arrival does not matter; upper-case hex is the same signature.
  Params shuffled = parsed(
      "timestamp=1337178173&hmac=700E2DADB827FCC8609E9D5CE208B2E9CDAAB9DF07390D2CBCA10D7C328FC4BF"
      "&state=0.6784241404160823&shop=some-shop.myshopify.com&code=0907a61c0c8d55e99db179b68161bc00");
  EXPECT_TRUE(querySignatureValid(shuffled, "hmac", "hush"));
}

TEST(QuerySignature, AnyChangeBreaksIt) {
  EXPECT_FALSE(querySignatureValid(parsed(kSigned), "hmac", "hush2"));  // other secret
  std::string changed = kSigned;
  changed.replace(changed.find("1337178173"), 10, "1337178174");
  EXPECT_FALSE(querySignatureValid(parsed(changed), "hmac", "hush"));
  EXPECT_FALSE(querySignatureValid(parsed(std::string(kSigned) + "&extra=1"), "hmac", "hush"));
  EXPECT_FALSE(querySignatureValid(parsed(std::string(kSigned) + "&hmac=00"), "hmac", "hush"));
  Params unsigned_query = parsed(kSigned);
  unsigned_query.remove("hmac");
  EXPECT_FALSE(querySignatureValid(unsigned_query, "hmac", "hush"));
  // Shopify's legacy `signature` parameter is not part of the message.
  EXPECT_TRUE(querySignatureValid(parsed(std::string(kSigned) + "&signature=x"), "hmac", "hush"));
}

}  // namespace
}  // namespace linkgate
