// Flag and environment parsing for the gateway binary.
#include "gateway/options.h"

#include <charconv>

#include "core/url.h"
#include "gateway/abuse_options.h"
#include "gateway/log.h"

namespace linkgate::gateway {
namespace {

Result<long> number(const std::string& flag, const std::string& text, long min, long max) {
  long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return fail("bad_flag", flag + ": expected an integer in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got \"" + text + "\"");
  }
  return value;
}

// A duration: "20" or "20s" (seconds), "250ms" (milliseconds).
Result<std::chrono::milliseconds> millis(const std::string& flag, const std::string& text,
                                         long min_ms, long max_ms) {
  std::string digits = text;
  long scale = 1000;
  if (digits.ends_with("ms")) {
    digits.resize(digits.size() - 2);
    scale = 1;
  } else if (digits.ends_with("s")) {
    digits.resize(digits.size() - 1);
  }
  long value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() ||
      value > max_ms / scale || value * scale < min_ms) {
    return fail("bad_flag", flag + ": expected a duration in [" + std::to_string(min_ms) +
                                "ms, " + std::to_string(max_ms) +
                                "ms] (\"20\" seconds or \"250ms\"), got \"" + text + "\"");
  }
  return std::chrono::milliseconds(value * scale);
}

Status checkUrl(const std::string& flag, const std::string& text) {
  auto url = Url::parseAbsolute(text);
  if (!url || (url->scheme != "http" && url->scheme != "https") || url->query || url->fragment) {
    return fail("bad_flag", flag + ": expected an http(s) URL without query, got \"" + text + "\"");
  }
  return {};
}

// "N" seconds or "Nms" milliseconds, within [0, max_ms].
Result<std::chrono::milliseconds> duration(const std::string& flag, const std::string& text,
                                           long max_ms) {
  const bool ms = text.size() > 2 && text.ends_with("ms");
  auto n = number(flag, ms ? text.substr(0, text.size() - 2) : text, 0,
                  ms ? max_ms : max_ms / 1000);
  if (!n) {
    return fail("bad_flag", flag + ": expected seconds (30) or milliseconds (500ms), got \"" +
                                text + "\"");
  }
  return std::chrono::milliseconds(ms ? *n : *n * 1000);
}

