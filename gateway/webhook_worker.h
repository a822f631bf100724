// Delivers the webhook outbox (issue #13) on its own thread, never on a reactor thread: claims
// due deliveries with a lease (one instance per delivery among all sharing the store), POSTs
// each signed per Standard Webhooks through the injected HttpClient with a timeout, and
// records the outcome: 2xx delivered; otherwise retried with exponential backoff and jitter
// until max_attempts, then failed. At-least-once: a crash between the receiver's 2xx and the
// record means one more delivery with the same webhook-id once the lease expires.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/random.h"
#include "gateway/store.h"

namespace linkgate::gateway {

struct WebhookWorkerConfig {
  std::chrono::milliseconds poll{1000};      // idle wait between claims
  std::chrono::milliseconds timeout{10000};  // whole request to the receiver
  int64_t retry_base_ms = 5000;              // first retry after ~this (then doubling)
  int64_t retry_cap_ms = 6LL * 3600 * 1000;  // at most this between attempts
  int64_t max_attempts = 12;                 // then status "failed" (redeliver to retry)
  int64_t batch = 16;                        // deliveries claimed per round
};

class WebhookWorker {
 public:
  // owner: this process's lease name (unique per process; see newOwner()).
  WebhookWorker(Store& store, HttpClient& http, const Clock& clock, RandomSource& random,
                WebhookWorkerConfig config, std::string owner);
  ~WebhookWorker();  // stop()
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  // A lease name unique to this process: "<pid>-<random>".
  static std::string newOwner(RandomSource& random);

  void start();  // the background thread: runOnce() in a loop, waiting poll when idle
  void stop();   // waits for the attempt in progress (bounded by timeout)
  // One round: claims up to batch due deliveries and attempts each. Returns how many were
  // attempted, or the store's error. Call from one thread at a time (tests: directly).
  Result<size_t> runOnce();

  // The lease a claim takes: longer than any attempt (the HTTP timeout bounds it, plus the
  // two store calls around it), so only a dead holder's lease expires.
  int64_t leaseMs() const { return config_.timeout.count() + 3000; }

 private:
  DeliveryOutcome attempt(const WebhookDelivery& delivery);
  int64_t nowMs() const;

  Store& store_;
  HttpClient& http_;
  const Clock& clock_;
  RandomSource& random_;
  const WebhookWorkerConfig config_;
  const std::string owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace linkgate::gateway
