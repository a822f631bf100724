// WebhookReceiver: accept loop and one thread per connection, each polling so that the
// destructor stops them within ~100 ms.
#include "conformance/harness/webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace linkgate::conformance {
namespace {

constexpr int kPollMs = 100;
constexpr size_t kMaxRequestBytes = 1 << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Parses one request head ("METHOD TARGET HTTP/1.1\r\nName: value\r\n...") into `hook`;
// false when it is not one.
bool parseHead(const std::string& head, ReceivedHook& hook) {
  size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const auto sp1 = request_line.find(' ');
  const auto sp2 = request_line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return false;
  hook.method = request_line.substr(0, sp1);
  hook.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(at, end - at);
    const auto colon = line.find(':');
    if (colon == std::string::npos) return false;
    hook.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    at = end + 2;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<WebhookReceiver>> WebhookReceiver::start() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("receiver", std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return fail("receiver", "bind/listen on 127.0.0.1: " + why);
  }
  return std::unique_ptr<WebhookReceiver>(new WebhookReceiver(fd, ntohs(addr.sin_port)));
}

WebhookReceiver::WebhookReceiver(int listen_fd, uint16_t port)
    : listen_fd_(listen_fd), port_(port) {
  // Started here, once every member exists: started in the initializer list, the accept loop
  // could lock mu_ before its constructor ran (a heap object's raw bytes: EINVAL, terminate).
  thread_ = std::thread([this] { acceptLoop(); });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  thread_.join();
  for (auto& t : connections_) t.join();
  ::close(listen_fd_);
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookReceiver::script(std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  script_.assign(statuses.begin(), statuses.end());
}

bool WebhookReceiver::waitFor(const std::function<bool(const std::vector<ReceivedHook>&)>& done,
                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return done(received_); });
}

std::vector<ReceivedHook> WebhookReceiver::all() {
  std::lock_guard lock(mu_);
  return received_;
}

void WebhookReceiver::acceptLoop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void WebhookReceiver::serve(int fd) {
  std::string buffer;
  char chunk[8192];
  for (;;) {
    const auto head_end = buffer.find("\r\n\r\n");
    ReceivedHook hook;
    size_t need = 0;
    bool complete = false;
    if (head_end != std::string::npos) {
      if (!parseHead(buffer.substr(0, head_end), hook)) break;
      const auto cl = hook.headers.find("content-length");
      need = cl == hook.headers.end() ? 0 : std::strtoull(cl->second.c_str(), nullptr, 10);
      if (need > kMaxRequestBytes) break;
      complete = buffer.size() >= head_end + 4 + need;
    }
    if (complete) {
      hook.body = buffer.substr(head_end + 4, need);
      buffer.erase(0, head_end + 4 + need);
      int status = 200;
      {
        std::lock_guard lock(mu_);
        if (!script_.empty()) {
          status = script_.front();
          script_.pop_front();
        }
        hook.answered = status;
      }
      const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 " Scripted\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";
      (void)::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(hook));
      }
      cv_.notify_all();
      continue;
    }
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    if (buffer.size() > kMaxRequestBytes) break;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0) break;
    if (ready == 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
}

}  // namespace linkgate::conformance
