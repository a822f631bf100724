// SqliteStore, second half: flows, start links, credentials and codes (single-use rows are
// taken with UPDATE ... WHERE used = 0 so exactly one caller wins).
#include "gateway/sqlite_statement.h"
#include "gateway/sqlite_store.h"

namespace linkgate::gateway {
using namespace sqlite;

// ---- flows ----

Status SqliteStore::insertFlow(const Flow& flow) {
  Json j = {{"cookie_hash", flow.cookie_hash},
            {"account_id", flow.account_id},
            {"redirect_uri", flow.redirect_uri},
            {"integrator_state", optionalBytes(flow.integrator_state)},
            {"state_is_json", flow.state_is_json},
            {"scopes", scopesJson(flow.scopes)},
            {"connection_params", flow.connection_params},
            {"provider_code_verifier", optional(flow.provider_code_verifier)},
            {"code_challenge", optional(flow.code_challenge)},
            {"debug", flow.debug}};
  auto sealed = keys_.seal(dumpJson(j), "flow:" + flow.id);
  if (!sealed) return std::unexpected(sealed.error());
  std::lock_guard lock(mu_);
  // A flow row is the one write not synced to disk before answering: it survives a process
  // crash (WAL in the OS cache), and losing it to a power cut only makes that user start again.
  // Everything else (credentials, codes, single-use marks) stays synchronous=FULL.
  if (auto ok = exec("PRAGMA synchronous=NORMAL"); !ok) return ok;
  Stmt s(db_, "INSERT INTO flows (id, state_hash, app_id, provider, sealed, created_at, "
              "expires_at) VALUES (?,?,?,?,?,?,?)");
  auto inserted = s.bind(1, flow.id).bind(2, hashOf(flow.state)).bind(3, flow.app_id)
                      .bind(4, flow.provider).bind(5, *sealed).bind(6, flow.created_at)
                      .bind(7, flow.expires_at).run();
  if (auto ok = exec("PRAGMA synchronous=FULL"); !ok) return ok;
  if (inserted && ++inserts_since_purge_ >= 256) {
    inserts_since_purge_ = 0;
    purgeExpiredLocked(flow.created_at - 3600);
  }
  return inserted;
}

void SqliteStore::purgeExpiredLocked(int64_t before) {
  // Housekeeping: expired single-use rows are useless an hour later. Failures are harmless.
  for (const char* sql : {"DELETE FROM flows WHERE expires_at < ?",
                          "DELETE FROM codes WHERE expires_at < ?",
                          "DELETE FROM start_links WHERE expires_at < ?"}) {
    Stmt s(db_, sql);
    (void)s.bind(1, before).run();
  }
}

Result<std::optional<Flow>> SqliteStore::findFlowByState(const std::string& state) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT id, app_id, provider, sealed, created_at, expires_at, used FROM flows "
              "WHERE state_hash = ?");
  s.bind(1, hashOf(state));
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Flow>();
  if (rc != SQLITE_ROW) return s.error();
  Flow f;
  f.id = s.text(0);
  f.state = state;
  f.app_id = s.text(1);
  f.provider = s.text(2);
  f.created_at = s.integer(4);
  f.expires_at = s.integer(5);
  auto opened = keys_.open(s.text(3), "flow:" + f.id);
  if (!opened) return fail("store_error", "cannot open flow: " + opened.error().message);
  auto j = parseJsonObject(*opened);
  if (!j) return fail("store_error", "corrupt flow record");
  f.cookie_hash = j->value("cookie_hash", "");
  f.account_id = j->value("account_id", "");
  f.redirect_uri = j->value("redirect_uri", "");
  f.integrator_state = optionalBytesFrom(*j, "integrator_state");
  f.state_is_json = j->value("state_is_json", false);
  f.scopes = scopesFrom((*j)["scopes"]);
  f.connection_params = (*j)["connection_params"];
  f.provider_code_verifier = optionalFrom(*j, "provider_code_verifier");
  f.code_challenge = optionalFrom(*j, "code_challenge");
  f.debug = j->value("debug", false);
  return std::optional<Flow>(std::move(f));
}

Result<bool> SqliteStore::consumeFlow(const std::string& flow_id, int64_t now) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "UPDATE flows SET used = 1 WHERE id = ? AND used = 0 AND expires_at > ?");
  if (auto ok = s.bind(1, flow_id).bind(2, now).run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(db_) == 1;
}

// ---- start links ----

Status SqliteStore::insertStartLink(const StartLink& link) {
  Json j = {{"app_id", link.app_id},
            {"redirect_uri", link.redirect_uri},
            {"state", optional(link.state)},
            {"scope", optional(link.scope)},
            {"connection_params", link.connection_params}};
  const std::string hash = hashOf(link.token);
  auto sealed = keys_.seal(dumpJson(j), "start_link:" + hash);
  if (!sealed) return std::unexpected(sealed.error());
  std::lock_guard lock(mu_);
  Stmt s(db_, "INSERT INTO start_links (token_hash, account_id, sealed, expires_at) "
              "VALUES (?,?,?,?)");
  return s.bind(1, hash).bind(2, link.account_id).bind(3, *sealed).bind(4, link.expires_at).run();
}

