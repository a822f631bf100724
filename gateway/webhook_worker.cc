// The webhook delivery loop (see webhook_worker.h).
#include "gateway/webhook_worker.h"

#include <unistd.h>

#include "core/crypto.h"
#include "gateway/webhook_signing.h"

namespace linkgate::gateway {

WebhookWorker::WebhookWorker(Store& store, HttpClient& http, const Clock& clock,
                             RandomSource& random, WebhookWorkerConfig config, std::string owner)
    : store_(store), http_(http), clock_(clock), random_(random), config_(config),
      owner_(std::move(owner)) {}

WebhookWorker::~WebhookWorker() { stop(); }

std::string WebhookWorker::newOwner(RandomSource& random) {
  return std::to_string(::getpid()) + "-" + randomToken(random, 64);
}

int64_t WebhookWorker::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
      .count();
}

void WebhookWorker::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      auto n = runOnce();
      lock.lock();
      // A full batch means more may be due: go on at once; otherwise (or on a store error)
      // wait, woken early only by stop().
      if (n && *n >= static_cast<size_t>(config_.batch)) continue;
      cv_.wait_for(lock, config_.poll, [this] { return stopping_; });
    }
  });
}

void WebhookWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<size_t> WebhookWorker::runOnce() {
  const int64_t now = nowMs();
  auto claimed = store_.claimDeliveries(owner_, now, now + leaseMs(), config_.batch);
  if (!claimed) return std::unexpected(claimed.error());
  for (const auto& d : *claimed) {
    DeliveryOutcome outcome = attempt(d);
    // Not recorded (store down, or the lease was lost): the lease expires and the delivery is
    // attempted again — at least once, never zero times.
    (void)store_.finishDelivery(d.id, owner_, outcome);
  }
  return claimed->size();
}

DeliveryOutcome WebhookWorker::attempt(const WebhookDelivery& d) {
  DeliveryOutcome o;
  o.attempted_at = nowMs();
  auto endpoint = store_.findWebhook(d.account_id, d.endpoint_id);
  if (!endpoint || !*endpoint) {
    o.status = endpoint ? "failed" : "pending";
    o.error = endpoint ? "the endpoint was deleted" : "store unavailable";
    o.next_attempt_at = o.attempted_at + config_.retry_base_ms;
    return o;
  }
  const int64_t timestamp = unixSeconds(clock_.now());
  auto signature = webhookSignature((*endpoint)->secret, d.event_id, timestamp, d.payload);
  if (!signature) {
    o.status = "failed";
    o.error = signature.error().message;
    return o;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = (*endpoint)->url;
  request.headers = {{"Content-Type", "application/json"},
                     {"User-Agent", "linkgate-webhooks"},
                     {"webhook-id", d.event_id},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature", *signature}};
  request.body = d.payload;
  request.total_timeout = config_.timeout;
  request.connect_timeout = std::min(config_.timeout, std::chrono::milliseconds(3000));
  request.max_response_bytes = 64 * 1024;  // the answer's body is not kept, only its status
  auto response = http_.send(request);
  if (response && response->status >= 200 && response->status < 300) {
    o.status = "delivered";
    o.status_code = response->status;
    return o;
  }
  if (response) {
    o.status_code = response->status;
    o.error = "HTTP " + std::to_string(response->status);
  } else {
    o.error = response.error().id;  // timeout, connect_failed, transport, too_large
  }
  const int64_t done = d.attempts + 1;
  if (done >= config_.max_attempts) {
    o.status = "failed";
    return o;
  }
  o.status = "pending";
  o.next_attempt_at =
      o.attempted_at +
      webhookRetryDelayMs(done, config_.retry_base_ms, config_.retry_cap_ms, random_);
  return o;
}

}  // namespace linkgate::gateway
