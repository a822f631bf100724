// A minimal HTTP/1.1 GET client that keeps one TCP connection open across requests, for the
// suite's bulk checks (10^5 /start requests in seconds, where a connection per request would
// spend most of the time in connect and TIME_WAIT). Plain http only; one request in flight at a
// time (no pipelining: Pistache drops pipelined requests). Not thread-safe: one per thread.
#pragma once
#include <chrono>
#include <string>

#include "core/error.h"
#include "core/http_client.h"

namespace linkgate::conformance {

class KeepAliveClient {
 public:
  // `origin`: "http://host:port" (no path). Connects lazily, on the first request.
  explicit KeepAliveClient(std::string origin,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  // False for an origin this client cannot speak to (https, or no host).
  static bool supports(const std::string& origin);

  // GET `target` ("/path?query", sent as is). Reconnects once when the server had closed the
  // kept connection. Answers with a Content-Length body, or a body up to the connection's end;
  // an answer not complete within the timeout (e.g. a head without framing that leaves the
  // connection open) is an error "timeout".
  Result<HttpResponse> get(const std::string& target, const HeaderList& headers = {});

 private:
  Status connect();
  void disconnect();
  Result<HttpResponse> exchange(const std::string& request);

  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous answer
};

}  // namespace linkgate::conformance
