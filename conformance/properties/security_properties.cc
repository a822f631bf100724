// Group 6: security — the flow cookie binds the browser, mix-up and replayed callbacks are
// refused without touching the provider, iss goes out, pages carry the SPEC §7 headers and
// escape what they echo (SPEC §1.1-§1.3, §7, RFC 9700 §4.4/§4.7.1, RFC 9207).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <thread>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/harness/keepalive_client.h"
#include "conformance/properties/generators.h"
#include "conformance/properties/support.h"
#include "core/params.h"
#include "core/percent.h"

namespace linkgate::conformance {
namespace {

// A flow taken up to the provider's redirect back to the gateway (not followed yet).
struct PendingCallback {
  std::unique_ptr<Flow> flow;
  HttpResponse start;
  std::string url;
};

PendingCallback pendingCallback(CheckContext& c, const App& app, const std::string& state) {
  PendingCallback p;
  p.flow = std::make_unique<Flow>(c.world(), &c.trace());
  p.start = must(p.flow->start({app.provider, app.id, c.world().integratorUri(), state}), "/start");
  p.url = must(p.flow->consent(Decision::kApprove), "consent");
  return p;
}

// The callback was refused (400, no redirect) and no token request reached the provider.
void expectRefusedCallback(CheckContext& c, const HttpResponse& r, const std::string& slug,
                           int64_t mark, const std::string& what) {
  if (std::string p = refusedWithoutRedirect(r); !p.empty()) ADD_FAILURE() << what << ": " << p;
  const int tokens = must(countRequests(c.world(), slug, "token", mark), "journal");
  EXPECT_EQ(tokens, 0) << what << ": the gateway redeemed the provider code anyway";
}

TEST(Security, FlowCookieRequired) {
  runCheck({"security.flow_cookie", "RFC 9700 §4.7.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    {
      PendingCallback p = pendingCallback(c, app, "no-cookie");
      const int64_t mark = must(w.sim().mark(), "journal");
      auto stranger = w.browser(&c.trace());
      expectRefusedCallback(c, must(stranger->get(p.url), "callback"), app.provider, mark,
                            "callback without the flow cookie");
    }
    {
      PendingCallback victim = pendingCallback(c, app, "victim");
      Flow attacker(w, &c.trace());  // has a flow cookie of its own flow
      must(attacker.start({app.provider, app.id, w.integratorUri(), "attacker"}), "/start");
      const int64_t mark = must(w.sim().mark(), "journal");
      expectRefusedCallback(c, must(attacker.callback(victim.url), "callback"), app.provider, mark,
                            "callback with another flow's cookie");
    }
    {
      PendingCallback p = pendingCallback(c, app, "tampered");
      std::string cookies;
      for (const auto& set_cookie : p.start.headerValues("Set-Cookie")) {
        auto cookie = parseSetCookie(w.publicUrl() + "/", set_cookie);
        if (!cookie) continue;
        std::string value = cookie->value;
        if (!value.empty()) value.back() = value.back() == 'A' ? 'B' : 'A';
        cookies += (cookies.empty() ? "" : "; ") + cookie->name + "=" + value;
      }
      ASSERT_FALSE(cookies.empty()) << "/start set no cookie (C-1.1.7 flow cookie)";
      const int64_t mark = must(w.sim().mark(), "journal");
      auto stranger = w.browser(&c.trace());
      expectRefusedCallback(c, must(stranger->get(p.url, {{"Cookie", cookies}}), "callback"),
                            app.provider, mark, "callback with a tampered flow cookie");
    }
  });
}

TEST(Security, CookieAttributes) {
  runCheck({"security.cookie_attributes", "", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    Flow flow(w, &c.trace());
    const HttpResponse r =
        must(flow.start({app.provider, app.id, w.integratorUri(), "cookie"}), "/start");
    const auto set_cookies = r.headerValues("Set-Cookie");
    ASSERT_FALSE(set_cookies.empty()) << "/start set no flow cookie";
    const bool https = w.publicUrl().starts_with("https://");
    for (const auto& header : set_cookies) {
      auto cookie = parseSetCookie(w.publicUrl() + "/", header);
      ASSERT_TRUE(cookie) << "unparsable Set-Cookie: " << header;
      EXPECT_TRUE(cookie->http_only) << "not HttpOnly: " << header;
      EXPECT_EQ(lower(cookie->same_site.value_or("")), "lax") << "not SameSite=Lax: " << header;
      EXPECT_EQ(cookie->secure, https) << "Secure must be set iff the public URL is https: "
                                       << header;
    }
  });
}

TEST(Security, MixUp) {
  runCheck({"security.mix_up", "RFC 9700 §4.4", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::vector<std::string> others = otherSlugs(w, app.provider);
    if (others.empty()) c.notRun("needs a second provider under test");
    must(w.app(others.front()), "second provider's app");
    PendingCallback p = pendingCallback(c, app, "mixup");
    const std::string own_path = "/link/oauth2/callback/" + app.provider;
    const size_t at = p.url.find(own_path);
    ASSERT_NE(at, std::string::npos) << p.url;
    const std::string wrong = p.url.substr(0, at) + "/link/oauth2/callback/" + others.front() +
                              p.url.substr(at + own_path.size());
    const int64_t mark = must(w.sim().mark(), "journal");
    const HttpResponse r = must(p.flow->callback(wrong), "callback on another provider's path");
    if (std::string problem = refusedWithoutRedirect(r); !problem.empty()) {
      ADD_FAILURE() << "callback of " << app.provider << " on /callback/" << others.front() << ": "
                    << problem;
    }
    EXPECT_EQ(providerUntouched(w, mark), "") << "mix-up callback contacted a provider";
  });
}

TEST(Security, CallbackReplay) {
  runCheck({"security.callback_replay", "RFC 6749 §4.1.2", ""},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    {
      PendingCallback p = pendingCallback(c, app, "replay");
      const HttpResponse first = must(p.flow->callback(p.url), "callback");
      ASSERT_EQ(first.status, 302) << "first callback: " << printable(first.body, 300);
      const int64_t mark = must(w.sim().mark(), "journal");
      expectRefusedCallback(c, must(p.flow->callback(p.url), "replayed callback"), app.provider,
                            mark, "replayed callback");
    }
    {
      // A double-submitting browser: two identical callbacks at once.
      PendingCallback p = pendingCallback(c, app, "double");
      const std::string cookie = p.flow->browser().jar().headerFor(p.url).value_or("");
      const int64_t mark = must(w.sim().mark(), "journal");
      std::vector<int> statuses(2, 0);
      std::vector<std::string> locations(2);
      std::vector<std::thread> threads;
      for (size_t i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
          CurlHttpClient http;
          HttpRequest request;
          request.url = p.url;
          if (!cookie.empty()) request.headers.emplace_back("Cookie", cookie);
          auto r = http.send(request);
          statuses[i] = r ? r->status : -1;
          locations[i] = r ? r->header("Location").value_or("") : "";
        });
      }
      for (auto& t : threads) t.join();
      c.trace().add("2 concurrent callbacks -> " + std::to_string(statuses[0]) + " " +
                    std::to_string(statuses[1]));
      const int tokens = must(countRequests(w, app.provider, "token", mark), "journal");
      EXPECT_EQ(tokens, 1) << "two concurrent callbacks made " << tokens << " provider redemptions";
      const int codes = (locations[0].find("code=") != std::string::npos) +
                        (locations[1].find("code=") != std::string::npos);
      EXPECT_LE(codes, 1) << "two concurrent callbacks both produced a code";
    }
  });
}

