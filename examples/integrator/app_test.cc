// The example app's handlers against a scripted gateway and provider (no sockets): Connect
// starts server-side with the API key, the callback checks the browser's state, exchanges the
// code with the app's secret, shows the masked credential and the identity, and shows errors
// plainly; everything echoed is escaped.
#include "examples/integrator/app.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "core/params.h"
#include "core/percent.h"
#include "web/assets/page_style.h"

namespace linkgate::example {
namespace {

// Answers by "METHOD URL-without-query-string-base"; records every request.
class ScriptedHttp final : public HttpClient {
 public:
  std::map<std::string, std::function<HttpResponse(const HttpRequest&)>> routes;
  std::vector<HttpRequest> seen;
  Result<HttpResponse> send(const HttpRequest& request) override {
    seen.push_back(request);
    for (const auto& [key, fn] : routes) {
      if (request.method + " " + request.url == key) return fn(request);
    }
    return fail("connect_failed", "no route for " + request.method + " " + request.url);
  }
};

HttpResponse json(int status, const Json& body) { return HttpResponse{status, {}, dumpJson(body)}; }

const std::string kGw = "http://gw.test";
const std::string kSim = "http://sim.test";

struct AppFixture : ::testing::Test {
  ScriptedHttp http;
  SeededRandom random{7};
  LinkgateClient linkgate{http, kGw, "the-api-key"};
  IdentityLookup identity{http, kSim};
  IntegratorApp app{AppConfig{"http://app.test", kGw}, linkgate, identity, random};

  void SetUp() override {
    http.routes["GET " + kGw + "/v1/providers"] = [](const HttpRequest&) {
      return json(200, {{"data",
                         {{{"slug", "generic"}, {"display_name", "Generic <OAuth>"},
                           {"connection_params", Json::array()}},
                          {{"slug", "zendesk"}, {"display_name", "Zendesk"},
                           {"connection_params",
                            {{{"name", "subdomain"}, {"pattern", "^[a-z]+$"},
                              {"example", "acme"}}}}},
                          {{"slug", "noapp"}, {"display_name", "No App"},
                           {"connection_params", Json::array()}}}}});
    };
    http.routes["GET " + kGw + "/v1/oauth-apps?truncate_secrets=false"] = [](const HttpRequest&) {
      return json(200, {{"data",
                         {{{"id", "app-generic"}, {"provider", "generic"},
                           {"client_secret", "generic-secret"}},
                          {{"id", "app-zendesk-other"}, {"provider", "zendesk"},
                           {"client_secret", "other"}, {"name", "someone else's"}},
                          {{"id", "app-zendesk"}, {"provider", "zendesk"},
                           {"client_secret", "zd-secret"}, {"name", "integrator-example"}}}}});
    };
  }

