// Group 5: errors — no open redirect before client_id and redirect_uri are valid, consent
// denied, provider error codes, every simulator fault on the token endpoint → server_error,
// callbacks that must be refused (SPEC §1.1, §1.2, §7, RFC 6749 §4.1.2.1).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <future>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/harness/html_form.h"
#include "conformance/model/final_redirect.h"
#include "conformance/properties/generators.h"
#include "conformance/properties/support.h"
#include "core/crypto.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

// Runs an approved flow with `state` while a fault is armed and checks the redirect carries
// `expected_error` (SPEC §1.2), the state, and no secret in error_description.
void expectFlowError(CheckContext& c, const App& app, const Fault& fault,
                     const std::string& expected_error, std::chrono::milliseconds timeout) {
  World& w = c.world();
  SimulatorGuard guard(w, app.provider);
  must(w.sim().addFault(fault), "arm fault " + fault.kind);
  Flow flow(w, &c.trace());
  const std::string state = "fault " + fault.kind;
  must(flow.start({app.provider, app.id, w.integratorUri(), state}), "/start");
  const std::string callback = must(flow.consent(Decision::kApprove), "consent");
  HttpRequest request;
  request.url = callback;
  request.total_timeout = timeout;
  const HttpResponse r = must(flow.browser().send(request), "callback");
  const std::string location = must(Flow::redirectTarget(r, "callback"), "fault " + fault.kind);
  auto params = flow.finalParams(location, w.integratorUri(), {expected_error, state, w.publicUrl()});
  ASSERT_TRUE(params) << "fault " << fault.kind << ": " << params.error().message;
  const std::string description = params->get("error_description").value_or("");
  EXPECT_EQ(description.find(app.client_secret), std::string::npos)
      << "error_description leaks the client secret: " << description;
}

TEST(Errors, NoOpenRedirect) {
  runCheck({"errors.no_open_redirect", "RFC 6749 §4.1.2.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::string ok_uri = w.integratorUri();
    const std::string evil = "https://evil.conformance.example/steal";
    const std::string base = w.publicUrl() + "/link/oauth2/start?";
    auto enc = [](const std::string& s) { return percentEncode(s); };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"no parameters", ""},
        {"no client_id", "redirect_uri=" + enc(ok_uri) + "&state=s"},
        {"client_id not a UUID", "client_id=abc&redirect_uri=" + enc(ok_uri)},
        {"unknown client_id", "client_id=" + randomUuid() + "&redirect_uri=" + enc(ok_uri)},
        {"no redirect_uri", "client_id=" + app.id + "&state=s"},
        {"unregistered redirect_uri", "client_id=" + app.id + "&redirect_uri=" + enc(evil)},
        {"relative redirect_uri", "client_id=" + app.id + "&redirect_uri=%2Fdone"},
        {"javascript: redirect_uri", "client_id=" + app.id + "&redirect_uri=" + enc("javascript:alert(1)")},
        {"redirect_uri twice", "client_id=" + app.id + "&redirect_uri=" + enc(ok_uri) +
                                   "&redirect_uri=" + enc(evil)},
        {"client_id twice", "client_id=" + app.id + "&client_id=" + randomUuid() +
                                "&redirect_uri=" + enc(ok_uri)},
        {"bad escape in redirect_uri", "client_id=" + app.id + "&redirect_uri=https%3A%2F%2Fx%zz"},
        {"unknown client_id, debug", "client_id=" + randomUuid() + "&redirect_uri=" + enc(evil) +
                                         "&debug=true"},
    };
    for (const auto& [what, query] : cases) {
      for (bool json : {false, true}) {
        const int64_t mark = must(w.sim().mark(), "journal");
        auto browser = w.browser(&c.trace());
        HeaderList headers;
        if (json) headers.emplace_back("Accept", "application/json");
        const HttpResponse r = must(browser->get(base + query, headers), what);
        const std::string label = what + std::string(json ? " (Accept: application/json)" : "");
        // SPEC §1.1: a page, or JSON when asked; a debug page may be either.
        const PageKind kind = what.find("debug") != std::string::npos ? PageKind::kAny
                              : json                                  ? PageKind::kJson
                                                                      : PageKind::kHtml;
        if (std::string p = refusedWithoutRedirect(r, kind); !p.empty()) {
          ADD_FAILURE() << label << ": " << p;
        }
        if (std::string p = providerUntouched(w, mark); !p.empty()) ADD_FAILURE() << label << ": " << p;
      }
    }
  });
}

