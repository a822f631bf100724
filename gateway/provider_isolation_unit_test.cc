// ProviderIsolation without sockets: its /metrics lines follow the gate and the breakers, and
// a breaker change is one log line (gateway/log.h) with the provider and the states.
#include "gateway/provider_isolation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using std::chrono::milliseconds;

TEST(ProviderIsolation, MetricsAndLogFollowTheGateAndTheBreakers) {
  ManualClock clock;
  testing::TempDir dir;
  const std::string log_path = (dir.path() / "log.jsonl").string();
  IsolationOptions options;
  options.gate = {1, milliseconds(100)};
  options.breaker = {2, milliseconds(3000)};
  std::vector<ProviderGate::Job> parked;
  ProviderIsolation iso(clock, testing::realCatalogue(), options, [&](ProviderGate::Job job) {
    parked.push_back(std::move(job));
    return true;
  });
  iso.setLog(Logger::toFile(log_path, LogFormat::kJson, LogLevel::kInfo));

  iso.gate().submit("github", clock.now() + milliseconds(100), [] {}, [](auto) {});
  iso.gate().submit("github", clock.now() + milliseconds(100), [] {}, [](auto) {});
  iso.breakers().record("gitlab", false);
  iso.breakers().record("gitlab", false);
  std::string text = iso.renderMetrics();
  EXPECT_NE(text.find("# TYPE linkgate_provider_circuit_state gauge"), std::string::npos);
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("linkgate_provider_circuit_state{provider=\"gitlab\"} 1"));
  EXPECT_TRUE(has("linkgate_provider_circuit_state{provider=\"github\"} 0"));
  EXPECT_NE(text.find("linkgate_provider_in_flight{provider=\"github\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("linkgate_provider_queued{provider=\"github\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("linkgate_provider_circuit_state{provider=\"zoom\"} 0\n"), std::string::npos);
  clock.advance(milliseconds(100));
  EXPECT_EQ(iso.gate().expireDue(), 1u);
  text = iso.renderMetrics();
  EXPECT_NE(text.find("linkgate_provider_queue_timeouts_total{provider=\"github\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("linkgate_provider_queued{provider=\"github\"} 0\n"), std::string::npos);

  EXPECT_EQ(iso.retryAfterSeconds("gitlab"), 3);
  EXPECT_EQ(iso.retryAfterSeconds("github"), 1);
  const GatewayError e = iso.unavailable("gitlab", ProviderIsolation::Why::kCircuitOpen);
  EXPECT_EQ(e.wireError(), "temporarily_unavailable");
  EXPECT_EQ(e.status(), 503);
  EXPECT_NE(e.description.find("GitLab"), std::string::npos) << e.description;
  const GatewayError busy = iso.unavailable("github", ProviderIsolation::Why::kQueueTimeout);
  EXPECT_NE(busy.description.find("100 ms"), std::string::npos) << busy.description;

  std::ifstream in(log_path);
  std::stringstream lines;
  lines << in.rdbuf();
  EXPECT_NE(lines.str().find("\"msg\":\"provider circuit\",\"provider\":\"gitlab\",\"from\":"
                             "\"closed\",\"to\":\"open\",\"consecutive_failures\":2"),
            std::string::npos)
      << lines.str();
  for (auto& job : parked) job();  // release the slot the gate still counts
}

}  // namespace
}  // namespace linkgate::gateway
