// TEMPLATE rendering and validation.
#include "simulator/template.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate::sim {
namespace {

TemplateValues values() {
  return {{"access_token", "AT"},       {"expires_in", 3600},     {"scope", "a b"},
          {"scope_array", Json::array({"a", "b"})}, {"user.login", "ann"}, {"now", 1700000000}};
}

TEST(Template, WholePlaceholderKeepsTheValuesType) {
  Json t{{"token", "{access_token}"}, {"ttl", "{expires_in}"}, {"scopes", "{scope_array}"}};
  EXPECT_EQ(renderTemplate(t, values()),
            (Json{{"token", "AT"}, {"ttl", 3600}, {"scopes", Json::array({"a", "b"})}}));
}

TEST(Template, KeyWithoutValueIsOmitted) {
  Json t{{"access_token", "{access_token}"}, {"refresh_token", "{refresh_token}"}};
  EXPECT_EQ(renderTemplate(t, values()), (Json{{"access_token", "AT"}}));
  EXPECT_EQ(renderTemplate(Json::array({"{refresh_token}", "x"}), values()), Json::array({"x"}));
  EXPECT_EQ(renderTemplate("{refresh_token}", values()), Json(nullptr));
}

TEST(Template, InterpolationInLongerStrings) {
  EXPECT_EQ(renderText("https://x/{user.login}?t={now}", values()), "https://x/ann?t=1700000000");
  EXPECT_EQ(renderText("[{refresh_token}]", values()), "[]");  // absent → empty
  EXPECT_EQ(renderText("{scope_array}", values()), "a b");
}

TEST(Template, OtherBracesAreLiteral) {
  EXPECT_EQ(renderText("{} { x } {a b}", values()), "{} { x } {a b}");
  Json t{{"nested", {{"deep", Json::array({1, "{user.login}", nullptr, true})}}}};
  EXPECT_EQ(renderTemplate(t, values()),
            (Json{{"nested", {{"deep", Json::array({1, "ann", nullptr, true})}}}}));
}

TEST(Template, ValidationFollowsTheRules) {
  PlaceholderRules tokens{true, true, false, true, {"id", "login"}, {"tenant"}};
  EXPECT_TRUE(validateTemplate(Json{{"a", "{access_token}"}, {"b", "{param.tenant}"}}, tokens));
  auto bad = validateTemplate(Json{{"a", {{"b", "{acces_token}"}}}}, tokens);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "a.b: unknown placeholder {acces_token}");
  EXPECT_FALSE(validateTemplate(Json{{"e", "{error}"}}, tokens));
  EXPECT_FALSE(validateTemplate(Json{{"u", "{user.email}"}}, tokens));
  EXPECT_FALSE(validateTemplate(Json{{"p", "{param.region}"}}, tokens));
  EXPECT_FALSE(validateTemplate(Json{{"s", "x{scope_array}"}}, tokens));
  auto arr = validateTemplate(Json{{"list", Json::array({"ok", "{bad}"})}}, tokens);
  ASSERT_FALSE(arr);
  EXPECT_EQ(arr.error().message, "list[1]: unknown placeholder {bad}");
  PlaceholderRules errors{false, false, true, false, {}, {}};
  EXPECT_TRUE(validateTemplate(Json{{"error", "{error}"}, {"d", "{error_description}"}}, errors));
  EXPECT_FALSE(validateTemplate(Json{{"t", "{access_token}"}}, errors));
}

TEST(Template, FlatAndUses) {
  EXPECT_TRUE(isFlatTemplate(Json{{"a", "{access_token}"}, {"b", 1}}));
  EXPECT_FALSE(isFlatTemplate(Json{{"a", {{"b", 1}}}}));
  EXPECT_FALSE(isFlatTemplate(Json{{"s", "{scope_array}"}}));
  EXPECT_FALSE(isFlatTemplate(Json::array()));
  EXPECT_TRUE(usesPlaceholder(Json{{"x", {{"y", "Bearer {access_token}"}}}}, "access_token"));
  EXPECT_FALSE(usesPlaceholder(Json{{"x", "access_token"}}, "access_token"));
}

// Strings without braces render to themselves, whatever the values.
RC_GTEST_PROP(TemplateProperty, TextWithoutBracesIsUnchanged, (std::string text)) {
  std::erase(text, '{');
  RC_ASSERT(renderText(text, values()) == text);
  RC_ASSERT(renderTemplate(Json(text), values()) == Json(text));
}

}  // namespace
}  // namespace linkgate::sim