Result<std::optional<StartLink>> SqliteStore::consumeStartLink(const std::string& token,
                                                               int64_t now) {
  const std::string hash = hashOf(token);
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  if (!tx.ok()) return fail("store_error", sqlite3_errmsg(db_));
  Stmt u(db_, "UPDATE start_links SET used = 1 WHERE token_hash = ? AND used = 0 AND "
              "expires_at > ?");
  if (auto ok = u.bind(1, hash).bind(2, now).run(); !ok) return std::unexpected(ok.error());
  if (sqlite3_changes(db_) != 1) return std::optional<StartLink>();
  Stmt s(db_, "SELECT account_id, sealed, expires_at FROM start_links WHERE token_hash = ?");
  s.bind(1, hash);
  if (s.step() != SQLITE_ROW) return s.error();
  StartLink link;
  link.token = token;
  link.account_id = s.text(0);
  link.expires_at = s.integer(2);
  auto opened = keys_.open(s.text(1), "start_link:" + hash);
  if (!opened) return fail("store_error", "cannot open start link: " + opened.error().message);
  auto j = parseJsonObject(*opened);
  if (!j) return fail("store_error", "corrupt start link record");
  link.app_id = j->value("app_id", "");
  link.redirect_uri = j->value("redirect_uri", "");
  link.state = optionalFrom(*j, "state");
  link.scope = optionalFrom(*j, "scope");
  if (j->contains("connection_params")) link.connection_params = (*j)["connection_params"];
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return std::optional<StartLink>(std::move(link));
}

// ---- credentials and codes ----

Status SqliteStore::saveCredentialLocked(const Credential& c) {
  // The identity key travels sealed with the properties (it may be derived from a token).
  const Json envelope = {{"linkgate_credential", 2},
                         {"properties", c.properties},
                         {"provider_account", c.provider_account}};
  auto sealed = keys_.seal(dumpJson(envelope), "credential:" + c.id);
  if (!sealed) return std::unexpected(sealed.error());
  Stmt s(db_, "INSERT INTO credentials (id, account_id, app_id, provider, provider_account_hash, "
              "sealed, connection_params, health_status, health_detail, created_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
              "provider_account_hash = excluded.provider_account_hash, sealed = excluded.sealed, "
              "connection_params = excluded.connection_params, "
              "health_status = excluded.health_status, health_detail = excluded.health_detail, "
              "updated_at = excluded.updated_at");
  return s.bind(1, c.id).bind(2, c.account_id).bind(3, c.app_id).bind(4, c.provider)
      .bind(5, c.provider_account.empty() ? std::string() : hashOf(c.provider_account))
      .bind(6, *sealed).bind(7, dumpJson(c.connection_params)).bind(8, c.health_status)
      .bind(9, c.health_detail).bind(10, c.created_at).bind(11, c.updated_at).run();
}

Status SqliteStore::saveCredentialWithCode(const Credential& credential, const AuthCode& code) {
  Json j = {{"code_challenge", optional(code.code_challenge)},
            {"integrator_state", optionalBytes(code.integrator_state)},
            {"state_is_json", code.state_is_json}};
  const std::string hash = hashOf(code.code);
  auto sealed = keys_.seal(dumpJson(j), "code:" + hash);
  if (!sealed) return std::unexpected(sealed.error());
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  if (!tx.ok()) return fail("store_error", sqlite3_errmsg(db_));
  if (auto ok = saveCredentialLocked(credential); !ok) return ok;
  Stmt s(db_, "INSERT INTO codes (code_hash, credential_id, app_id, account_id, sealed, "
              "expires_at) VALUES (?,?,?,?,?,?)");
  if (auto ok = s.bind(1, hash).bind(2, code.credential_id).bind(3, code.app_id)
                    .bind(4, code.account_id).bind(5, *sealed).bind(6, code.expires_at).run();
      !ok) {
    return ok;
  }
  return tx.commit();
}

Status SqliteStore::saveCredential(const Credential& credential) {
  std::lock_guard lock(mu_);
  return saveCredentialLocked(credential);
}

