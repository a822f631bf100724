// Issue 15 item 5: malformed HTTP, sent as raw bytes over a real socket to a real adapter, gets a
// prompt answer in the JSON error contract — never Pistache's plain text, a 500 with library
// text, a silent 60 s wait, or a smuggling-prone guess.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>

#include "core/json.h"
#include "web/raw_client.h"
#include "web/server.h"

namespace linkgate::web {
namespace {

using std::chrono::milliseconds;
using testing::RawAnswer;

class MalformedRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::signal(SIGPIPE, SIG_IGN);
    ServerOptions o;
    // A header timeout well above "prompt": an answer that only comes from Pistache's timeout
    // arrives after it and fails the elapsed-time check below.
    o.header_timeout = milliseconds(4000);
    o.body_timeout = milliseconds(4000);
    o.max_body_bytes = 1000;
    o.max_request_bytes = 8192;
    server_ = std::make_unique<Server>(o, [this](Request req, Responder respond) {
      ++calls_;
      respond(Response::json(200, Json{{"body", req.body}}));
    });
    auto port = server_->start();
    ASSERT_TRUE(port.has_value());
  }

  RawAnswer send(const std::string& bytes) {
    auto a = testing::rawExchange(server_->port(), bytes, milliseconds(6000));
    EXPECT_TRUE(a.has_value());
    return a ? *a : RawAnswer{};
  }

  // A prompt answer with `status`, a JSON body {"error","error_description"}, and the handler
  // never called.
  void expectRejected(const std::string& bytes, int status, const std::string& what) {
    SCOPED_TRACE(what);
    int before = calls_.load();
    RawAnswer a = send(bytes);
    EXPECT_EQ(a.status, status) << a.bytes;
    EXPECT_LT(a.elapsed.count(), 2000) << "not prompt";
    EXPECT_EQ(findHeader(a.headers, "content-type").value_or(""), "application/json") << a.bytes;
    auto j = parseJson(a.body);
    ASSERT_TRUE(j.has_value()) << a.bytes;
    EXPECT_TRUE(j->contains("error") && (*j)["error"].is_string()) << a.body;
    EXPECT_TRUE(j->contains("error_description") && (*j)["error_description"].is_string())
        << a.body;
    EXPECT_EQ(a.body.find("stoull"), std::string::npos);
    EXPECT_EQ(a.body.find("basic_string"), std::string::npos);
    EXPECT_EQ(calls_.load(), before) << "handler called for a malformed request";
  }

  std::unique_ptr<Server> server_;
  std::atomic<int> calls_{0};
};

const std::string kPost = "POST /token HTTP/1.1\r\nHost: x\r\n";

TEST_F(MalformedRequestTest, ContentLengthNegative) {
  expectRejected(kPost + "Content-Length: -1\r\n\r\n", 400, "Content-Length -1");
}

TEST_F(MalformedRequestTest, ContentLengthTwentyDigits) {
  expectRejected(kPost + "Content-Length: 99999999999999999999\r\n\r\n", 400, "20 digits");
}

TEST_F(MalformedRequestTest, ContentLengthNotANumber) {
  expectRejected(kPost + "Content-Length: abc\r\n\r\n", 400, "abc");
  expectRejected(kPost + "Content-Length: 3x\r\n\r\nabc", 400, "3x");
  expectRejected(kPost + "Content-Length: \r\n\r\n", 400, "empty");
}

TEST_F(MalformedRequestTest, TwoContentLengths) {
  expectRejected(kPost + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", 400, "3 and 5");
}

TEST_F(MalformedRequestTest, TransferEncodingWithContentLength) {
  expectRejected(kPost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
                 "TE + CL");
}

TEST_F(MalformedRequestTest, UnsupportedTransferEncoding) {
  expectRejected(kPost + "Transfer-Encoding: gzip\r\n\r\n", 400, "gzip");
  expectRejected(kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400, "gzip, chunked");
}

TEST_F(MalformedRequestTest, HeaderLineWithoutColon) {
  expectRejected("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400, "no colon");
}

TEST_F(MalformedRequestTest, ObsFold) {
  expectRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n", 400, "obs-fold");
}

TEST_F(MalformedRequestTest, BareLineFeeds) {
  expectRejected("GET / HTTP/1.1\nHost: x\n\n", 400, "bare LF");
  expectRejected("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", 400, "one bare LF");
}

TEST_F(MalformedRequestTest, WhitespaceBeforeColonAndControlBytes) {
  expectRejected("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "space before colon");
  static constexpr char kNul[] = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n";
  expectRejected(std::string(kNul, sizeof kNul - 1), 400, "NUL");  // 35 bytes, the NUL inside
}

TEST_F(MalformedRequestTest, BadRequestLine) {
  expectRejected("GARBAGE\r\n\r\n", 400, "no spaces");
  expectRejected("GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, "version");
  expectRejected("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "double space");
}

TEST_F(MalformedRequestTest, UnknownMethodIs501JsonNotPistacheText) {
  expectRejected("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501, "unknown method");
  expectRejected("get / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "methods are case-sensitive");
}

TEST_F(MalformedRequestTest, MalformedContentTypeIsJsonNotPistache415) {
  expectRejected(kPost + "Content-Type: garbage\r\nContent-Length: 2\r\n\r\nab", 400, "type");
}

TEST_F(MalformedRequestTest, CookieWithoutValueIsNotA500) {
  expectRejected("GET / HTTP/1.1\r\nHost: x\r\nCookie: novalue\r\n\r\n", 400, "cookie");
}

TEST_F(MalformedRequestTest, DeclaredBodyTooLargeIs413JsonAtOnce) {
  // The body is not even sent: the declared length alone is refused.
  expectRejected(kPost + "Content-Length: 5000\r\n\r\n", 413, "declared");
  expectRejected(kPost + "Content-Length: 9000\r\n\r\n" + std::string(9000, 'a'), 413,
                 "over Pistache's request size");
}

TEST_F(MalformedRequestTest, ChunkedBodyPastTheRequestLimitIs413Json) {
  std::string chunk = "1000\r\n" + std::string(4096, 'a') + "\r\n";
  expectRejected(kPost + "Transfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk, 413,
                 "chunked");
}

TEST_F(MalformedRequestTest, HeadTooLargeIs413Json) {
  expectRejected("GET /?" + std::string(9000, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n", 413, "head");
}

TEST_F(MalformedRequestTest, WellFormedRequestsStillServed) {
  auto a = send(kPost + "Content-Length: 3\r\nContent-Type: application/x-www-form-urlencoded"
                        "\r\n\r\nabc");
  EXPECT_EQ(a.status, 200) << a.bytes;
  EXPECT_EQ(a.body, R"({"body":"abc"})");
  auto c = send(kPost + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(c.status, 200) << c.bytes;
  EXPECT_EQ(c.body, R"({"body":"abcde"})");
  // Keep-alive: two requests on one connection, each answered.
  auto seq = testing::rawSequence(server_->port(), {"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
                                                    "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"});
  ASSERT_TRUE(seq.has_value());
  EXPECT_EQ((*seq)[0].status, 200);
  EXPECT_EQ((*seq)[1].status, 200);
  // A head and body split across several writes is assembled, not judged on its pieces.
  auto split = testing::rawPieces(server_->port(), {"POST /t HTTP/1.1\r\nHo", "st: x\r\nContent-",
                                                    "Length: 2\r\n\r", "\na", "b"});
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->status, 200) << split->bytes;
  EXPECT_EQ(split->body, R"({"body":"ab"})");
  EXPECT_EQ(calls_.load(), 5);
}

}  // namespace
}  // namespace linkgate::web