std::string trimSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string usage() {
  return R"(gateway — the Linkgate reference OAuth2 link gateway

usage: gateway --db PATH [--port N] [--address A] [--public-url URL]
               [--provider-base-url URL] [--code-ttl S] [--flow-ttl S] [--catalogue DIR]
               [--master-key-file PATH] [--dev] [--threads N] [--workers N]
       gateway create-api-key --db PATH|URI [--account NAME] [--master-key-file PATH] [--dev]
                              [--create-db]  (a new SQLite file, or the schema in an empty
                              PostgreSQL database, only with --create-db)
       gateway migrate --db PATH|URI     apply pending schema migrations, print the version
       gateway rotate-master-key --db PATH|URI [--batch-size N] [--throttle-ms MS]
                 re-seal every stored secret under the master key (LINKGATE_MASTER_KEY or
                 --master-key-file); the old keys must be in LINKGATE_OLD_MASTER_KEYS or
                 --old-master-keys-file. Online, resumable; see README "Master-key rotation"
       gateway --help

  --port N               listen port (0 = any free port); env LINKGATE_PORT (default 8080)
  --address A            listen address; env LINKGATE_ADDRESS (default 127.0.0.1)
  --public-url URL       the gateway's external URL; env LINKGATE_PUBLIC_URL
                         (default http://ADDRESS:PORT)
  --db PATH|URI          SQLite database file, or postgresql://USER@HOST/DB?sslmode=...
                         (PostgreSQL, shared by many instances; the URI goes to libpq as it
                         is); env LINKGATE_DB (required)
  --db-pool N            PostgreSQL connections per process; env LINKGATE_DB_POOL (8)
  --provider-base-url U  call every provider URL https://HOST/PATH as U/{slug}/HOST/PATH
                         (the simulator); env LINKGATE_PROVIDER_BASE_URL
  --code-ttl S           gateway code lifetime in seconds; env LINKGATE_CODE_TTL (600)
  --flow-ttl S           flow lifetime in seconds; env LINKGATE_FLOW_TTL (600)
  --catalogue DIR        provider catalogue directory; env LINKGATE_CATALOGUE
  --master-key-file P    file holding the 32-byte master key in base64; env
                         LINKGATE_MASTER_KEY_FILE. Or LINKGATE_MASTER_KEY=<base64>.
  --dev                  development mode: create the master key file (mode 0600) when missing
                         (default path DB.key)
  --threads N            HTTP reactor threads (2); --workers N provider-call threads (32)
  --log-format F         json (one JSON object a line) or text; env LINKGATE_LOG_FORMAT (json)
  --log-level L          debug, info, warn, error or off; env LINKGATE_LOG_LEVEL (info).
                         The log goes to stderr: one line per request and per provider call;
                         never a secret (docs/OPERATIONS.md)
  --provider-timeout-ms N  total timeout of one provider call (8000); env
                         LINKGATE_PROVIDER_TIMEOUT_MS
  --webhook-poll-ms N    webhook outbox poll interval (1000); --webhook-timeout-ms N per
                         delivery (10000); --webhook-retry-base-ms N first retry delay, doubling
                         with jitter (5000); --webhook-max-attempts N then "failed" (12)
  --provider-concurrency N  provider-calling requests (callbacks, refreshes) running at once
                         per provider (8); the others wait for that provider only
  --provider-queue-timeout D  how long one waits for a slot (20s, below the browser's 60 s):
                         then the browser gets error=temporarily_unavailable, the API a 503
  --breaker-failures N   consecutive timeouts / transport errors / 5xx of one provider that
                         open its circuit (5; 0 = never); --breaker-cooldown D (30s) fail fast,
                         then one probe call. Env LINKGATE_PROVIDER_CONCURRENCY,
                         LINKGATE_PROVIDER_QUEUE_TIMEOUT, LINKGATE_BREAKER_FAILURES,
                         LINKGATE_BREAKER_COOLDOWN; durations as 20 (seconds) or 250ms
  LINKGATE_API_KEY       accepted as a management API key (account "default")
  LINKGATE_OLD_MASTER_KEYS  comma-separated base64 keys of before a rotation (read only)
  --old-master-keys-file P  the same, one key per line; env LINKGATE_OLD_MASTER_KEYS_FILE
  --refresh-interval T   background refresher: a pass every T (30 = seconds, 500ms); 0 = off
                         (default); env LINKGATE_REFRESH_INTERVAL
  --refresh-window S     refresh what expires within S seconds (600); LINKGATE_REFRESH_WINDOW
  --refresh-jitter P     each wait is the interval +- P percent (10); LINKGATE_REFRESH_JITTER
  --refresh-concurrency N  refreshes at once per provider (4); LINKGATE_REFRESH_CONCURRENCY
  --refresh-idle-margin S  exercise refresh tokens of providers that revoke idle ones this long
                         before they would (604800 = 7 days); LINKGATE_REFRESH_IDLE_MARGIN
  --batch-size N, --throttle-ms MS  rotate-master-key: rows per transaction (100), pause (0)
  --clock-file P         TESTS ONLY: the clock is system time + the seconds in file P

On start the first stdout line is "listening on http://ADDR:PORT".
)" + abuseUsage();
}

Result<Options> parseOptions(const std::vector<std::string>& args, const EnvLookup& env,
                             std::string default_catalogue_dir) {
  Options o;
  o.catalogue_dir = std::move(default_catalogue_dir);
  // Environment first, flags override.
  struct Setting {
    const char* flag;
    const char* env;
    std::function<Status(const std::string&)> apply;
  };
  std::vector<Setting> settings = {
      {"--port", "LINKGATE_PORT",
       [&](const std::string& v) -> Status {
         auto n = number("--port", v, 0, 65535);
         if (!n) return std::unexpected(n.error());
         o.port = static_cast<int>(*n);
         return {};
       }},
      {"--address", "LINKGATE_ADDRESS",
       [&](const std::string& v) -> Status {
         if (v.empty()) return fail("bad_flag", "--address: must not be empty");
         o.address = v;
         return {};
       }},
      {"--public-url", "LINKGATE_PUBLIC_URL",
       [&](const std::string& v) -> Status {
         if (auto ok = checkUrl("--public-url", v); !ok) return ok;
         o.public_url = trimSlash(v);
         return {};
       }},
      {"--db", "LINKGATE_DB",
       [&](const std::string& v) -> Status {
         if (v.empty()) return fail("bad_flag", "--db: must not be empty");
         o.db = v;
         return {};
       }},
      {"--db-pool", "LINKGATE_DB_POOL",
       [&](const std::string& v) -> Status {
         auto n = number("--db-pool", v, 1, 256);
         if (!n) return std::unexpected(n.error());
         o.db_pool = static_cast<int>(*n);
         return {};
       }},
      {"--provider-base-url", "LINKGATE_PROVIDER_BASE_URL",
       [&](const std::string& v) -> Status {
         if (auto ok = checkUrl("--provider-base-url", v); !ok) return ok;
         o.provider_base_url = trimSlash(v);
         return {};
       }},
      {"--code-ttl", "LINKGATE_CODE_TTL",
       [&](const std::string& v) -> Status {
         auto n = number("--code-ttl", v, 1, 86400);
         if (!n) return std::unexpected(n.error());
         o.code_ttl = std::chrono::seconds(*n);
         return {};
       }},
      {"--flow-ttl", "LINKGATE_FLOW_TTL",
       [&](const std::string& v) -> Status {
         auto n = number("--flow-ttl", v, 1, 86400);
         if (!n) return std::unexpected(n.error());
         o.flow_ttl = std::chrono::seconds(*n);
         return {};
       }},
      {"--catalogue", "LINKGATE_CATALOGUE",
       [&](const std::string& v) -> Status {
         o.catalogue_dir = v;
         return {};
       }},
      {"--master-key-file", "LINKGATE_MASTER_KEY_FILE",
       [&](const std::string& v) -> Status {
         o.master_key_file = v;
         return {};
       }},
      {"--old-master-keys-file", "LINKGATE_OLD_MASTER_KEYS_FILE",
       [&](const std::string& v) -> Status {
         o.old_master_keys_file = v;
         return {};
       }},
      {"--refresh-interval", "LINKGATE_REFRESH_INTERVAL",
       [&](const std::string& v) -> Status {
         auto d = duration("--refresh-interval", v, 86'400'000);
         if (!d) return std::unexpected(d.error());
         o.refresh.interval = *d;
         return {};
       }},
      {"--refresh-window", "LINKGATE_REFRESH_WINDOW",
       [&](const std::string& v) -> Status {
         auto n = number("--refresh-window", v, 0, 7 * 86400);
         if (!n) return std::unexpected(n.error());
         o.refresh.window = std::chrono::seconds(*n);
         return {};
       }},
      {"--refresh-jitter", "LINKGATE_REFRESH_JITTER",
       [&](const std::string& v) -> Status {
         auto n = number("--refresh-jitter", v, 0, 50);
         if (!n) return std::unexpected(n.error());
         o.refresh.jitter_percent = static_cast<int>(*n);
         return {};
       }},
      {"--refresh-concurrency", "LINKGATE_REFRESH_CONCURRENCY",
       [&](const std::string& v) -> Status {
         auto n = number("--refresh-concurrency", v, 1, 64);
         if (!n) return std::unexpected(n.error());
         o.refresh.concurrency = static_cast<int>(*n);
         return {};
       }},
      {"--refresh-idle-margin", "LINKGATE_REFRESH_IDLE_MARGIN",
       [&](const std::string& v) -> Status {
         auto n = number("--refresh-idle-margin", v, 0, 365 * 86400);
         if (!n) return std::unexpected(n.error());
         o.refresh.idle_margin = std::chrono::seconds(*n);
         return {};
       }},
      {"--batch-size", nullptr,
       [&](const std::string& v) -> Status {
         auto n = number("--batch-size", v, 1, 10000);
         if (!n) return std::unexpected(n.error());
         o.rotate_batch = static_cast<int>(*n);
         return {};
       }},
      {"--throttle-ms", nullptr,
       [&](const std::string& v) -> Status {
         auto n = number("--throttle-ms", v, 0, 60000);
         if (!n) return std::unexpected(n.error());
         o.rotate_throttle = std::chrono::milliseconds(*n);
         return {};
       }},
      {"--clock-file", nullptr,
       [&](const std::string& v) -> Status {
         if (v.empty()) return fail("bad_flag", "--clock-file: must not be empty");
         o.clock_file = v;
         return {};
       }},
      {"--account", nullptr,
       [&](const std::string& v) -> Status {
         if (v.empty() || v.size() > 64) return fail("bad_flag", "--account: 1..64 characters");
         o.account = v;
         return {};
       }},
      {"--threads", "LINKGATE_THREADS",
       [&](const std::string& v) -> Status {
         auto n = number("--threads", v, 1, 64);
         if (!n) return std::unexpected(n.error());
         o.threads = static_cast<int>(*n);
         return {};
       }},
      {"--workers", "LINKGATE_WORKERS",
       [&](const std::string& v) -> Status {
         auto n = number("--workers", v, 1, 256);
         if (!n) return std::unexpected(n.error());
         o.workers = static_cast<int>(*n);
         return {};
       }},
      {"--provider-concurrency", "LINKGATE_PROVIDER_CONCURRENCY",
       [&](const std::string& v) -> Status {
         auto n = number("--provider-concurrency", v, 1, 256);
         if (!n) return std::unexpected(n.error());
         o.isolation.concurrency = static_cast<int>(*n);
         return {};
       }},
      {"--provider-queue-timeout", "LINKGATE_PROVIDER_QUEUE_TIMEOUT",
       [&](const std::string& v) -> Status {
         // The browser's answer must come before Pistache's 60 s timeout answers it with 408.
         auto d = millis("--provider-queue-timeout", v, 1, 59000);
         if (!d) return std::unexpected(d.error());
         o.isolation.queue_timeout = *d;
         return {};
       }},
      {"--breaker-failures", "LINKGATE_BREAKER_FAILURES",
       [&](const std::string& v) -> Status {
         auto n = number("--breaker-failures", v, 0, 1000);
         if (!n) return std::unexpected(n.error());
         o.isolation.breaker_failures = static_cast<int>(*n);
         return {};
       }},
      {"--breaker-cooldown", "LINKGATE_BREAKER_COOLDOWN",
       [&](const std::string& v) -> Status {
         auto d = millis("--breaker-cooldown", v, 10, 3600000);
         if (!d) return std::unexpected(d.error());
         o.isolation.breaker_cooldown = *d;
         return {};
       }},
      {"--log-format", "LINKGATE_LOG_FORMAT",
       [&](const std::string& v) -> Status {
         if (auto ok = parseLogFormat(v); !ok) return std::unexpected(ok.error());
         o.log_format = v;
         return {};
       }},
      {"--log-level", "LINKGATE_LOG_LEVEL",
       [&](const std::string& v) -> Status {
         if (auto ok = parseLogLevel(v); !ok) return std::unexpected(ok.error());
         o.log_level = v;
         return {};
       }},
      {"--webhook-poll-ms", "LINKGATE_WEBHOOK_POLL_MS",
       [&](const std::string& v) -> Status {
         auto n = number("--webhook-poll-ms", v, 10, 60000);
         if (!n) return std::unexpected(n.error());
         o.webhooks.poll_ms = *n;
         return {};
       }},
      {"--provider-timeout-ms", "LINKGATE_PROVIDER_TIMEOUT_MS",
       [&](const std::string& v) -> Status {
         auto n = number("--provider-timeout-ms", v, 100, 60000);
         if (!n) return std::unexpected(n.error());
         o.provider_timeout_ms = *n;
         return {};
       }},
      {"--webhook-timeout-ms", "LINKGATE_WEBHOOK_TIMEOUT_MS",
       [&](const std::string& v) -> Status {
         auto n = number("--webhook-timeout-ms", v, 100, 60000);
         if (!n) return std::unexpected(n.error());
         o.webhooks.timeout_ms = *n;
         return {};
       }},
      {"--webhook-retry-base-ms", "LINKGATE_WEBHOOK_RETRY_BASE_MS",
       [&](const std::string& v) -> Status {
         auto n = number("--webhook-retry-base-ms", v, 10, 3600000);
         if (!n) return std::unexpected(n.error());
         o.webhooks.retry_base_ms = *n;
         return {};
       }},
      {"--webhook-max-attempts", "LINKGATE_WEBHOOK_MAX_ATTEMPTS",
       [&](const std::string& v) -> Status {
         auto n = number("--webhook-max-attempts", v, 1, 100);
         if (!n) return std::unexpected(n.error());
         o.webhooks.max_attempts = *n;
         return {};
       }},
  };
  for (auto& f : abuseFlags(o.abuse)) settings.push_back({f.flag, f.env, std::move(f.apply)});
  for (const auto& s : settings) {
    if (s.env == nullptr) continue;
    if (auto v = env(s.env); v && !v->empty()) {
      if (auto ok = s.apply(*v); !ok) {
        return fail("bad_flag", std::string(s.env) + ": " + ok.error().message);
      }
    }
  }
  if (auto v = env("LINKGATE_MASTER_KEY"); v && !v->empty()) o.master_key = *v;
  if (auto v = env("LINKGATE_API_KEY"); v && !v->empty()) o.api_key = *v;
  if (auto v = env("LINKGATE_OLD_MASTER_KEYS"); v && !v->empty()) {
    size_t start = 0;
    while (start <= v->size()) {
      size_t end = v->find(',', start);
      if (end == std::string::npos) end = v->size();
      if (end > start) o.old_master_keys.push_back(v->substr(start, end - start));
      start = end + 1;
    }
  }
  if (auto v = env("LINKGATE_DEV"); v && (*v == "1" || *v == "true")) o.dev = true;

  size_t i = 0;
  if (!args.empty() && args[0] == "create-api-key") {
    o.command = Options::Command::kCreateApiKey;
    i = 1;
  } else if (!args.empty() && args[0] == "migrate") {
    o.command = Options::Command::kMigrate;
    i = 1;
  } else if (!args.empty() && args[0] == "rotate-master-key") {
    o.command = Options::Command::kRotateMasterKey;
    i = 1;
  }
  for (; i < args.size(); ++i) {
    std::string flag = args[i];
    if (flag == "--help" || flag == "-h") {
      o.command = Options::Command::kHelp;
      return o;
    }
    if (flag == "--dev") {
      o.dev = true;
      continue;
    }
    if (flag == "--create-db" && o.command == Options::Command::kCreateApiKey) {
      o.create_db = true;
      continue;
    }
    std::optional<std::string> value;
    if (const size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    const Setting* match = nullptr;
    for (const auto& s : settings) {
      if (flag == s.flag) match = &s;
    }
    if (match == nullptr) return fail("bad_flag", "unknown flag \"" + flag + "\" (see --help)");
    if (!value) {
      if (i + 1 >= args.size()) return fail("bad_flag", flag + ": missing value");
      value = args[++i];
    }
    if (auto ok = match->apply(*value); !ok) return std::unexpected(ok.error());
  }
  if (o.db.empty()) return fail("bad_flag", "--db PATH (or LINKGATE_DB) is required");
  if (o.catalogue_dir.empty()) return fail("bad_flag", "--catalogue DIR is required");
  return o;
}

}  // namespace linkgate::gateway
