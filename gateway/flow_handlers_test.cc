// The link flow end to end without sockets: start -> (fake provider) -> callback -> token.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <thread>

#include "core/crypto.h"
#include "core/percent.h"
#include "core/query_signature.h"
#include "gateway/flow_cookie.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::cookiePair;
using testing::jsonResponse;
using testing::queryOf;
using testing::TestGateway;

Catalogue twoProviders() {
  Catalogue c;
  c.add(testing::acmeDialect());
  Dialect beta = testing::acmeDialect();
  beta.slug = "beta";
  beta.display_name = "Beta";
  c.add(beta);
  return c;
}

class FlowTest : public ::testing::Test {
 protected:
  FlowTest() : catalogue_(twoProviders()), gw_(catalogue_) {
    app_ = gw_.createApp("acme", "acme-client", "acme-secret");
    gw_.registerRedirectUri("https://app.example/cb");
    gw_.registerRedirectUri("https://app.example/done?tenant=t1");
    gw_.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
      return jsonResponse(200, {{"access_token", "AT-1"},
                                {"refresh_token", "RT-1"},
                                {"token_type", "bearer"},
                                {"expires_in", 3600},
                                {"scope", "read write"}});
    });
  }

  struct Started {
    web::Response response;
    std::string provider_state, cookie;
  };
  Started start(const std::string& extra = "&state=xyz",
                const std::string& redirect = "https%3A%2F%2Fapp.example%2Fcb") {
    auto r = gw_.get("/link/oauth2/start?client_id=" + app_ + "&redirect_uri=" + redirect + extra);
    Started s{r, "", cookiePair(r)};
    if (auto loc = r.header("Location")) s.provider_state = queryOf(*loc).get("state").value_or("");
    return s;
  }
  web::Response callback(const Started& s, const std::string& provider = "acme",
                         const std::string& query_extra = "&code=provider-code") {
    return gw_.get("/link/oauth2/callback/" + provider + "?state=" + s.provider_state +
                       query_extra,
                   {{"Cookie", s.cookie}});
  }
  web::Response redeem(const std::string& code, const std::string& extra = "") {
    return gw_.send("POST", "/link/oauth2/token",
                    "code=" + percentEncode(code) + "&client_id=" + app_ +
                        "&client_secret=acme-secret" + extra,
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string app_;
};

TEST_F(FlowTest, StartRedirectsToProviderWithGatewayStateAndPkce) {
  auto s = start();
  ASSERT_EQ(s.response.status, 302) << s.response.body;
  const std::string loc = *s.response.header("Location");
  EXPECT_TRUE(loc.starts_with("https://auth.acme.test/authorize?")) << loc;
  Params q = queryOf(loc);
  EXPECT_EQ(q.get("client_id"), "acme-client");
  EXPECT_EQ(q.get("response_type"), "code");
  EXPECT_EQ(q.get("redirect_uri"), "https://gw.example/link/oauth2/callback/acme");
  EXPECT_EQ(q.get("scope"), "read");  // the catalogue default
  EXPECT_EQ(q.get("code_challenge_method"), "S256");
  EXPECT_EQ(q.get("code_challenge")->size(), 43u);
  EXPECT_GE(s.provider_state.size(), 22u);  // ≥128 bits in base64url
  EXPECT_NE(s.provider_state, "xyz");
  const std::string cookie = *s.response.header("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Secure"), std::string::npos);  // public URL is https
}

