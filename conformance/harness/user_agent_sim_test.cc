// The suite's browser and simulator client against the real simulator alone (no gateway):
// consent page read and submitted, hops recorded, journal and faults visible.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "conformance/harness/child_process.h"
#include "conformance/harness/keepalive_client.h"
#include "conformance/harness/simulator_control.h"
#include "conformance/harness/user_agent.h"
#include "core/base64.h"
#include "core/params.h"

namespace linkgate::conformance {
namespace {

class UserAgentSimTest : public testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("LINKGATE_BIN_DIR");
    const char* src = std::getenv("LINKGATE_SOURCE_DIR");
    if (bin == nullptr) bin = LINKGATE_DEFAULT_BIN_DIR;
    if (src == nullptr) src = LINKGATE_DEFAULT_SOURCE_DIR;
    const std::string program = std::string(bin) + "/simulator";
    ASSERT_TRUE(std::filesystem::exists(program)) << program << " is not built";
    log_ = std::filesystem::temp_directory_path() /
           ("ua-sim-test-" + std::to_string(::getpid()) + ".log");
    auto child = ChildProcess::start(
        {program, {"--port", "0", "--profiles", std::string(src) + "/fixtures/providers"}, {},
         log_.string()});
    ASSERT_TRUE(child) << child.error().message;
    sim_process_ = std::move(*child);
    auto line = sim_process_->waitForLine("listening on ", std::chrono::seconds(20));
    ASSERT_TRUE(line) << line.error().message << "\n" << sim_process_->logTail(2000);
    sim_ = std::make_unique<SimulatorControl>(http_, *line);
    auto providers = sim_->providers();
    ASSERT_TRUE(providers) << providers.error().message;
    for (const auto& p : *providers) {
      if (p.slug == "generic") generic_ = p;
    }
    ASSERT_EQ(generic_.slug, "generic");
    ASSERT_TRUE(sim_->registerClient("generic", "ua-client", "ua-secret", {kRedirect}));
  }
  void TearDown() override {
    if (sim_process_) sim_process_->stop();
    std::filesystem::remove(log_);
  }

  std::string authorizeUrl(const std::string& state) const {
    Params p{{"response_type", "code"}, {"client_id", "ua-client"},
             {"redirect_uri", kRedirect}, {"state", state}, {"scope", "read"}};
    return generic_.authorize_url + "?" + p.toQuery();
  }

  // Opens the consent page and submits `decision`; returns the redirect to kRedirect.
  std::string consent(UserAgent& ua, const std::string& decision, const std::string& user) {
    HttpRequest request;
    request.url = authorizeUrl("st");
    auto page = ua.follow(request);
    EXPECT_TRUE(page && page->response.status == 200);
    if (!page) return {};
    const auto forms = parseForms(page->response.body);
    EXPECT_EQ(forms.size(), 1u) << page->response.body;
    if (forms.empty()) return {};
    auto landed = ua.submit(page->url, forms[0], {"decision", decision}, {{"user", user}});
    EXPECT_TRUE(landed && landed->next) << (landed ? landed->response.body : landed.error().message);
    return landed && landed->next ? *landed->next : std::string();
  }

  static constexpr const char* kRedirect = "http://127.0.0.1:9/conformance-cb";
  CurlHttpClient http_;
  std::filesystem::path log_;
  std::unique_ptr<ChildProcess> sim_process_;
  std::unique_ptr<SimulatorControl> sim_;
  SimProvider generic_;
};

