// The /v1 management API without sockets: apps, redirect URIs, providers, start links and
// credentials (import, export, refresh, access-token).
#include "gateway/api_handlers.h"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;
using testing::queryOf;
using testing::TestGateway;

Catalogue acmeOnly() {
  Catalogue c;
  c.add(testing::acmeDialect());
  return c;
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : catalogue_(acmeOnly()), gw_(catalogue_) {}
  web::Response call(const std::string& method, const std::string& path, const Json& body = {}) {
    return gw_.send(method, path, body.is_null() ? "" : dumpJson(body),
                    {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                     {"Content-Type", "application/json"}});
  }
  Json json(const web::Response& r) { return Json::parse(r.body); }
  std::string importCredential(const Json& properties, const std::string& identity = "") {
    Json body = {{"oauth_app_id", app_}, {"properties", properties}};
    if (!identity.empty()) body["provider_account_id"] = identity;
    auto r = call("POST", "/v1/credentials", body);
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return json(r)["id"];
  }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string app_ = gw_.createApp("acme", "acme-client", "acme-secret");
};

TEST_F(ApiTest, OAuthAppsMaskSecretsUnlessAsked) {
  auto list = call("GET", "/v1/oauth-apps");
  ASSERT_EQ(list.status, 200);
  Json apps = json(list)["data"];
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0]["client_secret"], "**********");
  EXPECT_EQ(apps[0]["provider"], "acme");
  EXPECT_EQ(list.body.find("acme-secret"), std::string::npos);
  auto revealed = call("GET", "/v1/oauth-apps/" + app_ + "?truncate_secrets=false");
  EXPECT_EQ(json(revealed)["client_secret"], "acme-secret");
}

