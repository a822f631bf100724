// Schema migrations for both engines and SqlStore::migrate, which applies them all in one
// transaction under the engine's lock (SQLite: BEGIN IMMEDIATE holds the file's write lock;
// PostgreSQL: a transaction-scoped advisory lock), so N instances starting together migrate
// once and the others find the work done.
#include "gateway/store_migrations.h"

#include <array>
#include <string>
#include <vector>

#include "gateway/store_sql.h"

namespace linkgate::gateway {
namespace {

// Version 1 as shipped; INT64 is INTEGER on SQLite (64-bit there, and the text SQLite has stored
// since) and BIGINT on PostgreSQL (whose INTEGER is 32 bits).
constexpr const char* kVersion1 = R"sql(
CREATE TABLE api_keys (key_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                       created_at INT64 NOT NULL);
CREATE TABLE oauth_apps (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, provider TEXT NOT NULL,
                         client_id TEXT NOT NULL, client_secret_sealed TEXT NOT NULL,
                         name TEXT NOT NULL, default_scopes TEXT NOT NULL,
                         metadata TEXT NOT NULL, created_at INT64 NOT NULL,
                         updated_at INT64 NOT NULL);
CREATE INDEX oauth_apps_account ON oauth_apps(account_id);
CREATE TABLE redirect_uris (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, url TEXT NOT NULL,
                            created_at INT64 NOT NULL);
CREATE INDEX redirect_uris_account ON redirect_uris(account_id);
CREATE TABLE flows (id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE,
                    app_id TEXT NOT NULL, provider TEXT NOT NULL, sealed TEXT NOT NULL,
                    created_at INT64 NOT NULL, expires_at INT64 NOT NULL,
                    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE start_links (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                          sealed TEXT NOT NULL, expires_at INT64 NOT NULL,
                          used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE credentials (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, app_id TEXT NOT NULL,
                          provider TEXT NOT NULL, provider_account_hash TEXT NOT NULL,
                          sealed TEXT NOT NULL, connection_params TEXT NOT NULL,
                          health_status TEXT NOT NULL, health_detail TEXT NOT NULL,
                          created_at INT64 NOT NULL, updated_at INT64 NOT NULL);
CREATE INDEX credentials_account ON credentials(account_id);
CREATE INDEX credentials_identity ON credentials(account_id, app_id, provider_account_hash);
CREATE TABLE codes (code_hash TEXT PRIMARY KEY, credential_id TEXT NOT NULL,
                    app_id TEXT NOT NULL, account_id TEXT NOT NULL, sealed TEXT NOT NULL,
                    expires_at INT64 NOT NULL, used INTEGER NOT NULL DEFAULT 0);
)sql";

// Version 2: the housekeeping deletes (by expiry) and a credential's codes (by credential).
constexpr const char* kVersion2 = R"sql(
CREATE INDEX flows_expiry ON flows(expires_at);
CREATE INDEX codes_expiry ON codes(expires_at);
CREATE INDEX codes_credential ON codes(credential_id);
CREATE INDEX start_links_expiry ON start_links(expires_at);
)sql";

// Version 3 (issue 10): a generation per account, bumped by every app or redirect-URI write,
// so every instance can check its cache of them with one indexed read.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE IF NOT EXISTS config_generations (account_id TEXT PRIMARY KEY,
                                               generation INT64 NOT NULL);
)sql";

// Version 4 (issue 12): one row sealed under the master key, so a start with another key fails
// at once.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE IF NOT EXISTS key_check (id INTEGER PRIMARY KEY, sealed TEXT NOT NULL);
)sql";

// Version 5, API key listing (issue 12): the key's first characters, so a person can tell keys apart.
constexpr const char* kVersion5 = R"sql(
ALTER TABLE api_keys ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
)sql";


// Version 6, webhooks (issue #13): receivers, and the outbox — one row per event and endpoint, which is
// also the delivery log. A row is leased (lease_owner until lease_until, Unix ms) while one
// gateway instance attempts it.
constexpr const char* kWebhooks = R"sql(
CREATE TABLE webhook_endpoints (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, url TEXT NOT NULL,
                                secret_sealed TEXT NOT NULL, events TEXT NOT NULL,
                                created_at INT64 NOT NULL);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id);
CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, account_id TEXT NOT NULL,
                                 endpoint_id TEXT NOT NULL, event_id TEXT NOT NULL,
                                 event_type TEXT NOT NULL, payload TEXT NOT NULL,
                                 status TEXT NOT NULL, attempts INT64 NOT NULL,
                                 next_attempt_at INT64 NOT NULL, last_attempt_at INT64 NOT NULL,
                                 last_status_code INT64 NOT NULL, last_error TEXT NOT NULL,
                                 delivered_at INT64 NOT NULL, created_at INT64 NOT NULL,
                                 lease_owner TEXT NOT NULL, lease_until INT64 NOT NULL);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);
)sql";

// Version 7, end-user identity (issue 13): the integrator's end user of each credential,
// filterable.
constexpr const char* kVersionEndUser = R"sql(
ALTER TABLE credentials ADD COLUMN end_user_id TEXT NOT NULL DEFAULT '';
CREATE INDEX credentials_end_user ON credentials(account_id, end_user_id);
)sql";

