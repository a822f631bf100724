// The request-head judge on its own: every rule, and heads arriving in pieces.
#include "web/head_check.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace linkgate::web {
namespace {

constexpr size_t kMax = 65536;

HeadVerdict check(std::string_view bytes) { return checkRequestHead(bytes, kMax); }

TEST(HeadCheck, CompleteHeadWithContentLength) {
  auto v = check("POST /t HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nbody");
  ASSERT_EQ(v.kind, HeadVerdict::kComplete);
  EXPECT_EQ(v.head_size, 49u);
  EXPECT_EQ(v.content_length, 12u);
  EXPECT_FALSE(v.chunked);
}

TEST(HeadCheck, ChunkedAndHttp10WithoutHost) {
  auto v = check("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_EQ(v.kind, HeadVerdict::kComplete);
  EXPECT_TRUE(v.chunked);
  EXPECT_EQ(check("GET / HTTP/1.0\r\n\r\n").kind, HeadVerdict::kComplete);
}

TEST(HeadCheck, UnfinishedHeadIsIncompleteUntilSomethingIsWrong) {
  EXPECT_EQ(check("GET / HT").kind, HeadVerdict::kIncomplete);
  EXPECT_EQ(check("GET / HTTP/1.1\r").kind, HeadVerdict::kIncomplete);
  EXPECT_EQ(check("GET / HTTP/1.1\r\nHost: x\r\nX-Par").kind, HeadVerdict::kIncomplete);
  EXPECT_EQ(check("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n").kind, HeadVerdict::kReject);
  EXPECT_EQ(check("GET / HTTP/1.1\nHo").kind, HeadVerdict::kReject);
  EXPECT_EQ(check("GET / HTTP/1.1\rX").kind, HeadVerdict::kReject);
}

TEST(HeadCheck, EachRuleRejects) {
  const char* bad[] = {
      "GET / HTTP/1.1\r\n\r\n",                                    // no Host
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",              // two Hosts
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX:\x01\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX\x7f: v\r\n\r\n",
      "GET / HTTP/1.1\r\n: v\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n\tX: v\r\n\r\n",
      "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
      "GET /\r\nHost: a\r\n\r\n",
      " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  };
  for (const char* b : bad) {
    auto v = check(b);
    EXPECT_EQ(v.kind, HeadVerdict::kReject) << b;
    EXPECT_EQ(v.status, 400) << b;
    EXPECT_FALSE(v.description.empty());
  }
}

TEST(HeadCheck, OverlongUnfinishedHeadIs413) {
  auto v = checkRequestHead("GET /" + std::string(100, 'a'), 50);
  EXPECT_EQ(v.kind, HeadVerdict::kReject);
  EXPECT_EQ(v.status, 413);
}

TEST(HeadCheck, DescriptionsNeverEchoTheInput) {
  auto v = check("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: <script>\r\n\r\n");
  ASSERT_EQ(v.kind, HeadVerdict::kReject);
  EXPECT_EQ(v.description.find("<script>"), std::string::npos);
}

// Judging a prefix never contradicts judging the whole: a prefix of an accepted head is never
// rejected, and a rejected prefix means the whole is rejected.
RC_GTEST_PROP(HeadCheckProperty, PrefixesAgreeWithTheWhole, ()) {
  const std::vector<std::string> lines = {"Host: x", "Content-Length: 5", "X-A: b", "NoColon",
                                          " fold", "Transfer-Encoding: chunked", "Cookie: a=b"};
  std::string head = "POST /p?q=1 HTTP/1.1\r\n";
  for (const auto& l : *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(lines)))
    head += l + "\r\n";
  head += "\r\n";
  const auto whole = check(head);
  const size_t cut = *rc::gen::inRange<size_t>(0, head.size());
  const auto part = check(std::string_view(head).substr(0, cut));
  if (whole.kind == HeadVerdict::kComplete) RC_ASSERT(part.kind != HeadVerdict::kReject);
  if (part.kind == HeadVerdict::kReject) RC_ASSERT(whole.kind == HeadVerdict::kReject);
}

}  // namespace
}  // namespace linkgate::web
