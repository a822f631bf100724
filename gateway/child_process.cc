// ChildProcess: fork/exec with a stdout pipe.
#include "gateway/child_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>

extern char** environ;

namespace linkgate::gateway::testing {

Result<std::unique_ptr<ChildProcess>> ChildProcess::start(const std::vector<std::string>& argv,
                                                          const std::vector<std::string>& env) {
  if (argv.empty() || ::access(argv[0].c_str(), X_OK) != 0) {
    return fail("child_failed", "not an executable: " + (argv.empty() ? "" : argv[0]));
  }
  int fds[2];
  if (::pipe(fds) != 0) return fail("child_failed", "pipe failed");
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  const pid_t pid = ::fork();
  if (pid < 0) return fail("child_failed", "fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // no orphan when the test process dies
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  constexpr std::string_view kPrefix = "listening on ";
  if (!line.starts_with(kPrefix)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(fds[0]);
    return fail("child_failed", argv[0] + " did not start: \"" + line + "\"");
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, fds[0], line.substr(kPrefix.size())));
}

ChildProcess::~ChildProcess() {
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  ::close(out_);
}

}  // namespace linkgate::gateway::testing
