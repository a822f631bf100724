// SqliteStore: schema, migrations and the sealed/hashed mapping of every record.
#include "gateway/sqlite_store.h"

#include <array>

#include "gateway/sqlite_statement.h"

namespace linkgate::gateway {
using namespace sqlite;
namespace {

// Schema history; entry i upgrades version i to i+1. Never edit a shipped entry: append.
constexpr std::array<const char*, SqliteStore::kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE api_keys (key_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                       created_at INTEGER NOT NULL);
CREATE TABLE oauth_apps (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, provider TEXT NOT NULL,
                         client_id TEXT NOT NULL, client_secret_sealed TEXT NOT NULL,
                         name TEXT NOT NULL, default_scopes TEXT NOT NULL,
                         metadata TEXT NOT NULL, created_at INTEGER NOT NULL,
                         updated_at INTEGER NOT NULL);
CREATE INDEX oauth_apps_account ON oauth_apps(account_id);
CREATE TABLE redirect_uris (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, url TEXT NOT NULL,
                            created_at INTEGER NOT NULL);
CREATE INDEX redirect_uris_account ON redirect_uris(account_id);
CREATE TABLE flows (id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE,
                    app_id TEXT NOT NULL, provider TEXT NOT NULL, sealed TEXT NOT NULL,
                    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
                    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE start_links (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                          sealed TEXT NOT NULL, expires_at INTEGER NOT NULL,
                          used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE credentials (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, app_id TEXT NOT NULL,
                          provider TEXT NOT NULL, provider_account_hash TEXT NOT NULL,
                          sealed TEXT NOT NULL, connection_params TEXT NOT NULL,
                          health_status TEXT NOT NULL, health_detail TEXT NOT NULL,
                          created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX credentials_account ON credentials(account_id);
CREATE INDEX credentials_identity ON credentials(account_id, app_id, provider_account_hash);
CREATE TABLE codes (code_hash TEXT PRIMARY KEY, credential_id TEXT NOT NULL,
                    app_id TEXT NOT NULL, account_id TEXT NOT NULL, sealed TEXT NOT NULL,
                    expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
)sql",
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const KeyRing& keys) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return fail("store_open", path + ": " + message);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, keys));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    if (auto ok = store->exec(pragma); !ok) {
      return fail("store_open", path + ": " + ok.error().message);
    }
  }
  if (auto ok = store->migrate(); !ok) return fail("store_schema", path + ": " + ok.error().message);
  return store;
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

Status SqliteStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return fail("store_error", "sqlite: " + text);
  }
  return {};
}

Status SqliteStore::migrate() {
  std::lock_guard lock(mu_);
  if (auto ok = exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !ok) {
    return ok;
  }
  int version = 0;
  {
    Stmt s(db_, "SELECT version FROM schema_version");
    if (s.step() == SQLITE_ROW) version = static_cast<int>(s.integer(0));
  }
  if (version > kSchemaVersion) {
    return fail("store_schema", "database schema version " + std::to_string(version) +
                                    " is newer than this gateway (" +
                                    std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    Transaction tx(db_);
    if (!tx.ok()) return fail("store_schema", sqlite3_errmsg(db_));
    if (auto ok = exec(kMigrations[static_cast<size_t>(v)]); !ok) return ok;
    if (auto ok = exec("DELETE FROM schema_version"); !ok) return ok;
    Stmt s(db_, "INSERT INTO schema_version (version) VALUES (?)");
    if (auto ok = s.bind(1, static_cast<int64_t>(v + 1)).run(); !ok) return ok;
    if (auto ok = tx.commit(); !ok) return ok;
  }
  return {};
}

int SqliteStore::schemaVersion() {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT version FROM schema_version");
  return s.step() == SQLITE_ROW ? static_cast<int>(s.integer(0)) : 0;
}

// ---- API keys ----

Status SqliteStore::addApiKey(const std::string& key, const std::string& account_id, int64_t now) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "INSERT OR IGNORE INTO api_keys (key_hash, account_id, created_at) VALUES (?,?,?)");
  return s.bind(1, hashOf(key)).bind(2, account_id).bind(3, now).run();
}

Result<std::optional<std::string>> SqliteStore::accountForApiKey(const std::string& key) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT account_id FROM api_keys WHERE key_hash = ?");
  s.bind(1, hashOf(key));
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return s.error();
}

// ---- OAuth apps ----

