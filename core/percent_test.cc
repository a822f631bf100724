// Tests for percent-encoding: RFC 3986 unreserved set, upper-case hex, strict decoding.
#include "core/percent.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate {
namespace {

TEST(PercentTest, EncodesAllButUnreserved) {
  EXPECT_EQ(percentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percentEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(percentEncode("a b", /*space_as_plus=*/true), "a+b");
  EXPECT_EQ(percentEncode("+"), "%2B");
  EXPECT_EQ(percentEncode(std::string("\0\xff", 2)), "%00%FF");
}

TEST(PercentTest, EncodeIntoAppends) {
  std::string out = "q=";
  percentEncodeInto(out, "a b&");
  percentEncodeInto(out, " +", /*space_as_plus=*/true);
  EXPECT_EQ(out, "q=a%20b%26+%2B");
}

TEST(PercentTest, DecodesEitherHexCase) {
  EXPECT_EQ(percentDecode("%2f%2F%c3%A9").value(), "//\xc3\xa9");
  EXPECT_EQ(percentDecode("a+b").value(), "a+b");
  EXPECT_EQ(percentDecode("a+b", /*plus_as_space=*/true).value(), "a b");
  EXPECT_EQ(percentDecode("%2B", true).value(), "+");
  EXPECT_EQ(percentDecode("").value(), "");
}

TEST(PercentTest, RejectsBadEscapes) {
  for (const char* bad : {"%G1", "%4", "%", "abc%", "%%41", "%4G", "x%1"}) {
    const auto r = percentDecode(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_percent_escape") << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

RC_GTEST_PROP(PercentProperty, RoundTripsArbitraryBytes, (const std::string& bytes, bool plus)) {
  const std::string encoded = percentEncode(bytes, plus);
  for (char c : encoded) {
    RC_ASSERT(c > 0x20 && c < 0x7f);  // output is always printable, URL-safe ASCII
  }
  const auto decoded = percentDecode(encoded, plus);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == bytes);
}

RC_GTEST_PROP(PercentProperty, DecodeNeverThrows, (const std::string& text, bool plus)) {
  const auto decoded = percentDecode(text, plus);
  if (!decoded) RC_ASSERT(decoded.error().id == "bad_percent_escape");
}

}  // namespace
}  // namespace linkgate
