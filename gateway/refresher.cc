// The background refresher: passes, leases, per-provider concurrency, retry schedule.
#include "gateway/refresher.h"

#include <deque>
#include <iostream>
#include <map>
#include <vector>

#include "gateway/long_lived.h"

namespace linkgate::gateway {
namespace {

double uniform01(RandomSource& random) {
  uint64_t v = 0;
  random.fill(reinterpret_cast<uint8_t*>(&v), sizeof v);
  return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53);
}

std::optional<int64_t> expiresAt(const Credential& c) {
  auto it = c.properties.find("expires_at");
  if (it == c.properties.end() || !it->is_string()) return std::nullopt;
  return parseRfc3339(it->get<std::string>());
}

// A refresh token, or a long-lived access token renewed itself (issue 13).
bool hasRefreshToken(const Credential& c) { return renewable(c.properties); }

constexpr size_t kMaxThreads = 16;  // all providers together

}  // namespace

Refresher::Refresher(Services& services, ApiHandlers& api, RefresherOptions options,
                     std::string owner)
    : s_(services), api_(api), o_(options), owner_(std::move(owner)) {}

Refresher::~Refresher() { stop(); }

void Refresher::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void Refresher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Refresher::loop() {
  for (;;) {
    (void)runOnce();
    const double spread = o_.jitter * (2.0 * uniform01(s_.random) - 1.0);
    const auto wait = std::chrono::milliseconds(
        static_cast<int64_t>(static_cast<double>(o_.interval.count()) * (1.0 + spread)));
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

bool Refresher::due(const Credential& c, int64_t now) const {
  if (c.health_status != "ok" || !hasRefreshToken(c)) return false;
  if (auto at = expiresAt(c); at && *at <= now + o_.window.count()) return true;
  const Dialect* d = s_.catalogue.find(c.provider);
  if (d == nullptr || d->refresh.idle_revocation_days == 0) return false;
  const int64_t exercise_after = d->refresh.idle_revocation_days * 86400 - o_.idle_margin.count();
  return c.updated_at <= now - std::max<int64_t>(0, exercise_after);
}

RefreshPassStats Refresher::runOnce() {
  RefreshPassStats stats;
  const int64_t now = s_.now();
  RefreshQuery q;
  q.now = now;
  q.expires_before = now + o_.window.count();
  q.limit = o_.batch;
  for (const auto& [slug, d] : s_.catalogue.all()) {
    if (d.refresh.idle_revocation_days == 0) continue;
    const int64_t exercise_after = d.refresh.idle_revocation_days * 86400 - o_.idle_margin.count();
    q.idle_before.emplace_back(d.slug, now - std::max<int64_t>(0, exercise_after));
  }
  auto candidates = s_.store.refreshCandidates(q);
  if (!candidates) return stats;  // the database is away: the next pass tries again
  stats.candidates = candidates->size();
  if (candidates->empty()) return stats;

  // Per provider a queue; workers take from any provider below its concurrency bound.
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::deque<RefreshCandidate>> queues;
  std::map<std::string, size_t> in_flight;
  size_t bound = 0;
  for (auto& c : *candidates) queues[c.provider].push_back(std::move(c));
  for (const auto& [provider, queue] : queues) bound += std::min(queue.size(), o_.per_provider);
  std::mutex stats_mu;
  auto worker = [&] {
    std::unique_lock lock(mu);
    for (;;) {
      std::string pick;
      bool any_left = false;
      for (auto& [provider, queue] : queues) {
        if (queue.empty()) continue;
        any_left = true;
        if (in_flight[provider] < o_.per_provider) {
          pick = provider;
          break;
        }
      }
      if (!any_left) return;
      if (pick.empty()) {
        cv.wait(lock);
        continue;
      }
      RefreshCandidate job = std::move(queues[pick].front());
      queues[pick].pop_front();
      ++in_flight[pick];
      lock.unlock();
      const int64_t t = s_.now();
      auto failures =
          s_.store.claimRefreshLease(job.credential_id, owner_, t, t + o_.lease.count());
      if (failures && *failures) {
        {
          std::lock_guard g(stats_mu);
          ++stats.claimed;
        }
        refreshOne(job, **failures, stats, stats_mu);
      } else {
        std::lock_guard g(stats_mu);
        ++stats.skipped;  // another instance has it (or the database is away)
      }
      lock.lock();
      --in_flight[pick];
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < std::min(bound, kMaxThreads); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return stats;
}

void Refresher::refreshOne(const RefreshCandidate& candidate, int failures_so_far,
                           RefreshPassStats& stats, std::mutex& stats_mu) {
  auto attempt = api_.refreshIfDue(candidate.credential_id,
                                   [this](const Credential& c) { return due(c, s_.now()); });
  int failures = 0;
  int64_t retry_at = 0;
  {
    std::lock_guard g(stats_mu);
    switch (attempt.result) {
      case RefreshAttempt::Result::kRefreshed:
        ++stats.refreshed;
        break;
      case RefreshAttempt::Result::kNotDue:
      case RefreshAttempt::Result::kGone:
        ++stats.skipped;
        break;
      case RefreshAttempt::Result::kFailed:
        if (attempt.failure.kind == RefreshFailureKind::kPermanent) {
          ++stats.permanent;  // health is `error` now: no longer a candidate
        } else {
          ++stats.transient;
          failures = failures_so_far + 1;
          const auto delay = retryDelay(failures, o_.backoff_base, o_.backoff_max,
                                        uniform01(s_.random), attempt.failure.retry_after);
          retry_at = s_.now() + delay.count();
        }
        break;
    }
  }
  if (attempt.result == RefreshAttempt::Result::kFailed) {
    std::cerr << "gateway: refresher: credential " << candidate.credential_id << " ("
              << candidate.provider << "): "
              << (attempt.failure.kind == RefreshFailureKind::kPermanent ? "permanent"
                                                                         : "transient")
              << " failure: " << attempt.failure.detail
              << (retry_at
                      ? ", retry at " + formatRfc3339(TimePoint(std::chrono::seconds(retry_at)))
                      : std::string())
              << std::endl;
  }
  (void)s_.store.releaseRefreshLease(candidate.credential_id, owner_, failures, retry_at);
}

}  // namespace linkgate::gateway
