// Fixed-size thread pool for blocking work, kept off Pistache's reactor threads.
#include "core/worker_pool.h"

#include <cstdio>
#include <exception>

namespace linkgate {

WorkerPool::WorkerPool(size_t threads) {
  if (threads == 0) threads = 1;  // a pool that never runs its jobs would hang its callers
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::run() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      // A job must not take a worker down with it (std::terminate); report and carry on.
      std::fprintf(stderr, "linkgate: worker job threw: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "linkgate: worker job threw a non-standard exception\n");
    }
  }
}

}  // namespace linkgate
