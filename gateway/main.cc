// The gateway binary: the composition root. Owns every long-lived object, wires them, serves.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/crypto.h"
#include "core/http_client.h"
#include "core/random.h"
#include "core/sealer.h"
#include "core/worker_pool.h"
#include "gateway/api_handlers.h"
#include "gateway/catalogue.h"
#include "gateway/clock_file.h"
#include "gateway/flow_handlers.h"
#include "gateway/key_rotation.h"
#include "gateway/log.h"
#include "gateway/master_key.h"
#include "gateway/options.h"
#include "gateway/refresher.h"
#include "gateway/provider_isolation.h"
#include "gateway/router.h"
#include "gateway/store_open.h"
#include "gateway/webhook_worker.h"
#include "web/server.h"

#ifndef LINKGATE_DEFAULT_CATALOGUE
#define LINKGATE_DEFAULT_CATALOGUE ""
#endif

using namespace linkgate;
using namespace linkgate::gateway;

namespace {

// An installed gateway (bin/gateway) reads the catalogue installed beside it
// (share/linkgate/catalogue); a build-tree one the source tree's.
std::string defaultCatalogue() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share/linkgate/catalogue";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return LINKGATE_DEFAULT_CATALOGUE;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = parseOptions(
      args,
      [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
      },
      defaultCatalogue());
  if (!options) {
    std::cerr << "gateway: " << options.error().message << "\n";
    return 2;
  }
  if (options->command == Options::Command::kHelp) {
    std::cout << usage();
    return 0;
  }
  web::prepareSignals();  // before any thread starts

  SystemRandom random;
  SystemClock system_clock;
  std::optional<FileOffsetClock> file_clock;  // --clock-file: tests only
  if (options->clock_file) file_clock.emplace(*options->clock_file);
  const Clock& clock = file_clock ? static_cast<const Clock&>(*file_clock) : system_clock;
  if (options->command == Options::Command::kMigrate) {
    // Migrations read and seal nothing: no master key needed.
    KeyRing no_keys(random);
    auto store = openStore({options->db, options->db_pool}, no_keys);
    if (!store) {
      std::cerr << "gateway: migrate " << redactedDb(options->db) << ": "
                << store.error().message << "\n";
      return 1;
    }
    auto version = (*store)->schemaVersion();
    if (!version) {
      std::cerr << "gateway: " << version.error().message << "\n";
      return 1;
    }
    std::cout << "schema version " << *version << std::endl;
    return 0;
  }
  const bool sqlite = options->db.find("://") == std::string::npos;
  // A typo in --db must not create an empty database whose API key then works nowhere: a
  // SQLite path with no file, or a PostgreSQL database with no Linkgate schema yet.
  if (options->command == Options::Command::kCreateApiKey && !options->create_db) {
    auto has_schema = storeHasSchema({options->db, 1});
    if (!has_schema) {
      std::string why = has_schema.error().message;  // libpq's may span lines: one line here
      std::replace(why.begin(), why.end(), '\n', ' ');
      std::cerr << "gateway: create-api-key: " << redactedDb(options->db) << ": " << why << "\n";
      return 1;
    }
    if (!*has_schema) {
      std::cerr << "gateway: create-api-key: no " << (sqlite ? "database" : "Linkgate schema")
                << " at " << redactedDb(options->db)
                << " (start the gateway on it first, or pass --create-db to create it)\n";
      return 1;
    }
  }
  const std::string dev_key_file = sqlite ? options->db + ".key" : "linkgate.key";
  const bool dev_key_existed = std::filesystem::exists(dev_key_file);
  auto key = loadMasterKey({options->master_key, options->master_key_file, options->dev,
                            dev_key_file},
                           random);
  if (!key) {
    std::cerr << "gateway: " << key.error().message << "\n";
    return 2;
  }
  if (options->dev && !options->master_key && !options->master_key_file) {
    std::cerr << "gateway: --dev: master key " << (dev_key_existed ? "read from " : "written to ")
              << std::filesystem::absolute(dev_key_file).string()
              << " (keep it: the database's secrets are sealed with it)" << std::endl;
  }
  KeyRing keys(random);
  if (auto ok = keys.addKey(masterKeyId(*key), *key); !ok) {
    std::cerr << "gateway: master key: " << ok.error().message << "\n";
    return 2;
  }
  std::vector<std::string> old_keys = options->old_master_keys;
  if (options->old_master_keys_file) {
    std::ifstream in(*options->old_master_keys_file);
    if (!in) {
      std::cerr << "gateway: --old-master-keys-file: cannot read "
                << *options->old_master_keys_file << "\n";
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) old_keys.push_back(line);
    }
  }
  for (const auto& old : old_keys) {
    auto bytes = loadMasterKey({old, std::nullopt, false, ""}, random);
    if (!bytes || !keys.addKey(masterKeyId(*bytes), *bytes)) {
      std::cerr << "gateway: old master keys: each must be 32 bytes in base64 (and differ "
                   "from the master key)\n";
      return 2;
    }
  }
  auto store = openStore({options->db, options->db_pool}, keys);
  if (!store) {
    std::cerr << "gateway: " << redactedDb(options->db) << ": " << store.error().message << "\n";
    return 1;
  }
  // Issue 12: a wrong master key stops here, not as a 500 on every later call.
  if (auto ok = (*store)->checkMasterKey(); !ok) {
    std::cerr << "gateway: " << redactedDb(options->db) << ": " << ok.error().message << "\n";
    return ok.error().id == "wrong_master_key" ? 2 : 1;
  }
  if (options->command == Options::Command::kCreateApiKey) {
    const std::string api_key = "lgk_" + randomToken(random, 256);
    if (auto ok = (*store)->addApiKey(api_key, options->account, unixSeconds(clock.now())); !ok) {
      std::cerr << "gateway: " << ok.error().message << "\n";
      return 1;
    }
    std::cout << api_key << std::endl;
    return 0;
  }
  if (options->command == Options::Command::kRotateMasterKey) {
    KeyRotationOptions rotation;
    rotation.batch = static_cast<size_t>(options->rotate_batch);
    rotation.throttle = options->rotate_throttle;
    auto done = rotateMasterKey((*store)->database(), keys, rotation, unixSeconds(clock.now()),
                                [](const std::string& line) {
                                  std::cout << "rotate-master-key: " << line << std::endl;
                                });
    if (!done) {
      std::cerr << "gateway: rotate-master-key: " << done.error().message << "\n";
      return 1;
    }
    std::cout << "rotate-master-key: the database now opens with the master key alone; remove "
                 "the old keys (LINKGATE_OLD_MASTER_KEYS, --old-master-keys-file)"
              << std::endl;
    return 0;
  }
  auto catalogue = Catalogue::load(options->catalogue_dir);
  if (!catalogue) {
    std::cerr << "gateway: catalogue: " << catalogue.error().message << "\n";
    return 1;
  }

  GatewayConfig config;
  config.provider_base_url = options->provider_base_url;
  config.code_ttl = options->code_ttl;
  config.flow_ttl = options->flow_ttl;
  config.provider_total_timeout = std::chrono::milliseconds(options->provider_timeout_ms);
  config.provider_connect_timeout =
      std::min(config.provider_connect_timeout, config.provider_total_timeout);
  const std::string host = options->address == "0.0.0.0" ? "127.0.0.1" : options->address;
  if (options->public_url) {
    config.public_url = *options->public_url;
  } else if (options->port != 0) {
    config.public_url = "http://" + host + ":" + std::to_string(options->port);
  }

  // Issue 15: per-provider bulkhead, queue deadline and circuit breakers in front of the
  // provider workers, on its own wall clock (deadlines follow real time). Declared before the
  // pools: jobs the pools still run at shutdown release their provider slot.
  IsolationOptions isolation_options;
  isolation_options.gate.per_provider = static_cast<size_t>(options->isolation.concurrency);
  isolation_options.gate.queue_timeout = options->isolation.queue_timeout;
  isolation_options.breaker.failures = options->isolation.breaker_failures;
  isolation_options.breaker.cooldown = options->isolation.breaker_cooldown;
  SystemClock isolation_clock;
  WorkerPool* provider_workers = nullptr;  // the pool below, once it exists
  ProviderIsolation isolation(isolation_clock, *catalogue, isolation_options,
                              [&provider_workers](ProviderGate::Job job) {
                                return provider_workers != nullptr &&
                                       provider_workers->post(std::move(job));
                              });
  CurlHttpClient http;
  WorkerPool provider_pool(static_cast<size_t>(options->workers));
  provider_workers = &provider_pool;
  WorkerPool disk_pool(4);
  // The port is known only after binding when --port 0; public_url is filled in before the
  // "listening" line, i.e. before anyone can know where to send a request.
  Services services(config, *catalogue, **store, http, clock, random);
  services.log = Logger::toStderr(*parseLogFormat(options->log_format),
                                  *parseLogLevel(options->log_level));
  services.abuse = std::make_shared<AbuseGuard>(options->abuse, clock, **store, *services.metrics);
  FlowHandlers flows(services);
  ApiHandlers api(services, options->api_key);
  services.breakers = &isolation.breakers();
  isolation.setLog(services.log);
  isolation.gate().start();
  Router router(services, flows, api, &provider_pool, &disk_pool, &isolation);
  // Webhook deliveries (issue #13) on their own thread, never on a reactor thread.
  WebhookWorkerConfig webhook_config;
  webhook_config.poll = std::chrono::milliseconds(options->webhooks.poll_ms);
  webhook_config.timeout = std::chrono::milliseconds(options->webhooks.timeout_ms);
  webhook_config.retry_base_ms = options->webhooks.retry_base_ms;
  webhook_config.max_attempts = options->webhooks.max_attempts;
  WebhookWorker webhooks(**store, http, clock, random, webhook_config,
                         WebhookWorker::newOwner(random));
  webhooks.start();
  // The background refresher (issue 13); credential.refresh_failed goes through the outbox.
  std::unique_ptr<Refresher> refresher;
  if (options->refresh.interval.count() > 0) {
    RefresherOptions ro;
    ro.interval = options->refresh.interval;
    ro.window = options->refresh.window;
    ro.jitter = options->refresh.jitter_percent / 100.0;
    ro.per_provider = static_cast<size_t>(options->refresh.concurrency);
    ro.idle_margin = options->refresh.idle_margin;
    char hostname[256] = {};
    (void)::gethostname(hostname, sizeof hostname - 1);
    const std::string owner = std::string(hostname) + ":" + std::to_string(::getpid()) + ":" +
                              randomToken(random, 64);
    refresher = std::make_unique<Refresher>(services, api, ro, owner);
  }

  web::ServerOptions server_options;
  server_options.address = options->address;
  server_options.port = static_cast<uint16_t>(options->port);
  server_options.threads = options->threads;
  web::Server server(server_options, [&router](web::Request request, web::Responder responder) {
    router.serve(std::move(request), std::move(responder));
  });
  auto port = server.start();
  if (!port) {
    std::cerr << "gateway: " << port.error().message << "\n";
    return 1;
  }
  if (services.config.public_url.empty()) {
    services.config.public_url = "http://" + host + ":" + std::to_string(*port);
  }
  std::cout << "listening on http://" << host << ":" << *port << std::endl;
  std::cerr << "gateway: public URL " << services.config.public_url << ", " << catalogue->size()
            << " providers" << (options->provider_base_url ? ", providers at " +
                                                                 *options->provider_base_url
                                                           : std::string())
            << std::endl;
  if (!options->api_key) {
    auto counts = (*store)->counts(services.now());
    if (counts && counts->api_keys == 0) {
      services.log->write(LogLevel::kWarn,
                          "no management API key is configured: create one with `gateway "
                          "create-api-key --db " + redactedDb(options->db) +
                              "` (or set LINKGATE_API_KEY)",
                          {});
    }
  }
  if (refresher) refresher->start();
  web::waitForShutdownSignal();
  if (refresher) refresher->stop();
  server.stop();
  isolation.gate().stop();  // answers what still waits for a provider slot
  webhooks.stop();
  services.log->flush();
  return 0;
}
