// Test helper: runs a binary with --port 0, reads its "listening on URL" first stdout line,
// and kills it (SIGTERM, then waits) when destroyed.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace linkgate::gateway::testing {

class ChildProcess {
 public:
  // Starts argv[0] with the extra environment entries ("NAME=value"). Blocks until the first
  // stdout line arrives (or the child exits / closes stdout: error "child_failed").
  static Result<std::unique_ptr<ChildProcess>> start(const std::vector<std::string>& argv,
                                                     const std::vector<std::string>& env = {});
  ~ChildProcess();
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int out, std::string url) : pid_(pid), out_(out), url_(std::move(url)) {}
  pid_t pid_;
  int out_;
  std::string url_;
};

}  // namespace linkgate::gateway::testing