TEST(Errors, AccessDenied) {
  runCheck({"errors.access_denied", "RFC 6749 §4.1.2.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    for (const std::optional<std::string>& state :
         {std::optional<std::string>("deny & state"), std::optional<std::string>()}) {
      Flow flow(w, &c.trace());
      const HttpResponse r =
          must(flow.run({app.provider, app.id, w.integratorUri(), state}, Decision::kDeny), "flow");
      const std::string location = must(Flow::redirectTarget(r, "denied callback"), "deny");
      auto params =
          flow.finalParams(location, w.integratorUri(), {"access_denied", state, w.publicUrl()});
      EXPECT_TRUE(params) << (params ? "" : params.error().message);
    }
  });
}

TEST(Errors, ProviderErrorCodes) {
  runCheck({"errors.provider_error_codes", "RFC 6749 §4.1.2.1", "", 60},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    // One real callback tells which iss the provider sends (RFC 9207), so synthesized error
    // callbacks look exactly like the provider's.
    std::optional<std::string> iss;
    {
      Flow probe(w, &c.trace());
      must(probe.start({app.provider, app.id, w.integratorUri(), "probe"}), "/start");
      const std::string callback = must(probe.consent(Decision::kDeny), "consent");
      auto params = Params::parse(callback.substr(callback.find('?') + 1));
      if (params) iss = params->get("iss");
    }
    c.property("a provider error reaches the integrator as the RFC code or server_error", [&] {
      const std::string error = *gen::providerError();
      const std::string state = *gen::state();
      Flow flow(w, &c.trace());
      must(flow.start({app.provider, app.id, w.integratorUri(), state}), "/start");
      RC_ASSERT(flow.gatewayState().has_value());
      Params callback{{"error", error},
                      {"error_description", "provider says no"},
                      {"state", *flow.gatewayState()}};
      if (iss) callback.add("iss", *iss);
      const HttpResponse r =
          must(flow.callback(w.callbackUrl(app.provider) + "?" + callback.toQuery()), "callback");
      auto location = Flow::redirectTarget(r, "callback with error=" + printable(error));
      if (!location) RC_FAIL(location.error().message);
      auto params = flow.finalParams(*location, w.integratorUri(),
                                     {model::integratorErrorFor(error), state, w.publicUrl()});
      if (!params) RC_FAIL("provider error '" + printable(error) + "': " + params.error().message);
    });
  });
}

void faultCheck(const std::string& kind, const std::vector<Fault>& faults,
                const std::string& expected_error, std::chrono::milliseconds timeout) {
  runCheck({"errors.token_fault." + kind, "", ""}, [&](CheckContext& c) {
    const App app = primaryApp(c);
    for (Fault fault : faults) {
      fault.provider = app.provider;
      expectFlowError(c, app, fault, expected_error, timeout);
    }
  });
}

constexpr auto kNormal = std::chrono::milliseconds(10000);

TEST(Errors, TokenFaultStatus) {
  faultCheck("status",
             {{"", "token", "status", 500, std::nullopt, 1},
              {"", "token", "status", 400, std::nullopt, 1},
              {"", "token", "status", 503, std::nullopt, 1}},
             "server_error", kNormal);
}

TEST(Errors, TokenFaultMalformedBody) {
  faultCheck("malformed_body", {{"", "token", "malformed_body", std::nullopt, std::nullopt, 1}},
             "server_error", kNormal);
}

TEST(Errors, TokenFaultDropConnection) {
  faultCheck("drop_connection", {{"", "token", "drop_connection", std::nullopt, std::nullopt, 1}},
             "server_error", kNormal);
}

TEST(Errors, TokenFaultInvalidGrant) {
  faultCheck("invalid_grant", {{"", "token", "invalid_grant", std::nullopt, std::nullopt, 1}},
             "server_error", kNormal);
}

// A provider slower than any sane outbound timeout: the flow fails with server_error, and the
// gateway keeps answering other requests meanwhile (SPEC §7: "never hangs").
TEST(Errors, TokenFaultDelay) {
  runCheck({"errors.token_fault.delay", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    constexpr int kDelayMs = 25000;
    const int64_t mark = must(w.sim().mark(), "journal");
    auto slow = std::async(std::launch::async, [&] {
      expectFlowError(c, app, {app.provider, "token", "delay", std::nullopt, kDelayMs, 1},
                      "server_error", std::chrono::milliseconds(kDelayMs + 20000));
    });
    // Once the slow exchange is under way, the gateway must stay responsive.
    for (int i = 0; i < 100 && slow.wait_for(std::chrono::milliseconds(50)) ==
                                   std::future_status::timeout;
         ++i) {
      auto entries = w.sim().journal(app.provider, mark);
      if (entries && !entries->empty() && entries->back().endpoint == "token") break;
    }
    for (int probe = 0; probe < 3; ++probe) {
      const auto t0 = std::chrono::steady_clock::now();
      HttpRequest request;
      request.url = w.publicUrl() + "/healthz";
      request.total_timeout = std::chrono::milliseconds(5000);
      auto r = w.http().send(request);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      EXPECT_TRUE(r && r->status == 200 && ms < 3000)
          << "GET /healthz while a provider is slow: "
          << (r ? "HTTP " + std::to_string(r->status) : r.error().message) << " after " << ms
          << " ms";
    }
    slow.get();
  });
}

