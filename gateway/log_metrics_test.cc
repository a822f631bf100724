// Unit tests of the log line formats (gateway/log.h) and the metrics exposition
// (gateway/metrics.h): escaping, levels, label sets, histogram buckets.
#include <gtest/gtest.h>

#include <fstream>

#include "core/json.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

TEST(LogFormat, JsonLinesEscapeEveryControlAndQuote) {
  const std::string line = Logger::format(
      LogFormat::kJson, LogLevel::kWarn, 0, "flow failed",
      {LogField::str("reason", "a \"quoted\"\nline\\\x01"), LogField::num("status", 302)});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Json j = Json::parse(line);
  EXPECT_EQ(j["ts"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["msg"], "flow failed");
  EXPECT_EQ(j["reason"], "a \"quoted\"\nline\\\x01");
  EXPECT_EQ(j["status"], 302);
}

TEST(LogFormat, TextLinesQuoteOnlyWhatNeedsIt) {
  const std::string line = Logger::format(
      LogFormat::kText, LogLevel::kInfo, 1500, "request",
      {LogField::str("route", "/link/oauth2/start"), LogField::str("reason", "two words"),
       LogField::str("empty", ""), LogField::num("status", 200)});
  EXPECT_EQ(line, "1970-01-01T00:00:01.500Z INFO request route=/link/oauth2/start "
                  "reason=\"two words\" status=200");
  // Every field of the timestamp, each with its leading zeros.
  EXPECT_EQ(Logger::format(LogFormat::kText, LogLevel::kInfo, 1804230489045, "x", {}),
            "2027-03-05T07:08:09.045Z INFO x");
}

TEST(LogLevels, ParseAndFilter) {
  EXPECT_EQ(*parseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_FALSE(parseLogLevel("loud"));
  EXPECT_FALSE(parseLogFormat("xml"));
  testing::TempDir dir;
  const auto path = (dir.path() / "log.txt").string();
  {
    auto log = Logger::toFile(path, LogFormat::kJson, LogLevel::kWarn);
    EXPECT_FALSE(log->enabled(LogLevel::kInfo));
    log->write(LogLevel::kInfo, "dropped", {});
    log->write(LogLevel::kError, "kept", {});
  }
  std::ifstream in(path);
  std::string first, second;
  std::getline(in, first);
  EXPECT_EQ(Json::parse(first)["msg"], "kept");
  EXPECT_FALSE(std::getline(in, second));
  EXPECT_FALSE(Logger().enabled(LogLevel::kError));  // the default logger writes nothing
}

TEST(MetricsRender, CountsUnderPreRegisteredAndSideLabels) {
  Metrics m({"github", "generic"});
  m.countRequest("/link/oauth2/start", 302);
  m.countRequest("/link/oauth2/start", 302);
  m.countRequest("/v1/new-route", 418);  // neither known: the side table
  m.flowStarted("github");
  m.flowFailed("github", "flow_cookie_mismatch");
  m.flowFailed("nosuch", "not-an-id");
  m.codeExchange("ok");
  m.refresh("generic", RefreshOutcome::kPermanent);
  m.providerCall("github", CallKind::kToken, 0.02, "2xx");
  m.providerCall("github", CallKind::kToken, 20, "timeout");
  StoreGauges g{3, 4, 1};
  const std::string text = m.render(&g);
  auto has = [&](const std::string& line) {
    EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos) << line << "\n" << text;
  };
  has("linkgate_http_requests_total{route=\"/link/oauth2/start\",status=\"302\"} 2");
  has("linkgate_http_requests_total{route=\"/v1/new-route\",status=\"418\"} 1");
  has("linkgate_flows_started_total{provider=\"github\"} 1");
  has("linkgate_flows_started_total{provider=\"generic\"} 0");
  has("linkgate_flows_failed_total{provider=\"github\",reason=\"flow_cookie_mismatch\"} 1");
  has("linkgate_flows_failed_total{provider=\"other\",reason=\"other\"} 1");
  has("linkgate_code_exchanges_total{outcome=\"ok\"} 1");
  has("linkgate_refreshes_total{provider=\"generic\",outcome=\"permanent\"} 1");
  has("linkgate_provider_calls_total{provider=\"github\",endpoint=\"token\",result=\"timeout\"} 1");
  has("linkgate_provider_call_duration_seconds_bucket{provider=\"github\",endpoint=\"token\","
      "le=\"0.01\"} 0");
  has("linkgate_provider_call_duration_seconds_bucket{provider=\"github\",endpoint=\"token\","
      "le=\"0.025\"} 1");
  has("linkgate_provider_call_duration_seconds_bucket{provider=\"github\",endpoint=\"token\","
      "le=\"10\"} 1");
  has("linkgate_provider_call_duration_seconds_bucket{provider=\"github\",endpoint=\"token\","
      "le=\"+Inf\"} 2");
  has("linkgate_provider_call_duration_seconds_count{provider=\"github\",endpoint=\"token\"} 2");
  has("linkgate_provider_call_duration_seconds_sum{provider=\"github\",endpoint=\"token\"} "
      "20.020000");
  has("linkgate_pending_flows 3");
  has("linkgate_credentials{health=\"error\"} 1");
  EXPECT_EQ(m.render(nullptr).find("linkgate_pending_flows"), std::string::npos);
}

// Issue 12: a refused start (and a start link) is counted under its app's provider, an unknown
// app under the fixed "other" (no new label value); a start link's flow is started under its
// provider too.
TEST(FlowMetrics, StartsAndStartLinksAreCountedUnderTheirProvider) {
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  testing::TestGateway gw(catalogue);
  const std::string app = gw.createApp("acme", "acme-client", "acme-secret");
  gw.registerRedirectUri("https://app.example/cb");
  EXPECT_EQ(gw.get("/link/oauth2/start?client_id=" + app +
                   "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")
                .status,
            400);
  EXPECT_EQ(gw.get("/link/oauth2/start?client_id=" + app +
                   "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_challenge_method=plain" +
                   "&code_challenge=" + std::string(43, 'a'))
                .status,
            302);  // an error sent back to the integrator: a failed flow too
  EXPECT_EQ(gw.get("/link/oauth2/start?client_id=00000000-0000-4000-8000-000000000000"
                   "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb")
                .status,
            400);
  auto link = gw.send("POST", "/v1/credentials/start-auth",
                      dumpJson(Json{{"oauth_app_id", app},
                                    {"redirect_uri", "https://app.example/cb"}}),
                      {{"Authorization", std::string("Bearer ") + testing::TestGateway::kApiKey},
                       {"Content-Type", "application/json"}});
  ASSERT_EQ(link.status, 201) << link.body;
  const std::string url = Json::parse(link.body)["start_url"];
  const std::string path = url.substr(std::string("https://gw.example").size());
  EXPECT_EQ(gw.get(path).status, 302);
  EXPECT_EQ(gw.get(path).status, 400);  // used: the provider is no longer known
  const std::string text = gw.services->metrics->render(nullptr);
  auto has = [&](const std::string& line) {
    EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos) << line << "\n" << text;
  };
  has("linkgate_flows_failed_total{provider=\"acme\",reason=\"redirect_uri_not_registered\"} 1");
  has("linkgate_flows_failed_total{provider=\"acme\",reason=\"unsupported_pkce_method\"} 1");
  has("linkgate_flows_failed_total{provider=\"other\",reason=\"unknown_oauth_app\"} 1");
  has("linkgate_flows_failed_total{provider=\"other\",reason=\"start_link_invalid\"} 1");
  has("linkgate_flows_started_total{provider=\"acme\"} 1");
  has("linkgate_flows_started_total{provider=\"other\"} 0");
}