TEST_F(ApiTest, PatchAndDeleteApp) {
  auto patched = call("PATCH", "/v1/oauth-apps/" + app_,
                      {{"name", "renamed"}, {"default_scopes", {"a", "b"}}, {"client_secret", "n"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json(patched)["name"], "renamed");
  EXPECT_EQ(json(patched)["default_scopes"], (Json{"a", "b"}));
  EXPECT_EQ((*gw_.store->findApp(app_))->client_secret, "n");
  EXPECT_EQ(call("PATCH", "/v1/oauth-apps/" + app_, {{"provider", "x"}}).status, 400);
  EXPECT_EQ(call("DELETE", "/v1/oauth-apps/" + app_).status, 204);
  EXPECT_EQ(call("GET", "/v1/oauth-apps/" + app_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/oauth-apps/" + app_).status, 404);
}

TEST_F(ApiTest, AppsOfAnotherAccountAreInvisible) {
  ASSERT_TRUE(gw_.store->addApiKey("other-key", "other", 0));
  auto r = gw_.send("GET", "/v1/oauth-apps/" + app_, "", {{"Authorization", "Bearer other-key"}});
  EXPECT_EQ(r.status, 404);
  auto list = gw_.send("GET", "/v1/oauth-apps", "", {{"Authorization", "Bearer other-key"}});
  EXPECT_EQ(json(list)["data"].size(), 0u);
}

TEST_F(ApiTest, RedirectUrisRegisterListDeleteIdempotent) {
  auto created = call("POST", "/v1/redirect-uris", {{"url", "https://app.example/:provider/cb"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json(created)["id"];
  auto again = call("POST", "/v1/redirect-uris", {{"uri", "https://app.example/:provider/cb"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(json(again)["id"], id);
  EXPECT_EQ(json(call("GET", "/v1/redirect-uris"))["data"].size(), 1u);
  EXPECT_EQ(call("DELETE", "/v1/redirect-uris/" + id).status, 204);
  EXPECT_EQ(json(call("GET", "/v1/redirect-uris"))["data"].size(), 0u);
}

TEST_F(ApiTest, ProvidersListConnectionParams) {
  TestGateway real(testing::realCatalogue());
  auto r = real.send("GET", "/v1/providers", "",
                     {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey}});
  ASSERT_EQ(r.status, 200);
  Json data = json(r)["data"];
  EXPECT_EQ(data.size(), testing::realCatalogue().size());
  bool saw_params = false;
  for (const auto& p : data) {
    EXPECT_TRUE(p["slug"].is_string());
    EXPECT_TRUE(p["display_name"].is_string());
    for (const auto& cp : p["connection_params"]) {
      saw_params = true;
      EXPECT_TRUE(cp["pattern"].is_string());
      EXPECT_TRUE(cp["example"].is_string());
    }
  }
  EXPECT_TRUE(saw_params);
}

TEST_F(ApiTest, AppParamsComeFromMetadataAndAreCheckedWhenTheAppChanges) {
  TestGateway real(testing::realCatalogue());
  auto send = [&](const std::string& method, const std::string& path, const Json& body) {
    return real.send(method, path, body.is_null() ? "" : dumpJson(body),
                     {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                      {"Content-Type", "application/json"}});
  };
  const std::string good = "amzn1.sp.solution.6f2e1c3a-9b4d-4e8f-a1b2-3c4d5e6f7a8b";
  Json app = {{"provider", "amazon"}, {"client_id", "amzn1.application-oa2-client.x"},
              {"client_secret", "s"}};
  for (const Json& metadata : {Json(nullptr), Json::object(), Json{{"application_id", 7}},
                               Json{{"application_id", "amzn1.sp.solution.x/evil.example"}}}) {
    Json body = app;
    if (!metadata.is_null()) body["metadata"] = metadata;
    auto r = send("POST", "/v1/oauth-apps", body);
    EXPECT_EQ(r.status, 400) << metadata.dump();
    EXPECT_EQ(json(r)["error"], "invalid_request");
    EXPECT_NE(json(r)["error_description"].get<std::string>().find("metadata.application_id"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(json(send("GET", "/v1/oauth-apps", nullptr))["data"].size(), 0u) << "nothing stored";
  app["metadata"] = {{"application_id", good}, {"note", "kept"}};
  auto created = send("POST", "/v1/oauth-apps", app);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json(created)["id"];
  auto bad = send("PATCH", "/v1/oauth-apps/" + id, {{"metadata", Json::object()}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ((*real.store->findApp(id))->metadata["application_id"], good) << "PATCH changed it";

  // The consent URL carries the app's application_id; the token call will carry its client_id.
  ASSERT_EQ(send("POST", "/v1/redirect-uris", {{"url", "https://app.example/cb"}}).status, 201);
  auto start = real.send("GET", "/link/oauth2/start?client_id=" + id +
                                    "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&region=com");
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string location = start.header("Location").value_or("");
  EXPECT_TRUE(location.starts_with("https://sellercentral.amazon.com/apps/authorize/consent?"))
      << location;
  EXPECT_EQ(queryOf(location).get("application_id"), good) << location;
  EXPECT_FALSE(queryOf(location).has("client_id")) << location;

  Json listed;
  const Json providers = json(send("GET", "/v1/providers", nullptr));
  for (const auto& p : providers["data"]) {
    if (p["slug"] == "amazon") listed = p;
  }
  ASSERT_EQ(listed["app_params"].size(), 1u);
  EXPECT_EQ(listed["app_params"][0]["name"], "application_id");
  for (const auto& cp : listed["connection_params"]) EXPECT_NE(cp["name"], "application_id");
}

TEST_F(ApiTest, StartLinkIsSingleUseAndCarriesJsonState) {
  call("POST", "/v1/redirect-uris", {{"url", "https://app.example/cb"}});
  auto made = call("POST", "/v1/credentials/start-auth",
                   {{"oauth_app_id", app_},
                    {"redirect_uri", "https://app.example/cb"},
                    {"state", {{"user", 42}}}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string url = json(made)["start_url"];
  ASSERT_TRUE(url.starts_with("https://gw.example/link/oauth2/start/"));
  const std::string path = url.substr(std::string("https://gw.example").size());
  auto first = gw_.get(path);
  ASSERT_EQ(first.status, 302) << first.body;
  EXPECT_TRUE(first.header("Location")->starts_with("https://auth.acme.test/authorize?"));
  EXPECT_EQ(gw_.get(path).status, 400);  // single use

  gw_.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT"}});
  });
  const std::string state = *queryOf(*first.header("Location")).get("state");
  auto cb = gw_.get("/link/oauth2/callback/acme?code=c&state=" + state,
                    {{"Cookie", testing::cookiePair(first)}});
  ASSERT_EQ(cb.status, 302);
  Params q = queryOf(*cb.header("Location"));
  EXPECT_EQ(q.get("state"), R"({"user":42})");
  auto token = gw_.send("POST", "/link/oauth2/token",
                        "code=" + *q.get("code") + "&client_id=" + app_ +
                            "&client_secret=acme-secret",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(json(token)["state"], (Json{{"user", 42}}));
}

TEST_F(ApiTest, StartLinkExpiresAfterFiveMinutesAndChecksRedirectUri) {
  call("POST", "/v1/redirect-uris", {{"url", "https://app.example/cb"}});
  EXPECT_EQ(call("POST", "/v1/credentials/start-auth",
                 {{"oauth_app_id", app_}, {"redirect_uri", "https://evil.example/cb"}})
                .status,
            400);
  EXPECT_EQ(call("POST", "/v1/credentials/start-auth",
                 {{"oauth_app_id", app_},
                  {"redirect_uri", "https://app.example/cb"},
                  {"state", std::string(6000, 'x')}})
                .status,
            400);
  auto made = call("POST", "/v1/credentials/start-auth",
                   {{"oauth_app_id", app_}, {"redirect_uri", "https://app.example/cb"}});
  const std::string url = json(made)["start_url"];
  gw_.clock.advance(std::chrono::seconds(301));
  EXPECT_EQ(gw_.get(url.substr(std::string("https://gw.example").size())).status, 400);
}

TEST_F(ApiTest, ImportIsIdempotentAndExportUnmasks) {
  const std::string a = importCredential({{"access_token", "AT1"}, {"refresh_token", "RT1"}}, "u1");
  const std::string b = importCredential({{"access_token", "AT2"}, {"refresh_token", "RT2"}}, "u1");
  EXPECT_EQ(a, b);
  auto got = call("GET", "/v1/credentials/" + a);
  EXPECT_EQ(json(got)["properties"]["access_token"], "**********");
  EXPECT_EQ(got.body.find("AT2"), std::string::npos);
  auto all = call("GET", "/v1/credentials/export");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.header("Content-Type"), "application/x-ndjson");
  Json line = Json::parse(all.body.substr(0, all.body.find('\n')));
  EXPECT_EQ(line["properties"]["access_token"], "AT2");
  EXPECT_EQ(line["properties"]["kind"], "acme_oauth2");
  EXPECT_EQ(call("DELETE", "/v1/credentials/" + a).status, 204);
  EXPECT_EQ(call("GET", "/v1/credentials/" + a).status, 404);
}

TEST_F(ApiTest, AnExportLineImportedBackUpdatesTheSameCredential) {
  const std::string id = importCredential({{"access_token", "AT1"}, {"refresh_token", "RT1"}});
  auto all = call("GET", "/v1/credentials/export");
  Json line = Json::parse(all.body.substr(0, all.body.find('\n')));
  ASSERT_EQ(line["id"], id);
  // As exported, unchanged: the same credential, updated (200), nothing added.
  auto back = call("POST", "/v1/credentials", line);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(json(back)["id"], id);
  // Tokens changed elsewhere (a rotation the gateway did not see): the id still names it.
  line["properties"]["access_token"] = "AT9";
  line["properties"]["refresh_token"] = "RT9";
  back = call("POST", "/v1/credentials", line);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(json(back)["id"], id);
  // ...and later imports without the id find it by its new refresh token.
  EXPECT_EQ(importCredential({{"access_token", "AT10"}, {"refresh_token", "RT9"}}), id);
  EXPECT_EQ(json(call("GET", "/v1/credentials"))["data"].size(), 1u);

  // Bad export-shaped input changes nothing.
  Json wrong_provider = line;
  wrong_provider["provider"] = "github";
  EXPECT_EQ(call("POST", "/v1/credentials", wrong_provider).status, 400);
  Json bad_id = line;
  bad_id["id"] = "not-a-uuid";
  EXPECT_EQ(json(call("POST", "/v1/credentials", bad_id))["error"], "invalid_request");
  const std::string other_app = gw_.createApp("acme", "acme-client-2", "secret-2");
  Json other = line;
  other["oauth_app_id"] = other_app;
  auto crossed = call("POST", "/v1/credentials", other);
  EXPECT_EQ(crossed.status, 400) << crossed.body;
  EXPECT_NE(crossed.body.find("another OAuth app"), std::string::npos) << crossed.body;
  auto kept = call("GET", "/v1/credentials/" + id + "?truncate_secrets=false");
  EXPECT_EQ(json(kept)["properties"]["access_token"], "AT10");
  EXPECT_EQ(json(call("GET", "/v1/credentials"))["data"].size(), 1u);
}

TEST_F(ApiTest, ARotatingRefreshKeepsTheCredentialFindableByItsNewToken) {
  const std::string id = importCredential({{"access_token", "AT1"}, {"refresh_token", "RT1"}});
  gw_.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT2"}, {"refresh_token", "RT2"}, {"expires_in", 60}});
  });
  ASSERT_EQ(call("POST", "/v1/credentials/" + id + "/refresh").status, 200);
  EXPECT_EQ(importCredential({{"access_token", "AT2"}, {"refresh_token", "RT2"}}), id);
  // An account id given once is kept: a refresh does not turn it back into a token identity.
  const std::string named = importCredential({{"access_token", "X1"}, {"refresh_token", "XR1"}},
                                             "account-7");
  gw_.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "X2"}, {"refresh_token", "XR2"}});
  });
  ASSERT_EQ(call("POST", "/v1/credentials/" + named + "/refresh").status, 200);
  EXPECT_EQ(importCredential({{"access_token", "X3"}}, "account-7"), named);
}

TEST_F(ApiTest, AccessTokenOfAnExpiredCredentialWithoutRefreshTokenIsAnError) {
  const std::string id = importCredential(
      {{"access_token", "DEAD"},
       {"expires_at", formatRfc3339(gw_.clock.now() - std::chrono::seconds(1))}});
  auto r = call("GET", "/v1/credentials/" + id + "/access-token");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json(r)["error"], "invalid_grant");
  EXPECT_NE(json(r)["error_description"].get<std::string>().find("no refresh token"),
            std::string::npos);
  EXPECT_EQ(r.body.find("DEAD"), std::string::npos);
  EXPECT_TRUE(gw_.http.requests().empty()) << "nothing to refresh with, so no provider call";
  EXPECT_EQ(json(call("GET", "/v1/credentials/" + id))["health"]["status"], "error");
  // Still valid for a minute (inside the 5-minute margin) and no refresh token: served as is.
  const std::string soon = importCredential(
      {{"access_token", "SOON"},
       {"expires_at", formatRfc3339(gw_.clock.now() + std::chrono::seconds(60))}});
  EXPECT_EQ(json(call("GET", "/v1/credentials/" + soon + "/access-token"))["access_token"], "SOON");
}

TEST_F(ApiTest, UnknownOAuthAppInABodyIsInvalidRequest) {
  const std::string nobody = "00000000-0000-4000-8000-000000000000";
  for (const auto& [path, body] :
       {std::pair{"/v1/credentials/start-auth",
                  Json{{"oauth_app_id", nobody}, {"redirect_uri", "https://app.example/cb"}}},
        std::pair{"/v1/credentials", Json{{"oauth_app_id", nobody},
                                          {"properties", {{"access_token", "A"}}}}}}) {
    auto r = call("POST", path, body);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(json(r)["error"], "invalid_request");
    EXPECT_NE(json(r)["error_description"].get<std::string>().find("oauth_app_id"),
              std::string::npos);
  }
  EXPECT_EQ(json(call("GET", "/v1/credentials"))["data"].size(), 0u);
}

TEST_F(ApiTest, RefreshStoresRotatedTokenAndInvalidGrantMarksError) {
  const std::string id = importCredential({{"access_token", "AT1"}, {"refresh_token", "RT1"}});
  gw_.http.answer([](const HttpRequest& req) -> Result<HttpResponse> {
    auto body = Params::parse(req.body);
    if (body->get("refresh_token") != "RT1") return jsonResponse(400, {{"error", "invalid_grant"}});
    return jsonResponse(200, {{"access_token", "AT2"}, {"refresh_token", "RT2"}, {"expires_in", 60}});
  });
  auto refreshed = call("POST", "/v1/credentials/" + id + "/refresh");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(json(refreshed)["properties"]["access_token"], "AT2");
  EXPECT_EQ(json(refreshed)["properties"]["refresh_token"], "RT2");
  auto again = call("POST", "/v1/credentials/" + id + "/refresh");  // RT2 is refused
  EXPECT_EQ(json(again)["error"], "invalid_grant");
  auto got = call("GET", "/v1/credentials/" + id);
  EXPECT_EQ(json(got)["health"]["status"], "error");
  EXPECT_EQ(gw_.http.requests().back().url, "https://auth.acme.test/token");
}

TEST_F(ApiTest, AccessTokenRefreshesWhenExpiringAndConcurrentCallersShareOne) {
  const std::string id = importCredential(
      {{"access_token", "OLD"},
       {"refresh_token", "RT1"},
       {"expires_at", formatRfc3339(gw_.clock.now() + std::chrono::seconds(120))}});
  std::atomic<int> refreshes{0};
  gw_.http.answer([&](const HttpRequest&) -> Result<HttpResponse> {
    ++refreshes;
    return jsonResponse(200, {{"access_token", "NEW"}, {"expires_in", 3600}});
  });
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = call("GET", "/v1/credentials/" + id + "/access-token");
      if (r.status == 200 && Json::parse(r.body)["access_token"] == "NEW") ++fresh;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 6);
  EXPECT_EQ(refreshes.load(), 1);
  // Far from expiry: no provider call.
  EXPECT_EQ(json(call("GET", "/v1/credentials/" + id + "/access-token"))["access_token"], "NEW");
  EXPECT_EQ(refreshes.load(), 1);
  // The rotated-or-not refresh token was kept.
  auto exported = call("GET", "/v1/credentials/" + id + "?truncate_secrets=false");
  EXPECT_EQ(json(exported)["properties"]["refresh_token"], "RT1");
}

TEST_F(ApiTest, HealthReadyMetrics) {
  EXPECT_EQ(gw_.get("/healthz").status, 200);
  EXPECT_EQ(gw_.get("/readyz").status, 200);
  gw_.get("/nope");
  auto m = gw_.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("linkgate_http_requests_total{route=\"not_found\",status=\"404\"} 1"),
            std::string::npos)
      << m.body;
}

}  // namespace
}  // namespace linkgate::gateway
