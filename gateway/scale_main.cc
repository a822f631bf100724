// gateway_scale (not a test): the store at scale (issue 10). Seeds sealed credentials in
// batches straight through the store's records (as SqlStore writes them), then prints the p50
// and p99 of POST /link/oauth2/token and GET /v1/credentials/{id}/access-token (handlers
// called in-process, so the figures are the gateway's own work) at 10^3 ... --max credentials,
// and the process RSS with --flows flows in progress (started through GET /link/oauth2/start).
//   gateway_scale [--max 1000000] [--samples 2000] [--flows 100000] [--db PATH]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "core/crypto.h"
#include "core/percent.h"
#include "core/sealer.h"
#include "gateway/api_handlers.h"
#include "gateway/flow_handlers.h"
#include "gateway/sqlite_store.h"
#include "gateway/store_records.h"

#ifndef LINKGATE_DEFAULT_CATALOGUE
#define LINKGATE_DEFAULT_CATALOGUE ""
#endif

using namespace linkgate;
using namespace linkgate::gateway;
using Steady = std::chrono::steady_clock;

namespace {

std::optional<std::string> arg(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::string(argv[i + 1]);
  }
  return std::nullopt;
}

long rssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

std::string credentialId(size_t i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012zx", i);
  return buf;
}

Credential credential(size_t i, const std::string& app_id, int64_t now) {
  Credential c;
  c.id = credentialId(i);
  c.account_id = "default";
  c.app_id = app_id;
  c.provider = "generic";
  c.provider_account = "id:user-" + std::to_string(i);
  c.properties = {{"kind", "generic_oauth2"},
                  {"access_token", "at-" + std::to_string(i) + "-0123456789abcdef"},
                  {"refresh_token", "rt-" + std::to_string(i) + "-0123456789abcdef"},
                  {"token_type", "Bearer"},
                  {"scope", "read write"},
                  {"expires_at", "2999-01-01T00:00:00Z"}};
  c.created_at = c.updated_at = now;
  return c;
}

// Credentials [from, to) in transactions of 10000 rows.
bool seed(SqliteStore& store, const KeyRing& keys, size_t from, size_t to,
          const std::string& app_id, int64_t now) {
  // One placeholder per column of the store's own record (the list grows with the schema).
  static const std::string sql = [] {
    const std::string columns = records::kCredentialColumns;
    std::string marks = "?";
    for (char ch : columns) marks += ch == ',' ? ",?" : "";
    return "INSERT INTO credentials (" + columns + ") VALUES (" + marks + ")";
  }();
  for (size_t at = from; at < to;) {
    auto c = store.database().acquire();
    if (!c) return false;
    SqlTransaction tx(**c, store.database().dialect().begin);
    for (size_t end = std::min(to, at + 10000); at < end; ++at) {
      auto params = records::credentialParams(credential(at, app_id, now), keys);
      if (!params || !(*c)->query(sql, *params)) return false;
    }
    if (!tx.commit()) return false;
  }
  return true;
}

struct Percentiles {
  double p50 = 0, p99 = 0;
};

Percentiles percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  if (us.empty()) return {};
  return {us[us.size() / 2] / 1000.0, us[us.size() * 99 / 100] / 1000.0};
}

