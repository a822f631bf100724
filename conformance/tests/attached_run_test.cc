// The conformance binary against a stack it did not start, as a gateway implementer runs it:
// a simulator in --auto-approve (deny checks not_run, not FAIL), the account left as found,
// set-up failures as one line and exit 3, SIGINT still cleaning up (exit 130).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "conformance/harness/child_process.h"
#include "core/base64.h"
#include "core/http_client.h"
#include "core/json.h"
#include "core/crypto.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

namespace fs = std::filesystem;
constexpr auto kStart = std::chrono::seconds(20);

std::string dirFromEnv(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0' ? v : fallback;
}

class AttachedRunTest : public testing::Test {
 protected:
  // The simulator as gateway/README.md starts it for a developer (--auto-approve), or with its
  // consent page (the suite then approves and denies on it).
  virtual bool autoApprove() const { return true; }
  void SetUp() override {
    bin_ = dirFromEnv("LINKGATE_BIN_DIR", LINKGATE_DEFAULT_BIN_DIR);
    src_ = dirFromEnv("LINKGATE_SOURCE_DIR", LINKGATE_DEFAULT_SOURCE_DIR);
    char tmpl[] = "/tmp/conformance-attached-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::vector<std::string> sim_args = {"--port", "0", "--profiles",
                                         src_ + "/fixtures/providers"};
    if (autoApprove()) sim_args.push_back("--auto-approve");
    auto sim = ChildProcess::start({bin_ + "/simulator", sim_args, {}, dir_ + "/simulator.log"});
    ASSERT_TRUE(sim) << sim.error().message;
    sim_ = std::move(*sim);
    auto sim_line = sim_->waitForLine("listening on ", kStart);
    ASSERT_TRUE(sim_line) << sim_line.error().message;
    sim_url_ = *sim_line;
    SystemRandom random;
    api_key_ = "attached-" + randomToken(random, 128);
    auto gw = ChildProcess::start(
        {bin_ + "/gateway",
         {"--port", "0", "--db", dir_ + "/gw.db", "--provider-base-url", sim_url_},
         {"LINKGATE_MASTER_KEY=" + base64Encode(random.bytes(32)), "LINKGATE_API_KEY=" + api_key_},
         dir_ + "/gateway.log"});
    ASSERT_TRUE(gw) << gw.error().message;
    gw_ = std::move(*gw);
    auto gw_line = gw_->waitForLine("listening on ", kStart);
    ASSERT_TRUE(gw_line) << gw_line.error().message;
    gw_url_ = *gw_line;
    for (const std::string host : {"0.0.0.0", "[::]"}) {  // a bind address, not where to connect
      for (std::string* url : {&sim_url_, &gw_url_}) {
        if (auto at = url->find(host); at != std::string::npos) url->replace(at, host.size(), "127.0.0.1");
      }
    }
    // What was there before the suite: an app and a redirect URI of the integrator's own.
    ASSERT_EQ(call("POST", "/v1/redirect-uris", Json{{"uri", "https://before.example/cb"}}).status, 201);
    ASSERT_EQ(call("POST", "/v1/oauth-apps",
                   Json{{"provider", "generic"}, {"client_id", "own"}, {"client_secret", "own-s"},
                        {"name", "the integrator's own"}})
                  .status,
              201);
  }
  void TearDown() override {
    if (gw_) gw_->stop();
    if (sim_) sim_->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::optional<Json>& body = std::nullopt) {
    HttpRequest r;
    r.method = method;
    r.url = gw_url_ + path;
    r.headers = {{"Authorization", "Bearer " + api_key_}, {"Content-Type", "application/json"}};
    if (body) r.body = dumpJson(*body);
    auto answer = http_.send(r);
    EXPECT_TRUE(answer) << path;
    return answer ? *answer : HttpResponse{};
  }

  // Everything of the account the API shows: apps, redirect URIs, credentials, start links,
  // webhooks and API keys.
  std::string account() {
    std::string all;
    for (const char* path : {"/v1/oauth-apps", "/v1/redirect-uris", "/v1/credentials",
                             "/v1/start-links", "/v1/webhooks", "/v1/api-keys"}) {
      HttpResponse r = call("GET", path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      all += std::string(path) + " " + r.body + "\n";
    }
    return all;
  }

  // Runs the conformance binary; its exit code, its stdout in *out.
  int conformance(std::vector<std::string> args, std::string* out,
                  const std::string& interrupt_after_line = "") {
    std::vector<std::string> env = {"TMPDIR=" + dir_, "LINKGATE_BIN_DIR=" + bin_,
                                    "LINKGATE_SOURCE_DIR=" + src_};
    const std::string log = dir_ + "/conformance-" + std::to_string(++runs_) + ".log";
    auto child = ChildProcess::start({bin_ + "/conformance", args, env, log});
    EXPECT_TRUE(child) << child.error().message;
    if (!child) return -1;
    if (!interrupt_after_line.empty()) {
      auto line = (*child)->waitForLine(interrupt_after_line, std::chrono::seconds(60));
      EXPECT_TRUE(line) << line.error().message << "\n" << (*child)->logTail(3000);
      (*child)->sendSignal(SIGINT);
    }
    auto rc = (*child)->waitExit(std::chrono::seconds(240));
    EXPECT_TRUE(rc) << (rc ? "" : rc.error().message);
    *out = (*child)->logTail(1 << 20);
    return rc ? *rc : -1;
  }

  std::vector<std::string> attached() {
    return {"--gateway", gw_url_, "--simulator", sim_url_, "--api-key", api_key_,
            "--providers", "generic", "--seed", "5"};
  }

  // Runs the suite attached to the stack with `filter`; its JSON report lands in *report (null
  // when it wrote none). Returns the exit code.
  int runAttached(const std::string& filter, std::string* out, Json* report) {
    std::vector<std::string> args = attached();
    const std::string path = dir_ + "/report.json";
    args.insert(args.end(), {"--report", path, "--gtest_filter=" + filter});
    const int rc = conformance(args, out);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto json = parseJsonObject(text.str());
    *report = json ? *json : Json();
    return rc;
  }

  CurlHttpClient http_;
  std::string bin_, src_, dir_, sim_url_, gw_url_, api_key_;
  std::unique_ptr<ChildProcess> sim_, gw_;
  int runs_ = 0;
};

