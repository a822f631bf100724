// JsonObjectWriter against nlohmann: for any bytes, it writes what nlohmann parses back to the
// same values, and refuses exactly the strings nlohmann cannot serialise (invalid UTF-8).
#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/json.h"

namespace linkgate {
namespace {

// nlohmann's own verdict: dump() throws on invalid UTF-8.
bool nlohmannAccepts(const std::string& s) {
  try {
    (void)Json(s).dump();
    return true;
  } catch (const Json::exception&) {
    return false;
  }
}

RC_GTEST_PROP(JsonWriterProperty, ParsesBackToTheSameValues,
              (const std::string& a, const std::vector<std::string>& list, bool flag,
               int64_t n)) {
  // Half of the cases from valid UTF-8 only, so both outcomes are exercised.
  const std::string b = *rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f));
  const std::string text = *rc::gen::element(a, b, std::string("é\"\\\n\x01 ☃ 😀"));
  const std::optional<std::string> absent;
  auto out = JsonObjectWriter()
                 .string("text", text)
                 .optionalString("none", absent)
                 .optionalString("some", b)
                 .boolean("flag", flag)
                 .integer("n", n)
                 .stringArray("list", list)
                 .raw("nested", R"({"x":[1,null]})")
                 .finish();
  bool all_valid = nlohmannAccepts(text) && nlohmannAccepts(b);
  for (const auto& s : list) all_valid = all_valid && nlohmannAccepts(s);
  RC_ASSERT(out.has_value() == all_valid);
  if (!out) return;
  auto j = parseJsonObject(*out);
  RC_ASSERT(j.has_value());
  RC_ASSERT((*j)["text"] == text);
  RC_ASSERT((*j)["none"].is_null());
  RC_ASSERT((*j)["some"] == b);
  RC_ASSERT((*j)["flag"] == flag);
  RC_ASSERT((*j)["n"] == n);
  RC_ASSERT((*j)["list"] == Json(list));
  RC_ASSERT((*j)["nested"] == Json::parse(R"({"x":[1,null]})"));
  RC_ASSERT(j->size() == 7u);
}

TEST(JsonWriterTest, EscapesAndRefusals) {
  EXPECT_EQ(JsonObjectWriter().string("a\"", "\x1f\\").finish(), R"({"a\"":"\u001f\\"})");
  EXPECT_EQ(JsonObjectWriter().finish(), "{}");
  EXPECT_FALSE(JsonObjectWriter().string("k", "\xc0\xaf").finish()) << "overlong";
  EXPECT_FALSE(JsonObjectWriter().string("k", "\xed\xa0\x80").finish()) << "surrogate";
  EXPECT_FALSE(JsonObjectWriter().string("k", "\xf4\x90\x80\x80").finish()) << "> U+10FFFF";
  EXPECT_FALSE(JsonObjectWriter().stringArray("k", {"ok", "\xe2\x98"}).finish()) << "cut short";
  EXPECT_TRUE(JsonObjectWriter().string("k", "\xf4\x8f\xbf\xbf").finish()) << "U+10FFFF";
}

}  // namespace
}  // namespace linkgate
