// Group 4: POST /link/oauth2/token — exact tokens, single use, concurrent redemption, expiry,
// client binding, client authentication styles, integrator PKCE, no-store, malformed requests
// (SPEC §3, RFC 6749 §4.1.2/§2.3.1/§5.1, RFC 7636 §4.6).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <atomic>
#include <thread>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/support.h"
#include "core/crypto.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

std::string codeFor(CheckContext& c, const App& app,
                    const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  Flow flow(c.world(), &c.trace());
  return must(approvedCode(flow, app, c.world().integratorUri(), c.world().integratorUri(),
                           "code-check", extra),
              "approved flow");
}

HttpResponse redeem(CheckContext& c, const TokenRequest& request) {
  auto r = must(c.world().gateway().token(request), "POST /link/oauth2/token");
  c.trace().add("POST /link/oauth2/token client_id=" + request.client_id + " -> " +
                std::to_string(r.status) + " " + printable(r.body, 200));
  return r;
}

// A refused redemption: `status` and `error`, with an error_description (SPEC §3).
void expectRefused(const HttpResponse& r, int status, const std::string& error,
                   const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << printable(r.body, 300);
  EXPECT_EQ(jsonError(r), error) << what << ": " << printable(r.body, 300);
  auto json = parseJsonObject(r.body);
  EXPECT_TRUE(json && jsonString(*json, "error_description"))
      << what << ": no error_description in " << printable(r.body, 300);
}

TEST(CodeExchange, ExactTokens) {
  runCheck({"code.exchange", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    Flow flow(w, &c.trace());
    const std::string code = must(
        approvedCode(flow, app, w.integratorUri(), w.integratorUri(), std::nullopt), "flow");
    EXPECT_TRUE(model::looksLikeFreshSecret(code)) << "code '" << code << "' is not ≥128 bits";
    const Credential cred = must(flow.exchange(app, code), "exchange");
    EXPECT_EQ(cred.provider, app.provider);
    EXPECT_EQ(cred.oauth_app_id, app.id);
    EXPECT_EQ(jsonString(cred.properties, "kind"), app.provider + "_oauth2");
    EXPECT_TRUE(jsonString(cred.properties, "token_type")) << "no token_type";
    EXPECT_TRUE(jsonString(cred.properties, "scope")) << "no scope (space separated string)";
    if (auto expires = jsonString(cred.properties, "expires_at")) {
      EXPECT_TRUE(expires->size() == 20 && expires->ends_with("Z"))
          << "expires_at '" << *expires << "' is not RFC 3339 UTC";
    }
    const ProviderUnderTest& p = *w.provider(app.provider);
    auto me = must(w.sim().apiMe(p.sim, cred.access_token), "api/me");
    c.trace().add("GET api/me -> " + std::to_string(me.status) + " " + printable(me.body, 200));
    EXPECT_EQ(me.status, 200) << "the access token is not one the provider issued: " << me.body;
    EXPECT_EQ(identityProblem(me.body, flow.user(), flow.offeredUsers()), "");
  });
}

TEST(CodeExchange, SingleUse) {
  runCheck({"code.single_use", "RFC 6749 §4.1.2", ""}, [](CheckContext& c) {
    const App app = primaryApp(c);
    const std::string code = codeFor(c, app);
    const HttpResponse first = redeem(c, {code, app.id, app.client_secret});
    ASSERT_EQ(first.status, 200) << first.body;
    const int64_t mark = must(c.world().sim().mark(), "journal");
    expectRefused(redeem(c, {code, app.id, app.client_secret}), 400, "invalid_grant",
                  "second redemption");
    expectRefused(redeem(c, {code, app.id, app.client_secret, std::nullopt,
                             ClientAuthStyle::kFormBody}),
                  400, "invalid_grant", "third redemption (form)");
    // A replayed gateway code is refused from the gateway's own records: no provider call.
    EXPECT_EQ(providerUntouched(c.world(), mark), "") << "replayed gateway code";
  });
}

