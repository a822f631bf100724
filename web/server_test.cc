// The adapter over a real loopback socket, driven by the core libcurl client.
#include "web/server.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <strings.h>

#include <thread>

#include "core/http_client.h"
#include "web/raw_client.h"

namespace linkgate::web {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ::signal(SIGPIPE, SIG_IGN); }
  void serve(Handler h, ServerOptions o = {}) {
    server_ = std::make_unique<Server>(o, std::move(h));
    auto port = server_->start();
    ASSERT_TRUE(port.has_value()) << port.error().message;
    ASSERT_NE(*port, 0);
  }
  Result<HttpResponse> get(std::string target, HeaderList headers = {}) {
    HttpRequest r;
    r.url = server_->baseUrl() + target;
    r.headers = std::move(headers);
    r.total_timeout = std::chrono::milliseconds(5000);
    return client_.send(r);
  }
  std::unique_ptr<Server> server_;
  CurlHttpClient client_;
};

TEST_F(ServerTest, HandlerSeesRawQueryDuplicatesAndHeaders) {
  serve([](Request req, Responder respond) {
    Response r = Response::json(200, Json{{"query", req.raw_query},
                                          {"path", req.path},
                                          {"method", req.method},
                                          {"x", req.header("x-test").value_or("")}});
    respond(std::move(r));
  });
  auto r = get("/p%2Fq?a=1&a=2&s=%25+x", {{"X-Test", "yes"}});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  auto j = parseJson(r->body);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["query"], "a=1&a=2&s=%25+x");
  EXPECT_EQ((*j)["path"], "/p%2Fq");
  EXPECT_EQ((*j)["method"], "GET");
  EXPECT_EQ((*j)["x"], "yes");
}

TEST_F(ServerTest, CustomHeadersCookiesAndKeepAliveAreSent) {
  serve([](Request, Responder respond) {
    Response r = Response::html(200, "<p>hi</p>");
    r.addHeader("Set-Cookie", "a=1; Path=/; HttpOnly");
    r.addHeader("Set-Cookie", "b=2; Path=/");
    respond(std::move(r));
  });
  auto r = get("/");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->header("content-security-policy").value_or(""), "frame-ancestors 'none'");
  EXPECT_EQ(r->header("referrer-policy").value_or(""), "no-referrer");
  EXPECT_EQ(r->headerValues("set-cookie").size(), 2u);
  EXPECT_TRUE(strcasecmp(r->header("connection").value_or("").c_str(), "keep-alive") == 0);
  EXPECT_EQ(r->body, "<p>hi</p>");
}

TEST_F(ServerTest, AnswersFromAnotherThread) {
  std::vector<std::thread> threads;
  std::mutex mu;
  serve([&](Request, Responder respond) {
    std::lock_guard lock(mu);
    threads.emplace_back([respond] { respond(Response::text(202, "later")); });
  });
  auto r = get("/");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "later");
  for (auto& t : threads) t.join();
}

TEST_F(ServerTest, ThrowingHandlerLeaksNothing) {
  serve([](Request, Responder) { throw std::runtime_error("secret internal detail"); });
  auto r = get("/");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("secret"), std::string::npos);
  EXPECT_NE(r->body.find("server_error"), std::string::npos);
}

TEST_F(ServerTest, UnansweredRequestGets500) {
  serve([](Request, Responder) {});
  auto r = get("/");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
}

TEST_F(ServerTest, OversizedBodyIs413AndHandlerNotCalled) {
  std::atomic<int> calls{0};
  serve([&](Request, Responder respond) {
    ++calls;
    respond(Response::text(200, "ok"));
  });
  HttpRequest req;
  req.method = "POST";
  req.url = server_->baseUrl() + "/";
  req.body = std::string(64 * 1024 + 1, 'a');
  auto r = client_.send(req);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("error_description"), std::string::npos);
  req.body = std::string(64 * 1024, 'a');
  auto ok = client_.send(req);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ServerTest, LongQueryBeyondPistacheDefaultIsServed) {
  serve([](Request req, Responder respond) {
    respond(Response::text(200, std::to_string(req.raw_query.size())));
  });
  auto r = get("/?state=" + std::string(12000, 'x'));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "12006");
}

TEST_F(ServerTest, DroppedConnectionIsATransportError) {
  serve([](Request, Responder respond) {
    Response r;
    r.drop_connection = true;
    respond(std::move(r));
  });
  auto r = get("/");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().id, "transport");
}

