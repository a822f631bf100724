// ProviderGate: one lane (in-flight count + FIFO of waiting jobs) per provider.
#include "gateway/provider_gate.h"

namespace linkgate::gateway {

ProviderGate::ProviderGate(const Clock& clock, GateOptions options, Executor executor)
    : clock_(clock), options_(options), executor_(std::move(executor)) {
  if (options_.per_provider == 0) options_.per_provider = 1;
}

ProviderGate::~ProviderGate() { stop(); }

void ProviderGate::submit(const std::string& provider, TimePoint deadline, Job work,
                          Refuse refuse) {
  std::optional<Refusal> refused;
  {
    std::lock_guard lock(mu_);
    Lane& lane = lanes_[provider];
    if (stopping_) {
      refused = Refusal::kShutdown;
    } else if (lane.in_flight < options_.per_provider && lane.queue.empty()) {
      ++lane.in_flight;
    } else if (clock_.now() >= deadline) {
      ++lane.refused;
      refused = Refusal::kQueueTimeout;
    } else {
      lane.queue.push_back({deadline, std::move(work), std::move(refuse)});
      cv_.notify_all();  // the timer may have to wake earlier
      return;
    }
  }
  if (refused) {
    refuse(*refused);
  } else {
    dispatch(provider, std::move(work), std::move(refuse));
  }
}

void ProviderGate::dispatch(const std::string& provider, Job work, Refuse refuse) {
  auto job = [this, provider, work = std::move(work)]() {
    work();
    release(provider);
  };
  if (executor_(std::move(job))) return;
  release(provider);
  refuse(Refusal::kShutdown);
}

void ProviderGate::release(const std::string& provider) {
  std::vector<Refuse> late;
  std::optional<Waiting> next;
  {
    std::lock_guard lock(mu_);
    Lane& lane = lanes_[provider];
    if (lane.in_flight > 0) --lane.in_flight;
    const TimePoint now = clock_.now();
    while (!lane.queue.empty() && lane.in_flight < options_.per_provider) {
      Waiting w = std::move(lane.queue.front());
      lane.queue.pop_front();
      if (now >= w.deadline) {  // its browser has been (or is being) told: never start it
        ++lane.refused;
        late.push_back(std::move(w.refuse));
        continue;
      }
      ++lane.in_flight;
      next = std::move(w);
      break;
    }
  }
  for (auto& refuse : late) refuse(Refusal::kQueueTimeout);
  if (next) dispatch(provider, std::move(next->work), std::move(next->refuse));
}

size_t ProviderGate::expireDue() {
  std::vector<Refuse> late;
  {
    std::lock_guard lock(mu_);
    const TimePoint now = clock_.now();
    for (auto& [slug, lane] : lanes_) {
      for (auto it = lane.queue.begin(); it != lane.queue.end();) {
        if (now >= it->deadline) {
          ++lane.refused;
          late.push_back(std::move(it->refuse));
          it = lane.queue.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& refuse : late) refuse(Refusal::kQueueTimeout);
  return late.size();
}

void ProviderGate::start() {
  std::lock_guard lock(mu_);
  if (timer_.joinable() || stopping_) return;
  timer_ = std::thread([this] { timerLoop(); });
}

void ProviderGate::timerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::optional<TimePoint> earliest;
    for (const auto& [slug, lane] : lanes_) {
      for (const auto& w : lane.queue) {
        if (!earliest || w.deadline < *earliest) earliest = w.deadline;
      }
    }
    if (!earliest) {
      cv_.wait(lock);
      continue;
    }
    const auto wait = *earliest - clock_.now();
    if (wait > std::chrono::nanoseconds(0)) {
      cv_.wait_for(lock, wait);
      continue;
    }
    lock.unlock();
    expireDue();
    lock.lock();
  }
}

void ProviderGate::stop() {
  std::vector<Refuse> waiting;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [slug, lane] : lanes_) {
      for (auto& w : lane.queue) waiting.push_back(std::move(w.refuse));
      lane.queue.clear();
    }
    cv_.notify_all();
  }
  if (timer_.joinable() && timer_.get_id() != std::this_thread::get_id()) timer_.join();
  for (auto& refuse : waiting) refuse(Refusal::kShutdown);
}

ProviderGate::Load ProviderGate::load(const std::string& provider) const {
  std::lock_guard lock(mu_);
  auto it = lanes_.find(provider);
  if (it == lanes_.end()) return {};
  return {it->second.in_flight, it->second.queue.size(), it->second.refused};
}

std::map<std::string, ProviderGate::Load> ProviderGate::loads() const {
  std::lock_guard lock(mu_);
  std::map<std::string, Load> out;
  for (const auto& [slug, lane] : lanes_) {
    out[slug] = {lane.in_flight, lane.queue.size(), lane.refused};
  }
  return out;
}

}  // namespace linkgate::gateway