TEST(Security, IssInRedirect) {
  runCheck({"security.iss_in_redirect", "RFC 9207 §2", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    for (Decision d : {Decision::kApprove, Decision::kDeny}) {
      Flow flow(w, &c.trace());
      const HttpResponse r = must(flow.run({app.provider, app.id, w.integratorUri(), "iss"}, d), "flow");
      const std::string location = must(Flow::redirectTarget(r, "callback"), "final redirect");
      const auto split = model::splitFinalRedirect(location, w.integratorUri());
      ASSERT_TRUE(split.params) << split.problem;
      EXPECT_EQ(split.params->get("iss"), std::optional<std::string>(w.publicUrl()))
          << (d == Decision::kApprove ? "success" : "error") << " redirect " << location;
    }
  });
}

TEST(Security, PageHeaders) {
  runCheck({"security.page_headers", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::string start = w.publicUrl() + "/link/oauth2/start?";
    const std::vector<std::pair<std::string, std::string>> pages = {
        {"/start without parameters", start},
        {"/start with an unregistered redirect_uri",
         start + "client_id=" + app.id + "&redirect_uri=" + percentEncode("https://evil.example/")},
        {"/start debug page", start + "client_id=" + app.id + "&redirect_uri=" +
                                  percentEncode(w.integratorUri()) +
                                  "&code_challenge=x&code_challenge_method=plain&debug=true"},
        {"callback with an unknown state", w.callbackUrl(app.provider) + "?code=a&state=unknown"},
    };
    for (const auto& [what, url] : pages) {
      auto browser = w.browser(&c.trace());
      const HttpResponse r = must(browser->get(url), what);
      const std::string type = lower(r.header("Content-Type").value_or(""));
      if (type.find("text/html") == std::string::npos) continue;  // only pages are in scope
      if (std::string p = pageHeadersProblem(r); !p.empty()) ADD_FAILURE() << what << ": " << p;
    }
  });
}

