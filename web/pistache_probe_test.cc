// pistacheReadsHead against its oracle, Pistache 0.0.5's own full parse of the same head on a
// scratch parser (what the adapter ran on every request before): for any head that
// checkRequestHead accepts, the two agree on whether Pistache would answer it itself.
#include "web/pistache_probe.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <pistache/http.h>

#include "web/head_check.h"

namespace linkgate::web {
namespace {

namespace P = Pistache;

bool pistacheFullParseReads(const std::string& head) {
  try {
    P::Http::RequestParser parser(head.size() + 1);
    if (!parser.feed(head.data(), head.size())) return false;
    if (parser.parse() == P::Http::Private::State::Done) return true;
    return parser.step()->id() == P::Http::Private::BodyStep::Id;
  } catch (...) {
    return false;
  }
}

const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
                                           "OPTIONS", "TRACE", "CONNECT", "get", "BREW",
                                           "PROPFIND", "G"};
const std::vector<std::string> kNames = {
    "Host", "Accept", "Content-Type", "content-type", "Cookie", "COOKIE", "Set-Cookie", "Date",
    "Connection", "Authorization", "User-Agent", "Cache-Control", "Expect", "Location",
    "Content-Encoding", "Allow", "Server", "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods", "X-Other", "Accept-Language"};
const std::vector<std::string> kValues = {
    "", "x", "garbage", "a=b", "novalue", "a=b; c=d", "a=b;", "=", ";", "text/html; charset=utf-8",
    "application/x-www-form-urlencoded", "*/*", "*/*;q=abc", "text/*;q=0.5, */*;q=0.1", "close",
    "keep-alive", "Upgrade", "Basic dXNlcjpwYXNz", "Bearer", "max-age=x", "max-age=60, private",
    "no-cache", "100-continue", "Tue, 15 Nov 1994 08:12:31 GMT", "Mon, 32 Foo", "gzip", "nope",
    "127.0.0.1:80", "127.0.0.1:abc", "[::1]:8080", "host:", "GET, POST", "a=b; Path=/; HttpOnly",
    "a=b; Max-Age=zz", "a=b; Expires=never", "  lead", "trail  ", "a\tb"};

std::string buildHead(const std::string& method,
                      const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string head = method + " /p?a=b&c HTTP/1.1\r\nHost: x\r\n";
  for (const auto& [name, value] : fields) head += name + ": " + value + "\r\n";
  return head + "\r\n";
}

RC_GTEST_PROP(PistacheProbe, AgreesWithPistachesFullParse, ()) {
  const std::string method = *rc::gen::elementOf(kMethods);
  const auto count = *rc::gen::inRange(0, 4);
  const auto fields = *rc::gen::container<std::vector<std::pair<std::string, std::string>>>(
      count, rc::gen::pair(rc::gen::elementOf(kNames),
                    rc::gen::oneOf(rc::gen::elementOf(kValues),
                                   rc::gen::container<std::string>(
                                       rc::gen::inRange<char>(0x20, 0x7f)))));
  const std::string head = buildHead(method, fields);
  RC_PRE(checkRequestHead(head, 1 << 20).kind == HeadVerdict::kComplete);
  const bool oracle = pistacheFullParseReads(head);
  RC_TAG(oracle ? "reads" : "refused");
  RC_ASSERT((pistacheReadsHead(head) == PistacheHead::kReads) == oracle);
}

TEST(PistacheProbe, NamesWhyItWouldBeRefused) {
  EXPECT_EQ(pistacheReadsHead(buildHead("GET", {{"Cookie", "a=b"}, {"Accept", "*/*"}})),
            PistacheHead::kReads);
  EXPECT_EQ(pistacheReadsHead(buildHead("BREW", {})), PistacheHead::kUnknownMethod);
  EXPECT_EQ(pistacheReadsHead(buildHead("GET", {{"Cookie", "novalue"}})),
            PistacheHead::kUnreadableField);
  EXPECT_EQ(pistacheReadsHead(buildHead("POST", {{"Content-Type", "garbage"}})),
            PistacheHead::kUnreadableField);
  // Not a registered header: Pistache keeps it raw, whatever it holds.
  EXPECT_EQ(pistacheReadsHead(buildHead("GET", {{"X-Other", "garbage;;=="}})),
            PistacheHead::kReads);
}

}  // namespace
}  // namespace linkgate::web
