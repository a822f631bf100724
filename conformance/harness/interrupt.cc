// The signal watcher thread.
#include "conformance/harness/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>

namespace linkgate::conformance {
namespace {

sigset_t watchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // the destructor's "stop watching"
  return set;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  sigset_t set = watchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] {
    sigset_t watched = watchedSignals();
    int signal_number = 0;
    while (sigwait(&watched, &signal_number) == 0) {
      if (signal_number == SIGUSR1) return;
      std::cout << "\nconformance: interrupted (signal " << signal_number
                << "), cleaning up" << std::endl;
      std::function<void()> cleanup;
      {
        std::lock_guard lock(mu_);
        cleanup = cleanup_;
      }
      if (cleanup) cleanup();
      std::cout << std::flush;
      ::_exit(kExitCode);
    }
  });
}

InterruptGuard::~InterruptGuard() {
  pthread_kill(watcher_.native_handle(), SIGUSR1);
  watcher_.join();
}

void InterruptGuard::onInterrupt(std::function<void()> cleanup) {
  std::lock_guard lock(mu_);
  cleanup_ = std::move(cleanup);
}

}  // namespace linkgate::conformance
