#include "web/raw_request.h"

#include <gtest/gtest.h>

namespace linkgate::web {
namespace {

TEST(RawRequest, KeepsRawQueryAndDuplicates) {
  auto r = parseRequestHead("GET /a%20b?x=1&x=2&s=%2B+ HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/a%20b");
  EXPECT_TRUE(r->has_query);
  EXPECT_EQ(r->raw_query, "x=1&x=2&s=%2B+");
  EXPECT_EQ(r->target, "/a%20b?x=1&x=2&s=%2B+");
  ASSERT_EQ(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].first, "host");
  EXPECT_EQ(r->header("COOKIE").value(), "a=1");
}

TEST(RawRequest, EmptyQueryIsStillAQuery) {
  auto r = parseRequestHead("GET /p? HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->has_query);
  EXPECT_EQ(r->raw_query, "");
  auto n = parseRequestHead("GET /p HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(n->has_query);
}

TEST(RawRequest, RepeatedHeadersAreKeptAndTrimmed) {
  auto r = parseRequestHead("GET / HTTP/1.1\r\nCookie:  a=1 \r\nCookie: b=2\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->cookie("a").value(), "1");
  EXPECT_EQ(r->cookie("b").value(), "2");
  EXPECT_FALSE(r->cookie("c").has_value());
}

TEST(RawRequest, RejectsMalformedRequestLine) {
  EXPECT_FALSE(parseRequestHead("GARBAGE\r\n\r\n").has_value());
  EXPECT_FALSE(parseRequestHead("").has_value());
  EXPECT_EQ(parseRequestHead(" / HTTP/1.1\r\n").error().id, "bad_request_line");
}

}  // namespace
}  // namespace linkgate::web
