// A webhook receiver for the C-10 checks: a plain HTTP/1.1 server on 127.0.0.1 (port 0, so the
// kernel picks one) that records every request and answers each with the next status of a
// script (then 200). Its own small parser on POSIX sockets: the suite links no gateway code and
// no server framework the gateway uses.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace linkgate::conformance {

struct ReceivedHook {
  std::string method, target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int answered = 0;  // the status the receiver gave it
};

class WebhookReceiver {
 public:
  static Result<std::unique_ptr<WebhookReceiver>> start();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path) const;  // http://127.0.0.1:PORT + path
  // The next requests get these statuses, in order; afterwards 200.
  void script(std::vector<int> statuses);
  // Waits until `done(all requests so far)` holds, or `timeout`; true when it held.
  bool waitFor(const std::function<bool(const std::vector<ReceivedHook>&)>& done,
               std::chrono::milliseconds timeout);
  std::vector<ReceivedHook> all();

 private:
  WebhookReceiver(int listen_fd, uint16_t port);
  void acceptLoop();
  void serve(int fd);

  int listen_fd_;
  uint16_t port_;
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedHook> received_;
  std::deque<int> script_;
  bool stopping_ = false;
};

}  // namespace linkgate::conformance
