// Issue 12, safe start-up, with the real gateway binary: a wrong master key stops the start with
// one line and a non-zero exit (SQLite and PostgreSQL); create-api-key does not create a
// database by accident; --dev says where the key file is; no API key → a warning saying how to
// make one. (/readyz while PostgreSQL is down: pg_restart_test.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/child_process.h"
#include "gateway/pg_test_cluster.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;

constexpr const char* kKeyA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kKeyB = "HxceHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=";

std::string gatewayBinary() {
  return binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY);
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Exited {
  int exit_code = -1;
  std::string out, err;
};

// Runs the gateway to completion (commands that exit by themselves) with `env` prefixed.
Exited runGateway(const testing::TempDir& dir, const std::string& env, const std::string& args) {
  const auto out = dir.path() / "run.out", err = dir.path() / "run.err";
  const std::string cmd = env + " " + gatewayBinary() + " " + args + " >" + out.string() + " 2>" +
                          err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(out), readFile(err)};
}

// Starts a serving gateway with stderr into `err_file`; nullptr when it did not start.
std::unique_ptr<testing::ChildProcess> serve(const std::string& db, const char* key,
                                             const std::filesystem::path& err_file,
                                             bool api_key = true) {
  std::vector<std::string> env = {std::string("LINKGATE_MASTER_KEY=") + key};
  if (api_key) env.push_back("LINKGATE_API_KEY=startup-test-key");
  auto child = testing::ChildProcess::start(
      {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>" + err_file.string(), gatewayBinary(), "--port",
       "0", "--db", db, "--catalogue", testing::sourceDir() + "/gateway/catalogue"},
      env);
  return child ? std::move(*child) : nullptr;
}

size_t lineCount(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

void expectWrongKeyRefused(const std::string& db, const testing::TempDir& dir) {
  {
    auto first = serve(db, kKeyA, dir.path() / "first.err");
    ASSERT_NE(first, nullptr) << readFile(dir.path() / "first.err");
  }
  Exited wrong = runGateway(dir, std::string("LINKGATE_MASTER_KEY=") + kKeyB,
                         "--port 0 --db '" + db + "' --catalogue " + testing::sourceDir() +
                             "/gateway/catalogue");
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_EQ(wrong.out, "") << "it must not start listening";
  EXPECT_EQ(lineCount(wrong.err), 1u) << wrong.err;
  EXPECT_NE(wrong.err.find("master key does not open this database"), std::string::npos)
      << wrong.err;
  EXPECT_EQ(wrong.err.find(kKeyB), std::string::npos);
  // The right key still starts (the check did not change anything).
  auto again = serve(db, kKeyA, dir.path() / "again.err");
  EXPECT_NE(again, nullptr) << readFile(dir.path() / "again.err");
}

TEST(Startup, WrongMasterKeyIsOneLineAndANonZeroExitOnSqlite) {
  testing::TempDir dir;
  expectWrongKeyRefused((dir.path() / "gw.db").string(), dir);
}

TEST(Startup, WrongMasterKeyIsOneLineAndANonZeroExitOnPostgres) {
  std::string why;
  auto* cluster = testing::PgTestCluster::shared(&why);
  ASSERT_NE(cluster, nullptr) << why;
  auto db = cluster->createDatabase();
  ASSERT_TRUE(db) << db.error().message;
  testing::TempDir dir;
  expectWrongKeyRefused(*db, dir);
}

TEST(Startup, CreateApiKeyRefusesToCreateADatabaseUnlessAsked) {
  testing::TempDir dir;
  const auto db = dir.path() / "typo.db";
  const std::string env = std::string("LINKGATE_MASTER_KEY=") + kKeyA;
  Exited refused = runGateway(dir, env, "create-api-key --db " + db.string());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--create-db"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_FALSE(std::filesystem::exists(db));
  Exited made = runGateway(dir, env, "create-api-key --create-db --db " + db.string());
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(made.out.starts_with("lgk_")) << made.out;
  EXPECT_TRUE(std::filesystem::exists(db));
  // Now that it exists, no flag is needed.
  EXPECT_EQ(runGateway(dir, env, "create-api-key --db " + db.string()).exit_code, 0);
}

TEST(Startup, CreateApiKeyRefusesAPostgresDatabaseWithNoSchemaUnlessAsked) {
  std::string why;
  auto* cluster = testing::PgTestCluster::shared(&why);
  ASSERT_NE(cluster, nullptr) << why;
  auto db = cluster->createDatabase();  // exists, but no Linkgate schema in it
  ASSERT_TRUE(db) << db.error().message;
  testing::TempDir dir;
  const std::string env = std::string("LINKGATE_MASTER_KEY=") + kKeyA;
  Exited refused = runGateway(dir, env, "create-api-key --db '" + *db + "'");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(lineCount(refused.err), 1u) << refused.err;
  EXPECT_NE(refused.err.find("no Linkgate schema"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--create-db"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out, "");
  // Nothing was created: the database is still without a schema, so it refuses again.
  EXPECT_EQ(runGateway(dir, env, "create-api-key --db '" + *db + "'").exit_code, 1);
  Exited made = runGateway(dir, env, "create-api-key --create-db --db '" + *db + "'");
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(made.out.starts_with("lgk_")) << made.out;
  EXPECT_EQ(runGateway(dir, env, "create-api-key --db '" + *db + "'").exit_code, 0);
  // An unreachable server: one line, non-zero, no password.
  Exited down = runGateway(dir, env,
                           "create-api-key --db 'postgresql://u:s3cret@127.0.0.1:1/nope'");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_EQ(lineCount(down.err), 1u) << down.err;
  EXPECT_EQ(down.err.find("s3cret"), std::string::npos) << down.err;
}

TEST(Startup, DevSaysWhereTheKeyFileIs) {
  testing::TempDir dir;
  const auto db = dir.path() / "dev.db";
  Exited first = runGateway(dir, "", "create-api-key --dev --create-db --db " + db.string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string key_file = std::filesystem::absolute(db.string() + ".key").string();
  EXPECT_NE(first.err.find("master key written to " + key_file), std::string::npos) << first.err;
  Exited second = runGateway(dir, "", "create-api-key --dev --db " + db.string());
  EXPECT_NE(second.err.find("master key read from " + key_file), std::string::npos) << second.err;
  EXPECT_EQ(first.err.find(readFile(key_file).substr(0, 20)), std::string::npos);
}

TEST(Startup, NoApiKeyConfiguredWarnsHowToMakeOne) {
  testing::TempDir dir;
  const std::string db = (dir.path() / "gw.db").string();
  const auto err = dir.path() / "serve.err";
  { ASSERT_NE(serve(db, kKeyA, err, /*api_key=*/false), nullptr) << readFile(err); }
  EXPECT_NE(readFile(err).find("no management API key is configured: create one with `gateway "
                               "create-api-key --db " + db + "`"),
            std::string::npos)
      << readFile(err);
  // With one configured (env) there is no warning.
  { ASSERT_NE(serve(db, kKeyA, err, /*api_key=*/true), nullptr) << readFile(err); }
  EXPECT_EQ(readFile(err).find("no management API key"), std::string::npos) << readFile(err);
  // Nor once one is stored.
  Exited made = runGateway(dir, std::string("LINKGATE_MASTER_KEY=") + kKeyA,
                        "create-api-key --db " + db);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  { ASSERT_NE(serve(db, kKeyA, err, /*api_key=*/false), nullptr) << readFile(err); }
  EXPECT_EQ(readFile(err).find("no management API key"), std::string::npos) << readFile(err);
}

}  // namespace
}  // namespace linkgate::gateway
