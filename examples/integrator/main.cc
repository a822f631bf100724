// integrator-example: the example integrator app's composition root.
//   integrator-example --gateway URL [--api-key KEY] [--port N] [--public-url URL]
//                      [--simulator URL]
// The API key also comes from LINKGATE_API_KEY. Prints "listening on URL" once serving.
#include <atomic>
#include <cstdlib>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "core/random.h"
#include "core/worker_pool.h"
#include "examples/integrator/app.h"
#include "web/server.h"

using namespace linkgate;

namespace {

int usage(const std::string& why) {
  if (!why.empty()) std::cerr << "integrator-example: " << why << "\n";
  std::cerr << "usage: integrator-example --gateway URL [--api-key KEY] [--port N] "
               "[--public-url URL] [--simulator URL]\n"
               "  --api-key defaults to $LINKGATE_API_KEY; --public-url to http://127.0.0.1:PORT;\n"
               "  --simulator: where the provider's me endpoint is (the Linkgate simulator)\n";
  return why.empty() ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string gateway, public_url, simulator, port_text = "0";
  std::string api_key = std::getenv("LINKGATE_API_KEY") ? std::getenv("LINKGATE_API_KEY") : "";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") return usage("");
    if (i + 1 >= args.size()) return usage(a + " needs a value");
    const std::string& v = args[++i];
    if (a == "--gateway") gateway = v;
    else if (a == "--api-key") api_key = v;
    else if (a == "--port") port_text = v;
    else if (a == "--public-url") public_url = v;
    else if (a == "--simulator") simulator = v;
    else return usage("unknown flag " + a);
  }
  if (gateway.empty()) return usage("--gateway is required");
  if (api_key.empty()) return usage("an API key is required (--api-key or LINKGATE_API_KEY)");
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    return usage("--port must be 0..65535");
  }
  web::prepareSignals();

  CurlHttpClient http;
  SystemRandom random;
  example::LinkgateClient linkgate(http, gateway, api_key);
  example::IdentityLookup identity(http, simulator);
  example::AppConfig config{public_url, gateway};
  // The public URL is known once the port is (port 0): set before the first request is served.
  std::unique_ptr<example::IntegratorApp> owned;
  std::atomic<example::IntegratorApp*> app{nullptr};
  WorkerPool pool(4);  // the handlers block on the gateway: never on the reactor threads

  web::ServerOptions options;
  options.port = static_cast<uint16_t>(std::stoi(port_text));
  web::Server server(options, [&](web::Request request, web::Responder responder) {
    auto job = [&app, request = std::move(request), responder]() mutable {
      example::IntegratorApp* ready = app.load();
      responder(ready ? ready->handle(request) : web::Response::text(503, "starting\n"));
    };
    if (!pool.post(std::move(job))) responder(web::Response::text(503, "shutting down\n"));
  });
  auto port = server.start();
  if (!port) {
    std::cerr << "integrator-example: " << port.error().message << "\n";
    return 1;
  }
  if (config.public_url.empty()) config.public_url = "http://127.0.0.1:" + std::to_string(*port);
  owned = std::make_unique<example::IntegratorApp>(config, linkgate, identity, random);
  app.store(owned.get());
  std::cout << "listening on http://127.0.0.1:" << *port << std::endl;
  std::cerr << "integrator-example: public URL " << config.public_url << ", gateway " << gateway
            << (simulator.empty() ? "" : ", identities from " + simulator) << std::endl;
  web::waitForShutdownSignal();
  server.stop();
  return 0;
}
