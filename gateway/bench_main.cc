// gateway_bench (not a test): /start requests/s and p99 next to a bare Pistache 302 handler
// measured in the same run, and, with --simulator URL, full flows/s against the simulator.
//   gateway_bench [--seconds N] [--connections N] [--simulator URL] [--flow-clients N]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

#include "core/crypto.h"
#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/sealer.h"
#include "core/worker_pool.h"
#include "gateway/api_handlers.h"
#include "gateway/flow_handlers.h"
#include "gateway/log.h"
#include "gateway/router.h"
#include "gateway/sqlite_store.h"
#include "web/server.h"

#ifndef LINKGATE_DEFAULT_CATALOGUE
#define LINKGATE_DEFAULT_CATALOGUE ""
#endif

using namespace linkgate;
using namespace linkgate::gateway;
using Steady = std::chrono::steady_clock;

namespace {

struct Stats {
  double per_second = 0;
  double p99_ms = 0;
  size_t errors = 0;
};

// One keep-alive HTTP/1.1 connection issuing GET target until `until`; latencies in µs.
void hammer(uint16_t port, const std::string& target, Steady::time_point until,
            std::vector<int64_t>& latencies, std::atomic<size_t>& errors) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ++errors;
    ::close(fd);
    return;
  }
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nConnection: keep-alive\r\n\r\n";
  std::string buffer;
  char chunk[8192];
  while (Steady::now() < until) {
    const auto t0 = Steady::now();
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) break;
    size_t header_end, length = 0;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) goto done;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    if (auto cl = buffer.find("Content-Length: "); cl != std::string::npos && cl < header_end) {
      length = std::strtoul(buffer.c_str() + cl + 16, nullptr, 10);
    }
    while (buffer.size() < header_end + 4 + length) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) goto done;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    if (!buffer.starts_with("HTTP/1.1 302")) ++errors;
    buffer.erase(0, header_end + 4 + length);
    latencies.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - t0).count());
  }
done:
  ::close(fd);
}

Stats measure(uint16_t port, const std::string& target, int seconds, int connections) {
  const auto until = Steady::now() + std::chrono::seconds(seconds);
  std::vector<std::vector<int64_t>> latencies(static_cast<size_t>(connections));
  std::atomic<size_t> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back(hammer, port, target, until, std::ref(latencies[static_cast<size_t>(i)]),
                         std::ref(errors));
  }
  for (auto& t : threads) t.join();
  std::vector<int64_t> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Stats s;
  s.per_second = static_cast<double>(all.size()) / seconds;
  s.p99_ms = all.empty() ? 0 : static_cast<double>(all[all.size() * 99 / 100]) / 1000.0;
  s.errors = errors;
  return s;
}

