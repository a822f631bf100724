// Tests of the suite's cookie jar: what a browser stores, sends back, and deletes.
#include "conformance/harness/cookie_jar.h"

#include <gtest/gtest.h>

namespace linkgate::conformance {
namespace {

TEST(CookieJarTest, ParsesAttributes) {
  auto c = parseSetCookie("http://127.0.0.1:8080/link/oauth2/start?x=1",
                          "lg_flow=abc; Path=/link/oauth2/callback; Max-Age=600; HttpOnly; "
                          "SameSite=Lax");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "lg_flow");
  EXPECT_EQ(c->value, "abc");
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->path, "/link/oauth2/callback");
  EXPECT_TRUE(c->http_only);
  EXPECT_FALSE(c->secure);
  EXPECT_EQ(c->same_site, "Lax");
  EXPECT_FALSE(c->expired);
  EXPECT_FALSE(parseSetCookie("http://h/", "novalue"));
  EXPECT_FALSE(parseSetCookie("http://h/", "=v"));
}

TEST(CookieJarTest, DefaultPathIsTheRequestDirectory) {
  EXPECT_EQ(parseSetCookie("http://h/a/b/c", "k=v")->path, "/a/b");
  EXPECT_EQ(parseSetCookie("http://h/a", "k=v")->path, "/");
  EXPECT_EQ(parseSetCookie("http://h", "k=v")->path, "/");
}

TEST(CookieJarTest, SendsByHostAndPath) {
  CookieJar jar;
  jar.store("http://127.0.0.1:1/link/oauth2/start", "f=1; Path=/link/oauth2/callback");
  jar.store("http://127.0.0.1:1/x", "g=2; Path=/");
  jar.store("http://other.example/", "h=3");
  EXPECT_EQ(jar.headerFor("http://127.0.0.1:1/link/oauth2/callback/github?code=1"), "f=1; g=2");
  EXPECT_EQ(jar.headerFor("http://127.0.0.1:2/link/oauth2/callbackx"), "g=2");  // ports shared
  EXPECT_EQ(jar.headerFor("http://127.0.0.1:1/"), "g=2");
  EXPECT_EQ(jar.headerFor("http://other.example/a"), "h=3");
  EXPECT_EQ(jar.headerFor("http://third.example/"), std::nullopt);
}

TEST(CookieJarTest, ReplacesAndDeletes) {
  CookieJar jar;
  jar.store("http://h/", "a=1; Path=/");
  jar.store("http://h/", "a=2; Path=/");
  EXPECT_EQ(jar.headerFor("http://h/"), "a=2");
  jar.store("http://h/", "a=; Path=/; Max-Age=0");
  EXPECT_EQ(jar.headerFor("http://h/"), std::nullopt);
  jar.store("http://h/", "b=1; Path=/");
  jar.store("http://h/", "b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(jar.headerFor("http://h/"), std::nullopt);
}

TEST(CookieJarTest, SecureOnlyOverHttps) {
  CookieJar jar;
  jar.store("https://h/", "s=1; Secure; Path=/");
  EXPECT_EQ(jar.headerFor("http://h/"), std::nullopt);
  EXPECT_EQ(jar.headerFor("https://h/"), "s=1");
}

}  // namespace
}  // namespace linkgate::conformance
