// The simulator binary: flags, first stdout line, --dev-clients, --coverage, clean shutdown.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/http_client.h"
#include "core/json.h"
#include "simulator/test_support.h"

extern char** environ;

namespace linkgate::sim {
namespace {

std::string binary() {
  const char* dir = std::getenv("LINKGATE_BIN_DIR");
  return std::string(dir ? dir : LINKGATE_BIN_DIR_DEFAULT) + "/simulator";
}

// A child process with its stdout and stderr on pipes.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int out[2], err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    args.insert(args.begin(), binary());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    EXPECT_EQ(rc, 0) << "cannot start " << argv[0];
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
    close(err_);
  }
  // One line of stdout, waiting at most 20 s.
  std::string readLine() { return readUntil(out_, true); }
  std::string readAllErr() { return readUntil(err_, false); }
  std::string readAllOut() { return readUntil(out_, false); }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void signal(int sig) { kill(pid_, sig); }

 private:
  static std::string readUntil(int fd, bool one_line) {
    std::string text;
    char c;
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 20000) <= 0) break;
      if (read(fd, &c, 1) != 1) break;
      if (one_line && c == '\n') break;
      text += c;
    }
    return text;
  }
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool reaped_ = false;
};

std::string providersDir() { return (testing::fixturesDir() / "providers").string(); }

TEST(SimulatorBinary, ServesPrintsItsPortAndShutsDownCleanly) {
  Child child({"--port", "0", "--profiles", providersDir(), "--dev-clients",
               "http://127.0.0.1:8080/"});
  std::string line = child.readLine();
  ASSERT_TRUE(line.starts_with("listening on http://127.0.0.1:")) << line;
  std::string base = line.substr(std::string("listening on ").size());
  CurlHttpClient http;
  HttpRequest health;
  health.url = base + "/_sim/health";
  auto r = http.send(health);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  HttpRequest clients;
  clients.url = base + "/_sim/clients";
  auto c = http.send(clients);
  ASSERT_TRUE(c);
  Json list = parseJson(c->body).value()["clients"];
  EXPECT_EQ(list.size(), testing::providerFileCount());
  bool found = false;
  for (const auto& e : list) {
    if (e["client_id"] == "dev-generic") {
      found = true;
      EXPECT_EQ(e["client_secret"], "dev-generic-secret");
      EXPECT_EQ(e["redirect_uris"], Json::array({"http://127.0.0.1:8080/link/oauth2/callback/generic"}));
    }
  }
  EXPECT_TRUE(found);
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

TEST(SimulatorBinary, BadFlagsAndBadProfilesExitNonZeroWithOneLine) {
  {
    Child child({"--port", "nope"});
    std::string err = child.readAllErr();
    EXPECT_EQ(child.wait(), 2);
    EXPECT_NE(err.find("--port"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  {
    std::string dir = (testing::fixturesDir() / "cases" / "profiles" / "n_unknown_field").string();
    Child child({"--port", "0", "--profiles", dir});
    std::string err = child.readAllErr();
    EXPECT_EQ(child.wait(), 1);
    EXPECT_NE(err.find("acme.json: token.client_auht: unknown field"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  {
    Child child({"--help"});
    std::string out = child.readAllOut();
    EXPECT_EQ(child.wait(), 0);
    EXPECT_NE(out.find("usage: simulator"), std::string::npos);
  }
}

TEST(SimulatorBinary, CoverageFailsWhenARequiredValueIsUncovered) {
  std::string dir = (testing::fixturesDir() / "cases" / "profiles" / "y_full").string();
  Child child({"--coverage", "--profiles", dir});
  std::string out = child.readAllOut();
  EXPECT_EQ(child.wait(), 1);
  EXPECT_NE(out.find("MISSING D3 token encoding: query"), std::string::npos) << out;
  EXPECT_NE(out.find("acme"), std::string::npos);
}

TEST(SimulatorBinary, CoverageOfTheProviderProfilesPassesWithTestedSwitches) {
  std::string dir = (testing::fixturesDir() / "providers").string();
  Child child({"--coverage", "--profiles", dir});
  std::string out = child.readAllOut();
  EXPECT_EQ(child.wait(), 0) << out;
  EXPECT_EQ(out.find("MISSING"), std::string::npos) << out;
  EXPECT_NE(out.find("(behaviour: scope_separator=plus)"), std::string::npos) << out;
  // expires_in as a string is a profile's own since Naver (fixtures/providers/naver.json).
}

TEST(SimulatorBinary, RecipesPrintOneMarkdownSectionPerProfile) {
  std::string dir = (testing::fixturesDir() / "providers").string();
  Child child({"--recipes", "--profiles", dir});
  std::string out = child.readAllOut();
  EXPECT_EQ(child.wait(), 0) << out;
  for (const Profile& p : testing::providerProfiles()) {
    EXPECT_NE(out.find("## " + p.display_name + " (`" + p.slug + "`)"), std::string::npos) << p.slug;
  }
  EXPECT_NE(out.find("{base}/slack/slack.com/oauth/v2/authorize"), std::string::npos);
  EXPECT_NE(out.find("access token at `authed_user.access_token`"), std::string::npos);
  EXPECT_NE(out.find("Tolerated (token.encoding): form"), std::string::npos) << "notion";
}

}  // namespace
}  // namespace linkgate::sim