TEST(CodeExchange, ConcurrentRedemption) {
  runCheck({"code.concurrent_redemption", "", ""},
           [](CheckContext& c) {
    const App app = primaryApp(c);
    for (int round = 0; round < 3; ++round) {
      const std::string code = codeFor(c, app);
      constexpr int kRacers = 6;
      std::atomic<int> ready{0};
      std::vector<int> statuses(kRacers, 0);
      std::vector<std::thread> racers;
      for (int i = 0; i < kRacers; ++i) {
        racers.emplace_back([&, i] {
          CurlHttpClient http;
          GatewayApi api(http, c.world().publicUrl(), "");
          ++ready;
          while (ready.load() < kRacers) std::this_thread::yield();  // start together
          auto r = api.token({code, app.id, app.client_secret});
          statuses[static_cast<size_t>(i)] = r ? r->status : -1;
        });
      }
      for (auto& t : racers) t.join();
      int ok = 0;
      int refused = 0;
      for (int s : statuses) {
        ok += s == 200;
        refused += s == 400;
      }
      std::string all;
      for (int s : statuses) all += std::to_string(s) + " ";
      EXPECT_EQ(ok, 1) << "round " << round << ": statuses " << all;
      EXPECT_EQ(refused, kRacers - 1) << "round " << round << ": statuses " << all;
    }
  });
}

TEST(CodeExchange, Expiry) {
  runCheck({"code.expiry", "RFC 6749 §4.1.2", ""}, [](CheckContext& c) {
    const std::optional<int> ttl = c.world().codeTtl();
    if (!ttl) c.notRun("the gateway's code lifetime is unknown: pass --code-ttl S");
    if (*ttl > 30) c.notRun("code lifetime " + std::to_string(*ttl) + " s is too long to wait for");
    const App app = primaryApp(c);
    const std::string code = codeFor(c, app);
    // Waiting for the lifetime to pass is the behaviour under test, not synchronisation.
    std::this_thread::sleep_for(std::chrono::milliseconds(*ttl * 1000 + 1500));
    expectRefused(redeem(c, {code, app.id, app.client_secret}), 400, "invalid_grant",
                  "redemption after the code lifetime");
  });
}

TEST(CodeExchange, ClientBinding) {
  runCheck({"code.client_binding", "RFC 6749 §4.1.3", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const App other = must(w.newApp(app.provider), "second app");
    const std::string code = codeFor(c, app);
    expectRefused(redeem(c, {code, other.id, other.client_secret}), 400, "invalid_grant",
                  "another app's id and secret");
    expectRefused(redeem(c, {code, app.id, other.client_secret}), 401, "invalid_client",
                  "this app's id with another app's secret");
    expectRefused(redeem(c, {code, app.id, app.client_secret + "x"}), 401, "invalid_client",
                  "wrong secret");
    expectRefused(redeem(c, {code, randomUuid(), app.client_secret}), 401, "invalid_client",
                  "unknown client_id");
    expectRefused(redeem(c, {code, app.id, ""}), 401, "invalid_client", "empty secret");
  });
}

TEST(CodeExchange, ClientAuthentication) {
  runCheck({"code.client_auth", "RFC 6749 §2.3.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    // A secret that changes under form-encoding: Basic must be decoded per RFC 6749 §2.3.1.
    const App app = must(w.newApp(c.provider(), ":+%&=/"), "app with a special secret");
    for (ClientAuthStyle style :
         {ClientAuthStyle::kBasic, ClientAuthStyle::kFormBody, ClientAuthStyle::kJsonBody}) {
      const char* name = style == ClientAuthStyle::kBasic      ? "HTTP Basic"
                         : style == ClientAuthStyle::kFormBody ? "form body"
                                                               : "JSON body";
      const std::string code = codeFor(c, app);
      const HttpResponse r = redeem(c, {code, app.id, app.client_secret, std::nullopt, style});
      EXPECT_EQ(r.status, 200) << name << ": " << printable(r.body, 300);
    }
  });
}

