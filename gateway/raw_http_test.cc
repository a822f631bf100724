// Issue 15 items 5 and 6 against the real gateway binary over a real socket: malformed HTTP
// sent as raw bytes gets a prompt 400 in the JSON error contract on every route, every answer
// says nosniff, and with an https public URL the flow cookie's Set-Cookie bytes are exact.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/http_client.h"
#include "core/json.h"
#include "core/params.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"
#include "web/raw_client.h"

namespace linkgate::gateway {
namespace {

using testing::ChildProcess;
using web::testing::rawExchange;

std::string gatewayBinary() {
  if (const char* path = std::getenv("LINKGATE_GATEWAY")) return path;
  if (const char* dir = std::getenv("LINKGATE_BIN_DIR")) return std::string(dir) + "/gateway";
  return LINKGATE_BUILT_GATEWAY;
}

class RawGateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto gw = ChildProcess::start(
        {gatewayBinary(), "--port", "0", "--db", (dir_->path() / "gw.db").string(),
         "--public-url", "https://gw.example", "--provider-base-url", "http://127.0.0.1:9",
         "--catalogue", testing::sourceDir() + "/gateway/catalogue"},
        {"LINKGATE_API_KEY=raw-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (gw) gateway_ = gw->release();
    else error_ = new std::string(gw.error().message);
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete dir_;
    delete error_;
  }
  static uint16_t port() {
    const std::string& url = gateway_->url();
    return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }
  void SetUp() override { ASSERT_EQ(error_, nullptr) << *error_; }

  static inline ChildProcess* gateway_ = nullptr;
  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string* error_ = nullptr;
};

TEST_F(RawGateway, MalformedHttpIsAPrompt400InTheErrorContractOnEveryRoute) {
  const std::vector<std::pair<std::string, std::string>> heads = {
      {"Content-Length: -1", "Content-Length: -1\r\n\r\n"},
      {"20 digits", "Content-Length: 99999999999999999999\r\n\r\n"},
      {"abc", "Content-Length: abc\r\n\r\n"},
      {"two lengths", "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"},
      {"no colon", "NoColonHere\r\n\r\n"},
      {"obs-fold", "X-A: a\r\n folded\r\n\r\n"},
      {"TE + CL", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"},
      {"TE gzip", "Transfer-Encoding: gzip\r\n\r\n"},
      {"bad Content-Type", "Content-Type: garbage\r\nContent-Length: 2\r\n\r\nab"},
  };
  for (const char* route : {"/link/oauth2/token", "/v1/oauth-apps", "/healthz",
                            "/link/oauth2/start?x=1", "/nowhere"}) {
    for (const auto& [what, rest] : heads) {
      SCOPED_TRACE(std::string(route) + " " + what);
      auto a = rawExchange(port(), "POST " + std::string(route) + " HTTP/1.1\r\nHost: gw.example\r\n" + rest);
      ASSERT_TRUE(a.has_value());
      EXPECT_EQ(a->status, 400) << a->bytes;
      EXPECT_LT(a->elapsed.count(), 2000);
      auto j = parseJsonObject(a->body);
      ASSERT_TRUE(j.has_value()) << a->bytes;
      EXPECT_TRUE((*j)["error"].is_string());
      EXPECT_TRUE((*j)["error_description"].is_string());
      EXPECT_EQ(a->body.find("stoull"), std::string::npos);
    }
  }
  auto lf = rawExchange(port(), "GET /healthz HTTP/1.1\nHost: gw.example\n\n");
  ASSERT_TRUE(lf.has_value());
  EXPECT_EQ(lf->status, 400) << lf->bytes;
  EXPECT_LT(lf->elapsed.count(), 2000);
  auto big = rawExchange(port(), "POST /link/oauth2/token HTTP/1.1\r\nHost: gw.example\r\n"
                                 "Content-Length: 100000000\r\n\r\n");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->status, 413) << big->bytes;
  EXPECT_TRUE(parseJsonObject(big->body).has_value()) << big->bytes;
  // And the gateway still serves.
  auto ok = rawExchange(port(), "GET /healthz HTTP/1.1\r\nHost: gw.example\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200) << ok->bytes;
  EXPECT_EQ(findHeader(ok->headers, "x-content-type-options").value_or(""), "nosniff");
}

TEST_F(RawGateway, HttpsFlowCookieBytesAreExact) {
  CurlHttpClient http;
  const std::string base = gateway_->url();
  const HeaderList api = {{"Authorization", "Bearer raw-key"}, {"Content-Type", "application/json"}};
  HttpRequest create;
  create.method = "POST";
  create.url = base + "/v1/oauth-apps";
  create.headers = api;
  create.body = dumpJson(Json{{"provider", "github"}, {"client_id", "c"}, {"client_secret", "s"}});
  auto app = http.send(create);
  ASSERT_TRUE(app && app->status == 201) << (app ? app->body : app.error().message);
  const std::string app_id = Json::parse(app->body)["id"];
  HttpRequest uri = create;
  uri.url = base + "/v1/redirect-uris";
  uri.body = dumpJson(Json{{"url", "https://app.example/cb"}});
  auto registered = http.send(uri);
  ASSERT_TRUE(registered && registered->status < 300) << (registered ? registered->body : "");

  Params q;
  q.add("client_id", app_id);
  q.add("redirect_uri", "https://app.example/cb");
  auto a = rawExchange(port(), "GET /link/oauth2/start?" + q.toQuery() +
                                   " HTTP/1.1\r\nHost: gw.example\r\n\r\n");
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->status, 302) << a->bytes;
  const auto cookie = findHeader(a->headers, "set-cookie");
  ASSERT_TRUE(cookie.has_value()) << a->bytes;
  // Exactly what the start handler wrote: "NAME=VALUE; Path=P; Max-Age=600; HttpOnly;
  // SameSite=Lax; Secure" (Pistache had made it "HttpOnly; ; Secure=; SameSite=Lax").
  EXPECT_NE(cookie->find("; Path=/link/oauth2/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure"),
            std::string::npos) << *cookie;
  EXPECT_TRUE(cookie->ends_with("; HttpOnly; SameSite=Lax; Secure")) << *cookie;
  EXPECT_EQ(cookie->find("; ;"), std::string::npos) << *cookie;
  EXPECT_EQ(cookie->find("Secure="), std::string::npos) << *cookie;
  EXPECT_EQ(findHeader(a->headers, "x-content-type-options").value_or(""), "nosniff");
}

}  // namespace
}  // namespace linkgate::gateway
