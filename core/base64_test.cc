// Tests for base64 / base64url: RFC 4648 §10 vectors, strict decoding, round trips.
#include "core/base64.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(plain), encoded);
    EXPECT_EQ(base64Decode(encoded).value(), plain);
  }
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64UrlDecode("Zm8").value(), "fo");
  EXPECT_EQ(base64UrlDecode("Zm8=").value(), "fo");  // padding optional
}

TEST(Base64Test, RejectsMalformed) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v!", "Zm 9v", "Zh==", "Zm9=", "=Zm9",
                          "Zg==Zg==", "-_8=", "Zm9vY"}) {
    const auto r = base64Decode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_base64") << bad;
  }
  for (const char* bad : {"Z", "Zh", "+/8", "Zg=", "Zg===", "Zm9vY", "a.b"}) {
    const auto r = base64UrlDecode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_base64") << bad;
  }
}

RC_GTEST_PROP(Base64Property, RoundTrips, (const std::string& bytes)) {
  RC_ASSERT(base64Decode(base64Encode(bytes)).value() == bytes);
  const std::string url = base64UrlEncode(bytes);
  RC_ASSERT(url.find_first_of("+/=") == std::string::npos);
  RC_ASSERT(base64UrlDecode(url).value() == bytes);
}

// Strictness: a text that decodes must be the one canonical encoding of its bytes.
RC_GTEST_PROP(Base64Property, AcceptedTextIsCanonical, (const std::string& text)) {
  if (const auto d = base64Decode(text)) RC_ASSERT(base64Encode(*d) == text);
  if (const auto d = base64UrlDecode(text)) {
    const std::string unpadded = text.substr(0, text.find('='));
    RC_ASSERT(base64UrlEncode(*d) == unpadded);
  }
}

}  // namespace
}  // namespace linkgate
