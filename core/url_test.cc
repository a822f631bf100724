// Tests for the RFC 3986 URL parser: components, rejections, and serialize(parse(s)) == s on
// grammar-generated and randomly mutated URL-ish strings.
#include "core/url.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate {
namespace {

TEST(UrlTest, ParsesComponents) {
  const auto u = Url::parse("HTTPS://user:pw@Example.com:8443/a/b%20c?x=1&y=?#frag/?").value();
  EXPECT_EQ(u.scheme, "HTTPS");
  EXPECT_TRUE(u.has_authority);
  EXPECT_EQ(u.userinfo, "user:pw");
  EXPECT_EQ(u.host, "Example.com");
  EXPECT_EQ(u.port, "8443");
  EXPECT_EQ(u.path, "/a/b%20c");
  EXPECT_EQ(u.query, "x=1&y=?");
  EXPECT_EQ(u.fragment, "frag/?");
  EXPECT_EQ(u.effectivePort(), 8443);
  EXPECT_EQ(u.origin(), "HTTPS://Example.com:8443");
}

TEST(UrlTest, OptionalPartsAreDistinguished) {
  const auto bare = Url::parse("http://h").value();
  EXPECT_EQ(bare.path, "");
  EXPECT_FALSE(bare.port.has_value());
  EXPECT_FALSE(bare.query.has_value());
  EXPECT_FALSE(bare.fragment.has_value());
  EXPECT_EQ(bare.effectivePort(), 80);
  const auto empty = Url::parse("https://h:/?#").value();
  EXPECT_EQ(empty.port, "");
  EXPECT_EQ(empty.query, "");
  EXPECT_EQ(empty.fragment, "");
  EXPECT_EQ(empty.effectivePort(), 443);
  EXPECT_EQ(Url::parse("custom://h").value().effectivePort(), std::nullopt);
}

TEST(UrlTest, IpLiteralsAndRelativeRefs) {
  const auto v6 = Url::parse("http://[::1]:8080/x").value();
  EXPECT_EQ(v6.host, "[::1]");
  EXPECT_EQ(v6.port, "8080");
  EXPECT_TRUE(Url::parse("http://[v1.fe:x]/").has_value());
  const auto rel = Url::parse("../a/b?q").value();
  EXPECT_EQ(rel.scheme, "");
  EXPECT_FALSE(rel.has_authority);
  EXPECT_EQ(rel.path, "../a/b");
  const auto net = Url::parse("//host/p").value();
  EXPECT_TRUE(net.has_authority);
  EXPECT_EQ(net.host, "host");
  const auto urn = Url::parse("urn:ietf:rfc:3986").value();
  EXPECT_EQ(urn.scheme, "urn");
  EXPECT_EQ(urn.path, "ietf:rfc:3986");
  EXPECT_TRUE(Url::parse("").has_value());
  EXPECT_TRUE(Url::parse("file:///etc/hosts").has_value());
}

TEST(UrlTest, RejectsMalformed) {
  for (const char* bad :
       {"http://exa mple.com/", "http://h/a b", "http://h:99999/", "http://h:65536/",
        "http://h:8a/",         "http://[::1",  "http://[::1]x/",  "http://[zz]/",
        "http://h/%G1",         "http://h/%4",  "http://h/?q=%",   "http://h/#%4g",
        "1http://h/",           ":x",           "a b:c",           "http://h/\x01",
        "http://h/\xc3\xa9",    "http://h/<x>", "http://h/a\\b",   "http://a@b@c/",
        "http://h/#a#b",        "http://h/[x]", "ht!tp://h",       "http://h\t/",
        "http://h/{x}",         "http://h/a|b"}) {
    const auto r = Url::parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().id, "bad_url") << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(UrlTest, ParseAbsoluteNeedsSchemeAndHost) {
  EXPECT_TRUE(Url::parseAbsolute("https://app.example/cb").has_value());
  EXPECT_EQ(Url::parseAbsolute("/cb").error().id, "bad_url");
  EXPECT_EQ(Url::parseAbsolute("//h/cb").error().id, "bad_url");
  EXPECT_EQ(Url::parseAbsolute("mailto:a@b").error().id, "bad_url");
  EXPECT_EQ(Url::parseAbsolute("file:///x").error().id, "bad_url");
  EXPECT_EQ(Url::parseAbsolute("https://h:99999").error().id, "bad_url");
}

TEST(UrlTest, OriginLeavesOutUserinfoAndEmptyPort) {
  EXPECT_EQ(Url::parse("http://u:p@h:/x").value().origin(), "http://h");
}

// --- property: a grammar of URL components plus random mutations ---

std::string pick(const std::vector<std::string>& options) { return *rc::gen::elementOf(options); }

std::string genUrlish() {
  std::string s;
  s += pick({"", "http:", "https:", "HTTPS:", "a+b.c-d:", "urn:", "1x:", ":"});
  if (*rc::gen::arbitrary<bool>()) {
    s += "//";
    s += pick({"", "user@", "u:p@", "%41@", "a@b@"});
    s += pick({"", "example.com", "EXAMPLE.com", "127.0.0.1", "[::1]", "[2001:db8::7]", "[v7.x:y]",
               "[::1", "h%2D", "h%zz", "b\xc3\xa9"});
    s += pick({"", ":", ":80", ":0443", ":65535", ":65536", ":99999", ":8x"});
  }
  const int segments = *rc::gen::inRange(0, 4);
  for (int i = 0; i < segments; ++i) {
    s += pick({"/", "", "./", "../"});
    s += pick({"a", "b%20c", "%7e", "x:y", "@", "!$&'()*+,;=", "-._~", "", "%4", "%GG"});
  }
  if (*rc::gen::arbitrary<bool>()) s += "?" + pick({"", "a=1&b=2", "x=/?:@", "q=%2F", "[", "%"});
  if (*rc::gen::arbitrary<bool>()) s += "#" + pick({"", "frag", "/?x", "#", "a b"});
  // Random mutations: insert, delete or replace characters.
  const int mutations = *rc::gen::inRange(0, 3);
  for (int i = 0; i < mutations; ++i) {
    const char c =
        *rc::gen::elementOf(std::string(":/?#[]@%!$&'()*+,;=aZ09-._~ \t\"<>\\^`{|}\x7f"));
    const size_t pos = s.empty() ? 0 : *rc::gen::inRange<size_t>(0, s.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        s.insert(pos, 1, c);
        break;
      case 1:
        if (!s.empty()) s.erase(pos, 1);
        break;
      default:
        if (!s.empty()) s[pos] = c;
        break;
    }
  }
  return s;
}

RC_GTEST_PROP(UrlProperty, SerializeInvertsParseOnGrammar, ()) {
  const std::string s = genUrlish();
  RC_TAG(Url::parse(s).has_value() ? "accepted" : "rejected");
  if (const auto u = Url::parse(s)) {
    RC_ASSERT(u->serialize() == s);
    RC_ASSERT(Url::parse(u->serialize()).value() == *u);
  } else {
    RC_ASSERT(Url::parse(s).error().id == "bad_url");
  }
}

RC_GTEST_PROP(UrlProperty, SerializeInvertsParseOnArbitraryText, (const std::string& s)) {
  if (const auto u = Url::parse(s)) RC_ASSERT(u->serialize() == s);
}

RC_GTEST_PROP(UrlProperty, AcceptedTextIsPrintableAscii, ()) {
  const std::string s = genUrlish();
  if (Url::parse(s)) {
    for (char c : s) RC_ASSERT(c > 0x20 && c < 0x7f);
  }
}

}  // namespace
}  // namespace linkgate
