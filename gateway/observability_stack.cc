// ObsStack: processes, flow steps and the metrics parser of observability_test.
#include "gateway/observability_stack.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/base64.h"
#include "core/params.h"
#include "core/percent.h"

extern char** environ;

namespace linkgate::gateway::testing {
namespace {

constexpr const char* kApiKey = "obs-api-key-5f1c9e0b7a2d4e31";
constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string cookieValue(const std::string& set_cookie) {
  const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  return pair.substr(pair.find('=') + 1);
}

}  // namespace

ObsStack::ObsStack() {
  auto sim = ChildProcess::start(
      {binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR), "--port", "0",
       "--auto-approve", "--profiles", sourceDir() + "/fixtures/providers"});
  if (!sim) {
    error = sim.error().message;
    return;
  }
  simulator_ = std::move(*sim);
  sim_ = simulator_->url();
  // The gateway: stdout through a pipe (first line, then drained), stderr into a file.
  const std::string binary = binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY);
  const std::vector<std::string> argv = {
      binary, "--port", "0", "--db", (dir_.path() / "gw.db").string(), "--provider-base-url",
      sim_, "--catalogue", sourceDir() + "/gateway/catalogue", "--log-format", "json"};
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  envs.push_back(std::string("LINKGATE_API_KEY=") + kApiKey);
  envs.push_back(std::string("LINKGATE_MASTER_KEY=") + kMasterKey);
  int fds[2];
  if (::pipe(fds) != 0) {
    error = "pipe failed";
    return;
  }
  const std::string err_path = (dir_.path() / "stderr.log").string();
  gateway_ = ::fork();
  if (gateway_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
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
  gateway_out_ = fds[0];
  std::string line;
  char c;
  while (::read(gateway_out_, &c, 1) == 1 && c != '\n') line += c;
  if (!line.starts_with("listening on ")) {
    error = "gateway did not start: " + line + " " + readFile(err_path);
    return;
  }
  stdout_rest_ = line + "\n";
  gw_ = line.substr(13);
  drain_ = std::thread([this] {
    char buf[4096];
    for (ssize_t n; (n = ::read(gateway_out_, buf, sizeof buf)) > 0;) stdout_rest_.append(buf, n);
  });
  secrets = {kApiKey, kMasterKey};
  auto uri = call("POST", gw_ + "/v1/redirect-uris",
                  dumpJson(Json{{"url", "http://127.0.0.1:4321/done/:provider"}}),
                  {{"Authorization", std::string("Bearer ") + kApiKey},
                   {"Content-Type", "application/json"}});
  if (uri.status != 201 && uri.status != 200) error = "redirect uri: " + uri.body;
}

ObsStack::~ObsStack() { (void)stopAndReadLog(); }

void ObsStack::remember(const std::string& secret) {
  if (secret.size() >= 8) secrets.push_back(secret);
}

HttpResponse ObsStack::call(const std::string& method, const std::string& url,
                            const std::string& body, HeaderList headers) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  auto r = http_.send(req);
  return r ? *r : HttpResponse{};
}

std::string ObsStack::createApp(const std::string& slug) {
  const std::string client_id = "obs-" + slug + "-client";
  remember(secretOf(slug));
  remember(base64Encode(client_id + ":" + secretOf(slug)));  // as an echoed Basic header
  auto client = call("POST", sim_ + "/_sim/clients",
                     dumpJson(Json{{"provider", slug},
                                   {"client_id", client_id},
                                   {"client_secret", secretOf(slug)},
                                   {"redirect_uris", {gw_ + "/link/oauth2/callback/" + slug}}}),
                     {{"Content-Type", "application/json"}});
  if (client.status != 201) return "";
  auto app = call("POST", gw_ + "/v1/oauth-apps",
                  dumpJson(Json{{"provider", slug}, {"client_id", client_id},
                                {"client_secret", secretOf(slug)}}),
                  {{"Authorization", std::string("Bearer ") + kApiKey},
                   {"Content-Type", "application/json"}});
  if (app.status != 201) return "";
  std::string id = Json::parse(app.body)["id"];
  if (app_for_start_auth_.empty()) app_for_start_auth_ = id;
  return id;
}

FlowOutcome ObsStack::runFlow(const std::string& slug, const std::string& app,
                              const std::string& request_id) {
  Params start;
  start.add("client_id", app);
  start.add("redirect_uri", "http://127.0.0.1:4321/done/" + slug);
  start.add("state", "integrator-state");
  if (const Dialect* d = realCatalogue().find(slug)) {
    for (const auto& p : d->connection_params) {
      if (p.from_callback.empty()) start.add(p.name, p.example);  // e.g. GitLab's host
    }
  }
  auto started = call("GET", gw_ + "/link/oauth2/start?" + start.toQuery(), {},
                      {{"X-Request-Id", request_id}});
  if (echoedRequestId.empty()) echoedRequestId = started.header("X-Request-Id").value_or("");
  FlowOutcome out;
  const std::string set_cookie = started.header("Set-Cookie").value_or("");
  const std::string to_provider = started.header("Location").value_or("");
  if (started.status != 302 || set_cookie.empty()) {
    out.done = "/start answered " + std::to_string(started.status) + ": " + to_provider + started.body;
    return out;
  }
  remember(cookieValue(set_cookie));
  if (auto state = queryOf(to_provider).get("state")) remember(*state);
  auto consent = call("GET", to_provider);
  const std::string callback = consent.header("Location").value_or("");
  Params back_params = queryOf(callback);
  if (auto code = back_params.get("code")) remember(*code);
  if (!callback.starts_with(gw_)) {
    out.done = "the provider answered " + std::to_string(consent.status) + ": " + consent.body;
    return out;
  }
  auto back = call("GET", callback, {}, {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}});
  out.done = back.header("Location").value_or(back.body);
  Params answer = queryOf(out.done);
  if (auto code = answer.get("code")) {
    remember(*code);
    out.gateway_code = *code;
  }
  return out;
}

