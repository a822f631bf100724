// simulator: the composition root. Owns the clock, randomness, delay thread, simulator and
// server; everything else is in simulator_lib.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "simulator/coverage.h"
#include "simulator/delay_queue.h"
#include "simulator/options.h"
#include "simulator/profile_loader.h"
#include "simulator/recipe.h"
#include "simulator/router.h"
#include "simulator/simulator.h"
#include "web/server.h"

using namespace linkgate;

int main(int argc, char** argv) {
  web::prepareSignals();  // before any thread starts
  auto options = sim::parseOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::cerr << "simulator: " << options.error().message << " (see --help)\n";
    return 2;
  }
  if (options->help) {
    std::cout << sim::usage();
    return 0;
  }
  auto profiles = sim::loadProfileDir(options->profiles);
  if (!profiles) {
    std::cerr << "simulator: " << profiles.error().message << "\n";
    return 1;
  }
  if (options->recipes) {
    std::cout << sim::recipesMarkdown(*profiles);
    return 0;
  }
  if (options->coverage) {
    auto report = sim::computeCoverage(*profiles);
    std::cout << sim::formatCoverage(report);
    return report.missing.empty() ? 0 : 1;
  }
  auto router = sim::Router::build(std::move(*profiles));
  if (!router) {
    std::cerr << "simulator: " << router.error().message << "\n";
    return 1;
  }
  SystemClock system_clock;
  OffsetClock clock(system_clock);
  SystemRandom random;
  sim::DelayQueue delays;
  sim::Simulator simulator(std::move(*router), clock, random, delays,
                           sim::Simulator::Options{options->auto_approve, options->strict_docs});
  if (options->dev_clients) simulator.registerDevClients(*options->dev_clients);

  web::ServerOptions server_options;
  server_options.address = options->address;
  server_options.port = options->port;
  server_options.threads = options->threads;
  web::Server server(server_options, simulator.handler());
  auto port = server.start();
  if (!port) {
    std::cerr << "simulator: " << port.error().message << "\n";
    return 1;
  }
  std::string shown = options->address == "0.0.0.0" ? "127.0.0.1" : options->address;
  if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";  // IPv6 literal
  std::cout << "listening on http://" << shown << ":" << *port << std::endl;
  web::waitForShutdownSignal();
  delays.stop();  // answer delayed requests before the server goes away
  server.stop();
  return 0;
}
