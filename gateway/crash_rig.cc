// CrashRig: a killable gateway on a lasting database, the simulator beside it.
#include "gateway/crash_rig.h"

#include <signal.h>
#include <sqlite3.h>

#include <thread>

#include "gateway/pg_connection.h"
#include "gateway/pg_stack.h"
#include "gateway/pg_test_cluster.h"

namespace linkgate::gateway::testing {
namespace {

const HeaderList kJson = {{"Content-Type", "application/json"}};

std::string sqliteCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "open failed";
    sqlite3_close(db);
    return "sqlite open: " + why;
  }
  std::string problems;
  auto run = [&](const char* sql, bool ok_is_single_ok) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      problems += std::string(sql) + ": " + sqlite3_errmsg(db) + "; ";
      return;
    }
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(st, 0);
      const std::string cell = text ? reinterpret_cast<const char*>(text) : "";
      ++rows;
      if (!ok_is_single_ok || cell != "ok") problems += std::string(sql) + ": " + cell + "; ";
    }
    if (ok_is_single_ok && rows == 0) problems += std::string(sql) + ": no answer; ";
    sqlite3_finalize(st);
  };
  run("PRAGMA integrity_check", true);
  run("PRAGMA foreign_key_check", false);  // any row is a dangling reference
  sqlite3_close(db);
  return problems;
}

std::string pgCheck(const std::string& uri) {
  auto c = PgConnection::connect(uri, std::chrono::seconds(30));
  if (!c) return "pg connect: " + c.error().message;
  if (auto ok = (*c)->script("CREATE EXTENSION IF NOT EXISTS amcheck"); !ok) {
    return "amcheck: " + ok.error().message;
  }
  std::string problems;
  auto indexes = (*c)->query(
      "SELECT c.relname, bt_index_check(c.oid, true)::text FROM pg_index i "
      "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE a.amname = 'btree' AND n.nspname = 'public'",
      {});
  if (!indexes) problems += "bt_index_check: " + indexes.error().message + "; ";
  if (indexes && indexes->rows.empty()) problems += "bt_index_check: no index checked; ";
  // The server ends a dead client's session (and its locks) when it reads the closed socket:
  // give it up to 5 s to do so.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    auto locks = (*c)->query(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        {});
    if (!locks) return problems + "pg_locks: " + locks.error().message + "; ";
    if (locks->rows.at(0).integer(0) == 0) return problems;
    if (std::chrono::steady_clock::now() > deadline) {
      return problems + "an advisory lock outlived its gateway; ";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Result<std::unique_ptr<CrashRig>> CrashRig::start(bool postgres) {
  std::unique_ptr<CrashRig> rig(new CrashRig());
  rig->postgres_ = postgres;
  if (postgres) {
    std::string why;
    PgTestCluster* cluster = PgTestCluster::shared(&why);
    if (cluster == nullptr) return fail("crash_rig", "PostgreSQL: " + why);
    auto uri = cluster->createDatabase();
    if (!uri) return std::unexpected(uri.error());
    rig->db_ = *uri;
  } else {
    rig->db_ = (rig->dir_.path() / "crash.db").string();
  }
  if (auto ok = rig->setUp(); !ok) return std::unexpected(ok.error());
  return rig;
}

CrashRig::~CrashRig() {
  std::lock_guard g(mu_);
  gw_.reset();
}

Status CrashRig::setUp() {
  auto sim = ChildProcess::start({PgStack::binary("simulator"), "--port", "0", "--profiles",
                                  sourceDir() + "/fixtures/providers"});
  if (!sim) return std::unexpected(sim.error());
  sim_ = std::move(*sim);
  if (auto ok = startGateway(); !ok) return ok;
  const std::string base = current().first;
  auto client = call(http_, "POST", simulator() + "/_sim/clients",
                     dumpJson(Json{{"provider", "generic"},
                                   {"client_id", "crash-client"},
                                   {"client_secret", kSecret},
                                   {"redirect_uris",
                                    {std::string(kPublicUrl) + "/link/oauth2/callback/generic"}}}),
                     kJson);
  if (client.status != 201) return fail("crash_rig", "sim client: " + client.body);
  // Strict rotation (the old refresh token dies with the answer) and access tokens shorter
  // than the gateway's 5-minute refresh margin: every access-token read refreshes.
  auto behaviour = call(http_, "POST", simulator() + "/_sim/providers/generic/behaviour",
                        R"({"rotation":"strict","access_token_ttl_seconds":60})", kJson);
  if (behaviour.status != 200) return fail("crash_rig", "behaviour: " + behaviour.body);
  auto app = api(http_, base, "POST", "/v1/oauth-apps",
                 dumpJson(Json{{"provider", "generic"},
                               {"client_id", "crash-client"},
                               {"client_secret", kSecret}}));
  if (app.status != 201) return fail("crash_rig", "oauth app: " + app.body);
  app_id_ = Json::parse(app.body)["id"].get<std::string>();
  auto uri = api(http_, base, "POST", "/v1/redirect-uris",
                 dumpJson(Json{{"url", "http://127.0.0.1/done/:provider"}}));
  if (uri.status != 201) return fail("crash_rig", "redirect uri: " + uri.body);
  return {};
}

void CrashRig::killGateway() {
  std::lock_guard g(mu_);
  if (gw_) ::kill(gw_->pid(), SIGKILL);
  gw_.reset();  // reaps it
}

Status CrashRig::startGateway() {
  auto gw = ChildProcess::start(
      {PgStack::binary("gateway"), "--port", "0", "--db", db_, "--db-pool", "4",
       "--provider-base-url", sim_->url(), "--public-url", kPublicUrl, "--catalogue",
       sourceDir() + "/gateway/catalogue", "--log-level", "off"},
      {std::string("LINKGATE_API_KEY=") + kApiKey,
       std::string("LINKGATE_MASTER_KEY=") + kMasterKey});
  if (!gw) return std::unexpected(gw.error());
  std::lock_guard g(mu_);
  gw_ = std::move(*gw);
  url_ = gw_->url();
  ++epoch_;
  return {};
}

std::pair<std::string, int> CrashRig::current() {
  std::lock_guard g(mu_);
  return {url_, epoch_};
}

int CrashRig::epoch() { return current().second; }

HttpResponse CrashRig::call(HttpClient& http, const std::string& method, const std::string& url,
                            const std::string& body, HeaderList headers) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.total_timeout = std::chrono::milliseconds(15000);
  // The export after a long run (ci/crash: 40 kills) is several MB; the 1 MB default is a
  // cap for provider answers, not for this test's own reads.
  req.max_response_bytes = 64 * 1024 * 1024;
  auto r = http.send(req);
  return r ? *r : HttpResponse{};
}

HttpResponse CrashRig::api(HttpClient& http, const std::string& base, const std::string& method,
                           const std::string& path, const std::string& body) {
  HeaderList h = kJson;
  h.emplace_back("Authorization", std::string("Bearer ") + kApiKey);
  return call(http, method, base + path, body, h);
}

std::string CrashRig::onInstance(const std::string& base, const std::string& public_location) {
  const std::string pub = kPublicUrl;
  if (!public_location.starts_with(pub)) return public_location;
  return base + public_location.substr(pub.size());
}

std::string CrashRig::integrityProblems() { return postgres_ ? pgCheck(db_) : sqliteCheck(db_); }

}  // namespace linkgate::gateway::testing