TEST_F(FlowTest, CompleteFlowAndExchange) {
  auto s = start("&state=xyz&scope=read%20write");
  auto cb = callback(s);
  ASSERT_EQ(cb.status, 302) << cb.body;
  const std::string loc = *cb.header("Location");
  EXPECT_TRUE(loc.starts_with("https://app.example/cb?code=")) << loc;
  Params q = queryOf(loc);
  EXPECT_EQ(q.get("state"), "xyz");
  EXPECT_EQ(q.get("iss"), "https://gw.example");
  // The provider saw the verifier of the challenge it was sent, and our callback URL.
  auto sent = gw_.http.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://auth.acme.test/token");
  auto body = *Params::parse(sent[0].body);
  EXPECT_EQ(body.get("code"), "provider-code");
  EXPECT_EQ(body.get("grant_type"), "authorization_code");
  EXPECT_EQ(body.get("redirect_uri"), "https://gw.example/link/oauth2/callback/acme");
  EXPECT_EQ(body.get("client_secret"), "acme-secret");
  EXPECT_EQ(pkceS256Challenge(*body.get("code_verifier")),
            queryOf(*s.response.header("Location")).get("code_challenge"));

  auto token = redeem(*q.get("code"));
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(token.header("Cache-Control"), "no-store");
  Json j = Json::parse(token.body);
  EXPECT_EQ(j["state"], "xyz");
  EXPECT_EQ(j["credential"]["oauth_app_id"], app_);
  EXPECT_EQ(j["credential"]["provider"], "acme");
  const Json& p = j["credential"]["properties"];
  EXPECT_EQ(p["kind"], "acme_oauth2");
  EXPECT_EQ(p["access_token"], "AT-1");
  EXPECT_EQ(p["refresh_token"], "RT-1");
  EXPECT_EQ(p["token_type"], "bearer");
  EXPECT_EQ(p["scope"], "read write");
  EXPECT_EQ(p["expires_at"], formatRfc3339(gw_.clock.now() + std::chrono::seconds(3600)));

  auto again = redeem(*q.get("code"));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(Json::parse(again.body)["error"], "invalid_grant");
}

TEST_F(FlowTest, ExistingQueryOfRedirectUriIsKept) {
  auto s = start("&state=s", "https%3A%2F%2Fapp.example%2Fdone%3Ftenant%3Dt1");
  auto cb = callback(s);
  ASSERT_EQ(cb.status, 302);
  EXPECT_TRUE(cb.header("Location")->starts_with("https://app.example/done?tenant=t1&code="));
}

TEST_F(FlowTest, EmptyStateComesBackEmptyAndAbsentStaysAbsent) {
  auto with_empty = callback(start("&state="));
  EXPECT_NE(with_empty.header("Location")->find("&state=&"), std::string::npos)
      << *with_empty.header("Location");
  auto without = callback(start(""));
  EXPECT_FALSE(queryOf(*without.header("Location")).has("state"));
}

TEST_F(FlowTest, CallbackWithoutCookieIsRejectedWithoutProviderCall) {
  auto s = start();
  s.cookie = "";
  auto cb = callback(s);
  EXPECT_EQ(cb.status, 400);
  EXPECT_FALSE(cb.header("Location"));
  EXPECT_TRUE(gw_.http.requests().empty());
  s.cookie = flowCookieName(s.provider_state) + "=wrong";
  EXPECT_EQ(callback(s).status, 400);
  EXPECT_TRUE(gw_.http.requests().empty());
}

TEST_F(FlowTest, MixUpDefenceRejectsOtherProviderPath) {
  auto s = start();
  auto cb = callback(s, "beta");
  EXPECT_EQ(cb.status, 400);
  EXPECT_TRUE(gw_.http.requests().empty());
  EXPECT_EQ(callback(s, "nope").status, 400);
  // The flow is still usable on its own path.
  EXPECT_EQ(callback(s).status, 302);
}

TEST_F(FlowTest, SecondCallbackNeverRedeemsTwice) {
  auto s = start();
  EXPECT_EQ(callback(s).status, 302);
  auto second = callback(s);
  EXPECT_EQ(second.status, 400);
  EXPECT_EQ(gw_.http.requests().size(), 1u);
}

TEST_F(FlowTest, ExpiredFlowIsRejected) {
  auto s = start();
  gw_.clock.advance(std::chrono::seconds(601));
  EXPECT_EQ(callback(s).status, 400);
  EXPECT_TRUE(gw_.http.requests().empty());
}

TEST_F(FlowTest, UnknownStateIsRejected) {
  auto s = start();
  s.provider_state = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(callback(s).status, 400);
}

TEST_F(FlowTest, ProviderErrorGoesToIntegratorWithState) {
  auto s = start("&state=st");
  auto cb = callback(s, "acme", "&error=access_denied&error_description=user%20said%20no");
  ASSERT_EQ(cb.status, 302);
  Params q = queryOf(*cb.header("Location"));
  EXPECT_EQ(q.get("error"), "access_denied");
  EXPECT_EQ(q.get("error_description"), "user said no");
  EXPECT_EQ(q.get("state"), "st");
  EXPECT_TRUE(gw_.http.requests().empty());
  auto odd = callback(start("&state=st"), "acme", "&error=weird_thing");
  EXPECT_EQ(queryOf(*odd.header("Location")).get("error"), "server_error");
}

