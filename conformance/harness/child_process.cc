// fork/exec child processes with a stdout reader thread that copies to the log file.
#include "conformance/harness/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace linkgate::conformance {

ChildProcess::ChildProcess(ChildSpec spec) : spec_(std::move(spec)) {
  const size_t slash = spec_.program.rfind('/');
  name_ = slash == std::string::npos ? spec_.program : spec_.program.substr(slash + 1);
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(const ChildSpec& spec) {
  if (::access(spec.program.c_str(), X_OK) != 0) {
    return fail("spawn_failed", spec.program + " is not an executable file (is it built?)");
  }
  std::unique_ptr<ChildProcess> child(new ChildProcess(spec));
  const int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return fail("spawn_failed", "cannot open log " + spec.log_path);
  int out_pipe[2];
  int in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || (spec.stdin_pipe && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
    ::close(log_fd);
    return fail("spawn_failed", "pipe failed");
  }

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& extra : spec.extra_env) overridden |= extra.starts_with(name + "=");
    if (!overridden) env.push_back(entry);
  }
  for (const auto& extra : spec.extra_env) env.push_back(extra);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = {spec.program};
  for (const auto& a : spec.args) argv_storage.push_back(a);
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  // fork + exec rather than posix_spawn: the child asks for SIGTERM when the suite dies
  // (PR_SET_PDEATHSIG), so a crashed suite leaves no gateway or simulator behind. Between fork
  // and exec only async-signal-safe calls.
  const int null_fd = spec.stdin_pipe ? -1 : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    sigset_t none;  // the suite blocks SIGINT/SIGTERM for its watcher thread; exec keeps masks
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the suite died before prctl
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::dup2(spec.stdin_pipe ? in_pipe[0] : null_fd, STDIN_FILENO);
    ::execve(spec.program.c_str(), argv.data(), envp.data());
    static const char kMessage[] = "exec failed\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    ::_exit(127);
  }
  const int rc = pid < 0 ? errno : 0;
  if (null_fd >= 0) ::close(null_fd);
  ::close(out_pipe[1]);
  ::close(log_fd);
  if (spec.stdin_pipe) ::close(in_pipe[0]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    if (spec.stdin_pipe) ::close(in_pipe[1]);
    return fail("spawn_failed", "cannot fork for " + spec.program + ": " + std::strerror(rc));
  }
  child->pid_ = pid;
  child->stdin_fd_ = spec.stdin_pipe ? in_pipe[1] : -1;
  child->reader_ = std::thread([c = child.get(), fd = out_pipe[0]] { c->readStdout(fd); });
  return child;
}

void ChildProcess::readStdout(int fd) {
  std::ofstream log(spec_.log_path, std::ios::app);
  std::string pending;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    log.write(buffer, n);
    log.flush();
    pending.append(buffer, static_cast<size_t>(n));
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::lock_guard lock(mu_);
      lines_.push_back(pending.substr(0, newline));
      pending.erase(0, newline + 1);
      cv_.notify_all();
    }
  }
  ::close(fd);
  std::lock_guard lock(mu_);
  if (!pending.empty()) lines_.push_back(pending);
  stdout_closed_ = true;
  cv_.notify_all();
}

Result<std::string> ChildProcess::waitForLine(const std::string& prefix,
                                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  std::string found;
  const bool ok = cv_.wait_for(lock, timeout, [&] {
    for (const auto& line : lines_) {
      std::string l = line;
      if (!l.empty() && l.back() == '\r') l.pop_back();
      if (l.starts_with(prefix)) {
        found = l.substr(prefix.size());
        return true;
      }
    }
    return stdout_closed_;
  });
  if (!found.empty()) return found;
  if (ok) return fail("exited", name_ + " exited before printing '" + prefix + "...'");
  return fail("timeout", name_ + " did not print '" + prefix + "...' within " +
                             std::to_string(timeout.count()) + " ms");
}

Status ChildProcess::writeStdin(const std::string& text) {
  if (stdin_fd_ < 0) return fail("no_stdin", name_ + " has no stdin pipe");
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(stdin_fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write_failed", "cannot write to " + name_);
    written += static_cast<size_t>(n);
  }
  return {};
}

bool ChildProcess::running() {
  if (reaped_ || pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

Result<int> ChildProcess::waitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail("timeout", name_ + " still running after " + std::to_string(timeout.count()) +
                                 " ms");
    }
    ::usleep(20'000);  // polling waitpid; the child's end is what is waited for
  }
  if (reader_.joinable()) reader_.join();
  return exit_code_;
}

void ChildProcess::sendSignal(int signal_number) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, signal_number);
}

void ChildProcess::stop() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 250 && running(); ++i) ::usleep(20'000);
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      reaped_ = true;
    }
  }
  if (stdin_fd_ >= 0) {
    ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (reader_.joinable()) reader_.join();
}

ChildProcess::~ChildProcess() { stop(); }

std::string ChildProcess::logTail(size_t max_bytes) const {
  std::ifstream in(spec_.log_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > max_bytes) text = "...\n" + text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace linkgate::conformance
