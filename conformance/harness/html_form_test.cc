// Tests of the form reader on the simulator's consent page shape and HTML oddities.
#include "conformance/harness/html_form.h"

#include <gtest/gtest.h>

namespace linkgate::conformance {
namespace {

TEST(HtmlFormTest, ReadsTheConsentPage) {
  const std::string page = R"(<!doctype html><html><body>
<h1>Authorize &lt;app&gt;</h1>
<!-- <form action="/fake"> -->
<form method="post" action="/generic/_consent">
<input type="hidden" name="consent" value="ab&amp;c">
<label>User <select name="user">
<option value="1001">alice</option>
<option value="1002" selected>bob</option>
</select></label>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>)";
  const auto forms = parseForms(page);
  ASSERT_EQ(forms.size(), 1u);
  const HtmlForm& f = forms[0];
  EXPECT_EQ(f.method, "post");
  EXPECT_EQ(f.action, "/generic/_consent");
  const std::vector<std::pair<std::string, std::string>> fields = {{"consent", "ab&c"},
                                                                   {"user", "1002"}};
  EXPECT_EQ(f.fields, fields);
  ASSERT_EQ(f.selects.size(), 1u);
  EXPECT_EQ(f.selects[0].second, (std::vector<std::string>{"1001", "1002"}));
  const std::vector<std::pair<std::string, std::string>> buttons = {{"decision", "approve"},
                                                                    {"decision", "deny"}};
  EXPECT_EQ(f.buttons, buttons);
}

TEST(HtmlFormTest, AttributeSpellings) {
  const auto forms = parseForms(
      "<FORM METHOD=POST action='/a?x=1'><INPUT type=hidden NAME=k value=v>"
      "<input type=checkbox name=c value=1><input type=checkbox name=d value=2 checked>"
      "<input type=submit name=go value=Go><input name=t value=\"a b\"></FORM><form></form>");
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].method, "post");
  EXPECT_EQ(forms[0].action, "/a?x=1");
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"k", "v"}, {"d", "2"}, {"t", "a b"}};
  EXPECT_EQ(forms[0].fields, fields);
  EXPECT_EQ(forms[0].buttons.size(), 1u);
  EXPECT_EQ(forms[1].method, "get");
}

TEST(HtmlFormTest, DecodesEntities) {
  EXPECT_EQ(decodeEntities("a&amp;b&lt;&gt;&quot;&#39;&#x41;&apos;"), "a&b<>\"'A'");
  EXPECT_EQ(decodeEntities("&unknown; & &#;"), "&unknown; & &#;");
}

}  // namespace
}  // namespace linkgate::conformance