struct ProviderFailure {
  const char* name;
  std::function<Result<HttpResponse>(const HttpRequest&)> answer;
};

TEST_F(FlowTest, ProviderFailuresBecomeServerError) {
  const std::vector<ProviderFailure> failures = {
      {"http 500", [](const HttpRequest&) -> Result<HttpResponse> {
         return jsonResponse(500, {{"oops", 1}});
       }},
      {"timeout", [](const HttpRequest&) -> Result<HttpResponse> {
         return fail("timeout", "took too long");
       }},
      {"garbage", [](const HttpRequest&) -> Result<HttpResponse> {
         HttpResponse r;
         r.status = 200;
         r.body = "<html>not json";
         return r;
       }},
      {"error in 200", [](const HttpRequest&) -> Result<HttpResponse> {
         return jsonResponse(200, {{"error", "bad_verification_code"}});
       }},
      {"no token", [](const HttpRequest&) -> Result<HttpResponse> {
         return jsonResponse(200, {{"token_type", "bearer"}});
       }},
  };
  for (const auto& f : failures) {
    gw_.http.answer(f.answer);
    auto cb = callback(start("&state=s1"));
    ASSERT_EQ(cb.status, 302) << f.name;
    Params q = queryOf(*cb.header("Location"));
    EXPECT_EQ(q.get("error"), "server_error") << f.name;
    EXPECT_FALSE(q.get("error_description").value_or("").empty()) << f.name;
    EXPECT_EQ(q.get("state"), "s1") << f.name;
    EXPECT_FALSE(q.has("code")) << f.name;
  }
  auto creds = gw_.store->listCredentials("default");
  EXPECT_TRUE(creds && creds->empty());
}

TEST_F(FlowTest, IntegratorPkce) {
  const std::string verifier(43, 'v');
  const std::string challenge = pkceS256Challenge(verifier);
  auto cb = callback(start("&code_challenge=" + challenge + "&code_challenge_method=S256"));
  const std::string code = *queryOf(*cb.header("Location")).get("code");
  EXPECT_EQ(Json::parse(redeem(code).body)["error"], "invalid_grant");  // no verifier
  EXPECT_EQ(Json::parse(redeem(code, "&code_verifier=" + std::string(43, 'w')).body)["error"],
            "invalid_grant");
  EXPECT_EQ(redeem(code, "&code_verifier=" + verifier).status, 200);

  auto plain = start("&state=p&code_challenge=" + challenge + "&code_challenge_method=plain");
  ASSERT_EQ(plain.response.status, 302);
  Params q = queryOf(*plain.response.header("Location"));
  EXPECT_TRUE(plain.response.header("Location")->starts_with("https://app.example/cb?"));
  EXPECT_EQ(q.get("error"), "invalid_request");
  EXPECT_EQ(q.get("state"), "p");
}

TEST_F(FlowTest, VerifierWithoutChallengeIsRejected) {
  auto cb = callback(start());
  const std::string code = *queryOf(*cb.header("Location")).get("code");
  EXPECT_EQ(redeem(code, "&code_verifier=" + std::string(43, 'v')).status, 400);
}

TEST_F(FlowTest, CodeExpires) {
  auto cb = callback(start());
  const std::string code = *queryOf(*cb.header("Location")).get("code");
  gw_.clock.advance(std::chrono::seconds(601));
  EXPECT_EQ(Json::parse(redeem(code).body)["error"], "invalid_grant");
}

