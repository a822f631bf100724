// Issue 5 "bad input": every malformed request gets its status, `error` and `error_description`
// and changes nothing.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;
using testing::queryOf;
using testing::TestGateway;

Catalogue withTenant() {
  Catalogue c;
  c.add(testing::acmeDialect());
  Json doc = {{"slug", "tenant"},
              {"display_name", "Tenant"},
              {"sources", {"test"}},
              {"connection_params",
               {{{"name", "subdomain"}, {"pattern", "[a-z0-9-]{1,63}"}, {"example", "acme"}}}},
              {"endpoints",
               {{"authorize", "https://{subdomain}.tenant.test/oauth/authorize"},
                {"token", "https://{subdomain}.tenant.test/oauth/token"}}},
              {"authorize", Json::object()},
              {"token", {{"response", Json::object()}}},
              {"refresh", Json::object()},
              {"api", Json::object()}};
  c.add(*parseDialect(doc, "tenant"));
  return c;
}

class BadInputTest : public ::testing::Test {
 protected:
  BadInputTest() : catalogue_(withTenant()), gw_(catalogue_) {
    app_ = gw_.createApp("acme", "acme-client", "acme-secret");
    tenant_app_ = gw_.createApp("tenant", "t-client", "t-secret");
    gw_.registerRedirectUri("https://app.example/cb");
  }
  std::string startUrl(const std::string& extra) {
    return "/link/oauth2/start?client_id=" + app_ +
           "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb" + extra;
  }
  // A 400 page (no redirect) with the wire error.
  void expectPage(const web::Response& r, const std::string& error, const std::string& why) {
    EXPECT_EQ(r.status, 400) << why << ": " << r.body;
    EXPECT_FALSE(r.header("Location")) << why;
    EXPECT_NE(r.body.find(error), std::string::npos) << why;
    EXPECT_TRUE(r.header("Content-Security-Policy").value_or("").ends_with("frame-ancestors 'none'"))
        << why;
  }
  // A redirect to the integrator with error=...
  void expectRedirectError(const web::Response& r, const std::string& error,
                           const std::string& why) {
    ASSERT_EQ(r.status, 302) << why << ": " << r.body;
    const std::string loc = *r.header("Location");
    EXPECT_TRUE(loc.starts_with("https://app.example/cb?")) << why << ": " << loc;
    Params q = queryOf(loc);
    EXPECT_EQ(q.get("error"), error) << why;
    EXPECT_FALSE(q.get("error_description").value_or("").empty()) << why;
    EXPECT_FALSE(q.has("code")) << why;
  }
  size_t flowCount() {
    // Nothing changed: no flow was recorded (a flow needs a provider redirect).
    return gw_.http.requests().size();
  }
  web::Response token(const std::string& body, const std::string& type,
                      HeaderList extra = {}) {
    extra.emplace_back("Content-Type", type);
    return gw_.send("POST", "/link/oauth2/token", body, extra);
  }
  void expectJsonError(const web::Response& r, int status, const std::string& error,
                       const std::string& why) {
    EXPECT_EQ(r.status, status) << why << ": " << r.body;
    auto j = parseJsonObject(r.body);
    ASSERT_TRUE(j) << why;
    EXPECT_EQ((*j)["error"], error) << why;
    EXPECT_TRUE((*j)["error_description"].is_string()) << why;
  }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string app_, tenant_app_;
};