namespace {
constexpr const char* kAppColumns =
    "id, account_id, provider, client_id, client_secret_sealed, name, default_scopes, metadata, "
    "created_at, updated_at";

Result<OAuthApp> readApp(const Stmt& s, const KeyRing& keys) {
  OAuthApp app;
  app.id = s.text(0);
  app.account_id = s.text(1);
  app.provider = s.text(2);
  app.client_id = s.text(3);
  auto secret = keys.open(s.text(4), "oauth_app:" + app.id);
  if (!secret) return fail("store_error", "cannot open client secret of app " + app.id + ": " +
                                              secret.error().message);
  app.client_secret = std::move(*secret);
  app.name = s.text(5);
  auto scopes = parseJson(s.text(6));
  if (scopes) app.default_scopes = scopesFrom(*scopes);
  auto metadata = parseJson(s.text(7));
  if (metadata) app.metadata = std::move(*metadata);
  app.created_at = s.integer(8);
  app.updated_at = s.integer(9);
  return app;
}
}  // namespace

Status SqliteStore::insertApp(const OAuthApp& app) {
  auto sealed = keys_.seal(app.client_secret, "oauth_app:" + app.id);
  if (!sealed) return std::unexpected(sealed.error());
  std::lock_guard lock(mu_);
  Stmt s(db_, "INSERT INTO oauth_apps (id, account_id, provider, client_id, client_secret_sealed, "
              "name, default_scopes, metadata, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
  return s.bind(1, app.id).bind(2, app.account_id).bind(3, app.provider).bind(4, app.client_id)
      .bind(5, *sealed).bind(6, app.name).bind(7, dumpJson(scopesJson(app.default_scopes)))
      .bind(8, dumpJson(app.metadata)).bind(9, app.created_at).bind(10, app.updated_at).run();
}

Result<std::optional<OAuthApp>> SqliteStore::findApp(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, (std::string("SELECT ") + kAppColumns + " FROM oauth_apps WHERE id = ?").c_str());
  s.bind(1, id);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<OAuthApp>();
  if (rc != SQLITE_ROW) return s.error();
  auto app = readApp(s, keys_);
  if (!app) return std::unexpected(app.error());
  return std::optional<OAuthApp>(std::move(*app));
}

Result<std::vector<OAuthApp>> SqliteStore::listApps(const std::string& account_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, (std::string("SELECT ") + kAppColumns +
               " FROM oauth_apps WHERE account_id = ? ORDER BY created_at, id").c_str());
  s.bind(1, account_id);
  std::vector<OAuthApp> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto app = readApp(s, keys_);
    if (!app) return std::unexpected(app.error());
    out.push_back(std::move(*app));
  }
  if (rc != SQLITE_DONE) return s.error();
  return out;
}

Status SqliteStore::updateApp(const OAuthApp& app) {
  auto sealed = keys_.seal(app.client_secret, "oauth_app:" + app.id);
  if (!sealed) return std::unexpected(sealed.error());
  std::lock_guard lock(mu_);
  Stmt s(db_, "UPDATE oauth_apps SET client_id = ?, client_secret_sealed = ?, name = ?, "
              "default_scopes = ?, metadata = ?, updated_at = ? WHERE id = ? AND account_id = ?");
  return s.bind(1, app.client_id).bind(2, *sealed).bind(3, app.name)
      .bind(4, dumpJson(scopesJson(app.default_scopes))).bind(5, dumpJson(app.metadata))
      .bind(6, app.updated_at).bind(7, app.id).bind(8, app.account_id).run();
}

Result<bool> SqliteStore::deleteApp(const std::string& account_id, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "DELETE FROM oauth_apps WHERE id = ? AND account_id = ?");
  if (auto ok = s.bind(1, id).bind(2, account_id).run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(db_) > 0;
}

// ---- redirect URIs ----

Status SqliteStore::insertRedirectUri(const RedirectUri& uri) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "INSERT INTO redirect_uris (id, account_id, url, created_at) VALUES (?,?,?,?)");
  return s.bind(1, uri.id).bind(2, uri.account_id).bind(3, uri.url).bind(4, uri.created_at).run();
}

Result<std::vector<RedirectUri>> SqliteStore::listRedirectUris(const std::string& account_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT id, account_id, url, created_at FROM redirect_uris WHERE account_id = ? "
              "ORDER BY created_at, id");
  s.bind(1, account_id);
  std::vector<RedirectUri> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(RedirectUri{s.text(0), s.text(1), s.text(2), s.integer(3)});
  }
  if (rc != SQLITE_DONE) return s.error();
  return out;
}

Result<bool> SqliteStore::deleteRedirectUri(const std::string& account_id, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "DELETE FROM redirect_uris WHERE id = ? AND account_id = ?");
  if (auto ok = s.bind(1, id).bind(2, account_id).run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(db_) > 0;
}
}  // namespace linkgate::gateway
