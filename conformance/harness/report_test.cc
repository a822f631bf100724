// Tests of verdict bookkeeping: expected-failure lookup, JSON report, the table.
#include "conformance/harness/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "conformance/harness/user_agent.h"

namespace linkgate::conformance {
namespace {

std::string writeTemp(const std::string& text) {
  char path[] = "/tmp/conformance-report-test-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  std::ofstream(path) << text;
  return path;
}

TEST(ExpectedFailuresTest, LoadsAndMatches) {
  const std::string path = writeTemp(R"({"expected_failures": [
      {"check": "provider.full_flow", "provider": "amazon", "reason": "catalogue mismatch"},
      {"check": "security.mix_up", "reason": "not yet"}]})");
  auto e = ExpectedFailures::load(path);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->reasonFor("provider.full_flow", "amazon"), "catalogue mismatch");
  EXPECT_EQ(e->reasonFor("provider.full_flow", "github"), std::nullopt);
  EXPECT_EQ(e->reasonFor("security.mix_up", "generic"), "not yet");
  std::remove(path.c_str());
}

TEST(ExpectedFailuresTest, EveryEntryNeedsAReason) {
  const std::string path = writeTemp(R"({"expected_failures": [{"check": "x"}]})");
  EXPECT_FALSE(ExpectedFailures::load(path));
  std::remove(path.c_str());
  const std::string broken = writeTemp("{");
  EXPECT_FALSE(ExpectedFailures::load(broken));
  std::remove(broken.c_str());
  EXPECT_TRUE(ExpectedFailures::load("/nonexistent/expected_failures.json"));
}

TEST(ReportTest, JsonAndTable) {
  Report report;
  report.add({"state.round_trip", "RFC 6749 §4.1.2", "generic", Verdict::kPass, 7, "", ""});
  report.add({"provider.full_flow", "RFC 6749 §4.1", "github", Verdict::kFail, 7, "", "boom"});
  report.add({"provider.refresh", "RFC 6749 §6", "github", Verdict::kNotRun, 7, "", "no token"});
  EXPECT_TRUE(report.anyFailure());
  const Json json = report.toJson({{"seed", 7}});
  ASSERT_EQ(json["checks"].size(), 3u);
  EXPECT_EQ(json["checks"][1]["verdict"], "fail");
  EXPECT_EQ(json["checks"][2]["verdict"], "not_run");
  EXPECT_EQ(json["seed"], 7);
  std::ostringstream table;
  report.printTable(table);
  EXPECT_NE(table.str().find("state.round_trip"), std::string::npos);
  EXPECT_NE(table.str().find("github"), std::string::npos);
  EXPECT_NE(table.str().find("github full_flow: boom"), std::string::npos);
}

TEST(UrlHelpersTest, ResolvesLocations) {
  EXPECT_EQ(resolveUrl("http://h:1/a/b?x", "https://o/p"), "https://o/p");
  EXPECT_EQ(resolveUrl("http://h:1/a/b?x", "/c?d"), "http://h:1/c?d");
  EXPECT_EQ(resolveUrl("http://h:1/a/b?x", "c"), "http://h:1/a/c");
  EXPECT_EQ(resolveUrl("http://h:1/a/b?x", "?y"), "http://h:1/a/b?y");
  EXPECT_EQ(resolveUrl("http://h:1", "c"), "http://h:1/c");
  EXPECT_EQ(resolveUrl("http://h:1/a", "//o/p"), "http://o/p");
  EXPECT_EQ(originOf("http://h:1/a?b"), "http://h:1");
  EXPECT_EQ(originOf("https://h"), "https://h");
  EXPECT_EQ(originOf("/relative"), "");
}

}  // namespace
}  // namespace linkgate::conformance
