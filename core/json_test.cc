// Tests for the JSON helpers: errors as values, dotted paths, lenient integers.
#include "core/json.h"

#include <gtest/gtest.h>

namespace linkgate {
namespace {

TEST(JsonTest, ParseErrorsAreValues) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1} x", "\xff"}) {
    const auto r = parseJson(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_json");
    EXPECT_NE(r.error().message.find("byte"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(parseJson("[1,2]").has_value());
  EXPECT_EQ(parseJsonObject("[1,2]").error().id, "bad_json");
  EXPECT_EQ(parseJsonObject("\"s\"").error().id, "bad_json");
  EXPECT_EQ(parseJsonObject("{bad").error().id, "bad_json");
  EXPECT_TRUE(parseJsonObject("{}").has_value());
}

TEST(JsonTest, DottedPaths) {
  const Json j =
      parseJson(R"({"authed_user":{"access_token":"xoxp","n":5},"a":[1],"":{"":7}})").value();
  ASSERT_NE(jsonAt(j, "authed_user.access_token"), nullptr);
  EXPECT_EQ(jsonString(j, "authed_user.access_token"), "xoxp");
  EXPECT_EQ(jsonAt(j, "authed_user.missing"), nullptr);
  EXPECT_EQ(jsonAt(j, "authed_user.access_token.deeper"), nullptr);
  EXPECT_EQ(jsonInt(j, "a.0"), 1);  // digits index an array
  EXPECT_EQ(jsonAt(j, "a.1"), nullptr);
  EXPECT_EQ(jsonAt(j, "a.x"), nullptr);
  EXPECT_EQ(jsonAt(j, "a."), nullptr);
  EXPECT_EQ(jsonAt(j, "a.99999999999"), nullptr);
  const Json list = parseJson(R"([{"tenantId":"t-1"},{"tenantId":"t-2"}])").value();
  EXPECT_EQ(jsonString(list, "1.tenantId"), "t-2");
  const Json digits_key = parseJson(R"({"0":{"id":"obj"}})").value();
  EXPECT_EQ(jsonString(digits_key, "0.id"), "obj");  // on an object a digit is just a key
  EXPECT_EQ(jsonAt(j, "nope"), nullptr);
  EXPECT_EQ(jsonInt(j, "."), 7);
  EXPECT_EQ(jsonString(j, "authed_user.n"), std::nullopt);  // numbers are not strings
  EXPECT_EQ(jsonAt(Json(3), "a"), nullptr);
}

TEST(JsonTest, IntsFromNumbersOrDigitStrings) {
  const Json j = parseJson(R"({"a":3600,"b":"3600","c":"36x","d":36.5,"e":-5,"f":"-5",
                               "g":"","h":18446744073709551615,"i":"99999999999999999999",
                               "j":true,"k":null})")
                     .value();
  EXPECT_EQ(jsonInt(j, "a"), 3600);
  EXPECT_EQ(jsonInt(j, "b"), 3600);
  EXPECT_EQ(jsonInt(j, "c"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "d"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "e"), -5);
  EXPECT_EQ(jsonInt(j, "f"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "g"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "h"), std::nullopt);  // does not fit int64
  EXPECT_EQ(jsonInt(j, "i"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "j"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "k"), std::nullopt);
  EXPECT_EQ(jsonInt(j, "zz"), std::nullopt);
}

TEST(JsonTest, DumpNeverThrowsOnBadUtf8) {
  const Json j = {{"s", std::string("a\xff")}};
  EXPECT_EQ(dumpJson(j), "{\"s\":\"a\xef\xbf\xbd\"}");
  EXPECT_EQ(dumpJson(Json::array({1, 2}), 1), "[\n 1,\n 2\n]");
}

}  // namespace
}  // namespace linkgate
