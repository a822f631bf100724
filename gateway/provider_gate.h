// The per-provider bulkhead (issue 15 item 1): at most `per_provider` jobs of one provider run
// at once on the shared workers; the rest wait in that provider's own queue, so a slow
// provider fills only its own slots and the others keep flowing. A job still waiting at its
// deadline (shorter than the browser's timeout) is refused instead of run — it never starts
// late, so a provider code whose browser has been answered is never redeemed afterwards.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace linkgate::gateway {

struct GateOptions {
  size_t per_provider = 8;                        // --provider-concurrency
  std::chrono::milliseconds queue_timeout{20000};  // --provider-queue-timeout
};

class ProviderGate {
 public:
  using Job = std::function<void()>;
  enum class Refusal { kQueueTimeout, kShutdown };
  using Refuse = std::function<void(Refusal)>;
  // Hands a job to a worker thread; false when the workers are stopping.
  using Executor = std::function<bool(Job)>;

  ProviderGate(const Clock& clock, GateOptions options, Executor executor);
  ~ProviderGate();  // stop()
  ProviderGate(const ProviderGate&) = delete;
  ProviderGate& operator=(const ProviderGate&) = delete;

  // Runs `work` on the executor holding one of `provider`'s slots as soon as one is free, if
  // that is before `deadline`; otherwise calls `refuse` instead. Exactly one of the two is
  // called, never under the gate's lock. Thread-safe.
  void submit(const std::string& provider, TimePoint deadline, Job work, Refuse refuse);
  // Starts the thread that refuses waiting jobs at their deadline (without it, only
  // expireDue() and slot releases do).
  void start();
  // Refuses every waiting job (kShutdown) and joins the timer thread. Idempotent.
  void stop();
  // Refuses the waiting jobs whose deadline has passed; returns how many. Thread-safe.
  size_t expireDue();

  struct Load {
    size_t in_flight = 0;
    size_t queued = 0;
    uint64_t refused = 0;  // queue deadline passed, since start
  };
  Load load(const std::string& provider) const;
  std::map<std::string, Load> loads() const;
  const GateOptions& options() const { return options_; }

 private:
  struct Waiting {
    TimePoint deadline;
    Job work;
    Refuse refuse;
  };
  struct Lane {
    size_t in_flight = 0;
    std::deque<Waiting> queue;
    uint64_t refused = 0;
  };
  // Starts `work` in a slot already counted in its lane's in_flight.
  void dispatch(const std::string& provider, Job work, Refuse refuse);
  void release(const std::string& provider);
  void timerLoop();

  const Clock& clock_;
  GateOptions options_;
  Executor executor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Lane> lanes_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace linkgate::gateway
