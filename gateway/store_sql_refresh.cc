// SqlStore, the background refresher's part (issue 13): which credentials are due, and the
// refresh lease that lets exactly one gateway instance refresh a credential at a time.
#include "core/clock.h"
#include "gateway/long_lived.h"
#include "gateway/store_records.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {
using namespace records;

namespace {

constexpr int64_t kNoExpiry = 253402300799;  // 9999-12-31T23:59:59Z: never due by expiry
constexpr size_t kIndexBatch = 200;

int64_t tokenExpiry(const Credential& c) {
  auto it = c.properties.find("expires_at");
  if (it == c.properties.end() || !it->is_string()) return kNoExpiry;
  return parseRfc3339(it->get<std::string>()).value_or(kNoExpiry);
}

// A refresh token, or a long-lived access token renewed itself (issue 13).
bool refreshable(const Credential& c) { return renewable(c.properties) && c.health_status == "ok"; }

}  // namespace

Status SqlStore::writeRefreshColumns(SqlConnection& c, const Credential& credential) {
  auto r =
      c.query("UPDATE credentials SET token_expires_at = ?, refreshable = ? WHERE id = ?",
              {tokenExpiry(credential), int64_t{refreshable(credential) ? 1 : 0}, credential.id});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::vector<RefreshCandidate>> SqlStore::refreshCandidates(const RefreshQuery& query) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  // Rows of before the refresher's migration: read their expiry once (a credential that cannot
  // be opened is left to the API paths, which report it).
  static const std::string unindexed = std::string("SELECT ") + kCredentialColumns +
                                       " FROM credentials WHERE refreshable IS NULL LIMIT " +
                                       std::to_string(kIndexBatch);
  for (;;) {
    auto rows = (*c)->query(unindexed, {});
    if (!rows) return std::unexpected(rows.error());
    size_t indexed = 0;
    for (const auto& row : rows->rows) {
      auto cred = credentialFrom(row, keys_);
      if (!cred) {
        (void)(*c)->query("UPDATE credentials SET refreshable = 0 WHERE id = ?", {row.text(0)});
        continue;
      }
      if (auto ok = writeRefreshColumns(**c, *cred); !ok) return std::unexpected(ok.error());
      ++indexed;
    }
    if (rows->rows.size() < kIndexBatch || indexed == 0) break;
  }
  std::string sql =
      "SELECT c.id, c.provider FROM credentials c LEFT JOIN refresh_leases l "
      "ON l.credential_id = c.id WHERE c.refreshable = 1 AND "
      "(l.credential_id IS NULL OR (l.lease_until <= ? AND l.retry_at <= ?)) AND "
      "(c.token_expires_at <= ?";
  SqlParams params = {query.now, query.now, query.expires_before};
  for (const auto& [provider, before] : query.idle_before) {
    sql += " OR (c.provider = ? AND c.updated_at <= ?)";
    params.emplace_back(provider);
    params.emplace_back(before);
  }
  sql += ") ORDER BY c.token_expires_at, c.id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(query.limit));
  auto r = (*c)->query(sql, params);
  if (!r) return std::unexpected(r.error());
  std::vector<RefreshCandidate> out;
  for (const auto& row : r->rows) out.push_back({row.text(0), row.text(1)});
  return out;
}

Result<std::optional<int>> SqlStore::claimRefreshLease(const std::string& credential_id,
                                                       const std::string& owner, int64_t now,
                                                       int64_t until) {
  // One statement: the row inserted or taken over is the row returned, so of racing instances
  // exactly one sees it.
  auto r =
      run("INSERT INTO refresh_leases (credential_id, owner, lease_until, failures, retry_at) "
          "VALUES (?,?,?,0,0) ON CONFLICT (credential_id) DO UPDATE SET "
          "owner = excluded.owner, lease_until = excluded.lease_until "
          "WHERE refresh_leases.lease_until <= ? AND refresh_leases.retry_at <= ? "
          "RETURNING failures",
          {credential_id, owner, until, now, now});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<int>();
  return std::optional<int>(static_cast<int>(r->rows[0].integer(0)));
}

Status SqlStore::releaseRefreshLease(const std::string& credential_id, const std::string& owner,
                                     int failures, int64_t retry_at) {
  auto r =
      run("UPDATE refresh_leases SET lease_until = 0, failures = ?, retry_at = ? "
          "WHERE credential_id = ? AND owner = ?",
          {int64_t{failures}, retry_at, credential_id, owner});
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace linkgate::gateway