  web::Request get(const std::string& target, HeaderList headers = {}) {
    web::Request r;
    r.method = "GET";
    r.target = target;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.raw_query = target.substr(q + 1), r.has_query = true;
    r.headers = std::move(headers);
    return r;
  }
  web::Request post(const std::string& path, std::string body) {
    web::Request r = get(path);
    r.method = "POST";
    r.body = std::move(body);
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    return r;
  }
  // Connect, returning the nonce cookie value and the state JSON sent to start-auth.
  std::pair<std::string, Json> connect(const std::string& slug, const std::string& form = "") {
    Json sent;
    http.routes["POST " + kGw + "/v1/credentials/start-auth"] = [&sent](const HttpRequest& r) {
      sent = *parseJson(r.body);
      return json(201, {{"start_url", kGw + "/link/oauth2/start/TOKEN"}});
    };
    auto r = app.handle(post("/connect/" + slug, form));
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.header("Location"), kGw + "/link/oauth2/start/TOKEN");
    const std::string cookie = r.header("Set-Cookie").value_or("");
    EXPECT_TRUE(cookie.starts_with("ig_flow=")) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    return {cookie.substr(8, cookie.find(';') - 8), sent};
  }
  std::string callbackTarget(const std::string& slug, const Json& state, const std::string& rest) {
    return "/callback/" + slug + "?" + rest + "&state=" + percentEncode(dumpJson(state));
  }
};

TEST_F(AppFixture, HomeListsProvidersWithAnAppAndAsksForConnectionParams) {
  auto r = app.handle(get("/"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Security-Policy"), web::pageCsp());
  EXPECT_NE(r.body.find("action=\"/connect/generic\""), std::string::npos);
  EXPECT_NE(r.body.find("Generic &lt;OAuth&gt;"), std::string::npos);  // escaped
  EXPECT_EQ(r.body.find("Generic <OAuth>"), std::string::npos);
  EXPECT_NE(r.body.find("<input name=\"subdomain\" required placeholder=\"acme\">"),
            std::string::npos);
  EXPECT_EQ(r.body.find("/connect/noapp"), std::string::npos);  // no OAuth app: no button
  EXPECT_EQ(r.body.find("generic-secret"), std::string::npos);  // secrets stay server-side
}

TEST_F(AppFixture, ConnectStartsServerSideWithTheApiKeyAndConnectionParams) {
  auto [nonce, sent] = connect("zendesk", "subdomain=acme");
  EXPECT_EQ(sent["oauth_app_id"], "app-zendesk");
  EXPECT_EQ(sent["redirect_uri"], "http://app.test/callback/zendesk");
  EXPECT_EQ(sent["connection_params"], (Json{{"subdomain", "acme"}}));
  EXPECT_EQ(sent["state"]["nonce"], nonce);
  EXPECT_GE(nonce.size(), 20u);
  const HttpRequest& start = http.seen.back();
  EXPECT_EQ(findHeader(start.headers, "Authorization"), "Bearer the-api-key");
}

TEST_F(AppFixture, ConnectShowsTheGatewaysRefusalEscaped) {
  http.routes["POST " + kGw + "/v1/credentials/start-auth"] = [](const HttpRequest&) {
    return json(400, {{"error", "invalid_request"},
                      {"error_description", "subdomain <script>alert(1)</script> is bad"}});
  };
  auto r = app.handle(post("/connect/zendesk", "subdomain=x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid_request: subdomain &lt;script&gt;"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_EQ(app.handle(post("/connect/noapp", "")).status, 404);
  EXPECT_EQ(app.handle(get("/connect/generic")).status, 405);
  EXPECT_EQ(app.handle(post("/connect/Bad%2F", "")).status, 404);
}

TEST_F(AppFixture, CallbackExchangesTheCodeAndShowsTheConnectedAccount) {
  auto [nonce, sent] = connect("generic");
  Json exchange_body;
  http.routes["POST " + kGw + "/link/oauth2/token"] = [&](const HttpRequest& r) {
    exchange_body = *parseJson(r.body);
    return json(200, {{"credential", {{"id", "cred-1"}, {"properties",
                                                          {{"access_token", "AT-secret"}}}}},
                      {"state", sent["state"]}});
  };
  http.routes["GET " + kGw + "/v1/credentials/cred-1"] = [](const HttpRequest&) {
    return json(200, {{"id", "cred-1"}, {"provider", "generic"},
                      {"properties", {{"access_token", "**********"}, {"scope", "read"}}},
                      {"connection_params", {{"team", "<b>t</b>"}}}});
  };
  http.routes["GET " + kGw + "/v1/credentials/cred-1/access-token"] = [](const HttpRequest&) {
    return json(200, {{"access_token", "AT-secret"}});
  };
  http.routes["GET " + kSim + "/_sim/providers"] = [](const HttpRequest&) {
    return json(200, {{"providers",
                       {{{"slug", "generic"}, {"api_me_url", kSim + "/generic/api/me"}}}}});
  };
  http.routes["GET " + kSim + "/generic/api/me"] = [](const HttpRequest& r) {
    EXPECT_EQ(findHeader(r.headers, "Authorization"), "Bearer AT-secret");
    return json(200, {{"id", "1001"}, {"login", "alice"}, {"name", "Alice <Example>"}});
  };
  auto r = app.handle(get(callbackTarget("generic", sent["state"], "code=C1&iss=x"),
                          {{"cookie", "ig_flow=" + nonce}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(exchange_body, (Json{{"code", "C1"}, {"client_id", "app-generic"},
                                 {"client_secret", "generic-secret"}}));
  EXPECT_NE(r.body.find("id=\"connected\""), std::string::npos);
  EXPECT_NE(r.body.find("<code>**********</code>"), std::string::npos);  // masked credential
  EXPECT_EQ(r.body.find("AT-secret"), std::string::npos);               // never the token
  EXPECT_NE(r.body.find("&lt;b&gt;t&lt;/b&gt;"), std::string::npos);    // account, escaped
  EXPECT_NE(r.body.find("Alice &lt;Example&gt;"), std::string::npos);   // identity, escaped
  EXPECT_NE(r.header("Set-Cookie")->find("Max-Age=0"), std::string::npos);
}

TEST_F(AppFixture, CallbackRefusesAStateThisBrowserDidNotStart) {
  auto [nonce, sent] = connect("generic");
  const std::string target = callbackTarget("generic", sent["state"], "code=C1");
  for (const HeaderList& headers : {HeaderList{}, HeaderList{{"cookie", "ig_flow=other"}}}) {
    auto r = app.handle(get(target, headers));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("state_mismatch"), std::string::npos);
  }
  EXPECT_EQ(app.handle(get("/callback/generic?code=C1", {{"cookie", "ig_flow=" + nonce}})).status,
            400);
  for (const auto& req : http.seen) EXPECT_EQ(req.url.find("/link/oauth2/token"), std::string::npos);
}

TEST_F(AppFixture, CallbackShowsFlowErrorsPlainlyAndEscaped) {
  auto [nonce, sent] = connect("generic");
  auto denied = app.handle(get(callbackTarget("generic", sent["state"],
                                              "error=access_denied&error_description=" +
                                                  percentEncode("the user <i>denied</i>")),
                               {{"cookie", "ig_flow=" + nonce}}));
  EXPECT_EQ(denied.status, 200);
  EXPECT_NE(denied.body.find("<strong class=\"error\">access_denied</strong>"), std::string::npos);
  EXPECT_NE(denied.body.find("the user &lt;i&gt;denied&lt;/i&gt;"), std::string::npos);
  http.routes["POST " + kGw + "/link/oauth2/token"] = [](const HttpRequest&) {
    return json(400, {{"error", "invalid_grant"}, {"error_description", "code used"}});
  };
  auto failed = app.handle(get(callbackTarget("generic", sent["state"], "code=C2"),
                               {{"cookie", "ig_flow=" + nonce}}));
  EXPECT_EQ(failed.status, 502);
  EXPECT_NE(failed.body.find("invalid_grant: code used"), std::string::npos);
}

TEST_F(AppFixture, UnknownRoutesAndTheGatewayDownArePages) {
  EXPECT_EQ(app.handle(get("/nope")).status, 404);
  EXPECT_EQ(app.handle(get("/healthz")).status, 200);
  http.routes.clear();
  auto r = app.handle(get("/"));
  EXPECT_EQ(r.status, 502);
  EXPECT_NE(r.body.find("gateway_error"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::example
