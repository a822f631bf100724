#include "web/http.h"

#include <gtest/gtest.h>

namespace linkgate::web {
namespace {

TEST(Http, HtmlPagesCarryTheSpecHeaders) {
  Response r = Response::html(400, "<p>x</p>");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-security-policy").value(), "frame-ancestors 'none'");
  EXPECT_EQ(r.header("Referrer-Policy").value(), "no-referrer");
  EXPECT_EQ(r.header("Content-Type").value(), "text/html; charset=utf-8");
}

TEST(Http, RedirectSetsLocationAndNoStore) {
  Response r = Response::redirect("https://x.example/cb?code=1");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.header("location").value(), "https://x.example/cb?code=1");
  EXPECT_EQ(r.header("cache-control").value(), "no-store");
}

TEST(Http, SetHeaderReplacesAddHeaderAppends) {
  Response r;
  r.setHeader("X-A", "1").setHeader("x-a", "2");
  r.addHeader("Set-Cookie", "a=1").addHeader("Set-Cookie", "b=2");
  EXPECT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.header("X-A").value(), "2");
}

TEST(Http, EscapesEverythingHtmlCares) {
  EXPECT_EQ(htmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Http, WantsJsonOnlyWhenAskedFor) {
  Request r;
  EXPECT_FALSE(r.wantsJson());
  r.headers = {{"accept", "application/json"}};
  EXPECT_TRUE(r.wantsJson());
  r.headers = {{"accept", "text/html,application/json"}};
  EXPECT_FALSE(r.wantsJson());
}

TEST(Http, JsonResponseSurvivesInvalidUtf8) {
  Response r = Response::json(200, Json{{"v", std::string("\xff\xfe", 2)}});
  EXPECT_EQ(r.header("content-type").value(), "application/json");
  EXPECT_FALSE(r.body.empty());
}

}  // namespace
}  // namespace linkgate::web
