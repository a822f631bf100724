// The one Pistache adapter of Linkgate: converts Pistache requests to web::Request, runs the
// Handler, sends the web::Response back. Works around Pistache 0.0.5 quirks (shared/PISTACHE.md):
// keep-alive, dropped raw headers, lost raw query, 4 KiB request limit, throwing handlers,
// and its lenient parser: malformed heads get a prompt 400 JSON here (web/head_check.h).
#pragma once
#include <cstddef>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "web/http.h"

namespace linkgate::web {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0 = any free port; read it back from port()
  int threads = 2;    // reactor threads
  size_t max_body_bytes = 64 * 1024;         // larger bodies: 413 JSON (SPEC §7)
  size_t max_request_bytes = 1024 * 1024;    // head + body; larger: 413 JSON, connection closed
  size_t max_head_bytes = 64 * 1024;         // request line + headers; larger: 413 JSON
  // Pistache 0.0.5 resets a connection's parser as soon as the handler returns, and then
  // treats the connection as idle: a request still being answered asynchronously when
  // header_timeout passes gets a 408 from Pistache and the connection is closed. So this also
  // bounds how long a handler may take; keep it above every outbound timeout.
  std::chrono::milliseconds header_timeout{60000};
  std::chrono::milliseconds body_timeout{60000};
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves on background threads. Fails "bind_failed" when the address is taken.
  Result<uint16_t> start();
  void stop();
  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT"
  std::string baseUrl() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<Handler> handler_;
  ServerOptions options_;
  uint16_t port_ = 0;
};

// Blocks SIGINT/SIGTERM in this thread (call first in main, before any thread starts), ignores
// SIGPIPE; waitForShutdownSignal() then returns when one of them arrives.
void prepareSignals();
int waitForShutdownSignal();

}  // namespace linkgate::web
