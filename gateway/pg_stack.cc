// PgStack: processes and the hops of a flow, each hop to the instance the test names.
#include "gateway/pg_stack.h"

#include <cstdlib>

#include "core/params.h"
#include "core/percent.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {
namespace {

std::string binDir() {
  if (const char* dir = std::getenv("LINKGATE_BIN_DIR")) return dir;
  return LINKGATE_BUILD_BIN_DIR;
}

const HeaderList kJson = {{"Content-Type", "application/json"}};

}  // namespace

Result<std::unique_ptr<PgStack>> PgStack::start(const PgStackOptions& options) {
  std::unique_ptr<PgStack> s(new PgStack());
  if (options.db.empty()) {
    std::string why;
    s->cluster = PgTestCluster::shared(&why);
    if (s->cluster == nullptr) return fail("stack", why);
    auto uri = s->cluster->createDatabase();
    if (!uri) return std::unexpected(uri.error());
    s->db_uri = *uri;
  } else {
    s->db_uri = options.db;
  }
  s->public_url = options.public_url;
  std::vector<std::string> sim_argv = {binDir() + "/simulator", "--port", "0", "--profiles",
                                       sourceDir() + "/fixtures/providers"};
  if (options.auto_approve) sim_argv.push_back("--auto-approve");
  auto sim = ChildProcess::start(sim_argv);
  if (!sim) return std::unexpected(sim.error());
  s->simulator = std::move(*sim);
  for (size_t i = 0; i < options.gateways; ++i) {
    std::vector<std::string> argv = {binDir() + "/gateway",
                                     "--port", "0",
                                     "--db", s->db_uri,
                                     "--db-pool", "4",
                                     "--provider-base-url", s->simulator->url(),
                                     "--public-url", s->public_url,
                                     "--catalogue", sourceDir() + "/gateway/catalogue"};
    argv.insert(argv.end(), options.gateway_args.begin(), options.gateway_args.end());
    std::vector<std::string> env = {std::string("LINKGATE_API_KEY=") + kApiKey,
                                    std::string("LINKGATE_MASTER_KEY=") + kMasterKey};
    env.insert(env.end(), options.gateway_env.begin(), options.gateway_env.end());
    auto gw = ChildProcess::start(argv, env);
    if (!gw) return std::unexpected(gw.error());
    s->gateways.push_back(std::move(*gw));
  }
  return s;
}

std::string PgStack::binary(const std::string& name) { return binDir() + "/" + name; }

HttpResponse PgStack::call(const std::string& method, const std::string& url,
                           const std::string& body, HeaderList headers) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.total_timeout = std::chrono::milliseconds(20000);
  auto r = http_.send(req);
  return r ? *r : HttpResponse{};
}

HttpResponse PgStack::api(size_t i, const std::string& method, const std::string& path,
                          const std::string& body) {
  HeaderList h = kJson;
  h.emplace_back("Authorization", std::string("Bearer ") + kApiKey);
  return call(method, url(i) + path, body, h);
}

std::string PgStack::onInstance(size_t i, const std::string& public_location) const {
  if (!public_location.starts_with(public_url)) return public_location;
  return url(i) + public_location.substr(public_url.size());
}

Result<std::string> PgStack::createApp(const std::string& client_id, const std::string& secret,
                                      const std::string& provider) {
  auto client = call("POST", simulator->url() + "/_sim/clients",
                     dumpJson(Json{{"provider", provider},
                                   {"client_id", client_id},
                                   {"client_secret", secret},
                                   {"redirect_uris", {public_url + "/link/oauth2/callback/" +
                                                      provider}}}),
                     kJson);
  if (client.status != 201) return fail("stack", "sim client: " + client.body);
  auto app = api(0, "POST", "/v1/oauth-apps",
                 dumpJson(Json{{"provider", provider},
                               {"client_id", client_id},
                               {"client_secret", secret}}));
  if (app.status != 201) return fail("stack", "oauth app: " + app.body);
  auto uri = api(0, "POST", "/v1/redirect-uris",
                 dumpJson(Json{{"url", "http://127.0.0.1/done/:provider"}}));
  if (uri.status != 201 && uri.status != 200 && uri.status != 409) {
    return fail("stack", "redirect uri: " + uri.body);
  }
  return Json::parse(app.body)["id"].get<std::string>();
}

Result<PgStack::Started> PgStack::startFlow(size_t i, const std::string& app_id,
                                           const std::string& provider,
                                           const std::string& end_user_id) {
  Params q;
  q.add("client_id", app_id);
  q.add("redirect_uri", "http://127.0.0.1:4321/done/" + provider);
  q.add("state", "multi");
  if (!end_user_id.empty()) q.add("end_user_id", end_user_id);
  auto r = call("GET", url(i) + "/link/oauth2/start?" + q.toQuery());
  if (r.status != 302) {
    return fail("stack", "start on " + url(i) + ": " + std::to_string(r.status) + " " + r.body);
  }
  const std::string cookie = r.header("Set-Cookie").value_or("");
  return Started{cookie.substr(0, cookie.find(';')), r.header("Location").value_or("")};
}

Result<std::string> PgStack::finishFlow(size_t i, const Started& started) {
  auto consent = call("GET", started.provider_location);
  const std::string callback = consent.header("Location").value_or("");
  if (consent.status != 302 || !callback.starts_with(public_url)) {
    return fail("stack", "provider: " + std::to_string(consent.status) + " " + consent.body);
  }
  auto back = call("GET", onInstance(i, callback), {}, {{"Cookie", started.cookie}});
  const std::string done = back.header("Location").value_or("");
  auto code = queryOf(done).get("code");
  if (back.status != 302 || !code) {
    return fail("stack", "callback on " + url(i) + ": " + std::to_string(back.status) + " " +
                             back.body + " " + done);
  }
  return std::string(*code);
}

HttpResponse PgStack::redeem(size_t i, const std::string& app_id, const std::string& secret,
                             const std::string& code) {
  return call("POST", url(i) + "/link/oauth2/token",
              "code=" + percentEncode(code) + "&client_id=" + app_id +
                  "&client_secret=" + percentEncode(secret),
              {{"Content-Type", "application/x-www-form-urlencoded"}});
}

Result<int64_t> PgStack::journalMark() {
  auto r = call("GET", simulator->url() + "/_sim/journal");
  auto j = parseJsonObject(r.body);
  if (r.status != 200 || !j) return fail("stack", "journal: " + r.body);
  int64_t mark = 0;
  for (const auto& e : (*j)["entries"]) mark = std::max(mark, e.value("seq", int64_t{0}));
  return mark;
}

Result<int> PgStack::countAtProvider(const std::string& endpoint, int64_t mark,
                                     const std::string& provider) {
  auto r = call("GET", simulator->url() + "/_sim/journal?provider=" + provider);
  auto j = parseJsonObject(r.body);
  if (r.status != 200 || !j) return fail("stack", "journal: " + r.body);
  int n = 0;
  for (const auto& e : (*j)["entries"]) {
    if (e.value("seq", int64_t{0}) > mark && e.value("endpoint", "") == endpoint) ++n;
  }
  return n;
}

}  // namespace linkgate::gateway::testing
