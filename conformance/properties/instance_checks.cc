// C-11: gateway instances sharing one database, master key and public URL behave as one. The
// suite addresses the other instances directly (World::instances(): the launched stack's second
// instance, or --instances for an attached one); "the public URL" is the gateway under test.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/support.h"
#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::conformance {
namespace {

// `url` (on the public URL) sent to `base` instead.
std::string at(World& w, const std::string& url, const std::string& base) {
  return base + url.substr(w.publicUrl().size());
}

GatewayApi instanceApi(World& w, const std::string& base) {
  return GatewayApi(w.http(), base, w.gateway().apiKey(), w.gateway().routes());
}

// Starts on `start_base`, consents, delivers the callback to `callback_base`; returns the code.
std::string codeAcross(CheckContext& c, const App& app, const std::string& start_base,
                       const std::string& callback_base, const std::string& what) {
  World& w = c.world();
  Flow flow(w, &c.trace(), start_base);
  must(flow.start({app.provider, app.id, w.integratorUri(), what}), what + ": /start");
  const std::string callback = must(flow.consent(Decision::kApprove), what + ": consent");
  const HttpResponse done = must(flow.browser().get(at(w, callback, callback_base)),
                                 what + ": callback");
  c.trace().add(what + ": callback at " + callback_base + " -> " + std::to_string(done.status));
  const std::string location = must(Flow::redirectTarget(done, what + ": callback"), what);
  auto params = flow.finalParams(location, w.integratorUri(), {std::nullopt, what, w.publicUrl()});
  if (!params) ADD_FAILURE() << what << ": " << params.error().message;
  const auto code = params ? params->get("code") : std::nullopt;
  if (!code) ADD_FAILURE() << what << ": no code in " << location;
  return code.value_or("");
}

void expectRedeemedOnce(CheckContext& c, const App& app, const std::string& code,
                        GatewayApi& first, GatewayApi& second, const std::string& what) {
  const HttpResponse ok = must(first.token({code, app.id, app.client_secret}), what + ": token");
  EXPECT_EQ(ok.status, 200) << what << ": redeeming at " << first.baseUrl() << ": "
                            << printable(ok.body, 300);
  const HttpResponse again =
      must(second.token({code, app.id, app.client_secret}), what + ": second token");
  EXPECT_EQ(again.status, 400) << what << ": the code redeemed at " << first.baseUrl()
                               << " was redeemed again at " << second.baseUrl();
  EXPECT_EQ(jsonError(again), "invalid_grant") << what << ": " << printable(again.body, 200);
  (void)c;
}

TEST(Instances, FlowElsewhere) {
  runCheck({"instances.flow_elsewhere", "C-11.2", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    GatewayApi here = instanceApi(w, w.publicUrl());
    for (const std::string& other : w.instances()) {
      GatewayApi there = instanceApi(w, other);
      const std::string a = codeAcross(c, app, w.publicUrl(), other, "started here, done there");
      if (!a.empty()) expectRedeemedOnce(c, app, a, there, here, "started here, done there");
      const std::string b = codeAcross(c, app, other, w.publicUrl(), "started there, done here");
      if (!b.empty()) expectRedeemedOnce(c, app, b, here, there, "started there, done here");
    }
  });
}

// /start at `base` for `app` and `uri`: "" when it redirected to the provider, else what came.
std::string startProblem(CheckContext& c, const App& app, const std::string& uri,
                         const std::string& base) {
  Flow flow(c.world(), &c.trace(), base);
  const HttpResponse r = must(flow.start({app.provider, app.id, uri, "c11"}), "/start");
  return redirectedToProvider(c.world(), app.provider, r);
}

TEST(Instances, DeleteEverywhere) {
  runCheck({"instances.delete_everywhere", "C-11.4", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = must(w.newApp(w.primary()), "app");
    const std::string uri = w.integratorUri() + "-c11";
    const std::string uri_id = must(w.registerUri(uri), "redirect URI");
    // Every instance has used both (a cache, if any, now holds them).
    for (const std::string& other : w.instances()) {
      ASSERT_EQ(startProblem(c, app, uri, other), "") << "before deletion, at " << other;
    }
    w.forgetUri(uri_id);
    for (const std::string& other : w.instances()) {
      Flow flow(w, &c.trace(), other);
      const HttpResponse r = must(flow.start({app.provider, app.id, uri, "c11"}), "/start");
      EXPECT_EQ(refusedWithoutRedirect(r), "")
          << "/start at " << other << " with a redirect URI deleted on " << w.publicUrl();
    }
    ASSERT_TRUE(w.gateway().deleteApp(app.id)) << "DELETE the app";
    for (const std::string& other : w.instances()) {
      Flow flow(w, &c.trace(), other);
      const HttpResponse r =
          must(flow.start({app.provider, app.id, w.integratorUri(), "c11"}), "/start");
      EXPECT_EQ(refusedWithoutRedirect(r), "")
          << "/start at " << other << " with an app deleted on " << w.publicUrl();
    }
  });
}

// A provider under test whose refresh tokens rotate strictly and are always issued: two
// overlapping refreshes there would spend the same refresh token twice.
const ProviderUnderTest* strictRotation(World& w) {
  for (const ProviderUnderTest& p : w.providers()) {
    const Json* rotation = p.sim.dialectField({"rotation"});
    const Json* issued = p.sim.dialectField({"refresh_issued"});
    if (rotation && issued && *rotation == "strict" && *issued == "always" &&
        p.connection_params.empty()) {
      return &p;
    }
  }
  return nullptr;
}

TEST(Instances, RefreshOnce) {
  runCheck({"instances.refresh_once", "C-11.3", ""}, [](CheckContext& c) {
    World& w = c.world();
    const ProviderUnderTest* p = strictRotation(w);
    if (p == nullptr) c.notRun("no provider under test rotates refresh tokens strictly");
    const App app = must(w.app(p->slug), "app");
    Flow flow(w, &c.trace());
    const std::string code = must(approvedCode(flow, app, w.integratorUri(), w.integratorUri(),
                                               std::string("c11 refresh")),
                                  "flow");
    const Credential cred = must(flow.exchange(app, code), "code exchange");
    ASSERT_TRUE(cred.refresh_token) << p->slug << ": no refresh token";
    std::vector<std::string> bases = w.instances();
    bases.push_back(w.publicUrl());
    constexpr int kPerInstance = 2;
    std::vector<int> statuses(bases.size() * kPerInstance, 0);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < statuses.size(); ++i) {
      threads.emplace_back([&, i] {
        CurlHttpClient http;
        GatewayApi api(http, bases[i / kPerInstance], w.gateway().apiKey(), w.gateway().routes());
        auto r = api.refreshCredential(cred.id);
        statuses[i] = r ? r->status : -1;
      });
    }
    for (auto& t : threads) t.join();
    std::string all;
    for (int s : statuses) all += std::to_string(s) + " ";
    c.trace().add(std::to_string(statuses.size()) + " concurrent refreshes -> " + all);
    for (int s : statuses) {
      EXPECT_EQ(s, 200) << "concurrent refreshes over " << bases.size() << " instances of a "
                        << "strictly rotating credential (" << p->slug << "): " << all;
    }
    // The stored refresh token is the live one: one more refresh works.
    const HttpResponse after = must(w.gateway().refreshCredential(cred.id), "refresh after");
    EXPECT_EQ(after.status, 200) << "refresh after the concurrent ones: "
                                 << printable(after.body, 300);
  });
}

}  // namespace
}  // namespace linkgate::conformance