// Issue 12: OIDC discovery and JWKS fetches go out through callProvider(): one log line each
// (endpoint discovery / jwks) and the outbound latency histogram, labelled by provider.
TEST(ProviderCalls, DiscoveryAndJwksFetchesAreLoggedAndTimed) {
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  testing::TestGateway gw(catalogue);
  const auto log_path = (gw.dir.path() / "calls.log").string();
  gw.services->log = Logger::toFile(log_path, LogFormat::kJson, LogLevel::kInfo);
  gw.http.answer([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url.ends_with("/.well-known/openid-configuration")) {
      return testing::jsonResponse(200, {{"issuer", "https://id.acme.test"},
                                         {"jwks_uri", "https://id.acme.test/jwks"}});
    }
    return testing::jsonResponse(503, {{"error", "temporarily_unavailable"}});
  });
  auto uri = gw.services->jwks->discoverJwksUri("https://id.acme.test", {}, "acme");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_FALSE(gw.services->jwks->key(*uri, "kid-1", {}, "acme"));
  gw.services->log.reset();  // flushes and closes the file
  std::ifstream in(log_path);
  std::vector<Json> calls;
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line);
    if (j["msg"] == "provider call") calls.push_back(j);
  }
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["provider"], "acme");
  EXPECT_EQ(calls[0]["endpoint"], "discovery");
  EXPECT_EQ(calls[0]["status"], 200);
  EXPECT_EQ(calls[1]["endpoint"], "jwks");
  EXPECT_EQ(calls[1]["status"], 503);
  EXPECT_EQ(calls[1]["provider_error"], "temporarily_unavailable");
  const std::string text = gw.services->metrics->render(nullptr);
  for (const char* line :
       {"linkgate_provider_calls_total{provider=\"acme\",endpoint=\"discovery\",result=\"2xx\"} 1",
        "linkgate_provider_calls_total{provider=\"acme\",endpoint=\"jwks\",result=\"5xx\"} 1",
        "linkgate_provider_call_duration_seconds_count{provider=\"acme\",endpoint=\"jwks\"} 1"}) {
    EXPECT_NE(text.find(std::string("\n") + line + "\n"), std::string::npos)
        << line << "\n" << text;
  }
}

}  // namespace
}  // namespace linkgate::gateway