namespace {
constexpr const char* kCredentialColumns =
    "id, account_id, app_id, provider, sealed, connection_params, health_status, health_detail, "
    "created_at, updated_at";

Result<Credential> readCredential(const Stmt& s, const KeyRing& keys) {
  Credential c;
  c.id = s.text(0);
  c.account_id = s.text(1);
  c.app_id = s.text(2);
  c.provider = s.text(3);
  auto opened = keys.open(s.text(4), "credential:" + c.id);
  if (!opened) return fail("store_error", "cannot open credential " + c.id + ": " +
                                              opened.error().message);
  auto sealed = parseJsonObject(*opened);
  if (!sealed) return fail("store_error", "corrupt credential " + c.id);
  if (sealed->contains("linkgate_credential")) {
    const Json* props = jsonAt(*sealed, "properties");
    if (props == nullptr || !props->is_object()) {
      return fail("store_error", "corrupt credential " + c.id);
    }
    c.properties = *props;
    c.provider_account = sealed->value("provider_account", "");
  } else {
    c.properties = std::move(*sealed);  // written before the envelope: the properties alone
  }
  auto params = parseJson(s.text(5));
  if (params) c.connection_params = std::move(*params);
  c.health_status = s.text(6);
  c.health_detail = s.text(7);
  c.created_at = s.integer(8);
  c.updated_at = s.integer(9);
  return c;
}

Result<std::optional<Credential>> oneCredential(Stmt& s, const KeyRing& keys) {
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Credential>();
  if (rc != SQLITE_ROW) return s.error();
  auto c = readCredential(s, keys);
  if (!c) return std::unexpected(c.error());
  return std::optional<Credential>(std::move(*c));
}
}  // namespace

Result<std::optional<Credential>> SqliteStore::findCredential(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, (std::string("SELECT ") + kCredentialColumns + " FROM credentials WHERE id = ?")
                  .c_str());
  s.bind(1, id);
  return oneCredential(s, keys_);
}

Result<std::optional<Credential>> SqliteStore::findCredentialByProviderAccount(
    const std::string& account_id, const std::string& app_id, const std::string& provider_account) {
  std::lock_guard lock(mu_);
  Stmt s(db_, (std::string("SELECT ") + kCredentialColumns +
               " FROM credentials WHERE account_id = ? AND app_id = ? AND "
               "provider_account_hash = ? ORDER BY created_at LIMIT 1").c_str());
  s.bind(1, account_id).bind(2, app_id).bind(3, hashOf(provider_account));
  return oneCredential(s, keys_);
}

Result<std::vector<Credential>> SqliteStore::listCredentials(const std::string& account_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, (std::string("SELECT ") + kCredentialColumns +
               " FROM credentials WHERE account_id = ? ORDER BY created_at, id").c_str());
  s.bind(1, account_id);
  std::vector<Credential> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto c = readCredential(s, keys_);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  if (rc != SQLITE_DONE) return s.error();
  return out;
}

Result<bool> SqliteStore::deleteCredential(const std::string& account_id, const std::string& id) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  if (!tx.ok()) return fail("store_error", sqlite3_errmsg(db_));
  Stmt s(db_, "DELETE FROM credentials WHERE id = ? AND account_id = ?");
  if (auto ok = s.bind(1, id).bind(2, account_id).run(); !ok) return std::unexpected(ok.error());
  const bool deleted = sqlite3_changes(db_) > 0;
  Stmt c(db_, "DELETE FROM codes WHERE credential_id = ?");
  if (auto ok = c.bind(1, id).run(); !ok) return std::unexpected(ok.error());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return deleted;
}

Result<std::optional<AuthCode>> SqliteStore::findCode(const std::string& code) {
  const std::string hash = hashOf(code);
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT credential_id, app_id, account_id, sealed, expires_at FROM codes "
              "WHERE code_hash = ?");
  s.bind(1, hash);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<AuthCode>();
  if (rc != SQLITE_ROW) return s.error();
  AuthCode c;
  c.code = code;
  c.credential_id = s.text(0);
  c.app_id = s.text(1);
  c.account_id = s.text(2);
  c.expires_at = s.integer(4);
  auto opened = keys_.open(s.text(3), "code:" + hash);
  if (!opened) return fail("store_error", "cannot open code: " + opened.error().message);
  auto j = parseJsonObject(*opened);
  if (!j) return fail("store_error", "corrupt code record");
  c.code_challenge = optionalFrom(*j, "code_challenge");
  c.integrator_state = optionalBytesFrom(*j, "integrator_state");
  c.state_is_json = j->value("state_is_json", false);
  return std::optional<AuthCode>(std::move(c));
}

Result<bool> SqliteStore::consumeCode(const std::string& code, const std::string& app_id,
                                      int64_t now) {
  std::lock_guard lock(mu_);
  Stmt s(db_, "UPDATE codes SET used = 1 WHERE code_hash = ? AND app_id = ? AND used = 0 AND "
              "expires_at > ?");
  if (auto ok = s.bind(1, hashOf(code)).bind(2, app_id).bind(3, now).run(); !ok) {
    return std::unexpected(ok.error());
  }
  return sqlite3_changes(db_) == 1;
}

}  // namespace linkgate::gateway
