// PgTestCluster: fork/exec of initdb and postgres as an unprivileged user, readiness read from
// the server's own log line, cleanup on destruction and of leftovers of crashed runs.
#include "gateway/pg_test_cluster.h"

#include <arpa/inet.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

namespace linkgate::gateway::testing {
namespace fs = std::filesystem;
namespace {

constexpr const char* kReady = "database system is ready to accept connections";

std::string findBinDir() {
  if (const char* dir = std::getenv("LINKGATE_PG_BIN")) return dir;
  std::string best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "initdb") && e.path().string() > best) {
      best = e.path().string();
    }
  }
  return best.empty() ? std::string() : best + "/bin";
}

}  // namespace

int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

namespace {

// Child: output to out_fd, as uid (when that is not us), dies with the thread that started it.
pid_t spawn(uid_t uid, gid_t gid, const std::vector<std::string>& argv, int out_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  ::close_range(3, ~0U, 0);
  if (::getuid() != uid && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 ||
                            ::setuid(uid) != 0)) {
    ::_exit(126);
  }
  // After setuid (a credential change clears it): the server goes when the test process goes.
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  if (::getppid() != parent) ::_exit(1);
  ::execv(args[0], args.data());
  ::_exit(127);
}

void removeLeftovers() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    if (!e.path().filename().string().starts_with("linkgate-pg-")) continue;
    std::ifstream in(e.path() / "owner.pid");
    pid_t owner = 0;
    if (!(in >> owner) || owner <= 0) continue;
    if (::kill(owner, 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

}  // namespace

Status runAs(uid_t uid, gid_t gid, const std::vector<std::string>& argv, std::string* output,
             bool echo) {
  int fds[2];
  if (::pipe(fds) != 0) return fail("pg_cluster", "pipe failed");
  const pid_t pid = spawn(uid, gid, argv, fds[1]);
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return fail("pg_cluster", "fork failed");
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) {
    output->append(buf, static_cast<size_t>(n));
    if (echo) (void)!::write(STDERR_FILENO, buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail("pg_cluster", argv[0] + " failed: " + *output);
  }
  return {};
}

Result<std::unique_ptr<PgTestCluster>> PgTestCluster::start() {
  removeLeftovers();
  std::unique_ptr<PgTestCluster> c(new PgTestCluster());
  c->bin_ = findBinDir();
  if (c->bin_.empty()) {
    return fail("pg_cluster", "no PostgreSQL under /usr/lib/postgresql (apt-get install "
                              "postgresql; or set LINKGATE_PG_BIN)");
  }
  c->uid_ = ::getuid();
  c->gid_ = ::getgid();
  if (::geteuid() == 0) {  // initdb and postgres refuse to run as root
    const passwd* pw = ::getpwnam("linkgate-test");
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr) return fail("pg_cluster", "running as root and no user to drop to");
    c->uid_ = pw->pw_uid;
    c->gid_ = pw->pw_gid;
  }
  std::string tmpl = (fs::temp_directory_path() / "linkgate-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return fail("pg_cluster", "mkdtemp failed");
  c->dir_ = tmpl;
  std::ofstream(c->dir_ / "owner.pid") << ::getpid() << "\n";
  if (::chown(c->dir_.c_str(), c->uid_, c->gid_) != 0) {
    return fail("pg_cluster", "cannot chown " + c->dir_.string());
  }
  if (auto ok = c->initdb(); !ok) return std::unexpected(ok.error());
  if (auto ok = c->launch(); !ok) return std::unexpected(ok.error());
  return c;
}

PgTestCluster* PgTestCluster::shared(std::string* why) {
  static std::string error;
  static std::unique_ptr<PgTestCluster> cluster = [] {
    auto c = start();
    if (!c) error = c.error().message;
    return c ? std::move(*c) : nullptr;
  }();
  if (why != nullptr) *why = error;
  return cluster.get();
}

PgTestCluster::~PgTestCluster() {
  (void)stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Status PgTestCluster::initdb() {
  std::string out;
  return runAs(uid_, gid_,
               {binary("initdb"), "-D", dataDir().string(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync"},
               &out);
}

Status PgTestCluster::launch() {
  const bool keep_port = port_ != 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!keep_port) port_ = freeLoopbackPort();
    int fds[2];
    if (::pipe(fds) != 0) return fail("pg_cluster", "pipe failed");
    {
      std::lock_guard g(mu_);
      ready_ = exited_ = false;
    }
    pid_ = spawn(uid_, gid_,
                 {binary("postgres"), "-D", dataDir().string(), "-p", std::to_string(port_),
                  "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                  "-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c",
                  "max_connections=200", "-c", "logging_collector=off"},
                 fds[1]);
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        std::lock_guard g(mu_);
        log_.append(buf, static_cast<size_t>(n));
        if (log_.find(kReady, log_.size() > 8192 ? log_.size() - 8192 : 0) !=
            std::string::npos) {
          ready_ = true;
        }
        cv_.notify_all();
      }
      ::close(fd);
      std::lock_guard g(mu_);
      exited_ = true;
      cv_.notify_all();
    });
    std::unique_lock g(mu_);
    const size_t mark = log_.size();
    cv_.wait_for(g, std::chrono::seconds(60), [&] {
      return (ready_ && log_.find(kReady, mark) != std::string::npos) || exited_;
    });
    const bool ok = ready_ && !exited_;
    const bool port_taken = log_.find("already in use", mark) != std::string::npos;
    g.unlock();
    if (ok) return {};
    (void)stop();
    if (!port_taken || keep_port) break;
  }
  return fail("pg_cluster", "postgres did not start: " + log());
}

Status PgTestCluster::stop() {
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGINT);  // fast shutdown: sessions are closed, data is checkpointed
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return {};
}

Status PgTestCluster::restartServer() {
  if (auto ok = stop(); !ok) return ok;
  return launch();
}

std::string PgTestCluster::uri(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PgTestCluster::createDatabase() {
  const std::string name = "t" + std::to_string(++databases_);
  PGconn* conn = PQconnectdb(uri("postgres").c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  if (!error.empty()) return fail("pg_cluster", "CREATE DATABASE " + name + ": " + error);
  return uri(name);
}

std::string PgTestCluster::log() {
  std::lock_guard g(mu_);
  return log_;
}

}  // namespace linkgate::gateway::testing