TEST_F(BadInputTest, StartBeforeClientAndRedirectAreValidIsAPage) {
  expectPage(gw_.get("/link/oauth2/start?redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
             "invalid_request", "missing client_id");
  expectPage(gw_.get("/link/oauth2/start?client_id=nope&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
             "invalid_request", "invalid uuid");
  expectPage(gw_.get("/link/oauth2/start?client_id=00000000-0000-4000-8000-000000000000"
                     "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
             "invalid_request", "unknown app");
  expectPage(gw_.get("/link/oauth2/start?client_id=" + app_), "invalid_request",
             "missing redirect_uri");
  expectPage(gw_.get("/link/oauth2/start?client_id=" + app_ +
                     "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb"),
             "invalid_request", "unregistered redirect_uri");
  expectPage(gw_.get(startUrl("&client_id=" + app_)), "invalid_request", "duplicated client_id");
  expectPage(gw_.get(startUrl("&redirect_uri=https%3A%2F%2Fapp.example%2Fcb")),
             "invalid_request", "duplicated redirect_uri");
  expectPage(gw_.get("/link/oauth2/start?client_id=" + app_ + "&redirect_uri=https%3A%2F%2Fapp"
                     ".example%2Fcb%0D%0ASet-Cookie:x"),
             "invalid_request", "CRLF in redirect_uri");
  expectPage(gw_.get("/link/oauth2/start?client_id=" + app_ + "%00&redirect_uri=x"),
             "invalid_request", "NUL in client_id");
  expectPage(gw_.get("/link/oauth2/start?client_id=%zz"), "invalid_request", "bad escape");
  EXPECT_EQ(flowCount(), 0u);
}

TEST_F(BadInputTest, StartErrorsAsJsonWhenAsked) {
  auto r = gw_.get("/link/oauth2/start?client_id=bad", {{"Accept", "application/json"}});
  EXPECT_EQ(r.status, 400);
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["error"], "invalid_request");
  EXPECT_TRUE(j["error_description"].is_string());
}

TEST_F(BadInputTest, StartAfterValidationRedirectsTheError) {
  expectRedirectError(gw_.get(startUrl("&scope=a&scope=b")), "invalid_request",
                      "duplicated scope");
  expectRedirectError(gw_.get(startUrl("&state=a&state=b")), "invalid_request",
                      "duplicated state");
  auto long_state = gw_.get(startUrl("&state=" + std::string(4097, 'x')));
  expectRedirectError(long_state, "invalid_request", "state over 4096 bytes");
  EXPECT_FALSE(queryOf(*long_state.header("Location")).has("state"));
  expectRedirectError(gw_.get(startUrl("&scope=read%0Awrite")), "invalid_request", "LF in scope");
  expectRedirectError(gw_.get(startUrl("&scope=read%0D")), "invalid_request", "CR in scope");
  expectRedirectError(gw_.get(startUrl("&scope=read%00")), "invalid_request", "NUL in scope");
  expectRedirectError(gw_.get(startUrl("&scope=%FF%FE")), "invalid_request", "non-UTF-8 scope");
  expectRedirectError(gw_.get(startUrl("&code_challenge=abc&code_challenge_method=plain")),
                      "invalid_request", "plain PKCE");
  expectRedirectError(gw_.get(startUrl("&code_challenge_method=S256")), "invalid_request",
                      "method without challenge");
  expectRedirectError(gw_.get(startUrl("&x=" + std::string(5000, 'y'))), "invalid_request",
                      "oversized parameter");
  // The state itself may hold any bytes (NUL, CR, non-UTF-8) and is returned.
  auto r = gw_.get(startUrl("&state=%00%0D%0A%FF"));
  EXPECT_EQ(r.status, 302);
  EXPECT_TRUE(r.header("Location")->starts_with("https://auth.acme.test/"));
}

TEST_F(BadInputTest, ConnectionParamsMustMatchTheirPattern) {
  auto start = [&](const std::string& extra) {
    return gw_.get("/link/oauth2/start?client_id=" + tenant_app_ +
                   "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb" + extra);
  };
  auto ok = start("&subdomain=acme");
  ASSERT_EQ(ok.status, 302);
  EXPECT_TRUE(ok.header("Location")->starts_with("https://acme.tenant.test/oauth/authorize?"));
  for (const std::string bad : {"", "&subdomain=evil.com%2F", "&subdomain=a%40evil.com",
                                "&subdomain=ACME", "&subdomain=acme&subdomain=b",
                                "&subdomain=evil.com%23"}) {
    expectRedirectError(start(bad), "invalid_request", "subdomain " + bad);
  }
}

TEST_F(BadInputTest, TokenEndpointRejectsMalformedRequests) {
  const std::string form = "application/x-www-form-urlencoded";
  expectJsonError(token("code=x&client_id=" + app_ + "&client_secret=acme-secret", "text/plain"),
                  400, "invalid_request", "wrong content type");
  expectJsonError(token("{not json", "application/json"), 400, "invalid_request", "bad JSON");
  expectJsonError(token(R"({"code": 5})", "application/json"), 400, "invalid_request",
                  "non-string JSON field");
  expectJsonError(token("client_id=" + app_ + "&client_secret=acme-secret", form), 400,
                  "invalid_request", "missing code");
  expectJsonError(token("code=a&code=b&client_id=" + app_ + "&client_secret=acme-secret", form),
                  400, "invalid_request", "duplicated code");
  expectJsonError(token("code=a&client_id=not-a-uuid&client_secret=x", form), 400,
                  "invalid_request", "invalid uuid");
  expectJsonError(token("code=a%0D%0A&client_id=" + app_ + "&client_secret=acme-secret", form),
                  400, "invalid_request", "CRLF in code");
  expectJsonError(token("code=a&client_id=" + app_ + "&client_secret=wrong", form), 401,
                  "invalid_client", "wrong secret");
  expectJsonError(token("code=a&client_id=" + app_, form), 401, "invalid_client",
                  "missing secret");
  expectJsonError(token("code=a&client_id=00000000-0000-4000-8000-000000000000&client_secret=x",
                        form),
                  401, "invalid_client", "unknown app");
  expectJsonError(token("code=a&client_id=" + app_ + "&client_secret=acme-secret", form), 400,
                  "invalid_grant", "unknown code");
  expectJsonError(token("code=a&grant_type=password&client_id=" + app_ +
                            "&client_secret=acme-secret",
                        form),
                  400, "unsupported_grant_type", "other grant type");
  const std::string basic = "Basic " + base64Encode(app_ + ":acme-secret");
  expectJsonError(token("code=a&client_secret=acme-secret", form, {{"Authorization", basic}}), 400,
                  "invalid_request", "two client authentication methods");
  expectJsonError(token("code=a", form, {{"Authorization", "Basic !!!"}}), 401, "invalid_client",
                  "malformed Basic");
  // Every answer of the token endpoint is no-store.
  EXPECT_EQ(token("code=a", form).header("Cache-Control"), "no-store");
}

TEST_F(BadInputTest, TokenEndpointBasicIsFormDecoded) {
  // A secret with reserved characters, form-encoded before base64 (RFC 6749 §2.3.1).
  const std::string id = gw_.createApp("acme", "c", "s p+c:%");
  gw_.registerRedirectUri("https://app.example/cb");
  const std::string basic = "Basic " + base64Encode(id + ":s+p%2Bc%3A%25");
  auto r = token("code=unknown", "application/x-www-form-urlencoded", {{"Authorization", basic}});
  expectJsonError(r, 400, "invalid_grant", "authenticated, code unknown");
}

TEST_F(BadInputTest, CallbackBadInput) {
  expectPage(gw_.get("/link/oauth2/callback/unknown-provider?state=x&code=y"), "invalid_request",
             "unknown provider");
  expectPage(gw_.get("/link/oauth2/callback/acme?code=y"), "invalid_request", "missing state");
  expectPage(gw_.get("/link/oauth2/callback/acme?state=a&state=b&code=y"), "invalid_request",
             "duplicated state");
  expectPage(gw_.get("/link/oauth2/callback/ACME%2F..?state=a"), "invalid_request",
             "bad provider path");
  EXPECT_TRUE(gw_.http.requests().empty());
}

TEST_F(BadInputTest, RoutesMethodsKeysAndSizes) {
  expectJsonError(gw_.get("/nope"), 404, "not_found", "unknown route");
  expectJsonError(gw_.get("/v1/nope"), 404, "not_found", "unknown api route");
  auto r405 = gw_.send("DELETE", "/link/oauth2/start");
  expectJsonError(r405, 405, "method_not_allowed", "wrong method");
  EXPECT_EQ(r405.header("Allow"), "GET");
  expectJsonError(gw_.get("/link/oauth2/token"), 405, "method_not_allowed", "GET token");
  expectJsonError(gw_.get("/v1/oauth-apps"), 401, "unauthorized", "missing key");
  expectJsonError(gw_.get("/v1/oauth-apps", {{"Authorization", "Bearer wrong"}}), 401,
                  "unauthorized", "wrong key");
  expectJsonError(gw_.send("POST", "/link/oauth2/token", std::string(64 * 1024 + 1, 'a'),
                           {{"Content-Type", "application/x-www-form-urlencoded"}}),
                  413, "invalid_request", "body over 64 KB");
  expectJsonError(gw_.send("PUT", "/v1/oauth-apps", "", {{"Authorization", "Bearer x"}}), 405,
                  "method_not_allowed", "PUT apps");
}

TEST_F(BadInputTest, ManagementApiBadInput) {
  const HeaderList auth = {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                           {"Content-Type", "application/json"}};
  auto post = [&](const std::string& path, const std::string& body, HeaderList h) {
    return gw_.send("POST", path, body, h);
  };
  expectJsonError(post("/v1/oauth-apps", "{", auth), 400, "invalid_request", "bad json");
  expectJsonError(post("/v1/oauth-apps", R"({"provider":"acme"})", auth), 400, "invalid_request",
                  "missing client_id");
  expectJsonError(post("/v1/oauth-apps",
                       R"({"provider":"nope","client_id":"a","client_secret":"b"})", auth),
                  400, "invalid_request", "unknown provider");
  expectJsonError(post("/v1/oauth-apps",
                       R"({"provider":"acme","client_id":"a","client_secret":"b","x":1})", auth),
                  400, "invalid_request", "unknown field");
  expectJsonError(post("/v1/oauth-apps", R"({"provider":"acme"})",
                       {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                        {"Content-Type", "text/plain"}}),
                  400, "invalid_request", "wrong content type");
  expectJsonError(gw_.get("/v1/oauth-apps/not-a-uuid", auth), 400, "invalid_request",
                  "invalid uuid");
  expectJsonError(gw_.get("/v1/oauth-apps/00000000-0000-4000-8000-000000000000", auth), 404,
                  "not_found", "unknown app");
  for (const std::string& bad : std::vector<std::string>{"/relative", "https://app.example/cb#frag", "https://u:p@app.example/cb",
        "http://app.example/cb", "ftp://app.example/cb", "https://app.example/cb?state=1",
        "https://app.example/cb?code=1", "https://app.example/cb?iss=1",
        "https://app.example/cb?error=1", "https://app.example/cb?error_description=1",
        "https://:provider.example/cb", "https://app.example/" + std::string(2048, 'a')}) {
    expectJsonError(post("/v1/redirect-uris", dumpJson(Json{{"url", bad}}), auth), 400,
                    "invalid_request", "redirect uri " + bad.substr(0, 60));
  }
  auto list = gw_.get("/v1/redirect-uris", auth);
  EXPECT_EQ(Json::parse(list.body)["data"].size(), 1u);  // nothing changed
}

}  // namespace
}  // namespace linkgate::gateway
