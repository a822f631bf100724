// SqlStore, first half: API keys, OAuth apps, redirect URIs, flows and start links.
#include "gateway/store_sql.h"

#include <algorithm>

#include "gateway/store_records.h"

namespace linkgate::gateway {
using namespace records;

namespace {
std::string select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}
std::string insert(const char* table, const char* columns, int n) {
  std::string marks;
  for (int i = 0; i < n; ++i) marks += i == 0 ? "?" : ",?";
  return std::string("INSERT INTO ") + table + " (" + columns + ") VALUES (" + marks + ")";
}
}  // namespace

Result<SqlResult> SqlStore::run(std::string_view sql, const SqlParams& params) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  return (*c)->query(sql, params);
}

Result<std::unique_ptr<StoreLock>> SqlStore::lock(const std::string& name) {
  return db_->lock(name);
}

// ---- API keys ----

Status SqlStore::addApiKey(const std::string& key, const std::string& account_id, int64_t now) {
  auto r = run("INSERT INTO api_keys (key_hash, account_id, created_at, prefix) "
               "VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
               {lookupHash(key), account_id, now, key.substr(0, 8)});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::optional<std::string>> SqlStore::accountForApiKey(const std::string& key) {
  auto r = run("SELECT account_id FROM api_keys WHERE key_hash = ?", {lookupHash(key)});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0].text(0));
}

// ---- OAuth apps ----

Status SqlStore::insertApp(const OAuthApp& app) {
  const auto announce = configWrite();
  auto params = appParams(app, keys_);
  if (!params) return std::unexpected(params.error());
  static const std::string sql = insert("oauth_apps", kAppColumns, 10);
  auto r = run(sql, *params);
  if (!r) return std::unexpected(r.error());
  return bumpConfigGeneration(app.account_id);
}

Result<std::optional<OAuthApp>> SqlStore::findApp(const std::string& id) {
  static const std::string sql = select(kAppColumns, "FROM oauth_apps WHERE id = ?");
  auto r = run(sql, {id});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<OAuthApp>();
  auto app = appFrom(r->rows[0], keys_);
  if (!app) return std::unexpected(app.error());
  return std::optional<OAuthApp>(std::move(*app));
}

Result<std::vector<OAuthApp>> SqlStore::listApps(const std::string& account_id) {
  static const std::string sql =
      select(kAppColumns, "FROM oauth_apps WHERE account_id = ? ORDER BY created_at, id");
  auto r = run(sql, {account_id});
  if (!r) return std::unexpected(r.error());
  std::vector<OAuthApp> out;
  for (const auto& row : r->rows) {
    auto app = appFrom(row, keys_);
    if (!app) return std::unexpected(app.error());
    out.push_back(std::move(*app));
  }
  return out;
}

Status SqlStore::updateApp(const OAuthApp& app) {
  const auto announce = configWrite();
  auto p = appParams(app, keys_);
  if (!p) return std::unexpected(p.error());
  // appParams: id, account, provider, client_id, secret, name, scopes, metadata, created, updated
  auto r = run("UPDATE oauth_apps SET client_id = ?, client_secret_sealed = ?, name = ?, "
               "default_scopes = ?, metadata = ?, updated_at = ? WHERE id = ? AND account_id = ?",
               {(*p)[3], (*p)[4], (*p)[5], (*p)[6], (*p)[7], (*p)[9], (*p)[0], (*p)[1]});
  if (!r) return std::unexpected(r.error());
  return bumpConfigGeneration(app.account_id);
}

Result<bool> SqlStore::deleteApp(const std::string& account_id, const std::string& id) {
  const auto announce = configWrite();
  auto r = run("DELETE FROM oauth_apps WHERE id = ? AND account_id = ?", {id, account_id});
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return false;
  if (auto ok = bumpConfigGeneration(account_id); !ok) return std::unexpected(ok.error());
  return true;
}

// ---- redirect URIs ----

Status SqlStore::insertRedirectUri(const RedirectUri& uri) {
  const auto announce = configWrite();
  static const std::string sql = insert("redirect_uris", kRedirectUriColumns, 4);
  auto r = run(sql, redirectUriParams(uri));
  if (!r) return std::unexpected(r.error());
  return bumpConfigGeneration(uri.account_id);
}

