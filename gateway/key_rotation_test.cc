// `gateway rotate-master-key` end to end on both engines (issue 13): a database sealed under
// key 1, a gateway serving it throughout (online), the rotation to key 2 killed with SIGKILL in
// the middle (the database then holds both keys' values, still served), resumed to the end,
// and finally every stored secret read back through a key ring holding key 2 alone.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "core/base64.h"
#include "gateway/child_process.h"
#include "gateway/master_key.h"
#include "gateway/pg_stack.h"
#include "gateway/store_test_fixture.h"

extern char** environ;

namespace linkgate::gateway::testing {
namespace {

const std::string kKey1 = PgStack::kMasterKey;
const std::string kKey2 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
constexpr int kCredentials = 150;

// A child with a stdout pipe read line by line (the rotation's progress).
class ChildRun {
 public:
  ChildRun(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args, envp;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~ChildRun() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  // The next line, or nullopt at end of output.
  std::optional<std::string> line() {
    std::string s;
    char c;
    ssize_t n;
    while ((n = ::read(out_, &c, 1)) == 1 && c != '\n') s += c;
    if (n != 1 && s.empty()) return std::nullopt;
    all_ += s + "\n";
    return s;
  }
  void kill9() {
    ::kill(pid_, SIGKILL);
    wait();
  }
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  const std::string& output() const { return all_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string all_;
};

std::string keyBytes(const std::string& b64) { return *base64Decode(b64); }

class KeyRotation : public StoreContract {
 protected:
  void SetUp() override {
    // The fixture's ring is replaced by key 1 as gateway main() derives it.
    StoreContract::SetUp();
    store_.reset();
    ring1_ = std::make_unique<KeyRing>(random_);
    ASSERT_TRUE(ring1_->addKey(masterKeyId(keyBytes(kKey1)), keyBytes(kKey1)));
    auto s = open(*ring1_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  std::vector<std::string> rotateArgs() {
    return {PgStack::binary("gateway"),
            "rotate-master-key",
            "--db",
            db_,
            "--batch-size",
            "10",
            "--throttle-ms",
            "40"};
  }
  std::vector<std::string> rotateEnv() {
    return {"LINKGATE_MASTER_KEY=" + kKey2, "LINKGATE_OLD_MASTER_KEYS=" + kKey1};
  }
  int64_t underKey(const std::string& b64, const char* table, const char* column) {
    auto db = raw();
    auto c = db->acquire();
    auto r =
        (*c)->query(std::string("SELECT COUNT(*) FROM ") + table + " WHERE " + column + " LIKE ?",
                    {masterKeyId(keyBytes(b64)) + ".%"});
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->rows[0].integer(0) : -1;
  }
  std::unique_ptr<KeyRing> ring1_;
};

TEST_P(KeyRotation, KilledInTheMiddleResumesAndTheDatabaseOpensWithTheNewKeyAlone) {
  // Secrets of every kind under key 1.
  OAuthApp app;
  app.id = "11111111-1111-4111-8111-111111111111";
  app.account_id = "default";
  app.provider = "generic";
  app.client_id = "rot-client";
  app.client_secret = "rot-client-secret";
  app.name = "rotation";
  ASSERT_TRUE(store_->insertApp(app));
  std::vector<Credential> written;
  for (int i = 0; i < kCredentials; ++i) {
    Credential c;
    char id[37];
    std::snprintf(id, sizeof id, "22222222-2222-4222-8222-%012d", i);
    c.id = id;
    c.account_id = "default";
    c.app_id = app.id;
    c.provider = "generic";
    c.properties = {{"access_token", "AT-" + std::to_string(i)},
                    {"refresh_token", "RT-" + std::to_string(i)}};
    c.provider_account = "id:user-" + std::to_string(i);
    c.created_at = c.updated_at = 1000 + i;
    ASSERT_TRUE(store_->saveCredential(c));
    written.push_back(c);
  }
  Flow flow;
  flow.id = "33333333-3333-4333-8333-333333333333";
  flow.state = "rotation-flow-state";
  flow.app_id = app.id;
  flow.provider = "generic";
  flow.provider_code_verifier = "verifier-secret";
  flow.created_at = 1;
  flow.expires_at = 4'000'000'000;
  ASSERT_TRUE(store_->insertFlow(flow));
  StartLink link;
  link.token = "rotation-start-token";
  link.account_id = "default";
  link.app_id = app.id;
  link.redirect_uri = "http://127.0.0.1/done";
  link.expires_at = 4'000'000'000;
  ASSERT_TRUE(store_->insertStartLink(link));
  WebhookEndpoint hook;
  hook.id = "44444444-4444-4444-8444-444444444444";
  hook.account_id = "default";
  hook.url = "http://127.0.0.1:9/hook";
  hook.secret = "whsec_cm90YXRpb24td2ViaG9vay1zZWNyZXQ=";
  hook.events = {"credential.created"};
  ASSERT_TRUE(store_->insertWebhook(hook));
  ASSERT_TRUE(store_->checkMasterKey());  // the key-check row, sealed under key 1
  AuthCode code;
  code.code = "rotation-code";
  code.credential_id = written[0].id;
  code.app_id = app.id;
  code.account_id = "default";
  code.expires_at = 4'000'000'000;
  ASSERT_TRUE(store_->saveCredentialWithCode(written[0], code));
  store_.reset();

  // A gateway serving the database throughout, already on key 2 with key 1 as an old key.
  auto gateway =
      ChildProcess::start({PgStack::binary("gateway"), "--port", "0", "--db", db_, "--catalogue",
                           sourceDir() + "/gateway/catalogue"},
                          {"LINKGATE_MASTER_KEY=" + kKey2, "LINKGATE_OLD_MASTER_KEYS=" + kKey1,
                           "LINKGATE_API_KEY=rotation-api-key"});
  ASSERT_TRUE(gateway) << gateway.error().message;
  CurlHttpClient http;
  auto listed = [&] {
    HttpRequest req;
    req.url = (*gateway)->url() + "/v1/credentials";
    req.headers = {{"Authorization", "Bearer rotation-api-key"}};
    auto r = http.send(req);
    if (!r || r->status != 200) return size_t{0};
    return parseJsonObject(r->body).value_or(Json::object())["data"].size();
  };
  EXPECT_EQ(listed(), static_cast<size_t>(kCredentials));

  {  // The first run, killed once it has re-sealed some credentials.
    ChildRun run(rotateArgs(), rotateEnv());
    bool some = false;
    while (auto line = run.line()) {
      if (line->starts_with("rotate-master-key: credentials: ") &&
          line->find(" re-sealed") != std::string::npos) {
        some = true;
        break;
      }
    }
    ASSERT_TRUE(some) << run.output();
    run.kill9();
  }
  const int64_t moved = underKey(kKey2, "credentials", "sealed");
  EXPECT_GT(moved, 0);
  EXPECT_LT(moved, kCredentials) << "the kill came too late to test resuming";
  EXPECT_EQ(moved + underKey(kKey1, "credentials", "sealed"), kCredentials);
  EXPECT_EQ(listed(), static_cast<size_t>(kCredentials)) << "mixed keys are still served";
  {
    KeyRing key2_only(random_);
    ASSERT_TRUE(key2_only.addKey(masterKeyId(keyBytes(kKey2)), keyBytes(kKey2)));
    auto s = open(key2_only);
    ASSERT_TRUE(s);
    EXPECT_FALSE((*s)->listCredentials("default")) << "key 2 alone opened key 1's values";
  }

  {  // The second run picks up where the first stopped and finishes.
    ChildRun run(rotateArgs(), rotateEnv());
    while (run.line()) {
    }
    EXPECT_EQ(run.wait(), 0) << run.output();
    EXPECT_NE(run.output().find("credentials: resuming after "), std::string::npos) << run.output();
    EXPECT_NE(run.output().find("done: every stored secret is sealed under"), std::string::npos)
        << run.output();
  }
  EXPECT_EQ(underKey(kKey2, "credentials", "sealed"), kCredentials);
  EXPECT_EQ(underKey(kKey2, "oauth_apps", "client_secret_sealed"), 1);
  EXPECT_EQ(listed(), static_cast<size_t>(kCredentials));
  gateway->reset();

  // Key 2 alone reads every secret back.
  KeyRing key2_only(random_);
  ASSERT_TRUE(key2_only.addKey(masterKeyId(keyBytes(kKey2)), keyBytes(kKey2)));
  auto s = open(key2_only);
  ASSERT_TRUE(s) << s.error().message;
  auto creds = (*s)->listCredentials("default");
  ASSERT_TRUE(creds) << creds.error().message;
  ASSERT_EQ(creds->size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ((*creds)[i].id, written[i].id);
    EXPECT_EQ((*creds)[i].properties, written[i].properties);
    EXPECT_EQ((*creds)[i].provider_account, written[i].provider_account);
  }
  auto found_app = (*s)->findApp(app.id);
  ASSERT_TRUE(found_app && *found_app);
  EXPECT_EQ((**found_app).client_secret, "rot-client-secret");
  auto found_flow = (*s)->findFlowByState(flow.state);
  ASSERT_TRUE(found_flow && *found_flow) << (found_flow ? "" : found_flow.error().message);
  EXPECT_EQ((**found_flow).provider_code_verifier, flow.provider_code_verifier);
  auto found_code = (*s)->findCode(code.code);
  ASSERT_TRUE(found_code && *found_code);
  auto found_link = (*s)->consumeStartLink(link.token, 1);
  ASSERT_TRUE(found_link && *found_link);
  EXPECT_EQ((**found_link).redirect_uri, link.redirect_uri);
  auto found_hook = (*s)->findWebhook("default", hook.id);
  ASSERT_TRUE(found_hook && *found_hook) << (found_hook ? "" : found_hook.error().message);
  EXPECT_EQ((**found_hook).secret, hook.secret);
  // A gateway started with key 2 alone passes the master-key check (issue 12).
  auto check = (*s)->checkMasterKey();
  EXPECT_TRUE(check) << (check ? "" : check.error().message);
  // A third run has nothing left to do.
  ChildRun again(rotateArgs(), {"LINKGATE_MASTER_KEY=" + kKey2});
  while (again.line()) {
  }
  EXPECT_EQ(again.wait(), 0) << again.output();
  EXPECT_NE(again.output().find("(0 re-sealed by this run)"), std::string::npos) << again.output();
}

TEST_P(KeyRotation, AValueNoKeyOfTheRingOpensStopsTheRotationAndSaysWhere) {
  OAuthApp app;
  app.id = "11111111-1111-4111-8111-111111111111";
  app.account_id = "default";
  app.provider = "generic";
  app.client_id = "c";
  app.client_secret = "s";
  app.name = "n";
  ASSERT_TRUE(store_->insertApp(app));
  store_.reset();
  ChildRun run(rotateArgs(), {"LINKGATE_MASTER_KEY=" + kKey2});  // key 1 forgotten
  while (run.line()) {
  }
  EXPECT_EQ(run.wait(), 1);
  EXPECT_EQ(underKey(kKey1, "oauth_apps", "client_secret_sealed"), 1) << "nothing changed";
}

INSTANTIATE_TEST_SUITE_P(Engines, KeyRotation, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