std::optional<std::string> arg(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::string(argv[i + 1]);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = std::stoi(arg(argc, argv, "--seconds").value_or("5"));
  const int connections = std::stoi(arg(argc, argv, "--connections").value_or("16"));
  const auto simulator = arg(argc, argv, "--simulator");
  // Concurrent browsers of the full-flow run (each one flow at a time).
  const int flow_clients = std::stoi(arg(argc, argv, "--flow-clients").value_or("4"));
  web::prepareSignals();

  // Baseline: a bare 302 with a query and a cookie (what /start answers, minus the work).
  web::Server bare({}, [](web::Request, web::Responder responder) {
    auto r = web::Response::redirect("https://provider.example/authorize?client_id=x&state=y");
    r.addHeader("Set-Cookie", "c=v; Path=/; HttpOnly; SameSite=Lax");
    responder(std::move(r));
  });
  auto bare_port = bare.start();

  SystemRandom random;
  SystemClock clock;
  KeyRing keys(random);
  (void)keys.addKey("bench", random.bytes(32));
  const std::string db = "/tmp/linkgate-bench-" + std::to_string(::getpid()) + ".db";
  auto store = SqliteStore::open(db, keys);
  auto catalogue = Catalogue::load(LINKGATE_DEFAULT_CATALOGUE);
  if (!bare_port || !store || !catalogue) {
    std::cerr << "gateway_bench: setup failed\n";
    return 1;
  }
  GatewayConfig config;
  config.provider_base_url = simulator;
  CurlHttpClient http;
  WorkerPool provider_pool(32);
  WorkerPool disk_pool(4);
  Services services(config, *catalogue, **store, http, clock, random);
  // The request log as the gateway writes it (stderr; redirect it), unless --log off.
  services.log = Logger::toStderr(LogFormat::kJson,
                                  *parseLogLevel(arg(argc, argv, "--log").value_or("info")));
  // Issue 15: --abuse off turns every abuse limit off (an A/B of their cost with one build).
  if (arg(argc, argv, "--abuse").value_or("on") == "off") {
    AbuseConfig off;
    off.token_per_client = off.token_per_address = off.api_per_key = off.api_per_address = {};
    off.client_lockout = off.api_key_lockout = {};
    off.max_pending_flows = off.max_pending_flows_per_address = 0;
    services.abuse = std::make_shared<AbuseGuard>(off, clock, **store, *services.metrics);
  }
  FlowHandlers flows(services);
  ApiHandlers api(services, std::string("bench-key"));
  Router router(services, flows, api, &provider_pool, &disk_pool);
  web::Server server({}, [&](web::Request q, web::Responder r) {
    router.serve(std::move(q), std::move(r));
  });
  auto port = server.start();
  if (!port) return 1;
  services.config.public_url = "http://127.0.0.1:" + std::to_string(*port);
  const std::string provider = catalogue->find("generic") ? "generic" : catalogue->all().begin()->first;
  const std::string secret = "dev-" + provider + "-secret";
  OAuthApp app;
  app.id = "00000000-0000-4000-8000-0000000000be";
  app.account_id = "default";
  app.provider = provider;
  app.client_id = "dev-" + provider;
  app.client_secret = secret;
  (void)(*store)->insertApp(app);
  (void)(*store)->insertRedirectUri({"r", "default", "http://127.0.0.1/done", 0});
  const std::string start = "/link/oauth2/start?client_id=" + app.id +
                            "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fdone&state=bench";

  const Stats base = measure(*bare_port, "/", seconds, connections);
  const Stats gw = measure(*port, start, seconds, connections);
  std::printf("%-28s %12s %10s %8s\n", "target", "req/s", "p99 ms", "errors");
  std::printf("%-28s %12.0f %10.2f %8zu\n", "bare Pistache 302", base.per_second, base.p99_ms,
              base.errors);
  std::printf("%-28s %12.0f %10.2f %8zu\n", "gateway /link/oauth2/start", gw.per_second, gw.p99_ms,
              gw.errors);
  std::printf("ratio /start : bare = %.2f\n", base.per_second > 0 ? gw.per_second / base.per_second : 0);

  {
    // Issue 15: what the token endpoint's shared lockout check adds (one primary-key read),
    // next to the app read every token request does anyway.
    constexpr int kReads = 20000;
    auto time_us = [&](auto&& read) {
      const auto t0 = Steady::now();
      for (int i = 0; i < kReads; ++i) read();
      return std::chrono::duration<double, std::micro>(Steady::now() - t0).count() / kReads;
    };
    const double lockout = time_us([&] { (void)(*store)->lockedUntil("client:" + app.id); });
    const double find_app = time_us([&] { (void)(*store)->findApp(app.id); });
    std::printf("lockout check %.1f us/read, app read %.1f us/read (SQLite, one thread)\n",
                lockout, find_app);
  }
  if (simulator) {
    // Full flows: register the client at the simulator, then start -> authorize -> callback ->
    // token, sequentially per thread.
    HttpRequest reg;
    reg.method = "POST";
    reg.url = *simulator + "/_sim/clients";
    reg.headers = {{"Content-Type", "application/json"}};
    reg.body = dumpJson(Json{{"provider", provider}, {"client_id", app.client_id},
                             {"client_secret", secret},
                             {"redirect_uris", {services.callbackUrl(provider)}}});
    (void)http.send(reg);
    std::atomic<size_t> done{0}, failed{0};
    const auto until = Steady::now() + std::chrono::seconds(seconds);
    auto get = [&](const std::string& url, const std::string& cookie) {
      HttpRequest r;
      r.url = url;
      if (!cookie.empty()) r.headers = {{"Cookie", cookie}};
      return http.send(r);
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < flow_clients; ++i) {
      threads.emplace_back([&] {
        while (Steady::now() < until) {
          auto a = get(services.config.public_url + start, "");
          if (!a || a->status != 302) { ++failed; continue; }
          const std::string cookie = a->header("Set-Cookie").value_or("");
          auto b = get(*a->header("Location"), "");
          if (!b || b->status != 302) { ++failed; continue; }
          auto c = get(*b->header("Location"), cookie.substr(0, cookie.find(';')));
          if (!c || c->status != 302) { ++failed; continue; }
          const std::string loc = *c->header("Location");
          auto q = Params::parse(loc.substr(loc.find('?') + 1));
          HttpRequest t;
          t.method = "POST";
          t.url = services.config.public_url + "/link/oauth2/token";
          t.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
          t.body = "code=" + percentEncode(q->get("code").value_or("")) + "&client_id=" + app.id +
                   "&client_secret=" + percentEncode(secret);
          auto d = http.send(t);
          if (d && d->status == 200) ++done; else ++failed;
        }
      });
    }
    for (auto& t : threads) t.join();
    std::printf("full flows against the simulator: %.1f flows/s (%zu failed, %d clients)\n",
                static_cast<double>(done) / seconds, failed.load(), flow_clients);
  }
  server.stop();
  bare.stop();
  std::remove(db.c_str());
  std::remove((db + "-wal").c_str());
  std::remove((db + "-shm").c_str());
  return 0;
}
