// Test helper: a throw-away PostgreSQL cluster. initdb in a fresh temp dir as an unprivileged
// user (root drops to "linkgate-test", else "nobody"), the server on 127.0.0.1 at a free port
// with its unix socket in the temp dir; stopped and removed when destroyed. The server dies
// with the test process even when that crashes (PR_SET_PDEATHSIG), and temp dirs of dead test
// processes are removed on the next start.
#pragma once
#include <sys/types.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace linkgate::gateway::testing {

class PgTestCluster {
 public:
  // initdb + start. Fails "pg_cluster" with the reason and the server's log.
  static Result<std::unique_ptr<PgTestCluster>> start();
  // One cluster for the whole test executable, started on first use (nullptr + reason when
  // it cannot start).
  static PgTestCluster* shared(std::string* why = nullptr);
  ~PgTestCluster();

  // A new, empty database; returns its URI (postgresql://postgres@127.0.0.1:PORT/NAME).
  Result<std::string> createDatabase();
  std::string uri(const std::string& database) const;
  // Fast shutdown (every session is closed) and a start on the same directory and port.
  Status stop();
  Status restartServer();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path dataDir() const { return dir_ / "data"; }
  std::string binary(const std::string& name) const { return bin_ + "/" + name; }
  std::string log();

 private:
  PgTestCluster() = default;
  Status initdb();
  Status launch();  // postgres in the foreground of a child, ready when its log says so

  std::string bin_;
  std::filesystem::path dir_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int port_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string log_;      // guarded by mu_
  bool ready_ = false;   // guarded by mu_
  bool exited_ = false;  // guarded by mu_
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read it back, close).
int freeLoopbackPort();

// Runs argv as uid/gid (switching only when they are not ours) and waits for it; its output
// (stdout and stderr) is appended to *output. Fails unless it exits 0.
Status runAs(uid_t uid, gid_t gid, const std::vector<std::string>& argv, std::string* output,
             bool echo = false);  // echo: also copy the output to our stderr as it comes

}  // namespace linkgate::gateway::testing
