// One kept-alive HTTP/1.1 connection (see keepalive_client.h).
#include "conformance/harness/keepalive_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace linkgate::conformance {
namespace {

using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct Head {
  int status = 0;
  HeaderList headers;
  std::optional<size_t> length;  // Content-Length, when sent
  bool close = false;            // Connection: close
};

// The status line and header fields of `text` (the head without its final CRLF CRLF).
Result<Head> parseHead(std::string_view text) {
  Head h;
  size_t eol = text.find("\r\n");
  const std::string_view status_line = text.substr(0, eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    return fail("http", "not an HTTP/1.x status line: " + std::string(status_line.substr(0, 80)));
  }
  h.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  while (eol != std::string_view::npos) {
    const size_t start = eol + 2;
    eol = text.find("\r\n", start);
    const std::string_view line = text.substr(start, eol == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : eol - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    const std::string_view name = line.substr(0, colon);
    if (iequals(name, "Content-Length")) {
      char* end = nullptr;
      const std::string digits(value);
      const unsigned long long n = std::strtoull(digits.c_str(), &end, 10);
      if (digits.empty() || *end != '\0') return fail("http", "bad Content-Length: " + digits);
      h.length = static_cast<size_t>(n);
    }
    if (iequals(name, "Connection") && iequals(value, "close")) h.close = true;
    h.headers.emplace_back(std::string(name), std::string(value));
  }
  return h;
}

}  // namespace

KeepAliveClient::KeepAliveClient(std::string origin, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  std::string authority = origin.substr(origin.find("://") == std::string::npos
                                            ? 0
                                            : origin.find("://") + 3);
  authority = authority.substr(0, authority.find('/'));
  const size_t colon = authority.rfind(':');
  const bool bracketed = authority.starts_with("[");
  if (colon != std::string::npos && (!bracketed || authority[colon - 1] == ']')) {
    host_ = authority.substr(0, colon);
    port_ = authority.substr(colon + 1);
  } else {
    host_ = authority;
    port_ = "80";
  }
  if (host_.starts_with("[") && host_.ends_with("]")) host_ = host_.substr(1, host_.size() - 2);
}

KeepAliveClient::~KeepAliveClient() { disconnect(); }

bool KeepAliveClient::supports(const std::string& origin) {
  return origin.starts_with("http://") && origin.size() > 7;
}

Status KeepAliveClient::connect() {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found); rc != 0) {
    return fail("transport", "cannot resolve " + host_ + ": " + ::gai_strerror(rc));
  }
  for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    fd_ = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd_ >= 0 && ::connect(fd_, a->ai_addr, a->ai_addrlen) != 0) disconnect();
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return fail("transport", "cannot connect to " + host_ + ":" + port_);
  return {};
}

void KeepAliveClient::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
}

Result<HttpResponse> KeepAliveClient::get(const std::string& target, const HeaderList& headers) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ +
                        "\r\nAccept: text/html\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  const bool reused = fd_ >= 0;
  auto answer = exchange(request);
  if (!answer && reused && answer.error().id == "closed") {
    disconnect();  // the server had closed the kept connection before this request
    answer = exchange(request);
  }
  return answer;
}

Result<HttpResponse> KeepAliveClient::exchange(const std::string& request) {
  if (fd_ < 0) {
    if (auto ok = connect(); !ok) return std::unexpected(ok.error());
  }
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return fail("closed", "send failed");
    sent += static_cast<size_t>(n);
  }
  const auto deadline = Clock::now() + timeout_;
  std::string& buf = pending_;
  std::optional<Head> head;
  size_t body_at = 0;
  for (;;) {
    if (!head) {
      if (const size_t end = buf.find("\r\n\r\n"); end != std::string::npos) {
        auto parsed = parseHead(std::string_view(buf).substr(0, end));
        if (!parsed) {
          disconnect();
          return std::unexpected(parsed.error());
        }
        head = std::move(*parsed);
        body_at = end + 4;
      }
    }
    if (head && head->length && buf.size() >= body_at + *head->length) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      disconnect();
      return fail("timeout", "no complete answer within " + std::to_string(timeout_.count()) +
                                 " ms");
    }
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      if (head && !head->length) break;  // a body delimited by the connection's end
      const bool nothing = buf.empty();
      disconnect();
      return fail(nothing ? "closed" : "http", nothing ? "connection closed before an answer"
                                                      : "connection closed inside an answer");
    }
    buf.append(chunk, static_cast<size_t>(n));
  }
  HttpResponse r;
  r.status = head->status;
  r.headers = std::move(head->headers);
  const size_t length = head->length.value_or(buf.size() - body_at);
  r.body = buf.substr(body_at, length);
  buf.erase(0, body_at + length);
  if (head->close || !head->length) disconnect();
  return r;
}

}  // namespace linkgate::conformance
