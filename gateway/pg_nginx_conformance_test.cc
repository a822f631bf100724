// The whole conformance suite through a load balancer: nginx (Debian) round-robin in front of
// three real gateway instances on one real PostgreSQL database, the real simulator behind
// them. nginx runs on a free port with a config generated into a temp dir; the suite is the
// real build/bin/conformance against that running stack, and must pass.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "gateway/pg_stack.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {
namespace {

// nginx in the foreground of a child; started when it says it started its worker.
class Nginx {
 public:
  static Result<std::unique_ptr<Nginx>> start(const std::filesystem::path& dir, int port,
                                              const std::vector<std::string>& upstreams) {
    std::ofstream conf(dir / "nginx.conf");
    conf << "daemon off;\nworker_processes 1;\npid " << (dir / "nginx.pid").string() << ";\n"
         << "error_log stderr notice;\nevents { worker_connections 512; }\nhttp {\n"
         << "  access_log off;\n"
         // A 4096-byte state, percent-encoded, makes a request line of up to ~13 KB.
         << "  large_client_header_buffers 4 32k;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << "  " << t << "_temp_path " << (dir / t).string() << ";\n";
    }
    conf << "  upstream gateways {\n";  // round-robin, nginx's default
    for (const auto& u : upstreams) {
      conf << "    server " << u.substr(u.find("://") + 3) << " max_fails=0;\n";
    }
    conf << "  }\n  server {\n    listen 127.0.0.1:" << port << ";\n    location / {\n"
         << "      proxy_pass http://gateways;\n      proxy_http_version 1.1;\n"
         << "      proxy_set_header Connection \"\";\n"
         << "      proxy_set_header Host $http_host;\n"
         << "      proxy_set_header X-Forwarded-For $remote_addr;\n"
         << "      proxy_next_upstream off;\n      proxy_read_timeout 30s;\n"
         // /start answers carry the flow cookie and a Location of several KB (5 KB state).
         << "      proxy_buffer_size 64k;\n      proxy_buffers 8 64k;\n"
         << "      proxy_busy_buffers_size 128k;\n    }\n  }\n}\n";
    conf.close();
    int fds[2];
    if (::pipe(fds) != 0) return fail("nginx", "pipe failed");
    const std::string binary = "/usr/sbin/nginx", config = (dir / "nginx.conf").string(),
                      prefix = dir.string() + "/";
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::dup2(fds[1], STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl(binary.c_str(), binary.c_str(), "-p", prefix.c_str(), "-c", config.c_str(),
              nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    std::unique_ptr<Nginx> n(new Nginx(pid, fds[0]));
    // The listening socket is open before the master starts its worker.
    std::string log;
    char c;
    while (log.find("start worker process") == std::string::npos && ::read(fds[0], &c, 1) == 1) {
      log += c;
    }
    if (log.find("start worker process") == std::string::npos) {
      return fail("nginx", "did not start: " + log);
    }
    // Keep reading its log: a full pipe would block nginx (and every request with it).
    n->drain_ = std::thread([fd = fds[0]] {
      char buf[4096];
      while (::read(fd, buf, sizeof buf) > 0) {
      }
    });
    return n;
  }
  ~Nginx() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    if (drain_.joinable()) drain_.join();  // EOF once nginx and its worker are gone
    ::close(log_);
  }

 private:
  Nginx(pid_t pid, int log) : pid_(pid), log_(log) {}
  pid_t pid_;
  int log_;
  std::thread drain_;
};

TEST(LoadBalanced, ConformanceSuitePassesThroughNginxOverThreeInstances) {
  ASSERT_EQ(::access("/usr/sbin/nginx", X_OK), 0) << "apt-get install nginx (ci/install-deps)";
  TempDir dir;
  const int port = freeLoopbackPort();
  const std::string lb = "http://127.0.0.1:" + std::to_string(port);
  PgStackOptions options;
  options.gateways = 3;
  options.public_url = lb;
  options.auto_approve = false;  // the deny checks need the consent page
  options.gateway_args = {"--code-ttl", "4"};
  auto stack = PgStack::start(options);
  ASSERT_TRUE(stack) << stack.error().message;
  std::vector<std::string> upstreams;
  for (const auto& g : (*stack)->gateways) upstreams.push_back(g->url());
  auto nginx = Nginx::start(dir.path(), port, upstreams);
  ASSERT_TRUE(nginx) << nginx.error().message;
  ASSERT_EQ((*stack)->call("GET", lb + "/readyz").status, 200);

  std::string output;
  std::string instances;  // each instance directly, for the C-11 checks
  for (const std::string& u : upstreams) instances += (instances.empty() ? "" : ",") + u;
  auto ran = runAs(::getuid(), ::getgid(),
                   {PgStack::binary("conformance"), "--gateway", lb, "--simulator",
                    (*stack)->simulator->url(), "--api-key", PgStack::kApiKey, "--code-ttl", "4",
                    "--instances", instances, "--seed", "42", "--report",
                    (dir.path() / "report.json").string()},
                   &output, /*echo=*/true);
  EXPECT_TRUE(ran) << output.substr(output.size() > 20000 ? output.size() - 20000 : 0);
  EXPECT_NE(output.find("PASSED"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::gateway::testing
