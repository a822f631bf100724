// PgPool: connect outside the lock, hand out leases, discard what broke.
#include "gateway/pg_pool.h"

#include <algorithm>

namespace linkgate::gateway {

Result<SqlLease> PgPool::acquire() {
  auto c = acquireConnection();
  if (!c) return std::unexpected(c.error());
  return std::move(c->first);
}

Result<std::pair<SqlLease, PgConnection*>> PgPool::acquireConnection() {
  std::unique_lock lock(mu_);
  // Idle sessions the server has closed meanwhile (e.g. it restarted) are dropped here, so the
  // request that follows a restart reconnects instead of failing.
  std::erase_if(idle_, [](const std::unique_ptr<PgConnection>& c) { return !c->stillOpen(); });
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  const bool free = cv_.wait_until(lock, deadline, [&] {
    return !idle_.empty() || idle_.size() + leased_.size() + opening_ < options_.size;
  });
  if (!free) return fail("store_unavailable", "postgresql: every pooled connection is busy");
  if (idle_.empty()) {
    ++opening_;
    lock.unlock();
    auto opened = PgConnection::connect(uri_, options_.query_timeout);
    lock.lock();
    --opening_;
    if (!opened) {
      cv_.notify_one();
      return std::unexpected(opened.error());
    }
    idle_.push_back(std::move(*opened));
  }
  std::unique_ptr<PgConnection> c = std::move(idle_.back());
  idle_.pop_back();
  PgConnection* raw = c.get();
  leased_.push_back(std::move(c));
  return std::pair<SqlLease, PgConnection*>(SqlLease(raw, [this, raw] { release(raw); }), raw);
}

void PgPool::release(PgConnection* c) {
  std::vector<std::unique_ptr<PgConnection>> closing;  // closed outside the lock
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(leased_.begin(), leased_.end(),
                           [c](const auto& p) { return p.get() == c; });
    if (it == leased_.end()) return;
    std::unique_ptr<PgConnection> owned = std::move(*it);
    leased_.erase(it);
    if (owned->broken()) {
      closing.push_back(std::move(owned));
      for (auto& idle : idle_) closing.push_back(std::move(idle));
      idle_.clear();
    } else {
      idle_.push_back(std::move(owned));
    }
  }
  cv_.notify_all();
}

}  // namespace linkgate::gateway