Result<std::vector<RedirectUri>> SqlStore::listRedirectUris(const std::string& account_id) {
  static const std::string sql = select(
      kRedirectUriColumns, "FROM redirect_uris WHERE account_id = ? ORDER BY created_at, id");
  auto r = run(sql, {account_id});
  if (!r) return std::unexpected(r.error());
  std::vector<RedirectUri> out;
  for (const auto& row : r->rows) out.push_back(redirectUriFrom(row));
  return out;
}

Result<bool> SqlStore::deleteRedirectUri(const std::string& account_id, const std::string& id) {
  const auto announce = configWrite();
  auto r = run("DELETE FROM redirect_uris WHERE id = ? AND account_id = ?", {id, account_id});
  if (!r) return std::unexpected(r.error());
  if (r->affected == 0) return false;
  if (auto ok = bumpConfigGeneration(account_id); !ok) return std::unexpected(ok.error());
  return true;
}

// ---- flows ----

Status SqlStore::insertFlow(const Flow& flow) {
  auto params = flowParams(flow, keys_);
  if (!params) return std::unexpected(params.error());
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  // A flow row is the one write the engine may sync lazily: losing it to a power cut only
  // makes that user start again. Credentials, codes and single-use marks stay durable.
  static const std::string sql = insert("flows", kFlowColumns, 7);
  auto r = (*c)->relaxedWrite(sql, *params);
  if (!r) return std::unexpected(r.error());
  if (++inserts_since_purge_ >= 256) {
    inserts_since_purge_ = 0;
    purgeExpired(**c, flow.created_at - 3600);
  }
  return {};
}

void SqlStore::purgeExpired(SqlConnection& c, int64_t before) {
  // Housekeeping: expired single-use rows are useless an hour later. Failures are harmless,
  // and so is losing a delete to a power cut: the rows are deleted again next time, so it need
  // not wait for a sync (relaxedWrite). Incremental (issue #15): at most 1000 rows of each
  // table per call, found through the expiry indexes, so a purge after a flood of /start is a
  // series of short statements (one per 256 inserts) instead of one long stall.
  for (const char* sql :
       {"DELETE FROM flows WHERE id IN "
        "(SELECT id FROM flows WHERE expires_at < ? LIMIT 1000)",
        "DELETE FROM codes WHERE code_hash IN "
        "(SELECT code_hash FROM codes WHERE expires_at < ? LIMIT 1000)",
        "DELETE FROM start_links WHERE token_hash IN "
        "(SELECT token_hash FROM start_links WHERE expires_at < ? LIMIT 1000)",
        "DELETE FROM used_flows WHERE id IN "
        "(SELECT id FROM used_flows WHERE expires_at < ? LIMIT 1000)"}) {
    (void)c.relaxedWrite(sql, {before});
  }
}

Result<std::optional<Flow>> SqlStore::findFlowByState(const std::string& state) {
  static const std::string sql = select(kFlowColumns, "FROM flows WHERE state_hash = ?");
  auto r = run(sql, {lookupHash(state)});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<Flow>();
  auto f = flowFrom(r->rows[0], state, keys_);
  if (!f) return std::unexpected(f.error());
  return std::optional<Flow>(std::move(*f));
}

