// Issue 15 items 3 and 4 with the real simulator as a hostile provider and the real gateway
// binary: a token answer that is too big, too deep or carries a monster token fails that flow
// cleanly (error=server_error back to the integrator), and a provider echoing the client
// secret, the code and the verifier in its error_description leaks none of them — not into
// the redirect, not onto the debug page.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/base64.h"
#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;
using testing::ChildProcess;

const std::string kSecret = "hostile-Secret-7f3a9c21";
const HeaderList kApi = {{"Authorization", "Bearer hostile-key"},
                         {"Content-Type", "application/json"}};

class HostileProvider : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    auto sim = ChildProcess::start({binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR),
                                    "--port", "0", "--auto-approve", "--profiles",
                                    testing::sourceDir() + "/fixtures/providers"});
    if (!sim) return void(stack_->error = sim.error().message);
    stack_->sim = std::move(*sim);
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY), "--port", "0", "--db",
         (stack_->dir.path() / "gw.db").string(), "--provider-base-url", stack_->sim->url(),
         "--catalogue", testing::sourceDir() + "/gateway/catalogue"},
        {"LINKGATE_API_KEY=hostile-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (!gw) return void(stack_->error = gw.error().message);
    stack_->gw = std::move(*gw);
    for (const char* slug : {"github", "bitbucket"}) stack_->apps[slug] = registerApp(slug);
    send("POST", stack_->gw->url() + "/v1/redirect-uris",
         dumpJson(Json{{"url", "http://127.0.0.1/done"}}), kApi);
  }
  static void TearDownTestSuite() { delete stack_; }
  void SetUp() override { ASSERT_TRUE(stack_->error.empty()) << stack_->error; }

  static HttpResponse send(const std::string& method, const std::string& url,
                           const std::string& body = {}, HeaderList headers = {}) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.headers = std::move(headers);
    auto r = stack_->http.send(req);
    EXPECT_TRUE(r) << url << ": " << (r ? "" : r.error().message);
    return r ? *r : HttpResponse{};
  }

  static std::string registerApp(const std::string& slug) {
    const std::string gw = stack_->gw->url();
    send("POST", stack_->sim->url() + "/_sim/clients",
         dumpJson(Json{{"provider", slug}, {"client_id", "h-" + slug}, {"client_secret", kSecret},
                       {"redirect_uris", {gw + "/link/oauth2/callback/" + slug}}}),
         {{"Content-Type", "application/json"}});
    auto app = send("POST", gw + "/v1/oauth-apps",
                    dumpJson(Json{{"provider", slug}, {"client_id", "h-" + slug},
                                  {"client_secret", kSecret}}),
                    kApi);
    if (app.status != 201) return "";
    return Json::parse(app.body)["id"];
  }

  // Arms `kind` on the provider's token endpoint and runs one flow; returns the callback's
  // answer (a redirect to the integrator, or the debug page).
  static HttpResponse flowWithFault(const std::string& slug, const std::string& kind, bool debug) {
    auto armed = send("POST", stack_->sim->url() + "/_sim/faults",
                      dumpJson(Json{{"provider", slug}, {"endpoint", "token"}, {"kind", kind}}),
                      {{"Content-Type", "application/json"}});
    EXPECT_EQ(armed.status, 201) << armed.body;
    Params start;
    start.add("client_id", stack_->apps[slug]);
    start.add("redirect_uri", "http://127.0.0.1:4321/done");
    start.add("state", "s1");
    if (debug) start.add("debug", "true");
    auto started = send("GET", stack_->gw->url() + "/link/oauth2/start?" + start.toQuery());
    EXPECT_EQ(started.status, 302) << started.body;
    const std::string cookie = started.header("Set-Cookie").value_or("");
    auto consent = send("GET", started.header("Location").value_or(""));
    EXPECT_EQ(consent.status, 302) << consent.body;
    return send("GET", consent.header("Location").value_or(""), {},
                {{"Cookie", cookie.substr(0, cookie.find(';'))},
                 {"Accept", debug ? "application/json" : "text/html"}});
  }

  struct Stack {
    std::string error;
    std::unique_ptr<ChildProcess> sim, gw;
    std::map<std::string, std::string> apps;
    CurlHttpClient http;
    testing::TempDir dir;
  };
  static inline Stack* stack_ = nullptr;
};

void expectFailedCleanly(const HttpResponse& back, const std::string& words) {
  ASSERT_EQ(back.status, 302) << back.body;
  const std::string location = back.header("Location").value_or("");
  ASSERT_TRUE(location.starts_with("http://127.0.0.1:4321/done?")) << location;
  Params q = testing::queryOf(location);
  EXPECT_EQ(q.get("error").value_or(""), "server_error") << location;
  EXPECT_EQ(q.get("state").value_or(""), "s1");
  EXPECT_FALSE(q.has("code"));
  EXPECT_NE(q.get("error_description").value_or("").find(words), std::string::npos) << location;
}

TEST_F(HostileProvider, HugeTokenAnswerFailsTheFlowCleanly) {
  expectFailedCleanly(flowWithFault("github", "huge_body", false), "too_large");
}

TEST_F(HostileProvider, DeeplyNestedTokenAnswerFailsTheFlowCleanly) {
  expectFailedCleanly(flowWithFault("github", "deep_json", false), "nested");
}

TEST_F(HostileProvider, MonsterAccessTokenIsNotStored) {
  expectFailedCleanly(flowWithFault("github", "long_token", false), "access_token");
  auto creds = send("GET", stack_->gw->url() + "/v1/credentials", {}, kApi);
  EXPECT_EQ(creds.body.find(std::string(1000, 't')), std::string::npos);
}

std::vector<std::string> leaks(const std::string& text) {
  std::vector<std::string> found;
  for (const std::string& s :
       {kSecret, percentEncode(kSecret), base64Encode("h-bitbucket:" + kSecret),
        base64Encode("h-github:" + kSecret)}) {
    if (text.find(s) != std::string::npos) found.push_back(s);
  }
  return found;
}

TEST_F(HostileProvider, EchoedSecretsReachNeitherTheRedirectNorTheDebugPage) {
  for (const char* slug : {"github", "bitbucket"}) {  // secret in the form body / Basic auth
    SCOPED_TRACE(slug);
    auto back = flowWithFault(slug, "echo_secret", false);
    ASSERT_EQ(back.status, 302) << back.body;
    const std::string location = back.header("Location").value_or("");
    const std::string decoded = percentDecode(location, true).value_or(location);
    EXPECT_TRUE(leaks(location).empty()) << location;
    EXPECT_TRUE(leaks(decoded).empty()) << decoded;
    EXPECT_NE(decoded.find("invalid_client"), std::string::npos) << decoded;
    EXPECT_NE(decoded.find("[redacted]"), std::string::npos) << decoded;
    EXPECT_EQ(decoded.find("code="), decoded.find("code=[redacted]")) << decoded;

    auto page = flowWithFault(slug, "echo_secret", true);
    EXPECT_NE(page.body.find("invalid_client"), std::string::npos) << page.body;
    EXPECT_TRUE(leaks(page.body).empty()) << page.body;
    EXPECT_TRUE(leaks(percentDecode(page.body, true).value_or(page.body)).empty()) << page.body;
  }
}

}  // namespace
}  // namespace linkgate::gateway
