// Faults armed through /_sim/faults: in process and over a real socket.
#include <chrono>
#include <future>
#include <memory>

#include <gtest/gtest.h>

#include "core/http_client.h"
#include "core/percent.h"
#include "simulator/test_support.h"
#include "web/server.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

const std::string kCodeTail = "&redirect_uri=" + percentEncode(GenericSim::kRedirect);

void arm(GenericSim& s, Json fault) {
  fault["provider"] = fault.value("provider", "generic");
  web::Response r = s.control("POST", "/_sim/faults", fault);
  ASSERT_EQ(r.status, 201) << r.body;
}

TEST(Faults, StatusAppliesToTheNextCountRequestsOnly) {
  GenericSim s;
  arm(s, Json{{"endpoint", "token"}, {"kind", "status"}, {"status", 503}, {"count", 2}});
  std::string code = s.code();
  std::string body = "grant_type=authorization_code&code=" + code + kCodeTail;
  EXPECT_EQ(s.token(body).status, 503);
  EXPECT_EQ(s.token(body).status, 503);
  EXPECT_EQ(s.token(body).status, 200);  // the faulted requests were not processed
  Json journal = parseJson(s.control("GET", "/_sim/journal").body).value()["entries"];
  EXPECT_EQ(journal[1]["status"], 503);
  EXPECT_EQ(journal[3]["status"], 200);
}

TEST(Faults, PerProviderAndEndpoint) {
  GenericSim s({testing::providerProfile("github")});
  arm(s, Json{{"provider", "github"}, {"endpoint", "api_me"}, {"kind", "status"}, {"status", 500}});
  Json tokens = s.exchange(s.code());
  EXPECT_EQ(s.apiMe(tokens["access_token"]).status, 200);  // generic, not github
  EXPECT_EQ(s.call(testing::makeRequest("GET", "/github/api/me")).status, 500);
}

TEST(Faults, RefreshEndpointMeansTheRefreshGrant) {
  GenericSim s;
  arm(s, Json{{"endpoint", "refresh"}, {"kind", "invalid_grant"}});
  Json tokens = s.exchange(s.code());  // the code exchange is not the refresh endpoint
  ASSERT_TRUE(tokens.contains("refresh_token"));
  std::string body = "grant_type=refresh_token&refresh_token=" + tokens["refresh_token"].get<std::string>();
  web::Response r = s.token(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(parseJson(r.body).value()["error"], "invalid_grant");
  EXPECT_EQ(s.token(body).status, 200);  // nothing was consumed or revoked
  Json journal = parseJson(s.control("GET", "/_sim/journal").body).value()["entries"];
  EXPECT_EQ(journal.back()["endpoint"], "refresh");
}

TEST(Faults, InvalidGrantLeavesTheCodeUsable) {
  GenericSim s;
  arm(s, Json{{"endpoint", "token"}, {"kind", "invalid_grant"}});
  std::string body = "grant_type=authorization_code&code=" + s.code() + kCodeTail;
  EXPECT_EQ(parseJson(s.token(body).body).value()["error"], "invalid_grant");
  EXPECT_EQ(s.token(body).status, 200);
}

TEST(Faults, MalformedBodyAndDroppedConnection) {
  GenericSim s;
  arm(s, Json{{"endpoint", "token"}, {"kind", "malformed_body"}});
  arm(s, Json{{"endpoint", "token"}, {"kind", "drop_connection"}});
  std::string body = "grant_type=authorization_code&code=" + s.code() + kCodeTail;
  web::Response garbage = s.token(body);
  EXPECT_EQ(garbage.status, 200);
  EXPECT_FALSE(parseJson(garbage.body));
  web::Response dropped = s.token(body);
  EXPECT_TRUE(dropped.drop_connection);
  EXPECT_EQ(s.token(body).status, 200);
}

TEST(Faults, DenyConsent) {
  GenericSim s;
  arm(s, Json{{"kind", "deny_consent"}});  // endpoint defaults to authorize
  web::Response denied = s.authorize();
  ASSERT_EQ(denied.status, 302);
  EXPECT_EQ(testing::locationParam(denied, "error"), "access_denied");
  EXPECT_EQ(testing::locationParam(denied, "state"), "xyz");
  EXPECT_TRUE(testing::locationParam(s.authorize(), "code"));
}

TEST(Faults, DelayAnswersLateWithoutHoldingTheCaller) {
  GenericSim s;
  arm(s, Json{{"endpoint", "token"}, {"kind", "delay"}, {"delay_ms", 300}});
  std::string body = "grant_type=authorization_code&code=" + s.code() + kCodeTail;
  auto promise = std::make_shared<std::promise<web::Response>>();
  auto future = promise->get_future();
  auto start = std::chrono::steady_clock::now();
  s.sim->handle(testing::formPost("/generic/generic.example/oauth/token", body,
                                  {{"Authorization", testing::basicAuth("c1", "s1")}}),
                [promise](web::Response r) { promise->set_value(std::move(r)); });
  // handle() returned without answering: the answer is with the delay thread.
  EXPECT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(s.control("GET", "/_sim/health").status, 200);  // others are served meanwhile
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(future.get().status, 200);
}

class SocketFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    web::ServerOptions options;
    options.port = 0;
    options.threads = 1;  // one reactor thread: a blocked one would stall everything
    server_ = std::make_unique<web::Server>(options, s_.sim->handler());
    ASSERT_TRUE(server_->start());
  }
  void TearDown() override { server_->stop(); }
  Result<HttpResponse> get(const std::string& path) {
    HttpRequest request;
    request.url = server_->baseUrl() + path;
    return http_.send(request);
  }
  GenericSim s_;
  CurlHttpClient http_;
  std::unique_ptr<web::Server> server_;
};

TEST_F(SocketFaults, DelayedAnswerDoesNotBlockOtherRequests) {
  arm(s_, Json{{"endpoint", "api_me"}, {"kind", "delay"}, {"delay_ms", 1500}});
  auto start = std::chrono::steady_clock::now();
  auto slow = std::async(std::launch::async, [&] { return get("/generic/api/me"); });
  // Wait until the delayed request has arrived (the journal shows it), without sleeping.
  while (parseJson(s_.control("GET", "/_sim/journal").body).value()["entries"].empty()) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    std::this_thread::yield();
  }
  auto fast = get("/_sim/health");
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->status, 200);
  EXPECT_EQ(slow.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the delayed answer came before the fast one";
  auto late = slow.get();
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(late->status, 401);  // no token: processed normally, answered late
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(SocketFaults, OversizedBodyIs413) {
  HttpRequest big;
  big.method = "POST";
  big.url = server_->baseUrl() + "/generic/generic.example/oauth/token";
  big.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  big.body = "grant_type=authorization_code&code=" + std::string(70 * 1024, 'a');
  auto r = http_.send(big);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 413);  // SPEC §7
}

TEST_F(SocketFaults, DroppedConnectionIsATransportError) {
  arm(s_, Json{{"endpoint", "api_me"}, {"kind", "drop_connection"}});
  auto r = get("/generic/api/me");
  ASSERT_FALSE(r) << "got an answer: " << r->status;
  EXPECT_EQ(r.error().id, "transport");
  auto next = get("/generic/api/me");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 401);
}

}  // namespace
}  // namespace linkgate::sim
