// Parameter hygiene helpers: UTF-8 (property against a reference encoder), UUIDs, redirects.
#include "gateway/request_checks.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>

namespace linkgate::gateway {
namespace {

std::string encodeUtf8(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

RC_GTEST_PROP(Utf8, EncodedScalarValuesAreValidAndTruncationsAreNot, ()) {
  const auto points = *rc::gen::container<std::vector<uint32_t>>(rc::gen::suchThat(
      rc::gen::inRange<uint32_t>(0, 0x110000), [](uint32_t cp) { return cp < 0xD800 || cp > 0xDFFF; }));
  std::string text;
  for (uint32_t cp : points) text += encodeUtf8(cp);
  RC_ASSERT(isValidUtf8(text));
  const uint32_t last = *rc::gen::inRange<uint32_t>(0x80, 0x110000);
  RC_PRE(last < 0xD800 || last > 0xDFFF);
  const std::string multi = encodeUtf8(last);
  RC_ASSERT(!isValidUtf8(text + multi.substr(0, multi.size() - 1)));
}

TEST(Utf8, RejectsOverlongSurrogatesAndStrayBytes) {
  for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xFF", "\x80", "a\xC3"}) {
    EXPECT_FALSE(isValidUtf8(bad)) << bad;
  }
  EXPECT_TRUE(isValidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_TRUE(hasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(hasControlChars("a\rb"));
  EXPECT_TRUE(hasControlChars("a\x7f"));
  EXPECT_FALSE(hasControlChars("caf\xC3\xA9"));
}

TEST(Uuid, CanonicalFormOnly) {
  SeededRandom random(1);
  const std::string id = newUuid(random);
  EXPECT_TRUE(isUuid(id));
  EXPECT_EQ(id[14], '4');
  // The 16 random bytes, in order, as lower-case hex with the version and variant bits set.
  SeededRandom same(1);
  uint8_t b[16];
  same.fill(b, sizeof b);
  char expected[37];
  std::snprintf(expected, sizeof expected,
                "%02x%02x%02x%02x-%02x%02x-4%x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6] & 0x0F, b[7], (b[8] & 0x3F) | 0x80, b[9], b[10],
                b[11], b[12], b[13], b[14], b[15]);
  EXPECT_EQ(id, expected);
  EXPECT_TRUE(isUuid("00000000-0000-4000-8000-00000000000A"));
  for (const char* bad : {"", "0000000-0000-4000-8000-000000000000", "00000000000040008000000000000000",
                          "00000000-0000-4000-8000-00000000000g", "{00000000-0000-4000-8000-000000000000}"}) {
    EXPECT_FALSE(isUuid(bad)) << bad;
  }
}

TEST(AppendToRedirect, KeepsExistingQueryAndEncodes) {
  Params p{{"code", "a b"}, {"state", "&="}};
  EXPECT_EQ(appendToRedirect("https://x/cb", p), "https://x/cb?code=a%20b&state=%26%3D");
  EXPECT_EQ(appendToRedirect("https://x/cb?t=1", p), "https://x/cb?t=1&code=a%20b&state=%26%3D");
  EXPECT_EQ(appendToRedirect("https://x/cb?", p), "https://x/cb?code=a%20b&state=%26%3D");
}

TEST(CleanParam, DuplicatesControlsLengthAndUtf8) {
  auto p = *Params::parse("a=1&a=2&b=x%0Ay&c=%FF&d=ok&e=" + std::string(10, 'z'));
  EXPECT_EQ(cleanParam(p, "a").error().code, Code::kDuplicateParameter);
  EXPECT_FALSE(cleanParam(p, "b"));
  EXPECT_FALSE(cleanParam(p, "c"));
  EXPECT_FALSE(cleanParam(p, "e", 5));
  EXPECT_EQ(*cleanParam(p, "d"), "ok");
  EXPECT_EQ(*cleanParam(p, "missing"), std::nullopt);
}

TEST(PrintableExcerpt, BoundedOneLineUtf8) {
  EXPECT_EQ(printableExcerpt("a\r\nb"), "a  b");
  EXPECT_EQ(printableExcerpt(std::string(300, 'x'), 10), std::string(10, 'x') + "...");
  EXPECT_EQ(printableExcerpt("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9...");
  EXPECT_EQ(printableExcerpt("\xFF"), "(not UTF-8)");
}

}  // namespace
}  // namespace linkgate::gateway
