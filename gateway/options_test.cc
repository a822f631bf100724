// Flags and LINKGATE_* environment of the gateway binary.
#include "gateway/options.h"

#include <gtest/gtest.h>

#include <map>

namespace linkgate::gateway {
namespace {

Result<Options> parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parseOptions(
      args,
      [&](const char* name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      "/cat");
}

TEST(Options, FlagsOverrideEnvironment) {
  auto o = parse({"--port", "0", "--db=/tmp/x.db", "--public-url", "https://gw.example/",
                  "--code-ttl", "5"},
                 {{"LINKGATE_PORT", "9000"}, {"LINKGATE_FLOW_TTL", "7"},
                  {"LINKGATE_PROVIDER_BASE_URL", "http://127.0.0.1:9100/"},
                  {"LINKGATE_API_KEY", "k"}});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->port, 0);
  EXPECT_EQ(o->db, "/tmp/x.db");
  EXPECT_EQ(o->public_url, "https://gw.example");
  EXPECT_EQ(o->code_ttl.count(), 5);
  EXPECT_EQ(o->flow_ttl.count(), 7);
  EXPECT_EQ(o->provider_base_url, "http://127.0.0.1:9100");
  EXPECT_EQ(o->api_key, "k");
  EXPECT_EQ(o->catalogue_dir, "/cat");
}

TEST(Options, BadFlagsAreOneLineReasons) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--db", "x", "--port", "70000"},
           {"--db", "x", "--bogus"},
           {"--db", "x", "--port"},
           {"--db", "x", "--public-url", "not a url"},
           {"--db", "x", "--code-ttl", "0"},
           {"--port", "1"}}) {
    auto o = parse(args);
    ASSERT_FALSE(o) << args[args.size() - 1];
    EXPECT_EQ(o.error().id, "bad_flag");
    EXPECT_EQ(o.error().message.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(parse({"--db", "x"}, {{"LINKGATE_PORT", "abc"}}));
}

// Issue 15: the provider-call timeout (the fault matrix runs its gateway with a short one).
TEST(Options, ProviderTimeout) {
  EXPECT_EQ(parse({"--db", "x"})->provider_timeout_ms, 8000);
  EXPECT_EQ(parse({"--db", "x", "--provider-timeout-ms", "400"})->provider_timeout_ms, 400);
  EXPECT_EQ(parse({"--db", "x"}, {{"LINKGATE_PROVIDER_TIMEOUT_MS", "900"}})->provider_timeout_ms,
            900);
  EXPECT_FALSE(parse({"--db", "x", "--provider-timeout-ms", "50"}));
  EXPECT_FALSE(parse({"--db", "x", "--provider-timeout-ms", "60001"}));
}

TEST(Options, HelpAndCreateApiKey) {
  EXPECT_EQ(parse({"--help"})->command, Options::Command::kHelp);
  auto o = parse({"create-api-key", "--db", "x", "--account", "acme"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->command, Options::Command::kCreateApiKey);
  EXPECT_EQ(o->account, "acme");
  EXPECT_NE(usage().find("--provider-base-url"), std::string::npos);
}

TEST(Options, PostgresUriPoolAndMigrate) {
  const std::string uri = "postgresql://u:pw@db.internal:5432/linkgate?sslmode=verify-full";
  auto o = parse({"migrate", "--db", uri, "--db-pool", "16"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->command, Options::Command::kMigrate);
  EXPECT_EQ(o->db, uri) << "the URI is kept as given, TLS parameters included";
  EXPECT_EQ(o->db_pool, 16);
  auto env = parse({}, {{"LINKGATE_DB", uri}, {"LINKGATE_DB_POOL", "3"}});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->db_pool, 3);
  EXPECT_EQ(env->command, Options::Command::kServe);
  EXPECT_EQ(parse({"--db", "x"})->db_pool, 8);
  for (const char* bad : {"0", "257", "x", ""}) {
    EXPECT_FALSE(parse({"--db", "x", "--db-pool", bad})) << bad;
  }
  EXPECT_NE(usage().find("--db-pool"), std::string::npos);
  EXPECT_NE(usage().find("gateway migrate"), std::string::npos);
}

TEST(Options, RefresherRotationAndTestClock) {
  auto d = parse({"--db", "x"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->refresh.interval.count(), 0) << "the refresher is off unless asked for";
  EXPECT_EQ(d->refresh.window, std::chrono::seconds(600));
  EXPECT_FALSE(d->clock_file);
  auto o = parse({"--db", "x", "--refresh-interval", "250ms", "--refresh-window", "900",
                  "--refresh-jitter", "20", "--refresh-concurrency", "3",
                  "--refresh-idle-margin", "86400", "--clock-file", "/tmp/c"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->refresh.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(o->refresh.window, std::chrono::seconds(900));
  EXPECT_EQ(o->refresh.jitter_percent, 20);
  EXPECT_EQ(o->refresh.concurrency, 3);
  EXPECT_EQ(o->refresh.idle_margin, std::chrono::seconds(86400));
  EXPECT_EQ(o->clock_file, "/tmp/c");
  auto env = parse({"--db", "x"}, {{"LINKGATE_REFRESH_INTERVAL", "30"}});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->refresh.interval, std::chrono::milliseconds(30000));
  for (const char* bad : {"x", "-1", "5s", "ms", "99999999999"}) {
    EXPECT_FALSE(parse({"--db", "x", "--refresh-interval", bad})) << bad;
  }
  EXPECT_FALSE(parse({"--db", "x", "--refresh-jitter", "51"}));
  EXPECT_FALSE(parse({"--db", "x", "--refresh-concurrency", "0"}));
  auto r = parse({"rotate-master-key", "--db", "x", "--batch-size", "25", "--throttle-ms", "5",
                  "--old-master-keys-file", "/k"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->command, Options::Command::kRotateMasterKey);
  EXPECT_EQ(r->rotate_batch, 25);
  EXPECT_EQ(r->rotate_throttle, std::chrono::milliseconds(5));
  EXPECT_EQ(r->old_master_keys_file, "/k");
  EXPECT_FALSE(parse({"rotate-master-key", "--db", "x", "--batch-size", "0"}));
  EXPECT_NE(usage().find("gateway rotate-master-key"), std::string::npos);
  EXPECT_NE(usage().find("TESTS ONLY"), std::string::npos);
}

// Issue 15 item 1: the provider isolation knobs, with defaults that keep today's behaviour for
// healthy providers and a queue deadline below the browser's 60 s.
TEST(Options, ProviderIsolationKnobs) {
  auto d = parse({"--db", "x"});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->isolation.concurrency, 8);
  EXPECT_EQ(d->isolation.queue_timeout, std::chrono::milliseconds(20000));
  EXPECT_EQ(d->isolation.breaker_failures, 5);
  EXPECT_EQ(d->isolation.breaker_cooldown, std::chrono::milliseconds(30000));
  auto o = parse({"--db", "x", "--provider-concurrency", "3", "--provider-queue-timeout", "250ms",
                  "--breaker-failures=0"},
                 {{"LINKGATE_BREAKER_COOLDOWN", "2s"}, {"LINKGATE_PROVIDER_CONCURRENCY", "9"}});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->isolation.concurrency, 3);
  EXPECT_EQ(o->isolation.queue_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(o->isolation.breaker_failures, 0);
  EXPECT_EQ(o->isolation.breaker_cooldown, std::chrono::milliseconds(2000));
  EXPECT_EQ(parse({"--db", "x", "--provider-queue-timeout", "15"})->isolation.queue_timeout,
            std::chrono::milliseconds(15000));  // bare numbers are seconds, as --refresh-interval
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--db", "x", "--provider-concurrency", "0"},
           {"--db", "x", "--provider-queue-timeout", "60"},  // not below the browser timeout
           {"--db", "x", "--provider-queue-timeout", "0"},
           {"--db", "x", "--provider-queue-timeout", "fast"},
           {"--db", "x", "--provider-queue-timeout", "ms"},
           {"--db", "x", "--breaker-failures", "-1"},
           {"--db", "x", "--breaker-cooldown", "5ms"}}) {
    auto bad = parse(args);
    ASSERT_FALSE(bad) << args[2] << " " << args[3];
    EXPECT_EQ(bad.error().id, "bad_flag");
    EXPECT_NE(bad.error().message.find(args[2]), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace linkgate::gateway