Json ObsStack::exchange(const std::string& app, const std::string& code, const std::string& secret) {
  remember(secret);
  auto token = call("POST", gw_ + "/link/oauth2/token",
                    "code=" + percentEncode(code) + "&client_id=" + app +
                        "&client_secret=" + percentEncode(secret),
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  if (token.status != 200) return nullptr;
  Json credential = Json::parse(token.body)["credential"];
  for (const char* k : {"access_token", "refresh_token", "id_token"}) {
    if (credential["properties"].contains(k)) remember(credential["properties"][k]);
  }
  return credential;
}

int ObsStack::refresh(const std::string& credential_id) {
  auto r = call("POST", gw_ + "/v1/credentials/" + credential_id + "/refresh", "{}",
                {{"Authorization", std::string("Bearer ") + kApiKey},
                 {"Content-Type", "application/json"}});
  if (r.status == 200) {
    Json props = Json::parse(r.body)["properties"];
    for (const char* k : {"access_token", "refresh_token"}) {
      if (props.contains(k) && props[k].is_string()) remember(props[k]);
    }
    // The masked answer holds no token: read them revealed, to know what must not be logged.
    auto full = call("GET", gw_ + "/v1/credentials/" + credential_id + "?truncate_secrets=false",
                     {}, {{"Authorization", std::string("Bearer ") + kApiKey}});
    if (full.status == 200) {
      Json p = Json::parse(full.body)["properties"];
      for (const char* k : {"access_token", "refresh_token"}) {
        if (p.contains(k) && p[k].is_string()) remember(p[k]);
      }
    }
  }
  return r.status;
}

int ObsStack::startAuth() {
  auto r = call("POST", gw_ + "/v1/credentials/start-auth",
                dumpJson(Json{{"oauth_app_id", app_for_start_auth_},
                              {"redirect_uri", "http://127.0.0.1:4321/done/generic"}}),
                {{"Authorization", std::string("Bearer ") + kApiKey},
                 {"Content-Type", "application/json"}});
  if (r.status == 201) {
    Json j = Json::parse(r.body);
    for (const char* k : {"url", "token"}) {
      if (j.contains(k) && j[k].is_string()) {
        const std::string v = j[k];
        remember(v.substr(v.rfind('/') + 1));
      }
    }
  }
  return r.status;
}

void ObsStack::arm(const Json& fault) {
  call("POST", sim_ + "/_sim/faults", dumpJson(fault), {{"Content-Type", "application/json"}});
}

std::map<std::string, double> ObsStack::scrape() {
  std::map<std::string, double> out;
  auto r = call("GET", gw_ + "/metrics");
  if (r.status != 200) return out;
  const auto text = dir_.path() / "metrics.txt", parsed = dir_.path() / "metrics.json";
  std::ofstream(text) << r.body;
  // prometheus_client's parser raises on a malformed line: the script then fails.
  const std::string script =
      "import json,sys\n"
      "from prometheus_client.parser import text_string_to_metric_families as parse\n"
      "out={}\n"
      "for f in parse(open(sys.argv[1]).read()):\n"
      "  for s in f.samples:\n"
      "    k=s.name+'{'+','.join(n+'='+v for n,v in sorted(s.labels.items()))+'}'\n"
      "    out[k]=s.value\n"
      "json.dump(out,open(sys.argv[2],'w'))\n";
  std::ofstream(dir_.path() / "parse.py") << script;
  const std::string cmd = "/usr/bin/python3 "  // Debian's, which has the package
                           + (dir_.path() / "parse.py").string() + " " + text.string() +
                          " " + parsed.string();
  if (std::system(cmd.c_str()) != 0) return out;
  const Json samples = Json::parse(readFile(parsed));
  for (const auto& [k, v] : samples.items()) out[k] = v.get<double>();
  return out;
}

std::string ObsStack::stopAndReadLog() {
  if (gateway_ > 0) {
    ::kill(gateway_, SIGTERM);
    ::waitpid(gateway_, nullptr, 0);
    gateway_ = -1;
  }
  if (drain_.joinable()) drain_.join();
  if (gateway_out_ >= 0) ::close(gateway_out_);
  gateway_out_ = -1;
  return stdout_rest_ + readFile(dir_.path() / "stderr.log");
}

std::vector<Json> ObsStack::jsonLines(const std::string& log) {
  std::vector<Json> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("{")) continue;  // "listening on", the plain start-up lines
    out.push_back(Json::parse(line));      // throws (test fails) on a broken JSON line
  }
  return out;
}

}  // namespace linkgate::gateway::testing