// Issue 15 item 6: Pistache's cookie parser turned "HttpOnly; Secure; SameSite=Lax" into
// "HttpOnly; ; Secure=; SameSite=Lax". The Set-Cookie bytes must be the handler's, exactly.
TEST_F(ServerTest, SetCookieBytesAreSentVerbatim) {
  const std::string flow =
      "lg_flow_abc=Zm9v.YmFy; Path=/link/oauth2; Max-Age=600; HttpOnly; Secure; SameSite=Lax";
  const std::string cleared = "lg_flow_old=; Path=/link/oauth2; Max-Age=0; HttpOnly; SameSite=Lax";
  serve([&](Request, Responder respond) {
    Response r = Response::redirect("https://app.example/cb");
    r.addHeader("Set-Cookie", flow);
    r.addHeader("Set-Cookie", cleared);
    respond(std::move(r));
  });
  auto a = testing::rawExchange(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 302);
  EXPECT_NE(a->bytes.find("\r\nSet-Cookie: " + flow + "\r\n"), std::string::npos) << a->bytes;
  EXPECT_NE(a->bytes.find("\r\nSet-Cookie: " + cleared + "\r\n"), std::string::npos) << a->bytes;
  EXPECT_EQ(a->bytes.find("; ;"), std::string::npos) << a->bytes;
  EXPECT_EQ(a->bytes.find("Secure="), std::string::npos) << a->bytes;
}

// Issue 15 item 6: every answer carries X-Content-Type-Options: nosniff (JSON, HTML, text,
// redirects, the adapter's own 413 and 500).
TEST_F(ServerTest, EveryAnswerSaysNosniff) {
  serve([](Request req, Responder respond) {
    if (req.path == "/json") return respond(Response::json(200, Json::object()));
    if (req.path == "/html") return respond(Response::html(200, "<p>x</p>"));
    if (req.path == "/redirect") return respond(Response::redirect("https://app.example/"));
    if (req.path == "/throw") throw std::runtime_error("x");
    respond(Response::text(200, "t"));
  });
  for (const char* path : {"/json", "/html", "/redirect", "/text", "/throw"}) {
    auto r = get(path);
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->header("x-content-type-options").value_or(""), "nosniff") << path;
  }
  HttpRequest big;
  big.method = "POST";
  big.url = server_->baseUrl() + "/";
  big.body = std::string(64 * 1024 + 1, 'a');
  auto r = client_.send(big);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("x-content-type-options").value_or(""), "nosniff");
  auto refused = testing::rawExchange(server_->port(), "GET / HTTP/1.1\r\nBroken\r\n\r\n");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(findHeader(refused->headers, "x-content-type-options").value_or(""), "nosniff");
}

TEST(ServerStart, TakenPortIsAnErrorValue) {
  Server a({}, [](Request, Responder respond) { respond(Response::text(200, "")); });
  auto port = a.start();
  ASSERT_TRUE(port.has_value());
  ServerOptions o;
  o.port = *port;
  Server b(o, [](Request, Responder respond) { respond(Response::text(200, "")); });
  auto second = b.start();
  // ReuseAddr does not allow two listeners on one port on Linux.
  EXPECT_FALSE(second.has_value());
}

}  // namespace
}  // namespace linkgate::web

namespace linkgate::web {
namespace {

// Answers that come later than a moment are delivered; past header_timeout Pistache answers
// 408 itself, and the late answer is dropped without harming the server.
void serveLate(ServerOptions o, std::vector<std::thread>& threads, std::mutex& mu,
               std::unique_ptr<Server>& server) {
  server = std::make_unique<Server>(o, [&](Request req, Responder respond) {
    if (req.path == "/fast") return respond(Response::text(200, "fast"));
    std::lock_guard lock(mu);
    threads.emplace_back([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(900));  // the deliberately slow part
      respond(Response::text(200, "late"));
    });
  });
  ASSERT_TRUE(server->start().has_value());
}

TEST(ServerLateAnswer, LateAnswerWithinTimeoutIsDelivered) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::thread> threads;
  std::mutex mu;
  std::unique_ptr<Server> server;
  serveLate({}, threads, mu, server);
  CurlHttpClient client;
  HttpRequest r;
  r.url = server->baseUrl() + "/slow";
  auto first = client.send(r);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "late");
  std::lock_guard lock(mu);
  for (auto& t : threads) t.join();
}

TEST(ServerLateAnswer, AnswerAfterHeaderTimeoutIsDroppedSafely) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::thread> threads;
  std::mutex mu;
  std::unique_ptr<Server> server;
  ServerOptions o;
  o.header_timeout = std::chrono::milliseconds(300);
  serveLate(o, threads, mu, server);
  CurlHttpClient client;
  HttpRequest r;
  r.url = server->baseUrl() + "/slow";
  auto first = client.send(r);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->status, 408);
  {
    std::lock_guard lock(mu);
    for (auto& t : threads) t.join();  // the late answers have been attempted
    threads.clear();
  }
  r.url = server->baseUrl() + "/fast";
  auto second = client.send(r);  // the server is alive and serving
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->body, "fast");
}

}  // namespace
}  // namespace linkgate::web
