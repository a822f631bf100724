// Launching and tearing down the simulator + gateway stack on free loopback ports.
#include "conformance/harness/stack.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/random.h"
#include "core/url.h"

namespace linkgate::conformance {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);

// "http://0.0.0.0:PORT" or "http://[::]:PORT" are bind addresses, not where to connect.
Result<std::string> connectableUrl(const std::string& printed) {
  auto url = Url::parseAbsolute(printed);
  if (!url || !url->port) return fail("bad_listen_line", "cannot read a URL from '" + printed + "'");
  std::string host = url->host;
  if (host == "0.0.0.0" || host == "[::]" || host == "*") host = "127.0.0.1";
  return url->scheme + "://" + host + ":" + *url->port;
}

Status waitHealthy(HttpClient& http, const std::string& url, ChildProcess& child) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string last = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child.running()) return fail("exited", child.name() + " exited while starting");
    HttpRequest req;
    req.url = url;
    req.total_timeout = std::chrono::milliseconds(2000);
    auto resp = http.send(req);
    if (resp && resp->status == 200) return {};
    last = resp ? "HTTP " + std::to_string(resp->status) : resp.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a readiness probe
  }
  return fail("timeout", url + " not healthy within 20 s (" + last + ")");
}

std::vector<std::string> splitWords(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Stack>> Stack::launch(const Options& options, HttpClient& http) {
  std::unique_ptr<Stack> stack(new Stack());
  stack->keep_files_ = options.keep_files;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template = std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") +
                             "/linkgate-conformance-XXXXXX";
  if (::mkdtemp(dir_template.data()) == nullptr) {
    return fail("tempdir", "cannot create " + dir_template);
  }
  stack->temp_dir_ = dir_template;
  const std::string& dir = stack->temp_dir_;
  // The log tail goes into the message; the temp dir is removed all the same (--keep-files keeps it).
  auto failWithLog = [&](ChildProcess& child, const Error& e) {
    return fail(e.id, e.message + "\n--- " + child.name() + " log (" + child.logPath() + ")\n" +
                          child.logTail(4000));
  };
  // Starts a server that prints "listening on URL" and waits until `health` answers; its URL,
  // or why not (with the tail of its log).
  auto startServer = [&](const ChildSpec& spec, const std::string& health) -> Result<std::string> {
    auto child = ChildProcess::start(spec);
    if (!child) return std::unexpected(child.error());
    ChildProcess& ref = **child;
    stack->children_.push_back(std::move(*child));
    auto line = ref.waitForLine("listening on ", kStartTimeout);
    if (!line) return failWithLog(ref, line.error());
    auto url = connectableUrl(*line);
    if (!url) return failWithLog(ref, url.error());
    if (auto ok = waitHealthy(http, *url + health, ref); !ok) {
      return failWithLog(ref, ok.error());
    }
    return *url;
  };

  // A proxy command (a broken/ proxy): started, its "listening on URL" read; it is told its
  // upstream later (`connect`).
  struct Proxy {
    ChildProcess* child;
    std::string url;
  };
  auto startProxy = [&](const std::string& command, const std::string& flag,
                        const std::string& log) -> Result<Proxy> {
    std::vector<std::string> words = splitWords(command);
    if (words.empty()) return fail("bad_flag", flag + " is empty");
    ChildSpec spec{words[0], {words.begin() + 1, words.end()}, {}, dir + "/" + log, true};
    auto child = ChildProcess::start(spec);
    if (!child) return std::unexpected(child.error());
    ChildProcess* proxy = child->get();
    stack->children_.push_back(std::move(*child));
    auto line = proxy->waitForLine("listening on ", kStartTimeout);
    if (!line) return failWithLog(*proxy, line.error());
    auto url = connectableUrl(*line);
    if (!url) return failWithLog(*proxy, url.error());
    return Proxy{proxy, *url};
  };
  // Gives a started proxy its upstream and waits until the gateway answers through it.
  auto connect = [&](const Proxy& proxy, const std::string& upstream) -> Status {
    if (auto ok = proxy.child->writeStdin(upstream + "\n"); !ok) {
      return failWithLog(*proxy.child, ok.error());
    }
    if (auto ok = waitHealthy(http, proxy.url + "/healthz", *proxy.child); !ok) {
      return failWithLog(*proxy.child, ok.error());
    }
    return {};
  };

  // 1. Simulator: its URL is needed by the gateway. Clients are registered by the suite.
  ChildSpec sim{options.bin_dir + "/simulator",
                {"--port", "0", "--profiles", options.profiles_dir, "--strict-docs"},
                {},
                dir + "/simulator.log"};
  auto sim_url = startServer(sim, "/_sim/health");
  if (!sim_url) return std::unexpected(sim_url.error());

  // 2. Optional proxy in front of the gateway: it owns the public URL.
  std::optional<Proxy> proxy;
  if (options.proxy_command) {
    auto started = startProxy(*options.proxy_command, "--proxy", "proxy.log");
    if (!started) return std::unexpected(started.error());
    proxy = *started;
  }

  // 3. Gateway with a fresh database, a generated master key and API key, short lifetimes.
  SystemRandom random;
  const std::string api_key = "conformance-" + randomToken(random, 192);
  const std::vector<std::string> gw_env = {"LINKGATE_MASTER_KEY=" + base64Encode(random.bytes(32)),
                                           "LINKGATE_API_KEY=" + api_key};
  ChildSpec gw{options.bin_dir + "/gateway",
               {"--port", "0", "--db", dir + "/gateway.db", "--provider-base-url", *sim_url,
                "--code-ttl", std::to_string(kLaunchedCodeTtl), "--flow-ttl", "60",
                // C-10 checks: the outbox is polled often and a failed delivery retried soon.
                "--webhook-poll-ms", "100", "--webhook-retry-base-ms", "200"},
               gw_env,
               dir + "/gateway.log"};
  if (proxy) {
    gw.args.push_back("--public-url");
    gw.args.push_back(proxy->url);
  }
  auto gw_url = startServer(gw, "/healthz");
  if (!gw_url) return std::unexpected(gw_url.error());
  if (proxy) {
    if (auto ok = connect(*proxy, *gw_url); !ok) return std::unexpected(ok.error());
  }

  stack->endpoints_ = {proxy ? proxy->url : *gw_url, *sim_url, api_key, kLaunchedCodeTtl, true,
                       std::nullopt, 0, {}};

  // 4. Without a proxy (which would be bypassed): a second instance on the same database and
  // public URL whose flows expire after kShortFlowTtl seconds; with --proxy-second-instance the
  // suite reaches it only through that command (a broken instance among correct ones).
  if (!proxy) {
    ChildSpec short_gw = gw;
    short_gw.args = {"--port", "0", "--db", dir + "/gateway.db", "--provider-base-url", *sim_url,
                     "--code-ttl", std::to_string(kLaunchedCodeTtl), "--flow-ttl",
                     std::to_string(kShortFlowTtl), "--public-url", *gw_url,
                     "--webhook-poll-ms", "100", "--webhook-retry-base-ms", "200"};
    short_gw.log_path = dir + "/gateway-short-flow.log";
    auto url = startServer(short_gw, "/healthz");
    if (!url) return std::unexpected(url.error());
    std::string second = *url;
    if (options.second_instance_proxy_command) {
      auto front = startProxy(*options.second_instance_proxy_command, "--proxy-second-instance",
                              "proxy-second-instance.log");
      if (!front) return std::unexpected(front.error());
      if (auto ok = connect(*front, *url); !ok) return std::unexpected(ok.error());
      second = front->url;
    }
    stack->endpoints_.short_flow_gateway_url = second;
    stack->endpoints_.short_flow_ttl_seconds = kShortFlowTtl;
    stack->endpoints_.instances.push_back(second);
  }
  return stack;
}

std::unique_ptr<Stack> Stack::attach(const Options& options) {
  std::unique_ptr<Stack> stack(new Stack());
  stack->endpoints_ = {*options.gateway_url, *options.simulator_url, *options.api_key,
                       options.code_ttl_seconds, false, std::nullopt, 0,
                       options.instances};
  return stack;
}

Stack::~Stack() { shutDown(); }

void Stack::shutDown() {
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) (*it)->stop();
  if (!temp_dir_.empty() && !keep_files_) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

std::string Stack::logs(size_t max_bytes_each) const {
  std::string out;
  for (const auto& child : children_) {
    out += "--- " + child->name() + " log (" + child->logPath() + ")\n";
    out += child->logTail(max_bytes_each);
    if (!out.ends_with("\n")) out += "\n";
  }
  return out;
}

}  // namespace linkgate::conformance
