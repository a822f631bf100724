// SIGINT / SIGTERM during a run: the suite still removes what it created on the gateway, stops
// the processes it started and deletes its temp directory, then exits 130. The signals are
// blocked in every thread (create the guard before any other thread) and taken by one watcher
// thread with sigwait, so the clean-up runs as ordinary code, not in a signal handler.
#pragma once
#include <functional>
#include <mutex>
#include <thread>

namespace linkgate::conformance {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();  // stops the watcher; the clean-up does not run
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // What to do on a signal before exiting 130; replaces the previous one. Thread-safe.
  void onInterrupt(std::function<void()> cleanup);

  static constexpr int kExitCode = 130;

 private:
  std::mutex mu_;
  std::function<void()> cleanup_;
  std::thread watcher_;
};

}  // namespace linkgate::conformance
