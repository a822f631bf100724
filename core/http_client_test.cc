// Tests CurlHttpClient against a real Pistache server on a loopback port chosen by the kernel:
// statuses as values, no redirect following, timeouts and refused connections as error ids.
#include "core/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

namespace linkgate {
namespace {

using namespace Pistache;
using namespace std::chrono_literals;

// Pistache drops headers added with addRaw(); a custom name needs its own Header subclass.
class XTest : public Http::Header::Header {
 public:
  NAME("X-Test")
  XTest() = default;
  explicit XTest(std::string value) : value_(std::move(value)) {}
  void write(std::ostream& os) const override { os << value_; }

 private:
  std::string value_;
};

class TestHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(TestHandler)

  void onRequest(const Http::Request& req, Http::ResponseWriter response) override {
    const std::string& path = req.resource();
    // Pistache 0.0.5 answers "Connection: Close" to an HTTP/1.1 request without a Connection
    // header (../shared/PISTACHE.md); a real server keeps the connection open.
    response.headers().remove<Http::Header::Connection>();
    response.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    if (path == "/hello") {
      response.headers().add<XTest>("hello-value");
      response.headers().add<Http::Header::ContentType>(MIME(Text, Plain));
      response.cookies().add(Http::Cookie("a", "1"));
      response.cookies().add(Http::Cookie("b", "2"));
      response.send(Http::Code::Ok, "hello world");
    } else if (path == "/echo") {
      const auto echo = req.headers().tryGetRaw("X-Echo");
      response.headers().add<XTest>(std::string(Http::methodString(req.method())) + " " +
                                    (echo ? echo->value() : "-"));
      response.send(Http::Code::Ok, req.body());
    } else if (path == "/peer") {  // the client's port: which connection carried the request
      response.send(Http::Code::Ok, std::to_string(static_cast<uint16_t>(req.address().port())));
    } else if (path == "/drop-once") {  // the first request is dropped unanswered
      if (dropped_.exchange(true) == false) {
        if (auto peer = response.peer()) ::shutdown(peer->fd(), SHUT_RDWR);
        return;
      }
      response.send(Http::Code::Ok, "second try");
    } else if (path == "/redirect") {
      response.headers().add<Http::Header::Location>("/hello");
      response.send(Http::Code::Found, "moved");
    } else if (path == "/big") {
      // 2 MiB: past the client's default 1 MiB cap on an answer.
      response.send(Http::Code::Ok, std::string(2 << 20, 'x'));
    } else if (path == "/exact") {
      response.send(Http::Code::Ok, std::string(1 << 20, 'y'));
    } else if (path == "/fail") {
      response.send(Http::Code::Internal_Server_Error, "boom");
    } else if (path == "/slow") {
      std::this_thread::sleep_for(900ms);  // deliberately past the client's 300 ms timeout
      response.send(Http::Code::Ok, "late");
    } else {
      response.send(Http::Code::Not_Found, "");
    }
  }

 private:
  static inline std::atomic<bool> dropped_{false};
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);
    server_ = std::make_unique<Http::Endpoint>(Address(Ipv4::loopback(), Port(0)));
    server_->init(
        Http::Endpoint::options().threads(2).maxRequestSize(1 << 20).maxResponseSize(4 << 20));
    server_->setHandler(Http::make_handler<TestHandler>());
    server_->serveThreaded();
    base_ = "http://127.0.0.1:" + std::to_string(static_cast<uint16_t>(server_->getPort()));
  }
  void TearDown() override { server_->shutdown(); }

  HttpRequest request(std::string method, std::string path) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = base_ + path;
    return r;
  }

  std::unique_ptr<Http::Endpoint> server_;
  std::string base_;
  CurlHttpClient client_;
};

TEST_F(HttpClientTest, GetReturnsStatusBodyAndHeaders) {
  const auto r = client_.send(request("GET", "/hello"));
  ASSERT_TRUE(r.has_value()) << r.error().id << ": " << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello world");
  EXPECT_EQ(r->header("x-test"), "hello-value");
  EXPECT_EQ(r->header("X-TEST"), "hello-value");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("Content-Length"), "11");
  EXPECT_EQ(r->header("X-Missing"), std::nullopt);
  EXPECT_EQ(r->headerValues("set-cookie").size(), 2u);
}

