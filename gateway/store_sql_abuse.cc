// SqlStore, abuse (issue #15): failed-authentication counts and lockouts in the database, so
// every instance on it sees the same lockout; the count of unexpired flows for the flow cap.
#include "gateway/store_sql.h"

namespace linkgate::gateway {

Result<int64_t> SqlStore::lockedUntil(const std::string& subject) {
  auto r = run("SELECT locked_until FROM auth_lockouts WHERE subject = ?", {subject});
  if (!r) return std::unexpected(r.error());
  return r->rows.empty() ? int64_t{0} : r->rows[0].integer(0);
}

Result<int64_t> SqlStore::recordAuthFailure(const std::string& subject, int64_t now,
                                            int64_t threshold, int64_t window_s,
                                            int64_t lock_s) {
  const int64_t cutoff = now - window_s, until = now + lock_s;
  // One statement (an upsert), so failures arriving at several instances at once all count.
  // In SET every column names the row as it was: `fresh` is the failure count after this one.
  static constexpr const char* kFresh =
      "(CASE WHEN auth_lockouts.window_start <= CAST(? AS BIGINT) THEN 1 "
      "ELSE auth_lockouts.failures + 1 END)";
  static const std::string sql =
      std::string("INSERT INTO auth_lockouts (subject, window_start, failures, locked_until) "
                  "VALUES (?, CAST(? AS BIGINT), "
                  "CASE WHEN CAST(? AS BIGINT) <= 1 THEN 0 ELSE 1 END, "
                  "CASE WHEN CAST(? AS BIGINT) <= 1 THEN CAST(? AS BIGINT) ELSE 0 END) "
                  "ON CONFLICT (subject) DO UPDATE SET "
                  "window_start = CASE WHEN auth_lockouts.window_start <= CAST(? AS BIGINT) "
                  "OR ") + kFresh + " >= CAST(? AS BIGINT) THEN CAST(? AS BIGINT) "
                  "ELSE auth_lockouts.window_start END, "
                  "failures = CASE WHEN " + kFresh + " >= CAST(? AS BIGINT) THEN 0 ELSE " +
                  kFresh + " END, "
                  "locked_until = CASE WHEN " + kFresh + " >= CAST(? AS BIGINT) "
                  "THEN CAST(? AS BIGINT) ELSE auth_lockouts.locked_until END "
                  "RETURNING locked_until";
  const SqlParams params = {subject, now, threshold, threshold, until,
                            // window_start
                            cutoff, cutoff, threshold, now,
                            // failures
                            cutoff, threshold, cutoff,
                            // locked_until
                            cutoff, threshold, until};
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  auto r = (*c)->query(sql, params);
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return fail("store_error", "the failure count was not returned");
  const int64_t locked_until = r->rows[0].integer(0);
  if (++failures_since_purge_ >= 64) {
    failures_since_purge_ = 0;
    // Housekeeping, a bounded batch at a time: rows whose window and lock are both over say
    // nothing any more. Losing it is harmless (it runs again).
    (void)(*c)->relaxedWrite("DELETE FROM auth_lockouts WHERE subject IN (SELECT subject FROM "
                             "auth_lockouts WHERE window_start < ? AND locked_until < ? "
                             "LIMIT 1000)",
                             {cutoff, now});
  }
  return locked_until;
}

Result<int64_t> SqlStore::countUnexpiredFlows(int64_t now) {
  // Counts index entries of flows_expiry only (no table rows are read).
  auto r = run("SELECT COUNT(*) FROM flows WHERE expires_at > ?", {now});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return int64_t{0};
  return r->rows[0].integer(0);
}

}  // namespace linkgate::gateway