TEST_F(FlowTest, ConcurrentRedemptionsExactlyOneSucceeds) {
  auto cb = callback(start());
  const std::string code = *queryOf(*cb.header("Location")).get("code");
  std::atomic<int> ok{0}, grant{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = redeem(code);
      if (r.status == 200) ++ok;
      if (r.status == 400 && Json::parse(r.body)["error"] == "invalid_grant") ++grant;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(grant.load(), 7);
}

TEST_F(FlowTest, OtherAppsCodeIsInvalidGrant) {
  const std::string other = gw_.createApp("acme", "acme-client", "other-secret");
  auto cb = callback(start());
  const std::string code = *queryOf(*cb.header("Location")).get("code");
  auto r = gw_.send("POST", "/link/oauth2/token",
                    "code=" + code + "&client_id=" + other + "&client_secret=other-secret",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"], "invalid_grant");
  EXPECT_EQ(redeem(code).status, 200);  // nothing changed for the right app
}

TEST_F(FlowTest, DebugPageOnStartAndCallbackShowsNoSecret) {
  auto r = gw_.get("/link/oauth2/start?client_id=" + app_ +
                   "&redirect_uri=https%3A%2F%2Fevil.example%2F%3Cscript%3E&debug=true");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.header("Location"));
  EXPECT_NE(r.body.find("https://app.example/cb"), std::string::npos);  // registered list
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);                 // escaped
  EXPECT_EQ(r.body.find("acme-secret"), std::string::npos);
  const std::string csp = r.header("Content-Security-Policy").value_or("");
  EXPECT_TRUE(csp.starts_with("default-src 'none'; style-src 'sha256-")) << csp;
  EXPECT_TRUE(csp.ends_with("frame-ancestors 'none'")) << csp;
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");

  gw_.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(400, {{"error", "invalid_grant"}, {"error_description", "bad code"}});
  });
  auto cb = callback(start("&state=s&debug=true"));
  EXPECT_EQ(cb.status, 200);
  EXPECT_NE(cb.body.find("Continue to the application"), std::string::npos);
  EXPECT_NE(cb.body.find("invalid_grant"), std::string::npos);
  EXPECT_EQ(cb.body.find("acme-secret"), std::string::npos);
  // The callback stage lists the registered URIs too, and what the provider answered.
  EXPECT_EQ(cb.body.find("None. Register one"), std::string::npos) << cb.body;
  EXPECT_NE(cb.body.find("<li><code>https://app.example/cb</code></li>"), std::string::npos);
  EXPECT_NE(cb.body.find("What the provider answered"), std::string::npos);
  EXPECT_NE(cb.body.find("HTTP 400"), std::string::npos);
}

TEST(IssCheck, RequiredIssMustBePresentAndEqual) {
  Catalogue catalogue;
  Dialect d = testing::acmeDialect();
  d.authorization.iss = IssCheck::kRequired;
  d.authorization.issuer = "https://auth.acme.test";
  catalogue.add(d);
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("acme", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  gw.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT"}});
  });
  auto attempt = [&](const std::string& iss_param) {
    auto start = gw.get("/link/oauth2/start?client_id=" + app +
                        "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb");
    const std::string state = *queryOf(*start.header("Location")).get("state");
    return gw.get("/link/oauth2/callback/acme?code=c&state=" + state + iss_param,
                  {{"Cookie", cookiePair(start)}});
  };
  EXPECT_EQ(attempt("").status, 400);
  EXPECT_EQ(attempt("&iss=https%3A%2F%2Fevil.example").status, 400);
  EXPECT_EQ(attempt("&iss=https%3A%2F%2Fauth.acme.test&iss=https%3A%2F%2Fauth.acme.test").status,
            400);
  EXPECT_TRUE(gw.http.requests().empty());  // RFC 9207 §2.4: no provider call
  EXPECT_EQ(attempt("&iss=https%3A%2F%2Fauth.acme.test").status, 302);
}

