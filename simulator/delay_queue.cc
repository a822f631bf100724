// DelayQueue: a deadline-ordered multimap served by one thread.
#include "simulator/delay_queue.h"

#include <utility>

namespace linkgate::sim {

DelayQueue::DelayQueue() : thread_([this] { run(); }) {}

DelayQueue::~DelayQueue() { stop(); }

void DelayQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DelayQueue::schedule(std::chrono::milliseconds delay, std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      jobs_.emplace(std::chrono::steady_clock::now() + delay, std::move(job));
      cv_.notify_all();
      return;
    }
  }
  job();
}

void DelayQueue::run() {
  std::unique_lock lock(mu_);
  while (true) {
    if (jobs_.empty()) {
      if (stopping_) return;
      cv_.wait(lock);
      continue;
    }
    auto first = jobs_.begin();
    if (!stopping_ && std::chrono::steady_clock::now() < first->first) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    auto job = std::move(first->second);
    jobs_.erase(first);
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace linkgate::sim
