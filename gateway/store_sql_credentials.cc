// SqlStore, second half: credentials and the gateway codes that redeem them.
#include "gateway/store_records.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {
using namespace records;

namespace {

// Insert or replace by id; account, app, provider and created_at never change.
const std::string& upsertCredentialSql() {
  static const std::string sql =
      std::string("INSERT INTO credentials (") + kCredentialColumns +
      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
      "provider_account_hash = excluded.provider_account_hash, sealed = excluded.sealed, "
      "connection_params = excluded.connection_params, "
      "health_status = excluded.health_status, health_detail = excluded.health_detail, "
      "updated_at = excluded.updated_at, end_user_id = excluded.end_user_id";
  return sql;
}

Result<std::optional<Credential>> first(const SqlResult& r, const KeyRing& keys) {
  if (r.rows.empty()) return std::optional<Credential>();
  auto c = credentialFrom(r.rows[0], keys);
  if (!c) return std::unexpected(c.error());
  return std::optional<Credential>(std::move(*c));
}

}  // namespace

// Both are saveCredentialEmitting with no event (store_sql_credentials.cc, below): one write
// path, so the refresher's columns are always written with the credential.
Status SqlStore::saveCredentialWithCode(const Credential& credential, const AuthCode& code) {
  return saveCredentialEmitting(credential, &code, {});
}

Status SqlStore::saveCredential(const Credential& credential) {
  return saveCredentialEmitting(credential, nullptr, {});
}

Result<std::optional<Credential>> SqlStore::findCredential(const std::string& id) {
  static const std::string sql =
      std::string("SELECT ") + kCredentialColumns + " FROM credentials WHERE id = ?";
  auto r = run(sql, {id});
  if (!r) return std::unexpected(r.error());
  return first(*r, keys_);
}

Result<std::optional<Credential>> SqlStore::findCredentialByProviderAccount(
    const std::string& account_id, const std::string& app_id, const std::string& provider_account) {
  static const std::string sql =
      std::string("SELECT ") + kCredentialColumns +
      " FROM credentials WHERE account_id = ? AND app_id = ? AND provider_account_hash = ? "
      "ORDER BY created_at, id LIMIT 1";
  auto r = run(sql, {account_id, app_id, lookupHash(provider_account)});
  if (!r) return std::unexpected(r.error());
  return first(*r, keys_);
}

Result<std::vector<Credential>> SqlStore::listCredentials(const std::string& account_id) {
  static const std::string sql = std::string("SELECT ") + kCredentialColumns +
                                 " FROM credentials WHERE account_id = ? ORDER BY created_at, id";
  auto r = run(sql, {account_id});
  if (!r) return std::unexpected(r.error());
  std::vector<Credential> out;
  for (const auto& row : r->rows) {
    auto c = credentialFrom(row, keys_);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<bool> SqlStore::deleteCredential(const std::string& account_id, const std::string& id) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return std::unexpected(ok.error());
  auto deleted = (*c)->query("DELETE FROM credentials WHERE id = ? AND account_id = ?",
                             {id, account_id});
  if (!deleted) return std::unexpected(deleted.error());
  if (auto r = (*c)->query("DELETE FROM codes WHERE credential_id = ?", {id}); !r) {
    return std::unexpected(r.error());
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return deleted->affected > 0;
}

Result<std::optional<AuthCode>> SqlStore::findCode(const std::string& code) {
  static const std::string sql =
      std::string("SELECT ") + kCodeColumns + " FROM codes WHERE code_hash = ?";
  auto r = run(sql, {lookupHash(code)});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<AuthCode>();
  auto c = codeFrom(r->rows[0], code, keys_);
  if (!c) return std::unexpected(c.error());
  return std::optional<AuthCode>(std::move(*c));
}

Result<bool> SqlStore::consumeCode(const std::string& code, const std::string& app_id,
                                   int64_t now) {
  auto r = run("UPDATE codes SET used = 1 WHERE code_hash = ? AND app_id = ? AND used = 0 AND "
               "expires_at > ?",
               {lookupHash(code), app_id, now});
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

}  // namespace linkgate::gateway

// ---- webhooks (issue #13): the credential writes with their outbox events ----
namespace linkgate::gateway {
using namespace records;

Status SqlStore::saveCredentialEmitting(const Credential& credential, const AuthCode* code,
                                        const std::vector<WebhookEvent>& events) {
  auto cp = credentialParams(credential, keys_);
  if (!cp) return std::unexpected(cp.error());
  std::optional<SqlParams> kp;
  if (code != nullptr) {
    auto p = codeParams(*code, keys_);
    if (!p) return std::unexpected(p.error());
    kp = std::move(*p);
  }
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return ok;
  if (auto r = (*c)->query(upsertCredentialSql(), *cp); !r) return std::unexpected(r.error());
  // The background refresher's columns (issue 13), in the same transaction.
  if (auto ok = writeRefreshColumns(**c, credential); !ok) return ok;
  if (kp) {
    static const std::string sql =
        std::string("INSERT INTO codes (") + kCodeColumns + ") VALUES (?,?,?,?,?,?)";
    if (auto r = (*c)->query(sql, *kp); !r) return std::unexpected(r.error());
  }
  if (auto ok = fanOut(**c, events); !ok) return ok;
  return tx.commit();
}

Result<bool> SqlStore::deleteCredentialEmitting(const std::string& account_id,
                                                const std::string& id,
                                                const std::vector<WebhookEvent>& events) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return std::unexpected(ok.error());
  auto deleted = (*c)->query("DELETE FROM credentials WHERE id = ? AND account_id = ?",
                             {id, account_id});
  if (!deleted) return std::unexpected(deleted.error());
  if (deleted->affected == 0) return false;  // nothing happened: no event (rolled back)
  if (auto r = (*c)->query("DELETE FROM codes WHERE credential_id = ?", {id}); !r) {
    return std::unexpected(r.error());
  }
  if (auto ok = fanOut(**c, events); !ok) return std::unexpected(ok.error());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return true;
}

}  // namespace linkgate::gateway