TEST(Errors, ConsentFault) {
  runCheck({"errors.consent_fault", "RFC 6749 §4.1.2.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    SimulatorGuard guard(w, app.provider);
    must(w.sim().addFault({app.provider, "authorize", "deny_consent", std::nullopt, std::nullopt, 1}),
         "arm deny_consent");
    Flow flow(w, &c.trace());
    const HttpResponse r =
        must(flow.run({app.provider, app.id, w.integratorUri(), "df"}, Decision::kApprove), "flow");
    const std::string location = must(Flow::redirectTarget(r, "callback"), "deny_consent");
    auto params = flow.finalParams(location, w.integratorUri(), {"access_denied", "df", w.publicUrl()});
    EXPECT_TRUE(params) << (params ? "" : params.error().message);
  });
}

// SPEC §1.1 debug=true: errors after validation show a diagnostics page (not a redirect) with a
// link that continues to the redirect URI; never a secret.
TEST(Errors, DebugPage) {
  runCheck({"errors.debug_page", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    auto judge = [&](const HttpResponse& r, const std::string& what, const std::string& error) {
      EXPECT_FALSE(r.header("Location")) << what << ": redirected instead of a diagnostics page";
      EXPECT_NE(lower(r.header("Content-Type").value_or("")).find("text/html"), std::string::npos)
          << what << ": not an HTML page";
      const std::string text = decodeEntities(r.body);
      EXPECT_NE(text.find("href=\"" + w.integratorUri()), std::string::npos)
          << what << ": no link continuing to the redirect URI in " << printable(r.body, 600);
      EXPECT_NE(text.find("error=" + error), std::string::npos)
          << what << ": the continue link does not carry error=" << error;
      EXPECT_EQ(r.body.find(app.client_secret), std::string::npos)
          << what << ": the page shows the client secret";
    };
    {
      Flow flow(w, &c.trace());
      const HttpResponse r = must(
          flow.start({app.provider, app.id, w.integratorUri(), "dbg",
                      {{"code_challenge", "x"}, {"code_challenge_method", "plain"}, {"debug", "true"}}}),
          "/start");
      judge(r, "/start error with debug=true", "invalid_request");
    }
    {
      SimulatorGuard guard(w, app.provider);
      must(w.sim().addFault({app.provider, "token", "status", 500, std::nullopt, 1}), "fault");
      Flow flow(w, &c.trace());
      must(flow.start({app.provider, app.id, w.integratorUri(), "dbg", {{"debug", "true"}}}),
           "/start");
      const std::string callback = must(flow.consent(Decision::kApprove), "consent");
      judge(must(flow.callback(callback), "callback"), "provider failure with debug=true",
            "server_error");
    }
  });
}

TEST(Errors, CallbackRefused) {
  runCheck({"errors.callback_refused", "RFC 6749 §4.1.2.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    SystemRandom random;
    Flow flow(w, &c.trace());  // a browser holding a genuine flow cookie
    must(flow.start({app.provider, app.id, w.integratorUri(), "cb"}), "/start");
    const std::string base = w.callbackUrl(app.provider);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"no parameters", base},
        {"unknown state", base + "?code=abc&state=" + randomToken(random, 128)},
        {"no state", base + "?code=abc"},
        {"error with unknown state", base + "?error=access_denied&state=" + randomToken(random, 128)},
        {"empty state", base + "?code=abc&state="},
        {"unknown provider path", w.publicUrl() + "/link/oauth2/callback/no-such-provider?code=a&state=" +
                                      flow.gatewayState().value_or("")},
    };
    for (const auto& [what, url] : cases) {
      const int64_t mark = must(w.sim().mark(), "journal");
      const HttpResponse r = must(flow.callback(url), what);
      // An unknown provider path may also be a plain 404; never a redirect.
      const bool not_found_ok = what == "unknown provider path" && r.status == 404;
      if (std::string p = refusedWithoutRedirect(r); !p.empty() && !not_found_ok) {
        ADD_FAILURE() << what << ": " << p;
      }
      if (not_found_ok && r.header("Location")) ADD_FAILURE() << what << ": 404 with a Location";
      if (std::string p = providerUntouched(w, mark); !p.empty()) ADD_FAILURE() << what << ": " << p;
    }
  });
}

}  // namespace
}  // namespace linkgate::conformance
