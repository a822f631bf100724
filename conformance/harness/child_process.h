// A child process the harness starts (simulator, gateway, broken proxy): its output goes to a
// log file kept for failure reports, and its "listening on URL" line is read back.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace linkgate::conformance {

struct ChildSpec {
  std::string program;                    // path of the executable
  std::vector<std::string> args;          // without argv[0]
  std::vector<std::string> extra_env;     // "NAME=value", overriding the inherited environment
  std::string log_path;                   // stdout and stderr end up here
  bool stdin_pipe = false;                // keep a pipe to the child's stdin (writeStdin)
};

class ChildProcess {
 public:
  // Spawns the program. Fails "spawn_failed" when it cannot be started.
  static Result<std::unique_ptr<ChildProcess>> start(const ChildSpec& spec);
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits for a stdout line starting with `prefix` and returns the rest of it. Fails "exited"
  // when the child ends first, "timeout" when the line does not come in time.
  Result<std::string> waitForLine(const std::string& prefix, std::chrono::milliseconds timeout);
  Status writeStdin(const std::string& text);
  // SIGTERM, then SIGKILL after 5 s. Idempotent.
  void stop();
  bool running();
  // Waits for the child to end; its exit code (128 + signal number when a signal ended it).
  // Fails "timeout" when it is still running after `timeout`.
  Result<int> waitExit(std::chrono::milliseconds timeout);
  void sendSignal(int signal_number);
  // The last `max_bytes` of the log.
  std::string logTail(size_t max_bytes) const;
  const std::string& logPath() const { return spec_.log_path; }
  const std::string& name() const { return name_; }

 private:
  explicit ChildProcess(ChildSpec spec);
  void readStdout(int fd);

  ChildSpec spec_;
  std::string name_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool stdout_closed_ = false;
};

}  // namespace linkgate::conformance
