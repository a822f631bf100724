// The localhost vs 127.0.0.1 trap: /start at another host than the public URL's gets a page
// that names both and links to the right URL; nothing is started, nothing redirects.
#include "gateway/host_check.h"

#include <gtest/gtest.h>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::makeRequest;

web::Request withHost(const std::string& target, const std::string& host) {
  return makeRequest("GET", target, {}, {{"host", host}});
}

TEST(RequestAuthority, DefaultPortAndCaseAreNormalised) {
  EXPECT_EQ(requestAuthority(withHost("/", "LocalHost"), "http"), "localhost:80");
  EXPECT_EQ(requestAuthority(withHost("/", "127.0.0.1:8080"), "http"), "127.0.0.1:8080");
  EXPECT_EQ(requestAuthority(withHost("/", "gw.example"), "https"), "gw.example:443");
  EXPECT_EQ(requestAuthority(withHost("/", "[::1]:9"), "http"), "[::1]:9");
  EXPECT_EQ(requestAuthority(makeRequest("GET", "/"), "http"), std::nullopt);
  auto proxied = makeRequest("GET", "/", {}, {{"host", "10.0.0.2:8080"},
                                             {"x-forwarded-host", "gw.example, inner"}});
  EXPECT_EQ(requestAuthority(proxied, "https"), "gw.example:443");
}

// Each thread keeps its last Host and public URL parsed: the same question asked again, or
// after others, has the same answer.
TEST(RequestAuthority, RepeatedAndInterleavedHostsKeepTheirAnswers) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(requestAuthority(withHost("/", "LocalHost"), "http"), "localhost:80");
    EXPECT_EQ(requestAuthority(withHost("/", "LocalHost"), "https"), "localhost:443");
    EXPECT_EQ(requestAuthority(withHost("/", "LocalHost"), "https"), "localhost:443");
    EXPECT_EQ(requestAuthority(withHost("/", "a.example:81"), "https"), "a.example:81");
    EXPECT_FALSE(publicHostMismatch(withHost("/", "127.0.0.1:8080"), "http://127.0.0.1:8080"));
    EXPECT_TRUE(publicHostMismatch(withHost("/", "127.0.0.1:8080"), "http://localhost:8080"));
    EXPECT_TRUE(publicHostMismatch(withHost("/", "127.0.0.1:8080"), "http://localhost:8080"));
    EXPECT_FALSE(publicHostMismatch(withHost("/", "localhost:8080"), "http://localhost:8080"));
    EXPECT_FALSE(publicHostMismatch(withHost("/", "localhost:8080"), "not a url"));
  }
}

TEST(PublicHostMismatch, SameHostPasses) {
  for (const auto& [host, pub] : std::vector<std::pair<std::string, std::string>>{
           {"127.0.0.1:8080", "http://127.0.0.1:8080"},
           {"127.0.0.1:8080", "http://127.0.0.1:8080/"},
           {"GW.example", "https://gw.example"},
           {"gw.example:443", "https://gw.example/prefix"}}) {
    EXPECT_FALSE(publicHostMismatch(withHost("/link/oauth2/start?x=1", host), pub))
        << host << " vs " << pub;
  }
  EXPECT_FALSE(publicHostMismatch(makeRequest("GET", "/link/oauth2/start"), "http://a:1"));
}

TEST(PublicHostMismatch, OtherHostGetsAnExplainingPage) {
  auto r = publicHostMismatch(
      withHost("/link/oauth2/start?client_id=c&state=%3Cscript%3E", "localhost:8080"),
      "http://127.0.0.1:8080");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_FALSE(r->header("Location"));
  EXPECT_NE(r->body.find("localhost:8080"), std::string::npos);
  EXPECT_NE(r->body.find("127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(r->body.find("href=\"http://127.0.0.1:8080/link/oauth2/start?client_id=c&amp;"
                         "state=%3Cscript%3E\""),
            std::string::npos)
      << r->body;
  EXPECT_TRUE(r->header("Content-Security-Policy")->ends_with("frame-ancestors 'none'"));
  EXPECT_TRUE(publicHostMismatch(withHost("/", "127.0.0.1:8080"), "http://localhost:8080"));
  EXPECT_TRUE(publicHostMismatch(withHost("/", "[::1]:8080"), "http://127.0.0.1:8080"));
}

TEST(PublicHostMismatch, PortsAndProxiedNamesAreNotTheTrap) {
  // Cookies ignore ports; a proxy in front may send its upstream's Host.
  EXPECT_FALSE(publicHostMismatch(withHost("/", "127.0.0.1:8081"), "http://127.0.0.1:8080"));
  EXPECT_FALSE(publicHostMismatch(withHost("/", "127.0.0.1"), "http://127.0.0.1:8080"));
  EXPECT_FALSE(publicHostMismatch(withHost("/", "127.0.0.1:8080"), "https://gw.example"));
  EXPECT_FALSE(publicHostMismatch(withHost("/", "other.example"), "http://127.0.0.1:8080"));
}

TEST(PublicHostMismatch, JsonWhenAsked) {
  auto r = publicHostMismatch(
      makeRequest("GET", "/link/oauth2/start", {},
                  {{"host", "localhost:1"}, {"accept", "application/json"}}),
      "http://127.0.0.1:1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"error\":\"invalid_request\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("flow_cookie_mismatch"), std::string::npos);
}

TEST(PublicHostMismatch, StartChecksTheHostBeforeAnything) {
  GatewayConfig config;
  config.public_url = "http://127.0.0.1:8080";
  testing::TestGateway gw(testing::realCatalogue(), config);
  const std::string app = gw.createApp("generic", "c", "s");
  gw.registerRedirectUri("http://127.0.0.1/cb");
  const std::string target = "/link/oauth2/start?client_id=" + app +
                             "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&state=x";
  auto wrong = gw.get(target, {{"host", "localhost:8080"}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_FALSE(wrong.header("Location"));
  EXPECT_FALSE(wrong.header("Set-Cookie"));
  EXPECT_NE(wrong.body.find("Continue at 127.0.0.1:8080"), std::string::npos);
  auto right = gw.get(target, {{"host", "127.0.0.1:8080"}});
  EXPECT_EQ(right.status, 302) << right.body;
  EXPECT_TRUE(right.header("Set-Cookie"));
}

}  // namespace
}  // namespace linkgate::gateway