TEST_F(AttachedRunTest, AutoApproveMakesDenyChecksNotRunAndLeavesTheAccountAsFound) {
  const std::string before = account();
  std::string out;
  Json report;
  ASSERT_EQ(runAttached("Errors.AccessDenied:State.AbsentStaysAbsent:ProviderAccessDenied.*:"
                        "CodeExchange.SingleUse:CodeExchange.ClientBinding:"
                        "Credentials.ImportIdempotent:Credentials.StartLinkFlow:"
                        "Credentials.StartLinkManage:Management.*:Webhooks.Manage",
                        &out, &report),
            0)
      << out;
  EXPECT_NE(out.find("capability consent_page missing"), std::string::npos) << out;
  ASSERT_TRUE(report.is_object()) << out;
  int deny = 0, passed = 0;
  bool webhooks_ran = false;  // it creates and deletes webhooks: the account must not show them
  for (const Json& c : report["checks"]) {
    const std::string id = c["check"], verdict = c["verdict"];
    webhooks_ran = webhooks_ran || (id == "webhooks.manage" && verdict == "pass");
    if (id == "errors.access_denied" || id == "state.absent_empty" || id == "provider.access_denied") {
      ++deny;
      EXPECT_EQ(verdict, "not_run") << id;
      EXPECT_NE(c["detail"].get<std::string>().find("auto-approve"), std::string::npos) << id;
    } else {
      passed += verdict == "pass";
      EXPECT_NE(verdict, "fail") << id << ": " << c["detail"];
    }
  }
  EXPECT_EQ(deny, 3);
  EXPECT_GE(passed, 8);
  EXPECT_TRUE(webhooks_ran) << report.dump();
  EXPECT_NE(out.find("removed what the suite created"), std::string::npos) << out;
  EXPECT_EQ(account(), before) << "the run left things in the account";
}