TEST(Security, Escaping) {
  runCheck({"security.escaping", "", "", 40},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    c.property("markup sent in parameters never comes back unescaped", [&] {
      const std::string payload = *gen::markupPayload();
      const std::string start = w.publicUrl() + "/link/oauth2/start?";
      const std::string enc = percentEncode(payload);
      const std::string ok_uri = percentEncode(w.integratorUri());
      const std::vector<std::pair<std::string, std::string>> requests = {
          {"redirect_uri", start + "client_id=" + app.id +
                               "&redirect_uri=" + percentEncode("https://evil.example/" + payload)},
          {"redirect_uri (debug)", start + "client_id=" + app.id + "&debug=true&redirect_uri=" +
                                       percentEncode("https://evil.example/" + payload)},
          {"client_id (debug)", start + "client_id=" + enc + "&redirect_uri=" + ok_uri + "&debug=true"},
          {"state (debug)", start + "client_id=" + app.id + "&redirect_uri=" + ok_uri + "&state=" +
                                enc + "&code_challenge=x&code_challenge_method=plain&debug=true"},
          {"scope (debug)", start + "client_id=" + app.id + "&redirect_uri=" + ok_uri +
                                "&scope=" + enc + "&code_challenge_method=" + enc + "&debug=true"},
          {"callback", w.callbackUrl(app.provider) + "?state=" + enc + "&error=" + enc +
                           "&error_description=" + enc + "&code=" + enc},
      };
      for (const auto& [where, url] : requests) {
        auto browser = w.browser(&c.trace());
        const HttpResponse r = must(browser->get(url), where);
        if (r.body.find(payload) != std::string::npos) {
          RC_FAIL("the page for markup in " + where + " echoes it unescaped: " + payload);
        }
      }
      // The provider's consent page echoes the client id it was asked for. (Markup cannot reach
      // it through the gateway: scopes are checked against the provider's list first, and the
      // integrator's state never goes to the provider, C-1.1.4.) A client registered at the
      // simulator with markup in its id must be shown escaped (C-7.2 binds the simulator too).
      const ProviderUnderTest* under = w.provider(app.provider);
      RC_ASSERT(under != nullptr);
      const std::string client = "c" + payload;
      must(w.sim().registerClient(app.provider, client, "s", {w.integratorUri()}),
           "register a simulator client with markup in its id");
      const Params query{{"response_type", "code"}, {"client_id", client},
                         {"redirect_uri", w.integratorUri()}, {"state", "s"}};
      auto browser = w.browser(&c.trace());
      const HttpResponse page =
          must(browser->get(under->sim.authorize_url + "?" + query.toQuery()), "consent page");
      if (page.body.find(payload) != std::string::npos) {
        RC_FAIL("the consent page echoes a client id's markup unescaped: " + payload);
      }
      RC_CLASSIFY(page.status == 200, "consent page shown");
      // What a provider sends back: markup as its error_description, then as its error code,
      // on real flows started with debug=true, whose callback errors show a diagnostics page.
      for (const bool in_code : {false, true}) {
        Flow debug_flow(w, &c.trace());
        must(debug_flow.start({app.provider, app.id, w.integratorUri(), "s", {{"debug", "true"}}}),
             "/start with debug=true");
        const std::string back = must(debug_flow.consent(Decision::kApprove), "consent");
        auto q = Params::parse(back.substr(back.find('?') + 1));
        RC_ASSERT(q.has_value());
        std::string forged = back.substr(0, back.find('?')) + "?state=" +
                             percentEncode(q->get("state").value_or("")) + "&error=" +
                             (in_code ? enc : std::string("access_denied")) +
                             "&error_description=" + enc;
        if (auto iss = q->get("iss")) forged += "&iss=" + percentEncode(*iss);
        const HttpResponse shown = must(debug_flow.callback(forged), "callback with markup");
        if (shown.body.find(payload) != std::string::npos) {
          RC_FAIL(std::string("the page for a provider ") +
                  (in_code ? "error" : "error_description") + " echoes markup unescaped: " +
                  payload);
        }
        if (!in_code) RC_ASSERT(shown.status == 200);  // the diagnostics page, not a redirect
      }
    });
  });
}