Result<bool> SqlStore::consumeFlow(const std::string& flow_id, int64_t now) {
  auto r = run("UPDATE flows SET used = 1 WHERE id = ? AND used = 0 AND expires_at > ?",
               {flow_id, now});
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

// ---- sealed flows (issue 10) ----

Result<std::string> SqlStore::sealFlow(const Flow& flow) { return sealedFlow(flow, keys_); }

Result<Flow> SqlStore::openSealedFlow(const std::string& sealed, const std::string& state) {
  return sealedFlowFrom(sealed, state, keys_);
}

Result<bool> SqlStore::consumeSealedFlow(const std::string& flow_id, int64_t expires_at,
                                         int64_t now) {
  if (expires_at <= now) return false;
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  // Durable like consumeFlow: the mark must outlive a crash, or a replayed callback would
  // redeem a second provider code for the same flow.
  static const std::string sql =
      "INSERT INTO used_flows (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING";
  auto r = (*c)->query(sql, {flow_id, expires_at});
  if (!r) return std::unexpected(r.error());
  // Sealed flows write no row at the start, so the housekeeping that insertFlow does every 256
  // rows is done here too (expired codes, start links, flow rows and these marks).
  if (++inserts_since_purge_ >= 256) {
    inserts_since_purge_ = 0;
    purgeExpired(**c, now - 3600);
  }
  return r->affected == 1;
}

// ---- start links ----

Status SqlStore::insertStartLink(const StartLink& link) {
  auto params = startLinkParams(link, keys_);
  if (!params) return std::unexpected(params.error());
  static const std::string sql = insert("start_links", kStartLinkColumns, 4);
  auto r = run(sql, *params);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::optional<StartLink>> SqlStore::consumeStartLink(const std::string& token,
                                                            int64_t now) {
  // One statement: the row that changed is the row returned, so exactly one caller gets it.
  static const std::string sql =
      std::string("UPDATE start_links SET used = 1 WHERE token_hash = ? AND used = 0 AND "
                  "expires_at > ? RETURNING ") + kStartLinkColumns;
  auto r = run(sql, {lookupHash(token), now});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<StartLink>();
  auto link = startLinkFrom(r->rows[0], token, keys_);
  if (!link) return std::unexpected(link.error());
  return std::optional<StartLink>(std::move(*link));
}

// ---- start-link management (issue 17) ----
// A link's id is the first 16 hex digits of its token hash: rows of an id are the primary-key
// range [id, id + "g") ('g' sorts after every hex digit), so a lookup by id uses the index.

namespace {
bool isLinkId(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}
}  // namespace

Result<std::vector<StartLinkInfo>> SqlStore::listStartLinks(const std::string& account_id,
                                                            const StartLinkQuery& q) {
  // The app and end user are sealed, so filters apply after opening each row: rows are read in
  // batches, newest first, until the page is full or the rows run out.
  constexpr int64_t kBatch = 200;
  static const std::string first = select(
      "token_hash, account_id, sealed, expires_at, used",
      "FROM start_links WHERE account_id = ? ORDER BY expires_at DESC, token_hash DESC LIMIT ?");
  static const std::string next = select(
      "token_hash, account_id, sealed, expires_at, used",
      "FROM start_links WHERE account_id = ? AND (expires_at < ? OR (expires_at = ? AND "
      "token_hash < ?)) ORDER BY expires_at DESC, token_hash DESC LIMIT ?");
  std::vector<StartLinkInfo> out;
  auto after = q.after;
  while (static_cast<int64_t>(out.size()) < q.limit) {
    auto r = after ? run(next, {account_id, after->first, after->first, after->second, kBatch})
                   : run(first, {account_id, kBatch});
    if (!r) return std::unexpected(r.error());
    for (const auto& row : r->rows) {
      after = std::pair{row.integer(3), row.text(0).substr(0, 16)};
      auto link = startLinkFrom(row, "", keys_);
      if (!link) return std::unexpected(link.error());
      if (q.end_user_id && link->end_user.id != *q.end_user_id) continue;
      if (q.app_ids && std::find(q.app_ids->begin(), q.app_ids->end(), link->app_id) ==
                           q.app_ids->end()) {
        continue;
      }
      out.push_back({row.text(0).substr(0, 16), std::move(*link), row.integer(4) != 0});
      if (static_cast<int64_t>(out.size()) >= q.limit) break;
    }
    if (static_cast<int64_t>(r->rows.size()) < kBatch) break;
  }
  return out;
}

Result<std::optional<StartLinkInfo>> SqlStore::findStartLink(const std::string& account_id,
                                                             const std::string& id) {
  if (!isLinkId(id)) return std::optional<StartLinkInfo>();
  static const std::string sql = select(
      "token_hash, account_id, sealed, expires_at, used",
      "FROM start_links WHERE token_hash >= ? AND token_hash < ? AND account_id = ?");
  auto r = run(sql, {id, id + "g", account_id});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<StartLinkInfo>();
  auto link = startLinkFrom(r->rows[0], "", keys_);
  if (!link) return std::unexpected(link.error());
  return std::optional<StartLinkInfo>(
      StartLinkInfo{id, std::move(*link), r->rows[0].integer(4) != 0});
}

Result<bool> SqlStore::deleteStartLink(const std::string& account_id, const std::string& id) {
  if (!isLinkId(id)) return false;
  auto r = run("DELETE FROM start_links WHERE token_hash >= ? AND token_hash < ? AND "
               "account_id = ?",
               {id, id + "g", account_id});
  if (!r) return std::unexpected(r.error());
  return r->affected > 0;
}

}  // namespace linkgate::gateway
