// Command line and environment of the gateway binary: every flag also as LINKGATE_* variable;
// a bad flag is a one-line reason (exit 2 in main).
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "gateway/abuse_config.h"

namespace linkgate::gateway {

struct Options {
  enum class Command { kServe, kCreateApiKey, kMigrate, kRotateMasterKey, kHelp };
  Command command = Command::kServe;
  std::string address = "127.0.0.1";
  int port = 8080;
  std::optional<std::string> public_url;  // default http://ADDRESS:PORT
  std::string db;   // a SQLite file path, or postgresql://... / postgres://...
  int db_pool = 8;  // PostgreSQL connections per process (--db-pool, LINKGATE_DB_POOL)
  std::optional<std::string> provider_base_url;
  std::chrono::seconds code_ttl{600};
  std::chrono::seconds flow_ttl{600};
  std::string catalogue_dir;
  std::optional<std::string> master_key;       // base64 (LINKGATE_MASTER_KEY)
  std::optional<std::string> master_key_file;  // --master-key-file / LINKGATE_MASTER_KEY_FILE
  // LINKGATE_OLD_MASTER_KEYS: comma-separated base64 keys still accepted for opening values
  // sealed before a key rotation (new values are sealed with the master key).
  std::vector<std::string> old_master_keys;
  std::optional<std::string> api_key;          // LINKGATE_API_KEY
  std::string account = "default";             // create-api-key --account
  bool dev = false;
  int threads = 2;
  int workers = 32;  // threads for provider calls
  // Issue 15: the total timeout of one provider call (--provider-timeout-ms); the default
  // stays below web::Server's 10 s header timeout.
  int64_t provider_timeout_ms = 8000;
  // Issue 12: the log (stderr) and create-api-key's consent to create a new SQLite database.
  std::string log_format = "json";  // json | text
  std::string log_level = "info";   // debug | info | warn | error | off
  bool create_db = false;
  // Webhook delivery (issue #13): --webhook-poll-ms, --webhook-timeout-ms,
  // --webhook-retry-base-ms, --webhook-max-attempts.
  struct Webhooks {
    int64_t poll_ms = 1000, timeout_ms = 10000, retry_base_ms = 5000, max_attempts = 12;
  } webhooks;

  // ---- issue 13: background refresher, master-key rotation, test clock ----
  struct Refresh {
    std::chrono::milliseconds interval{0};  // --refresh-interval; 0 = no background refresher
    std::chrono::seconds window{600};       // --refresh-window
    int jitter_percent = 10;                // --refresh-jitter
    int concurrency = 4;                    // --refresh-concurrency (per provider)
    std::chrono::seconds idle_margin{7 * 86400};  // --refresh-idle-margin
  } refresh;
  // --old-master-keys-file: one base64 key per line, like LINKGATE_OLD_MASTER_KEYS.
  std::optional<std::string> old_master_keys_file;
  int rotate_batch = 100;                     // rotate-master-key --batch-size
  std::chrono::milliseconds rotate_throttle{0};  // rotate-master-key --throttle-ms
  std::optional<std::string> clock_file;      // --clock-file (tests only)
  // Abuse limits (issue #15): abuse_options.cc.
  AbuseConfig abuse;
  // Issue 15 (provider isolation): --provider-concurrency, --provider-queue-timeout,
  // --breaker-failures (0 = no breaker), --breaker-cooldown.
  struct Isolation {
    int concurrency = 8;  // provider-calling requests running at once per provider
    std::chrono::milliseconds queue_timeout{20000};  // below the 60 s browser (Pistache) timeout
    int breaker_failures = 5;
    std::chrono::milliseconds breaker_cooldown{30000};
  } isolation;
};

using EnvLookup = std::function<std::optional<std::string>(const char*)>;

// Parses argv (without argv[0]) over defaults from env. Fails "bad_flag" with one line.
Result<Options> parseOptions(const std::vector<std::string>& args, const EnvLookup& env,
                             std::string default_catalogue_dir);

std::string usage();

}  // namespace linkgate::gateway
