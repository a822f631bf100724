// bench_bare_302 (tools/bench, not a test): the floor Linkgate's /start is measured against — the
// same web::Server adapter and thread count as the gateway, a handler that does no work and
// answers what /start answers (a 302 with a query-carrying Location and one Set-Cookie).
//   bench_bare_302 [--port N] [--threads N]   (first stdout line: listening on http://ADDR:PORT)
#include <cstdio>
#include <cstring>
#include <string>

#include "web/server.h"

using namespace linkgate;

int main(int argc, char** argv) {
  web::ServerOptions options;  // the gateway's defaults: 127.0.0.1, 2 reactor threads
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      options.port = static_cast<uint16_t>(std::stoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      options.threads = std::stoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "bench_bare_302: unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  web::prepareSignals();
  web::Server server(options, [](web::Request, web::Responder responder) {
    auto r = web::Response::redirect(
        "http://127.0.0.1:9/authorize?response_type=code&client_id=bench&state=0123456789abcdef");
    r.addHeader("Set-Cookie", "lg_flow_0123456789abcdef=v; Path=/link/oauth2/callback; HttpOnly; "
                              "SameSite=Lax");
    responder(std::move(r));
  });
  auto port = server.start();
  if (!port) {
    std::fprintf(stderr, "bench_bare_302: %s\n", port.error().message.c_str());
    return 1;
  }
  std::printf("listening on %s\n", server.baseUrl().c_str());
  std::fflush(stdout);
  web::waitForShutdownSignal();
  server.stop();
  return 0;
}
