// Raw loopback HTTP exchanges for tests (see raw_client.h).
#include "web/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "core/ascii.h"

namespace linkgate::web::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Parses the first answer in `bytes`; returns true once it is complete.
bool parseAnswer(const std::string& bytes, RawAnswer& a) {
  size_t end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  a.headers.clear();
  a.status = 0;
  size_t eol = bytes.find("\r\n");
  std::string status_line = bytes.substr(0, eol);
  size_t sp = status_line.find(' ');
  if (sp != std::string::npos) a.status = std::atoi(status_line.c_str() + sp + 1);
  size_t pos = eol + 2;
  size_t length = 0;
  while (pos < end) {
    size_t next = bytes.find("\r\n", pos);
    std::string line = bytes.substr(pos, next - pos);
    pos = next + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lowerAscii(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (name == "content-length") length = std::stoul(value);
    a.headers.emplace_back(name, value);
  }
  if (bytes.size() < end + 4 + length) return false;
  a.body = bytes.substr(end + 4, length);
  return true;
}

int connectTo(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

RawAnswer exchangeOn(int fd, const std::string& request, Clock::time_point deadline) {
  RawAnswer a;
  auto start = Clock::now();
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (that is an answer too)
    sent += static_cast<size_t>(n);
  }
  char buf[8192];
  while (!parseAnswer(a.bytes, a)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    a.bytes.append(buf, static_cast<size_t>(n));
  }
  a.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return a;
}

}  // namespace

std::optional<RawAnswer> rawExchange(uint16_t port, const std::string& request,
                                     std::chrono::milliseconds deadline) {
  auto answers = rawSequence(port, {request}, deadline);
  if (!answers) return std::nullopt;
  return answers->front();
}

std::optional<std::vector<RawAnswer>> rawSequence(uint16_t port,
                                                  const std::vector<std::string>& requests,
                                                  std::chrono::milliseconds deadline) {
  int fd = connectTo(port);
  if (fd < 0) return std::nullopt;
  std::vector<RawAnswer> out;
  auto until = Clock::now() + deadline;
  for (const auto& r : requests) out.push_back(exchangeOn(fd, r, until));
  ::close(fd);
  return out;
}

std::optional<RawAnswer> rawPieces(uint16_t port, const std::vector<std::string>& pieces,
                                   std::chrono::milliseconds deadline) {
  int fd = connectTo(port);
  if (fd < 0) return std::nullopt;
  for (size_t i = 0; i + 1 < pieces.size(); ++i) {
    ::send(fd, pieces[i].data(), pieces[i].size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // separate reads, not a sync
  }
  RawAnswer a = exchangeOn(fd, pieces.empty() ? "" : pieces.back(), Clock::now() + deadline);
  ::close(fd);
  return a;
}

}  // namespace linkgate::web::testing