TEST(SignedCallback, HmacAndBoundParamsAreCheckedBeforeTheFlowIsUsed) {
  Json doc = {{"slug", "shop"}, {"display_name", "Shop"}, {"sources", {"test"}},
              {"connection_params",
               {{{"name", "shop"}, {"pattern", "[a-z]{1,20}"}, {"example", "acme"}}}},
              {"endpoints",
               {{"authorize", "https://{shop}.shop.test/authorize"},
                {"token", "https://{shop}.shop.test/token"}}},
              {"authorize",
               {{"callback_hmac", "hmac"}, {"callback_expect", {{"shop", "{shop}.shop.test"}}}}},
              {"token", {{"response", Json::object()}}},
              {"refresh", Json::object()}, {"api", Json::object()}};
  auto dialect = parseDialect(doc, "shop");
  ASSERT_TRUE(dialect) << dialect.error().message;
  Catalogue catalogue;
  catalogue.add(*dialect);
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("shop", "c", "app-secret");
  gw.registerRedirectUri("https://app.example/cb");
  gw.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT"}});
  });
  auto start = gw.get("/link/oauth2/start?client_id=" + app +
                      "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&shop=acme");
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string state = *queryOf(*start.header("Location")).get("state");
  auto callback = [&](const std::string& shop, const std::optional<std::string>& secret) {
    Params q{{"code", "c1"}, {"shop", shop}, {"state", state}, {"timestamp", "1700000000"}};
    if (secret) q.add("hmac", querySignature(q, "hmac", *secret));
    return gw.get("/link/oauth2/callback/shop?" + q.toQuery(), {{"Cookie", cookiePair(start)}});
  };
  EXPECT_EQ(callback("acme.shop.test", std::nullopt).status, 400);         // unsigned
  EXPECT_EQ(callback("acme.shop.test", "other-secret").status, 400);       // forged
  auto other_shop = callback("evil.shop.test", "app-secret");              // signed, other shop
  EXPECT_EQ(other_shop.status, 400);
  EXPECT_NE(other_shop.body.find("shop"), std::string::npos);
  EXPECT_TRUE(gw.http.requests().empty()) << "a refused callback reached the provider";
  // None of them used the flow up: the real callback still completes it.
  auto real = callback("acme.shop.test", "app-secret");
  ASSERT_EQ(real.status, 302) << real.body;
  EXPECT_TRUE(queryOf(*real.header("Location")).has("code"));
  // An error callback (the user said no) is neither signed nor carries the shop.
  auto start2 = gw.get("/link/oauth2/start?client_id=" + app +
                       "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&shop=acme");
  auto denied = gw.get("/link/oauth2/callback/shop?error=access_denied&state=" +
                           *queryOf(*start2.header("Location")).get("state"),
                       {{"Cookie", cookiePair(start2)}});
  ASSERT_EQ(denied.status, 302) << denied.body;
  EXPECT_EQ(queryOf(*denied.header("Location")).get("error"), "access_denied");
  // A catalogue may only bind callback parameters to declared params.
  doc["authorization"]["callback_expect"] = {{"shop", "{tenant}.shop.test"}};
  EXPECT_FALSE(parseDialect(doc, "shop"));
}