TEST(CodeExchange, IntegratorPkce) {
  runCheck({"code.integrator_pkce", "RFC 7636 §4.6", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    SystemRandom random;
    const std::string verifier = randomToken(random, 256);  // 43 chars of base64url
    const std::vector<std::pair<std::string, std::string>> s256 = {
        {"code_challenge", pkceS256Challenge(verifier)}, {"code_challenge_method", "S256"}};
    {
      const std::string code = codeFor(c, app, s256);
      const HttpResponse r = redeem(c, {code, app.id, app.client_secret, verifier});
      EXPECT_EQ(r.status, 200) << "matching verifier: " << printable(r.body, 300);
    }
    {
      const std::string code = codeFor(c, app, s256);
      const HttpResponse r = redeem(c, {code, app.id, app.client_secret});
      EXPECT_EQ(r.status, 400) << "no verifier: " << printable(r.body, 300);
      const std::string e = jsonError(r);
      EXPECT_TRUE(e == "invalid_grant" || e == "invalid_request") << "no verifier: " << r.body;
    }
    {
      const std::string code = codeFor(c, app, s256);
      const std::string wrong = randomToken(random, 256);
      expectRefused(redeem(c, {code, app.id, app.client_secret, wrong}), 400, "invalid_grant",
                    "wrong verifier");
    }
    for (const char* method : {"plain", "S512", "s256"}) {
      Flow flow(w, &c.trace());
      auto r = must(flow.start({app.provider, app.id, w.integratorUri(), "pk",
                                {{"code_challenge", verifier}, {"code_challenge_method", method}}}),
                    "/start");
      auto location = Flow::redirectTarget(r, std::string("code_challenge_method=") + method);
      if (!location) {
        ADD_FAILURE() << location.error().message;
        continue;
      }
      auto params = flow.finalParams(*location, w.integratorUri(),
                                     {"invalid_request", "pk", w.publicUrl()});
      EXPECT_TRUE(params) << "code_challenge_method=" << method << ": "
                          << (params ? "" : params.error().message);
    }
  });
}

TEST(CodeExchange, NoStore) {
  runCheck({"code.no_store", "RFC 6749 §5.1", ""}, [](CheckContext& c) {
    const App app = primaryApp(c);
    const std::string code = codeFor(c, app);
    const std::vector<std::pair<std::string, HttpResponse>> answers = {
        {"success", redeem(c, {code, app.id, app.client_secret})},
        {"invalid_grant", redeem(c, {code, app.id, app.client_secret})},
        {"invalid_client", redeem(c, {code, app.id, "wrong"})},
        {"invalid_request", redeem(c, {"", app.id, app.client_secret})}};
    for (const auto& [what, r] : answers) {
      const std::string cache = r.header("Cache-Control").value_or("");
      EXPECT_NE(cache.find("no-store"), std::string::npos)
          << what << " answer (HTTP " << r.status << ") has Cache-Control '" << cache << "'";
    }
  });
}

TEST(CodeExchange, MalformedRequests) {
  runCheck({"code.malformed_request", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    auto post = [&](const std::string& type, const std::string& body) {
      HttpRequest request;
      request.method = "POST";
      request.url = w.publicUrl() + "/link/oauth2/token";
      request.headers = {{"Content-Type", type}, {"Accept", "application/json"}};
      request.body = body;
      auto r = must(w.http().send(request), "POST /link/oauth2/token");
      c.trace().add("POST token (" + type + ") " + printable(body, 120) + " -> " +
                    std::to_string(r.status) + " " + printable(r.body, 200));
      return r;
    };
    const std::string id = app.id;
    const std::string secret = app.client_secret;
    expectRefused(post("application/json", "{\"client_id\":\"" + id + "\",\"client_secret\":\"" +
                                               secret + "\"}"),
                  400, "invalid_request", "missing code");
    expectRefused(post("application/json", "{\"code\":"), 400, "invalid_request", "broken JSON");
    expectRefused(post("application/json", "[1,2]"), 400, "invalid_request", "JSON array body");
    expectRefused(post("application/x-www-form-urlencoded",
                       "code=a&code=b&client_id=" + id + "&client_secret=" + secret),
                  400, "invalid_request", "duplicated code parameter");
    const HttpResponse big = post("application/json", std::string(70 * 1024, ' ') + "{}");
    EXPECT_EQ(big.status, 413) << "a body over 64 KB: " << printable(big.body, 200);
  });
}

}  // namespace
}  // namespace linkgate::conformance