TEST_F(AttachedRunTest, KeepLeavesWhatTheSuiteCreated) {
  const std::string before = account();
  std::vector<std::string> args = attached();
  args.insert(args.end(), {"--keep", "--gtest_filter=CodeExchange.SingleUse"});
  std::string out;
  ASSERT_EQ(conformance(args, &out), 0) << out;
  EXPECT_NE(out.find("--keep: left"), std::string::npos) << out;
  EXPECT_NE(account(), before);
}

TEST_F(AttachedRunTest, SetUpFailuresAreOneLineAndExitThree) {
  std::string out;
  std::vector<std::string> args = attached();
  args[5] = "wrong-key";
  EXPECT_EQ(conformance(args, &out), 3) << out;
  EXPECT_NE(out.find("set-up failed: the gateway at " + gw_url_ + " refused the API key"),
            std::string::npos) << out;
  EXPECT_EQ(out.find("FAIL"), std::string::npos) << out;
  args = attached();
  args[1] = "http://127.0.0.1:1";
  EXPECT_EQ(conformance(args, &out), 3) << out;
  EXPECT_NE(out.find("set-up failed: the gateway at http://127.0.0.1:1 does not answer"),
            std::string::npos) << out;
}

TEST_F(AttachedRunTest, SigintStillCleansUp) {
  const std::string before = account();
  std::vector<std::string> args = attached();
  // code.expiry waits out the code lifetime: a moment to interrupt the run in.
  args.insert(args.end(), {"--code-ttl", "25", "--gtest_filter=CodeExchange.Expiry"});
  std::string out;
  EXPECT_EQ(conformance(args, &out, "[ CHECK    ] code.expiry"), 130) << out;
  EXPECT_NE(out.find("removed what the suite created"), std::string::npos) << out;
  EXPECT_EQ(account(), before);
}

TEST_F(AttachedRunTest, SigintOnALaunchedStackRemovesItsTempDir) {
  std::string out;
  EXPECT_EQ(conformance({"--providers", "generic", "--gtest_filter=CodeExchange.Expiry"}, &out,
                        "[ CHECK    ] code.expiry"),
            130)
      << out;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("linkgate-conformance-"))
        << entry.path() << " left behind";
  }
}

// The same run against a simulator that shows its consent page: the deny checks run for real
// (the suite denies on the page) and pass, and the account is left as found.
class AttachedConsentRunTest : public AttachedRunTest {
 protected:
  bool autoApprove() const override { return false; }
};

TEST_F(AttachedConsentRunTest, DenyChecksRunOnTheConsentPageAndTheAccountIsLeftAsFound) {
  const std::string before = account();
  std::string out;
  Json report;
  ASSERT_EQ(runAttached("Errors.AccessDenied:State.AbsentStaysAbsent:ProviderAccessDenied.*:"
                        "CodeExchange.SingleUse:Credentials.StartLinkFlow:Webhooks.Manage",
                        &out, &report),
            0)
      << out;
  ASSERT_TRUE(report.is_object()) << out;
  int deny = 0;
  for (const Json& c : report["checks"]) {
    const std::string id = c["check"], verdict = c["verdict"];
    EXPECT_NE(verdict, "fail") << id << ": " << c["detail"];
    if (id == "errors.access_denied" || id == "state.absent_empty" || id == "provider.access_denied") {
      ++deny;
      EXPECT_EQ(verdict, "pass") << id << ": " << c["detail"];
    }
  }
  EXPECT_EQ(deny, 3) << report.dump();
  EXPECT_EQ(account(), before) << "the run left things in the account";
}

}  // namespace
}  // namespace linkgate::conformance