TEST(Discovery, ItsFieldsJoinTheCredentialAndItsFailureFailsTheFlow) {
  Catalogue catalogue;
  Dialect d = testing::acmeDialect();
  DiscoveryCall call;
  call.url = "https://api.acme.test/connections";
  call.extra_fields = {{"tenant_id", "0.tenantId"}};
  d.discovery.push_back(call);
  catalogue.add(d);
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("acme", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  std::atomic<bool> tenant_connected{true};
  gw.http.answer([&](const HttpRequest& req) -> Result<HttpResponse> {
    if (req.url == "https://auth.acme.test/token") return jsonResponse(200, {{"access_token", "AT"}});
    if (req.url == "https://api.acme.test/connections" && req.method == "GET") {
      for (const auto& [name, value] : req.headers) {
        if (name == "Authorization" && value == "Bearer AT") {
          return jsonResponse(200, tenant_connected ? Json::array({{{"tenantId", "t-42"}}})
                                                    : Json::array());
        }
      }
      return jsonResponse(401, {{"error", "unauthorized"}});
    }
    return jsonResponse(404, {});
  });
  auto flow = [&] {
    auto start = gw.get("/link/oauth2/start?client_id=" + app +
                        "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s1");
    const std::string state = *queryOf(*start.header("Location")).get("state");
    return gw.get("/link/oauth2/callback/acme?code=c&state=" + state,
                  {{"Cookie", cookiePair(start)}});
  };
  auto ok = flow();
  ASSERT_EQ(ok.status, 302) << ok.body;
  const std::string code = *queryOf(*ok.header("Location")).get("code");
  auto token = gw.send("POST", "/link/oauth2/token",
                       "code=" + percentEncode(code) + "&client_id=" + app + "&client_secret=s",
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(Json::parse(token.body)["credential"]["properties"]["tenant_id"], "t-42");

  tenant_connected = false;  // the user connected no organisation
  auto failed = flow();
  ASSERT_EQ(failed.status, 302);
  Params back = queryOf(*failed.header("Location"));
  EXPECT_EQ(back.get("error"), "server_error");
  EXPECT_NE(back.get("error_description").value_or("").find("0.tenantId"), std::string::npos)
      << *failed.header("Location");
  EXPECT_FALSE(back.has("code"));
}

TEST(CallbackReportedParams, FillTheTokenUrlAndStayWithTheCredential) {
  // Sentry: the installation id arrives in the callback and is part of the token URL path.
  Json doc = {{"slug", "inst"}, {"display_name", "Inst"}, {"sources", {"test"}},
              {"connection_params",
               {{{"name", "installation"}, {"pattern", "[0-9a-f]{4}"}, {"example", "00ff"},
                 {"from_callback", "installationId"}}}},
              {"endpoints",
               {{"authorize", "https://inst.test/install"},
                {"token", "https://inst.test/installations/{installation}/token"}}},
              {"authorize", Json::object()}, {"token", {{"response", Json::object()}}},
              {"refresh", Json::object()},
              {"api", Json::object()}};
  auto dialect = parseDialect(doc, "inst");
  ASSERT_TRUE(dialect) << dialect.error().message;
  Catalogue catalogue;
  catalogue.add(*dialect);
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("inst", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  gw.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT"}, {"refresh_token", "RT"}});
  });
  auto flow = [&](const std::string& reported) {
    // Not asked for at /start.
    auto start = gw.get("/link/oauth2/start?client_id=" + app +
                        "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb");
    EXPECT_EQ(start.status, 302) << start.body;
    const std::string state = *queryOf(*start.header("Location")).get("state");
    return gw.get("/link/oauth2/callback/inst?code=c&state=" + state + reported,
                  {{"Cookie", cookiePair(start)}});
  };
  for (const std::string bad : {"", "&installationId=zz%2F..", "&installationId=00ff&installationId=00ff"}) {
    auto r = flow(bad);
    ASSERT_EQ(r.status, 302) << r.body;
    EXPECT_EQ(queryOf(*r.header("Location")).get("error"), "server_error") << bad;
  }
  EXPECT_TRUE(gw.http.requests().empty()) << "no token call without a valid installation";
  auto ok = flow("&installationId=a1b2");
  ASSERT_EQ(ok.status, 302);
  ASSERT_TRUE(queryOf(*ok.header("Location")).has("code")) << *ok.header("Location");
  ASSERT_EQ(gw.http.requests().size(), 1u);
  EXPECT_EQ(gw.http.requests()[0].url, "https://inst.test/installations/a1b2/token");
  auto creds = gw.store->listCredentials(gw.store->findApp(app).value()->account_id);
  ASSERT_TRUE(creds && creds->size() == 1u);
  EXPECT_EQ((*creds)[0].connection_params["installation"], "a1b2") << "kept for refreshes";
  // The authorization URL cannot use a value that only the callback brings.
  doc["endpoints"]["authorize"] = "https://inst.test/install/{installation}";
  EXPECT_FALSE(parseDialect(doc, "inst"));
}

// SPEC §1.1: the integrator's state is returned byte for byte, percent-encoded.
RC_GTEST_PROP(StateRoundTrip, AnyBytesUpTo4096ComeBackExactly, ()) {
  const auto state = *rc::gen::container<std::string>(
      *rc::gen::inRange<size_t>(0, 4097), rc::gen::arbitrary<char>());
  const bool error_path = *rc::gen::arbitrary<bool>();
  static Catalogue catalogue = twoProviders();
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("acme", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  gw.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT"}});
  });
  auto start = gw.get("/link/oauth2/start?client_id=" + app +
                      "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=" +
                      percentEncode(state));
  RC_ASSERT(start.status == 302);
  const std::string pstate = *queryOf(*start.header("Location")).get("state");
  RC_ASSERT(pstate != state);  // never the integrator's state
  auto cb = gw.get("/link/oauth2/callback/acme?state=" + pstate +
                       (error_path ? "&error=access_denied" : "&code=c1"),
                   {{"Cookie", cookiePair(start)}});
  RC_ASSERT(cb.status == 302);
  const std::string loc = *cb.header("Location");
  RC_ASSERT(queryOf(loc).get("state") == std::optional<std::string>(state));
  RC_ASSERT(loc.find("&state=" + percentEncode(state) + "&iss=") != std::string::npos);
}

}  // namespace
}  // namespace linkgate::gateway
