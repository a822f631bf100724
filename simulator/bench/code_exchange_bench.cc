// code_exchange_bench: authorization-code exchanges per second and their p99 latency against an
// in-process simulator (generic profile, auto-approve) over loopback. A benchmark, not a test:
//   build/bin/code_exchange_bench [--seconds N] [--clients N] [--profiles DIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "core/random.h"
#include "core/url.h"
#include "simulator/delay_queue.h"
#include "simulator/profile_loader.h"
#include "simulator/simulator.h"
#include "web/server.h"

using namespace linkgate;
using Steady = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int seconds = 5;
  int clients = 2;
  std::string profiles = "fixtures/providers";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atoi(argv[i + 1]);
    } else if (flag == "--clients") {
      clients = std::atoi(argv[i + 1]);
    } else if (flag == "--profiles") {
      profiles = argv[i + 1];
    } else {
      std::fprintf(stderr, "code_exchange_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  auto generic = sim::loadProfileFile(profiles + "/generic.json");
  if (!generic || seconds < 1 || clients < 1) {
    std::fprintf(stderr, "code_exchange_bench: %s\n",
                 generic ? "--seconds and --clients must be >= 1" : generic.error().message.c_str());
    return 2;
  }
  auto router = sim::Router::build({*generic});
  SystemClock system_clock;
  OffsetClock clock(system_clock);
  SystemRandom random;
  sim::DelayQueue delays;
  sim::Simulator simulator(std::move(*router), clock, random, delays, {.auto_approve = true});
  simulator.clients().put({"generic", "bench", "bench-secret", {"http://127.0.0.1/cb"}});
  web::ServerOptions options;
  options.port = 0;
  web::Server server(options, simulator.handler());
  if (!server.start()) return 1;
  std::string base = server.baseUrl() + "/generic/generic.example/oauth/";
  std::string authorize = base + "authorize?client_id=bench&response_type=code&redirect_uri=" +
                          percentEncode("http://127.0.0.1/cb") + "&state=s";

  std::atomic<bool> stop{false};
  std::atomic<long> failures{0};
  std::mutex first_failure_mu;
  std::string first_failure;  // what the first failure was, printed at the end
  auto failed = [&](std::string what) {
    ++failures;
    std::lock_guard lock(first_failure_mu);
    if (first_failure.empty()) first_failure = std::move(what);
  };
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      CurlHttpClient http;
      while (!stop) {
        HttpRequest a;
        a.url = authorize;
        auto r = http.send(a);
        auto loc = r ? r->header("location") : std::nullopt;
        auto url = loc ? Url::parse(*loc) : Result<Url>(std::unexpected(Error{}));
        auto code = url && url->query ? Params::parse(*url->query)->get("code") : std::nullopt;
        if (!code) {
          failed("authorize: " + (r ? "HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 200)
                                    : r.error().id + " " + r.error().message));
          continue;
        }
        HttpRequest t;
        t.method = "POST";
        t.url = base + "token";
        t.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        t.body = Params{{"grant_type", "authorization_code"}, {"code", *code},
                        {"redirect_uri", "http://127.0.0.1/cb"}, {"client_id", "bench"},
                        {"client_secret", "bench-secret"}}.toForm();
        auto start = Steady::now();
        auto tr = http.send(t);
        double ms = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
        if (!tr || tr->status != 200) {
          failed("token: " + (tr ? "HTTP " + std::to_string(tr->status) + " " + tr->body.substr(0, 200)
                                 : tr.error().id + " " + tr.error().message));
          continue;
        }
        latencies[c].push_back(ms);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measurement window
  stop = true;
  for (auto& t : threads) t.join();
  server.stop();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  double p50 = all.empty() ? 0 : all[all.size() / 2];
  double p99 = all.empty() ? 0 : all[std::min(all.size() - 1, all.size() * 99 / 100)];
  std::printf("code exchanges: %zu in %d s = %.0f/s (each after its own authorize), %d clients\n",
              all.size(), seconds, all.size() / double(seconds), clients);
  std::printf("exchange latency: p50 %.2f ms, p99 %.2f ms; failures %ld\n", p50, p99, failures.load());
  if (!first_failure.empty()) std::printf("first failure: %s\n", first_failure.c_str());
  return failures.load() == 0 ? 0 : 1;
}