TEST_F(UserAgentSimTest, ApprovesAndRedeemsAtTheSimulator) {
  Trace trace;
  UserAgent ua(http_, {originOf(sim_->baseUrl())}, &trace);
  const int64_t mark = sim_->mark().value();
  const std::string back = consent(ua, "approve", "1002");
  ASSERT_TRUE(back.starts_with(kRedirect)) << back << "\n" << trace.text();
  auto params = Params::parse(back.substr(back.find('?') + 1)).value();
  ASSERT_TRUE(params.get("code"));
  EXPECT_EQ(params.get("state"), "st");
  EXPECT_NE(trace.text().find("POST " + sim_->baseUrl() + "/generic/_consent"), std::string::npos)
      << trace.text();

  HttpRequest token;
  token.method = "POST";
  token.url = generic_.token_url;
  token.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Authorization", "Basic " + base64Encode("ua-client:ua-secret")}};
  token.body = Params{{"grant_type", "authorization_code"},
                      {"code", *params.get("code")},
                      {"redirect_uri", kRedirect}}
                   .toForm();
  auto answer = http_.send(token);
  ASSERT_TRUE(answer && answer->status == 200) << (answer ? answer->body : "");
  const std::string access = jsonString(parseJsonObject(answer->body).value(), "access_token").value();
  auto me = sim_->apiMe(generic_, access);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_NE(me->body.find("1002"), std::string::npos) << me->body;
  EXPECT_EQ(sim_->apiMe(generic_, access + "x")->status, 401);

  auto journal = sim_->journal("generic", mark).value();
  std::vector<std::string> endpoints;
  for (const auto& e : journal) endpoints.push_back(e.endpoint);
  EXPECT_EQ(endpoints, (std::vector<std::string>{"authorize", "consent", "token", "api_me",
                                                 "api_me"}));
}

TEST_F(UserAgentSimTest, DeniesAndSeesFaults) {
  Trace trace;
  UserAgent ua(http_, {originOf(sim_->baseUrl())}, &trace);
  const std::string back = consent(ua, "deny", "1001");
  auto params = Params::parse(back.substr(back.find('?') + 1)).value();
  EXPECT_EQ(params.get("error"), "access_denied");
  EXPECT_EQ(params.get("state"), "st");

  ASSERT_TRUE(sim_->addFault({"generic", "authorize", "deny_consent", std::nullopt, std::nullopt, 1}));
  HttpRequest request;
  request.url = authorizeUrl("f");
  auto landed = ua.follow(request);
  ASSERT_TRUE(landed);
  ASSERT_TRUE(landed->next) << "deny_consent fault: expected a redirect, got "
                            << landed->response.status;
  EXPECT_NE(landed->next->find("error=access_denied"), std::string::npos) << *landed->next;
  EXPECT_TRUE(sim_->clearFaults());
}

// The bulk sender: many requests on one kept connection give the same answers as a fresh
// connection each (curl), including a 404 and a page with a body.
TEST_F(UserAgentSimTest, KeepAliveClientAnswersLikeCurlOnOneConnection) {
  ASSERT_TRUE(KeepAliveClient::supports(sim_->baseUrl()));
  EXPECT_FALSE(KeepAliveClient::supports("https://example.test"));
  KeepAliveClient kept(sim_->baseUrl());
  const std::string page = authorizeUrl("ka").substr(sim_->baseUrl().size());
  HttpRequest request;
  request.url = sim_->baseUrl() + page;
  auto reference = http_.send(request);
  ASSERT_TRUE(reference) << reference.error().message;
  ASSERT_EQ(reference->status, 200);
  for (int i = 0; i < 50; ++i) {
    auto a = kept.get(i % 5 == 4 ? "/no/such/route" : page);
    ASSERT_TRUE(a) << i << ": " << a.error().message;
    if (i % 5 == 4) {
      EXPECT_EQ(a->status, 404) << i;
    } else {
      EXPECT_EQ(a->status, 200) << i;
      EXPECT_EQ(a->body.size(), reference->body.size()) << i;
      EXPECT_EQ(a->header("Content-Type"), reference->header("Content-Type")) << i;
    }
  }
  KeepAliveClient nowhere("http://127.0.0.1:1");
  EXPECT_FALSE(nowhere.get("/"));
}

}  // namespace
}  // namespace linkgate::conformance