// Version 8, background refresher (issue 13): each credential's token expiry and whether it can be
// refreshed (NULL = stored before this version, indexed by the refresher on its first pass;
// "no expiry" is year 9999), and one refresh lease per credential among all instances.
constexpr const char* kRefresher = R"sql(
ALTER TABLE credentials ADD COLUMN token_expires_at INT64;
ALTER TABLE credentials ADD COLUMN refreshable INTEGER;
CREATE INDEX credentials_refresh ON credentials(refreshable, token_expires_at);
CREATE TABLE refresh_leases (credential_id TEXT PRIMARY KEY, owner TEXT NOT NULL,
                             lease_until INT64 NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
                             retry_at INT64 NOT NULL DEFAULT 0);
)sql";

// Version 9, master-key rotation (issue 13): per target key and table, how far re-sealing has come, so
// `gateway rotate-master-key` resumes after a crash.
constexpr const char* kKeyRotation = R"sql(
CREATE TABLE key_rotation (target_key TEXT NOT NULL, table_name TEXT NOT NULL,
                           cursor TEXT NOT NULL, resealed INT64 NOT NULL,
                           updated_at INT64 NOT NULL, PRIMARY KEY (target_key, table_name));
)sql";


// Version 10, abuse (issue #15): failed authentications per subject (an app, an address), shared
// by every instance so a lockout holds everywhere; indexed for the amortised prune.
constexpr const char* kAuthLockouts = R"sql(
CREATE TABLE auth_lockouts (subject TEXT PRIMARY KEY, window_start INT64 NOT NULL,
                            failures INT64 NOT NULL, locked_until INT64 NOT NULL);
CREATE INDEX auth_lockouts_window ON auth_lockouts(window_start);
)sql";

// Version 11, sealed flows (issue 10): a flow sealed whole into its browser cookie has no row;
// the callback that uses it records its id here until it expires, so it is used once on every
// instance and across restarts. Indexed for the incremental purge.
constexpr const char* kUsedFlows = R"sql(
CREATE TABLE used_flows (id TEXT PRIMARY KEY, expires_at INT64 NOT NULL);
CREATE INDEX used_flows_expiry ON used_flows(expires_at);
)sql";

constexpr std::array<const char*, 11> kHistory = {
    kVersion1, kVersion2,       kVersion3,  kVersion4,    kVersion5,    kWebhooks,
    kVersionEndUser, kRefresher, kKeyRotation, kAuthLockouts, kUsedFlows};

std::vector<std::string> spelled(const char* int64) {
  std::vector<std::string> out;
  for (const char* text : kHistory) {
    std::string sql = text;
    for (size_t at; (at = sql.find("INT64")) != std::string::npos;) sql.replace(at, 5, int64);
    out.push_back(std::move(sql));
  }
  return out;
}

Result<int> readVersion(SqlConnection& c) {
  auto r = c.query("SELECT version FROM schema_version", {});
  if (!r) return std::unexpected(r.error());
  return r->rows.empty() ? 0 : static_cast<int>(r->rows[0].integer(0));
}

Status schemaError(const Error& e) { return fail("store_schema", e.message); }

}  // namespace

const std::vector<std::string>& sqliteMigrations() {
  static const std::vector<std::string> m = spelled("INTEGER");
  return m;
}
const std::vector<std::string>& postgresMigrations() {
  static const std::vector<std::string> m = spelled("BIGINT");
  return m;
}

Status SqlStore::migrate() {
  const SqlDialect& d = db_->dialect();
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, d.begin);
  if (auto ok = tx.started(); !ok) return schemaError(ok.error());
  if (!d.lock_schema.empty()) {
    if (auto ok = (*c)->script(d.lock_schema); !ok) return schemaError(ok.error());
  }
  if (auto ok = (*c)->script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      !ok) {
    return schemaError(ok.error());
  }
  auto version = readVersion(**c);
  if (!version) return schemaError(version.error());
  const int latest = static_cast<int>(d.migrations.size());
  if (*version > latest) {
    return fail("store_schema", "database schema version " + std::to_string(*version) +
                                    " is newer than this gateway (" + std::to_string(latest) +
                                    ")");
  }
  if (*version == latest) return tx.commit();
  for (int v = *version; v < latest; ++v) {
    if (auto ok = (*c)->script(d.migrations[static_cast<size_t>(v)]); !ok) {
      return fail("store_schema", "migration to version " + std::to_string(v + 1) + ": " +
                                      ok.error().message);
    }
  }
  if (auto ok = (*c)->script("DELETE FROM schema_version"); !ok) return schemaError(ok.error());
  if (auto r = (*c)->query("INSERT INTO schema_version (version) VALUES (?)",
                           {static_cast<int64_t>(latest)});
      !r) {
    return schemaError(r.error());
  }
  return tx.commit();
}

Result<int> SqlStore::schemaVersion() {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  return readVersion(**c);
}

}  // namespace linkgate::gateway
