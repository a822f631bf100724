// Issue 12, logs and metrics: the real gateway and simulator run full flows, refreshes and
// failures for several providers; then (1) nothing the gateway wrote (stdout + stderr) contains
// any secret it handled — client secrets, provider and gateway codes, states, cookies, tokens,
// the API key, the master key — (2) the lines an operator needs are there, and (3) /metrics,
// parsed by prometheus_client's parser (python3-prometheus-client), moved as the flows ran.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "gateway/observability_stack.h"

namespace linkgate::gateway {
namespace {

using testing::ObsStack;

const std::vector<std::string> kProviders = {"generic", "github", "gitlab"};

TEST(Observability, FlowsRefreshesAndFailuresLeaveLinesAndMetricsButNoSecrets) {
  ObsStack stack;
  ASSERT_TRUE(stack.error.empty()) << stack.error;
  const auto before = stack.scrape();
  ASSERT_FALSE(before.empty());
  int refreshed = 0;
  for (const auto& slug : kProviders) {
    const std::string app = stack.createApp(slug);
    ASSERT_FALSE(app.empty()) << slug;
    // 1. A full flow, its code exchange and (where the provider issues one) a refresh.
    auto ok = stack.runFlow(slug, app, "obs-" + slug + "-ok");
    ASSERT_TRUE(ok.gateway_code.has_value()) << slug << ": " << ok.done;
    auto credential = stack.exchange(app, *ok.gateway_code, stack.secretOf(slug));
    ASSERT_TRUE(credential.is_object()) << slug;
    const std::string id = credential["id"];
    if (credential["properties"].contains("refresh_token")) {
      EXPECT_EQ(stack.refresh(id), 200) << slug;
      // 2. A refresh the provider refuses for good (invalid_grant) and one it fails (503).
      stack.arm({{"provider", slug}, {"endpoint", "refresh"}, {"kind", "status"}, {"status", 503}});
      EXPECT_NE(stack.refresh(id), 200) << slug;
      stack.arm({{"provider", slug}, {"endpoint", "refresh"}, {"kind", "invalid_grant"}});
      EXPECT_NE(stack.refresh(id), 200) << slug;
      ++refreshed;
      // The gauge counts the credential invalid_grant just marked. (Step 4 below links the same
      // provider account again, which updates this credential and heals it: C-9.4.)
      EXPECT_GE(stack.scrape().at("linkgate_credentials{health=error}"), 1) << slug;
    }
    // 3. The user denies consent; the provider's token endpoint fails; it echoes the secret.
    stack.arm({{"provider", slug}, {"kind", "deny_consent"}});
    auto denied = stack.runFlow(slug, app, "obs-" + slug + "-denied");
    EXPECT_FALSE(denied.gateway_code) << denied.done;
    stack.arm({{"provider", slug}, {"endpoint", "token"}, {"kind", "status"}, {"status", 500}});
    auto broken = stack.runFlow(slug, app, "obs-" + slug + "-500");
    EXPECT_FALSE(broken.gateway_code) << broken.done;
    stack.arm({{"provider", slug}, {"endpoint", "token"}, {"kind", "echo_secret"}});
    auto echoed = stack.runFlow(slug, app, "obs-" + slug + "-echo");
    EXPECT_FALSE(echoed.gateway_code) << echoed.done;
    // 4. A code exchange with the wrong client secret.
    auto again = stack.runFlow(slug, app, "obs-" + slug + "-wrong-secret");
    ASSERT_TRUE(again.gateway_code.has_value()) << again.done;
    EXPECT_FALSE(stack.exchange(app, *again.gateway_code, "not-the-secret-" + slug).is_object());
  }
  ASSERT_GE(refreshed, 2) << "the chosen providers must issue refresh tokens";
  EXPECT_EQ(stack.startAuth(), 201);
  const auto after = stack.scrape();
  auto moved = [&](const std::string& key) {
    const double b = before.contains(key) ? before.at(key) : 0.0;
    const double a = after.contains(key) ? after.at(key) : 0.0;
    return a - b;
  };
  for (const auto& slug : kProviders) {
    const std::string p = "provider=" + slug;
    EXPECT_EQ(moved("linkgate_flows_started_total{" + p + "}"), 5) << slug;
    EXPECT_EQ(moved("linkgate_flows_completed_total{" + p + "}"), 2) << slug;
    EXPECT_EQ(moved("linkgate_flows_failed_total{" + p + ",reason=provider_error}"), 1) << slug;
    EXPECT_EQ(moved("linkgate_flows_failed_total{" + p + ",reason=provider_exchange_failed}"), 2)
        << slug;
    EXPECT_GE(moved("linkgate_provider_call_duration_seconds_count{endpoint=token," + p + "}"),
              4) << slug;
    EXPECT_GE(moved("linkgate_provider_call_duration_seconds_bucket{endpoint=token,le=+Inf," +
                    p + "}"), 4) << slug;
  }
  EXPECT_EQ(moved("linkgate_code_exchanges_total{outcome=ok}"), 3);
  EXPECT_EQ(moved("linkgate_code_exchanges_total{outcome=invalid_client}"), 3);
  double ok_refreshes = 0, permanent = 0, transient = 0;
  for (const auto& slug : kProviders) {
    ok_refreshes += moved("linkgate_refreshes_total{outcome=ok,provider=" + slug + "}");
    permanent += moved("linkgate_refreshes_total{outcome=permanent,provider=" + slug + "}");
    transient += moved("linkgate_refreshes_total{outcome=transient,provider=" + slug + "}");
  }
  EXPECT_EQ(ok_refreshes, refreshed);
  EXPECT_EQ(permanent, refreshed);
  EXPECT_EQ(transient, refreshed);
  // Each route its own label: start-auth is not counted as a credential item.
  EXPECT_EQ(moved("linkgate_http_requests_total{route=/v1/credentials/start-auth,status=201}"), 1);
  EXPECT_EQ(moved("linkgate_http_requests_total{route=/link/oauth2/callback/{provider},"
                  "status=302}"), 15);
  for (const auto& [key, value] : after) EXPECT_EQ(key.find("_item"), std::string::npos) << key;
  EXPECT_TRUE(after.contains("linkgate_pending_flows{}"));

  // The log: every line is JSON, the expected lines are there, no secret is anywhere.
  const std::string log = stack.stopAndReadLog();
  if (const char* copy = std::getenv("LINKGATE_OBS_LOG_COPY")) std::ofstream(copy) << log;
  const auto lines = ObsStack::jsonLines(log);
  ASSERT_GT(lines.size(), 50u) << log.substr(0, 2000);
  auto count = [&](const std::function<bool(const Json&)>& match) {
    return std::count_if(lines.begin(), lines.end(), match);
  };
  auto field = [](const Json& j, const char* k) { return j.value(k, std::string()); };
  for (const auto& slug : kProviders) {
    EXPECT_EQ(count([&](const Json& j) {
                return field(j, "msg") == "flow failed" && field(j, "level") == "warn" &&
                       field(j, "provider") == slug && field(j, "error_id") == "provider_error" &&
                       field(j, "route") == "/link/oauth2/callback/{provider}" &&
                       !field(j, "reason").empty();
              }), 1) << slug;
    EXPECT_GE(count([&](const Json& j) {
                return field(j, "msg") == "provider call" && field(j, "provider") == slug &&
                       field(j, "endpoint") == "token" && j.value("status", 0) == 500 &&
                       field(j, "level") == "warn";
              }), 1) << slug;
  }
  EXPECT_EQ(count([](const Json& j) {
              return j.value("msg", "") == "provider call" && j.value("endpoint", "") == "refresh" &&
                     j.value("provider_error", "") == "invalid_grant";
            }), refreshed);
  // The caller's X-Request-Id is used and echoed; requests without one get an id.
  EXPECT_EQ(count([](const Json& j) { return j.value("request_id", "") == "obs-generic-ok"; }), 1);
  EXPECT_EQ(stack.echoedRequestId, "obs-generic-ok");
  EXPECT_EQ(count([](const Json& j) {
              return j.value("msg", "") == "request" && j.value("request_id", "").empty();
            }), 0);
  EXPECT_GE(count([](const Json& j) {
              return j.value("route", "") == "/v1/credentials/{id}/refresh" &&
                     j.value("account", "") == "default" && j.contains("duration_us");
            }), 1);
  ASSERT_GT(stack.secrets.size(), 40u);
  for (const auto& secret : stack.secrets) {
    ASSERT_GE(secret.size(), 8u);
    EXPECT_EQ(log.find(secret), std::string::npos) << "the gateway wrote a secret: " << secret;
  }
}

}  // namespace
}  // namespace linkgate::gateway
