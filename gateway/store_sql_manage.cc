// SqlStore, management API (issue 12): API key listing and revocation, credential pages with
// filters, and app deletion that never leaves an orphaned credential.
#include "gateway/store_records.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {
using namespace records;

Result<std::vector<ApiKeyInfo>> SqlStore::listApiKeys(const std::string& account_id) {
  auto r = run("SELECT substr(key_hash, 1, 16), prefix, account_id, created_at FROM api_keys "
               "WHERE account_id = ? ORDER BY created_at, key_hash",
               {account_id});
  if (!r) return std::unexpected(r.error());
  std::vector<ApiKeyInfo> out;
  for (const auto& row : r->rows) {
    out.push_back({row.text(0), row.text(1), row.text(2), row.integer(3)});
  }
  return out;
}

Result<bool> SqlStore::deleteApiKey(const std::string& account_id, const std::string& id) {
  if (id.size() != 16) return false;
  auto r = run("DELETE FROM api_keys WHERE account_id = ? AND substr(key_hash, 1, 16) = ?",
               {account_id, id});
  if (!r) return std::unexpected(r.error());
  return r->affected > 0;
}

Result<std::vector<Credential>> SqlStore::listCredentialsPage(const std::string& account_id,
                                                              const CredentialQuery& q) {
  // One statement text per combination of filters, so each is prepared once per connection.
  std::string sql = std::string("SELECT ") + kCredentialColumns +
                    " FROM credentials WHERE account_id = ?";
  SqlParams params{account_id};
  if (q.provider) {
    sql += " AND provider = ?";
    params.emplace_back(*q.provider);
  }
  if (q.app_id) {
    sql += " AND app_id = ?";
    params.emplace_back(*q.app_id);
  }
  if (q.end_user_id) {
    sql += " AND end_user_id = ?";
    params.emplace_back(*q.end_user_id);
  }
  if (q.after) {
    sql += " AND (created_at > ? OR (created_at = ? AND id > ?))";
    params.emplace_back(q.after->first);
    params.emplace_back(q.after->first);
    params.emplace_back(q.after->second);
  }
  sql += " ORDER BY created_at, id LIMIT ?";
  params.emplace_back(q.limit);
  auto r = run(sql, params);
  if (!r) return std::unexpected(r.error());
  std::vector<Credential> out;
  for (const auto& row : r->rows) {
    auto c = credentialFrom(row, keys_);
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<AppDeletion> SqlStore::deleteAppChecked(const std::string& account_id,
                                               const std::string& id, bool cascade,
                                               const CredentialEvents& events) {
  const auto announce = configWrite();
  auto deletion = deleteAppInTransaction(account_id, id, cascade, events);
  // The start-hop cache of every instance (store_sql_start_config.cc): bumped after the write
  // and with the connection given back, as the other app and redirect-URI writes do.
  if (deletion && deletion->deleted) {
    if (auto ok = bumpConfigGeneration(account_id); !ok) return std::unexpected(ok.error());
  }
  return deletion;
}

Result<AppDeletion> SqlStore::deleteAppInTransaction(const std::string& account_id,
                                                     const std::string& id, bool cascade,
                                                     const CredentialEvents& events) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return std::unexpected(ok.error());
  AppDeletion out;
  // FOR UPDATE on PostgreSQL would be tidier, but SQLite has no such clause: the app row is
  // written first instead (a no-op UPDATE), which takes the row lock on PostgreSQL and the
  // write lock on SQLite, so no credential can be added to it until this commits.
  auto touched = (*c)->query("UPDATE oauth_apps SET updated_at = updated_at "
                             "WHERE id = ? AND account_id = ?",
                             {id, account_id});
  if (!touched) return std::unexpected(touched.error());
  out.found = touched->affected > 0;
  if (!out.found) return out;
  auto count = (*c)->query("SELECT COUNT(*) FROM credentials WHERE app_id = ? AND account_id = ?",
                           {id, account_id});
  if (!count) return std::unexpected(count.error());
  out.credentials = count->rows.empty() ? 0 : count->rows[0].integer(0);
  if (out.credentials > 0 && !cascade) return out;  // rolled back: nothing changed
  // The events of the credentials about to go, read inside the transaction (the app row is
  // held, so none can be added meanwhile) and queued with the deletes (the outbox).
  std::vector<WebhookEvent> queued;
  if (out.credentials > 0 && events) {
    static const std::string sql = std::string("SELECT ") + kCredentialColumns +
                                   " FROM credentials WHERE app_id = ? AND account_id = ?";
    auto rows = (*c)->query(sql, {id, account_id});
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : rows->rows) {
      auto credential = credentialFrom(row, keys_);
      if (!credential) return std::unexpected(credential.error());
      for (auto& e : events(*credential)) queued.push_back(std::move(e));
    }
  }
  for (const char* sql :
       {"DELETE FROM codes WHERE credential_id IN "
        "(SELECT id FROM credentials WHERE app_id = ? AND account_id = ?)",
        "DELETE FROM credentials WHERE app_id = ? AND account_id = ?",
        "DELETE FROM flows WHERE app_id = ? AND ? <> ''",
        "DELETE FROM oauth_apps WHERE id = ? AND account_id = ?"}) {
    if (auto r = (*c)->query(sql, {id, account_id}); !r) return std::unexpected(r.error());
  }
  if (auto ok = fanOut(**c, queued); !ok) return std::unexpected(ok.error());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  out.deleted = true;
  return out;
}

}  // namespace linkgate::gateway