double since(Steady::time_point t0) {
  return std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t max = std::stoul(arg(argc, argv, "--max").value_or("1000000"));
  const size_t samples = std::stoul(arg(argc, argv, "--samples").value_or("2000"));
  const size_t flows_in_progress = std::stoul(arg(argc, argv, "--flows").value_or("100000"));
  const std::string db =
      arg(argc, argv, "--db").value_or("/tmp/linkgate-scale-" + std::to_string(::getpid()) + ".db");
  SystemRandom random;
  SystemClock clock;
  KeyRing keys(random);
  (void)keys.addKey("scale", random.bytes(32));
  auto store = SqliteStore::open(db, keys);
  auto catalogue = Catalogue::load(LINKGATE_DEFAULT_CATALOGUE);
  if (!store || !catalogue || catalogue->find("generic") == nullptr) {
    std::cerr << "gateway_scale: setup failed\n";
    return 1;
  }
  GatewayConfig config;
  config.public_url = "http://127.0.0.1:9";
  CurlHttpClient http;
  Services services(config, *catalogue, **store, http, clock, random);
  FlowHandlers flows(services);
  ApiHandlers api(services, std::string("scale-key"));
  OAuthApp app;
  app.id = "00000000-0000-4000-8000-0000000000be";
  app.account_id = "default";
  app.provider = "generic";
  app.client_id = "dev-generic";
  app.client_secret = "dev-generic-secret";
  (void)(*store)->insertApp(app);
  (void)(*store)->insertRedirectUri({"r", "default", "http://127.0.0.1/done", 0});

  // Memory with flows in progress (each /start records one).
  web::Request start;
  start.method = "GET";
  start.path = "/link/oauth2/start";
  start.raw_query = "client_id=" + app.id +
                    "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fdone&state=scale";
  start.headers = {{"host", "127.0.0.1:9"}};
  const long rss_before = rssKb();
  const auto f0 = Steady::now();
  size_t started = 0;
  for (size_t i = 0; i < flows_in_progress; ++i) started += flows.start(start).status == 302;
  std::printf("flows in progress: %zu started in %.1f s; RSS %ld MB before, %ld MB after\n",
              started, since(f0) / 1e6, rss_before / 1024, rssKb() / 1024);

  std::printf("%12s %10s %14s %14s %14s %14s %8s\n", "credentials", "seed s", "token p50 ms",
              "token p99 ms", "access p50 ms", "access p99 ms", "RSS MB");
  std::mt19937_64 pick(42);  // which credentials are asked for (not a secret)
  size_t seeded = 0;
  for (size_t level = 1000; level <= max; level *= 10) {
    const auto s0 = Steady::now();
    if (!seed(**store, keys, seeded, level, app.id, services.now())) {
      std::cerr << "gateway_scale: seeding failed\n";
      return 1;
    }
    seeded = level;
    const double seed_s = since(s0) / 1e6;
    // One fresh code per token request, for credentials spread over the whole table.
    std::vector<std::string> codes;
    for (size_t i = 0; i < samples; ++i) {
      AuthCode code;
      code.code = randomToken(random, 256);
      code.credential_id = credentialId(static_cast<size_t>(pick() % level));
      code.app_id = app.id;
      code.account_id = "default";
      code.expires_at = services.now() + 600;
      auto params = records::codeParams(code, keys);
      auto c = (*store)->database().acquire();
      if (!params || !c ||
          !(*c)->query(std::string("INSERT INTO codes (") + records::kCodeColumns +
                           ") VALUES (?,?,?,?,?,?)",
                       *params)) {
        std::cerr << "gateway_scale: code insert failed\n";
        return 1;
      }
      codes.push_back(code.code);
    }
    std::vector<double> token_us, access_us;
    for (const auto& code : codes) {
      web::Request t;
      t.method = "POST";
      t.path = "/link/oauth2/token";
      t.headers = {{"content-type", "application/x-www-form-urlencoded"}};
      t.body = "code=" + percentEncode(code) + "&client_id=" + app.id +
               "&client_secret=" + app.client_secret;
      const auto t0 = Steady::now();
      const int status = flows.token(t).status;
      token_us.push_back(since(t0));
      if (status != 200) {
        std::cerr << "gateway_scale: token answered " << status << "\n";
        return 1;
      }
    }
    for (size_t i = 0; i < samples; ++i) {
      const std::string id = credentialId(static_cast<size_t>(pick() % level));
      const auto t0 = Steady::now();
      const int status = api.accessToken("default", id).status;
      access_us.push_back(since(t0));
      if (status != 200) {
        std::cerr << "gateway_scale: access-token answered " << status << "\n";
        return 1;
      }
    }
    const auto tp = percentiles(token_us), ap = percentiles(access_us);
    std::printf("%12zu %10.1f %14.3f %14.3f %14.3f %14.3f %8ld\n", level, seed_s, tp.p50, tp.p99,
                ap.p50, ap.p99, rssKb() / 1024);
    std::fflush(stdout);
  }
  store->reset();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) std::remove((db + suffix).c_str());
  return 0;
}
