// Test helper: sends raw bytes over a real loopback TCP connection and reads the answer, so
// tests can speak malformed HTTP that no client library would send.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"  // HeaderList

namespace linkgate::web::testing {

struct RawAnswer {
  std::string bytes;                  // everything read until EOF or the deadline
  std::chrono::milliseconds elapsed;  // from the send to the end of the first answer
  int status = 0;                     // from the status line, 0 when none arrived
  HeaderList headers;                 // names lower-cased (of the first answer)
  std::string body;                   // the first answer's body (by its Content-Length)
};

// Connects to 127.0.0.1:port, writes `request`, reads until the first complete answer (head
// plus Content-Length bytes) or EOF or `deadline`. Fails only if the connection cannot be made.
std::optional<RawAnswer> rawExchange(uint16_t port, const std::string& request,
                                     std::chrono::milliseconds deadline = std::chrono::seconds(5));

// Writes the requests one after another on ONE connection, reading each answer before the next.
std::optional<std::vector<RawAnswer>> rawSequence(uint16_t port,
                                                  const std::vector<std::string>& requests,
                                                  std::chrono::milliseconds deadline =
                                                      std::chrono::seconds(5));

// Writes the pieces of ONE request as separate sends about 20 ms apart (so the server most
// likely reads them separately; a correct server answers the same either way), then reads.
std::optional<RawAnswer> rawPieces(uint16_t port, const std::vector<std::string>& pieces,
                                   std::chrono::milliseconds deadline = std::chrono::seconds(5));

}  // namespace linkgate::web::testing