// C-7.10: header-splitting payloads in every parameter that can end up in a header (the
// integrator's state and scope, a redirect_uri, a provider's error and error_description on a
// real callback) never add, end or split a header.
std::string headerProblem(const HttpResponse& r, const std::string& payload) {
  const size_t at = payload.find("lgh");
  const std::string marker = lower(payload.substr(at, 11));
  size_t locations = 0;
  for (const auto& [name, value] : r.headers) {
    if (lower(name) == "location") ++locations;
    if (name.find_first_of("\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return "header '" + printable(name) + "' carries CR/LF: " + printable(value);
    }
    if (lower(name).find(marker) != std::string::npos) {
      return "the payload added a header: " + printable(name) + ": " + printable(value);
    }
    if (lower(name) == "set-cookie" && lower(value).starts_with(marker)) {
      return "the payload set a cookie: " + printable(value);
    }
  }
  if (locations > 1) return std::to_string(locations) + " Location headers";
  if (auto location = r.header("Location")) {
    if (lower(*location).starts_with("https://evil.example")) {
      return "the payload chose the Location: " + printable(*location);
    }
  }
  if (r.body.find("<html>" + payload.substr(at, 11)) != std::string::npos &&
      r.header("Content-Length") == std::optional<std::string>("0")) {
    return "the payload ended the head and wrote the body";
  }
  return {};
}

TEST(Security, HeaderInjection) {
  runCheck({"security.header_injection", "RFC 9110 §5.5, RFC 6749 §4.1.2.1", "", 30},
           [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    if (!KeepAliveClient::supports(w.publicUrl())) {
      c.notRun("the raw sender speaks plain http only; the gateway is at " + w.publicUrl());
    }
    c.property("CR/LF payloads never add, end or split a response header", [&] {
      const std::string payload = *gen::headerSplitPayload();
      const std::string enc = percentEncode(payload);
      const std::string start = w.publicUrl() + "/link/oauth2/start?client_id=" + app.id;
      const std::string ok_uri = percentEncode(w.integratorUri());
      std::vector<std::pair<std::string, std::string>> requests = {
          {"state", start + "&redirect_uri=" + ok_uri + "&state=" + enc},
          {"scope", start + "&redirect_uri=" + ok_uri + "&state=s&scope=" + enc},
          {"state with a bad request", start + "&redirect_uri=" + ok_uri + "&state=" + enc +
                                           "&code_challenge_method=" + enc},
          {"redirect_uri", start + "&redirect_uri=" + percentEncode(w.integratorUri() + payload)},
      };
      for (const auto& [where, url] : requests) {
        auto browser = w.browser(&c.trace());
        const HttpResponse r = must(browser->get(url), where);
        if (std::string p = headerProblem(r, payload); !p.empty()) RC_FAIL(where + ": " + p);
      }
      // Real flows whose provider answers with the payload as its error_description (then the
      // redirect to the integrator must happen, carrying it percent-encoded or not at all) and
      // as its error code (which the gateway may refuse, but never into a header).
      for (const bool in_code : {false, true}) {
        PendingCallback p = pendingCallback(c, app, "hi");
        auto query = Params::parse(p.url.substr(p.url.find('?') + 1));
        RC_ASSERT(query.has_value());
        RC_ASSERT(p.url.starts_with(w.publicUrl()));
        std::string forged = p.url.substr(0, p.url.find('?')) + "?state=" +
                             percentEncode(query->get("state").value_or("")) + "&error=" +
                             (in_code ? enc : std::string("access_denied")) +
                             "&error_description=" + enc;
        if (auto iss = query->get("iss")) forged += "&iss=" + percentEncode(*iss);
        // Sent on a connection of its own with a short timeout: a head split by the payload
        // loses its framing, and that answer then never ends (RFC 9112 §6.3).
        const std::string cookie = p.flow->browser().jar().headerFor(p.url).value_or("");
        KeepAliveClient raw(w.publicUrl(), std::chrono::seconds(2));
        c.trace().add("GET " + printable(forged, 300) + " (own connection)");
        auto answer = raw.get(forged.substr(w.publicUrl().size()), {{"Cookie", cookie}});
        const std::string where = in_code ? "provider error" : "provider error_description";
        if (!answer) {
          RC_FAIL(where + ": no well-framed answer (" + answer.error().message +
                  "): the payload split the head?");
        }
        const HttpResponse& r = *answer;
        if (std::string problem = headerProblem(r, payload); !problem.empty()) {
          RC_FAIL(where + ": " + problem);
        }
        if (!in_code && r.status != 302) {
          RC_FAIL(where + ": HTTP " + std::to_string(r.status) + ", not the redirect to the "
                  "integrator with error=access_denied: " + printable(r.body, 200));
        }
      }
    });
  });
}

TEST(Simulator, PageHeaders) {
  runCheck({"simulator.page_headers", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    Flow flow(w, &c.trace());
    must(flow.start({app.provider, app.id, w.integratorUri(), "sim"}), "/start");
    ASSERT_TRUE(flow.authorizeUrl());
    auto browser = w.browser(&c.trace());
    const HttpResponse r = must(browser->get(*flow.authorizeUrl()), "consent page");
    if (r.status != 200) c.notRun("the simulator answered no consent page (auto-approve?)");
    EXPECT_EQ(pageHeadersProblem(r), "") << "simulator consent page";
  });
}

}  // namespace
}  // namespace linkgate::conformance
