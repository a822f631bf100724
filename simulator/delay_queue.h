// Runs jobs after a delay on one timer thread, so a delayed answer (fault kind `delay`) never
// holds a reactor thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace linkgate::sim {

class DelayQueue {
 public:
  DelayQueue();
  ~DelayQueue();  // stop()

  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  // Runs job on the timer thread once `delay` of real (steady) time has passed; after stop(),
  // runs it at once on the caller's thread. Thread-safe.
  void schedule(std::chrono::milliseconds delay, std::function<void()> job);
  // Runs every pending job at once (answers late rather than never) and joins. Idempotent.
  void stop();

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace linkgate::sim