TEST_F(HttpClientTest, PostBodyIsEchoed) {
  HttpRequest req = request("POST", "/echo");
  req.headers = {{"X-Echo", "yes"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = std::string("grant_type=authorization_code&code=a%2Bb&bin=\0x", 47);
  req.body += std::string(5000, 'z');  // larger than libcurl's Expect: 100-continue threshold
  const auto r = client_.send(req);
  ASSERT_TRUE(r.has_value()) << r.error().id << ": " << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, req.body);
  EXPECT_EQ(r->header("X-Test"), "POST yes");
}

TEST_F(HttpClientTest, AnyMethodIsSent) {
  for (const char* method : {"PUT", "DELETE", "PATCH", "GET"}) {
    const auto r = client_.send(request(method, "/echo"));
    ASSERT_TRUE(r.has_value()) << method << ": " << r.error().message;
    EXPECT_EQ(r->header("X-Test"), std::string(method) + " -");
  }
}

TEST_F(HttpClientTest, RedirectIsReturnedNotFollowed) {
  const auto r = client_.send(request("GET", "/redirect"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->header("Location"), "/hello");
  EXPECT_EQ(r->body, "moved");
}

TEST_F(HttpClientTest, ServerErrorIsAValue) {
  const auto r = client_.send(request("GET", "/fail"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, "boom");
}

// Issue 10: a thread's calls share one keep-alive connection, and nothing of one call's
// request (method, body, headers) carries over into the next.
TEST_F(HttpClientTest, CallsOfOneThreadReuseTheConnectionAndNothingElse) {
  const auto first = client_.send(request("GET", "/peer"));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  HttpRequest post = request("POST", "/echo");
  post.body = "one";
  post.headers = {{"X-Echo", "from-the-post"}};
  const auto posted = client_.send(post);
  ASSERT_TRUE(posted.has_value()) << posted.error().message;
  EXPECT_EQ(posted->header("X-Test"), "POST from-the-post");
  const auto get = client_.send(request("GET", "/echo"));
  ASSERT_TRUE(get.has_value()) << get.error().message;
  EXPECT_EQ(get->header("X-Test"), "GET -");
  EXPECT_EQ(get->body, "");
  const auto head = client_.send(request("HEAD", "/hello"));
  ASSERT_TRUE(head.has_value()) << head.error().message;
  EXPECT_EQ(head->body, "");
  const auto hello = client_.send(request("GET", "/hello"));
  ASSERT_TRUE(hello.has_value()) << hello.error().message;
  EXPECT_EQ(hello->body, "hello world") << "the HEAD's no-body option carried over";
  const auto again = client_.send(request("GET", "/peer"));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->body, first->body) << "a new connection for each call";
  // Another thread has its own handle and so its own connection.
  std::string other;
  std::thread([&] {
    auto r = client_.send(request("GET", "/peer"));
    if (r) other = r->body;
  }).join();
  EXPECT_FALSE(other.empty());
  EXPECT_NE(other, first->body);
}

// A request dropped on a reused connection is a transport error, as on a fresh one: libcurl's
// silent second attempt would hide the drop (and send a code exchange twice).
TEST_F(HttpClientTest, ARequestDroppedOnAReusedConnectionIsNotSentAgain) {
  ASSERT_TRUE(client_.send(request("GET", "/peer")));  // a kept-alive connection
  const auto dropped = client_.send(request("GET", "/drop-once"));
  ASSERT_FALSE(dropped.has_value()) << "sent again: " << dropped->body;
  EXPECT_EQ(dropped.error().id, "transport") << dropped.error().message;
  const auto next = client_.send(request("GET", "/drop-once"));
  ASSERT_TRUE(next.has_value()) << next.error().message;
  EXPECT_EQ(next->body, "second try");
}

TEST_F(HttpClientTest, SlowServerTimesOut) {
  HttpRequest req = request("GET", "/slow");
  req.total_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto r = client_.send(req);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().id, "timeout") << r.error().message;
  EXPECT_LT(elapsed, 850ms);  // gave up on its own, not because the server answered
}

TEST_F(HttpClientTest, ClosedPortIsConnectFailed) {
  // A bound but non-listening socket: the kernel refuses connections and nobody can take the
  // port while the test runs.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  const auto r = client_.send(req);
  ::close(fd);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().id, "connect_failed") << r.error().message;
}

TEST_F(HttpClientTest, UnusableRequestsAreBadRequest) {
  HttpRequest req = request("GET", "/hello");
  req.method = "GE T";
  EXPECT_EQ(client_.send(req).error().id, "bad_request");
  req = request("GET", "/hello");
  req.headers = {{"X-Bad", "a\r\nInjected: 1"}};
  EXPECT_EQ(client_.send(req).error().id, "bad_request");
  req = request("GET", "/hello");
  req.url = "ftp://127.0.0.1/";
  EXPECT_EQ(client_.send(req).error().id, "bad_request");
  req.url = "";
  EXPECT_EQ(client_.send(req).error().id, "bad_request");
}

// Issue 15 item 3: a provider answering a huge body must not fill the gateway's memory.
TEST_F(HttpClientTest, AnswerPastTheCapIsAnErrorValue) {
  HttpRequest req;
  req.url = base_ + "/big";
  auto r = client_.send(req);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().id, "too_large");
  EXPECT_NE(r.error().message.find("1048576"), std::string::npos) << r.error().message;
  req.max_response_bytes = 3 << 20;
  auto bigger = client_.send(req);
  ASSERT_TRUE(bigger.has_value()) << bigger.error().message;
  EXPECT_EQ(bigger->body.size(), size_t{2} << 20);
}

TEST_F(HttpClientTest, AnswerOfExactlyTheCapIsDelivered) {
  HttpRequest req;
  req.url = base_ + "/exact";
  auto r = client_.send(req);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->body.size(), size_t{1} << 20);
  req.max_response_bytes = (1 << 20) - 1;
  auto small = client_.send(req);
  ASSERT_FALSE(small.has_value());
  EXPECT_EQ(small.error().id, "too_large");
}

TEST(FindHeaderTest, CaseInsensitiveFirstMatch) {
  const HeaderList h = {{"Set-Cookie", "a"}, {"set-cookie", "b"}, {"X", ""}};
  EXPECT_EQ(findHeader(h, "SET-COOKIE"), "a");
  EXPECT_EQ(findHeader(h, "x"), "");
  EXPECT_EQ(findHeader(h, "Set-Cookie2"), std::nullopt);
  HttpResponse resp;
  resp.headers = h;
  EXPECT_EQ(resp.headerValues("Set-Cookie"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace linkgate
