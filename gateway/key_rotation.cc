// rotateMasterKey: per table, batches ordered by primary key from the recorded cursor.
#include "gateway/key_rotation.h"

#include <thread>

#include "gateway/store_sql.h"

namespace linkgate::gateway {
namespace {

// Every sealed column (store_records.cc) with its row key and associated-data prefix.
struct SealedColumn {
  const char* table;
  const char* key;
  const char* sealed;
  const char* aad_prefix;
};
constexpr SealedColumn kSealed[] = {
    {"oauth_apps", "id", "client_secret_sealed", "oauth_app:"},
    {"credentials", "id", "sealed", "credential:"},
    {"flows", "id", "sealed", "flow:"},
    {"start_links", "token_hash", "sealed", "start_link:"},
    {"codes", "code_hash", "sealed", "code:"},
    {"webhook_endpoints", "id", "secret_sealed", ""},  // sealed with the endpoint id alone
};

// The master-key check (store_sql_ops.cc): one row, re-sealed last, so a gateway started with
// the new key alone accepts the database once every other value is under it.
// On the caller's connection: the pool may hold only one.
Status resealKeyCheck(SqlConnection& c, const KeyRing& keys) {
  auto r = c.query("SELECT sealed FROM key_check WHERE id = 1", {});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty() || r->rows[0].text(0).starts_with(keys.primaryId() + ".")) return {};
  const std::string old = r->rows[0].text(0);
  auto plain = keys.open(old, kKeyCheckAad);
  if (!plain) return fail("rotation_failed", "key_check: " + plain.error().id);
  auto resealed = keys.seal(*plain, kKeyCheckAad);
  if (!resealed) return std::unexpected(resealed.error());
  auto u = c.query("UPDATE key_check SET sealed = ? WHERE id = 1 AND sealed = ?",
                       {*resealed, old});
  if (!u) return std::unexpected(u.error());
  return {};
}

std::string pattern(const KeyRing& keys) { return keys.primaryId() + ".%"; }

Result<int64_t> countOther(SqlConnection& c, const SealedColumn& t, const KeyRing& keys) {
  auto r =
      c.query(std::string("SELECT COUNT(*) FROM ") + t.table + " WHERE " + t.sealed + " NOT LIKE ?",
              {pattern(keys)});
  if (!r) return std::unexpected(r.error());
  return r->rows.empty() ? 0 : r->rows[0].integer(0);
}

struct Progress {
  std::string cursor;
  int64_t resealed = 0;
  bool found = false;
};

Result<Progress> readProgress(SqlConnection& c, const std::string& target, const char* table) {
  auto r = c.query(
      "SELECT cursor, resealed FROM key_rotation WHERE target_key = ? AND "
      "table_name = ?",
      {target, std::string(table)});
  if (!r) return std::unexpected(r.error());
  Progress p;
  if (!r->rows.empty()) {
    p.cursor = r->rows[0].text(0);
    p.resealed = r->rows[0].integer(1);
    p.found = true;
  }
  return p;
}

// One table from its cursor to the end; returns the values re-sealed.
Result<int64_t> rotateTable(SqlDatabase& db, const KeyRing& keys, const SealedColumn& t,
                            const KeyRotationOptions& o, int64_t now, KeyRotationResult& result,
                            const std::function<void(const std::string&)>& progress) {
  const std::string target = keys.primaryId();
  auto c = db.acquire();
  if (!c) return std::unexpected(c.error());
  auto to_go = countOther(**c, t, keys);
  if (!to_go) return std::unexpected(to_go.error());
  auto p = readProgress(**c, target, t.table);
  if (!p) return std::unexpected(p.error());
  if (p->found && (p->resealed > 0 || !p->cursor.empty())) {
    result.resumed = true;
    progress(std::string(t.table) + ": resuming after " + std::to_string(p->resealed) +
             " re-sealed by an earlier run");
  }
  if (!p->found) {
    auto r = (*c)->query(
        "INSERT INTO key_rotation (target_key, table_name, cursor, resealed, "
        "updated_at) VALUES (?,?,?,0,?) ON CONFLICT DO NOTHING",
        {target, std::string(t.table), std::string(), now});
    if (!r) return std::unexpected(r.error());
  }
  progress(std::string(t.table) + ": " + std::to_string(*to_go) + " values under other keys");
  const std::string select = std::string("SELECT ") + t.key + ", " + t.sealed + " FROM " + t.table +
                             " WHERE " + t.key + " > ? ORDER BY " + t.key + " LIMIT ?";
  const std::string update = std::string("UPDATE ") + t.table + " SET " + t.sealed + " = ? WHERE " +
                             t.key + " = ? AND " + t.sealed + " = ?";
  std::string cursor = p->cursor;
  int64_t total = p->resealed, this_run = 0;
  for (;;) {
    SqlTransaction tx(**c, db.dialect().begin);
    if (auto ok = tx.started(); !ok) return std::unexpected(ok.error());
    auto rows = (*c)->query(select, {cursor, static_cast<int64_t>(o.batch)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->rows.empty()) break;
    int64_t n = 0;
    for (const auto& row : rows->rows) {
      const std::string& key = row.text(0);
      const std::string& sealed = row.text(1);
      cursor = key;
      if (sealed.starts_with(target + ".")) {
        ++result.already;
        continue;
      }
      const std::string aad = std::string(t.aad_prefix) + key;
      auto plain = keys.open(sealed, aad);
      if (!plain) {
        return fail("rotation_failed", std::string(t.table) + " row " + key.substr(0, 16) + ": " +
                                           plain.error().id +
                                           " (is the key it was sealed with in the ring?)");
      }
      auto resealed = keys.seal(*plain, aad);
      if (!resealed) return std::unexpected(resealed.error());
      auto r = (*c)->query(update, {*resealed, key, sealed});
      if (!r) return std::unexpected(r.error());
      n += r->affected;  // 0: changed meanwhile by a gateway (then sealed by its primary)
    }
    total += n;
    this_run += n;
    auto r = (*c)->query(
        "UPDATE key_rotation SET cursor = ?, resealed = ?, updated_at = ? "
        "WHERE target_key = ? AND table_name = ?",
        {cursor, total, now, target, std::string(t.table)});
    if (!r) return std::unexpected(r.error());
    if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
    progress(std::string(t.table) + ": " + std::to_string(total) + " re-sealed");
    if (o.throttle.count() > 0) std::this_thread::sleep_for(o.throttle);
  }
  return this_run;
}

}  // namespace

Result<KeyRotationResult> rotateMasterKey(SqlDatabase& db, const KeyRing& keys,
                                          const KeyRotationOptions& options, int64_t now,
                                          const std::function<void(const std::string&)>& progress) {
  KeyRotationResult result;
  if (keys.primaryId().empty()) return fail("rotation_failed", "the key ring is empty");
  progress("re-sealing every stored secret under key " + keys.primaryId());
  for (int pass = 1; pass <= options.max_passes; ++pass) {
    for (const auto& t : kSealed) {
      auto n = rotateTable(db, keys, t, options, now, result, progress);
      if (!n) return std::unexpected(n.error());
      result.resealed += *n;
    }
    auto c = db.acquire();
    if (!c) return std::unexpected(c.error());
    int64_t left = 0;
    for (const auto& t : kSealed) {
      auto n = countOther(**c, t, keys);
      if (!n) return std::unexpected(n.error());
      left += *n;
    }
    // Done or not, this pass's cursors are spent: a new pass (or a later run) starts over.
    auto r = (*c)->query("DELETE FROM key_rotation WHERE target_key = ?", {keys.primaryId()});
    if (!r) return std::unexpected(r.error());
    if (left == 0) {
      if (auto ok = resealKeyCheck(**c, keys); !ok) return std::unexpected(ok.error());
      progress("done: every stored secret is sealed under " + keys.primaryId() + " (" +
               std::to_string(result.resealed) + " re-sealed by this run)");
      return result;
    }
    progress(std::to_string(left) + " values were written under other keys meanwhile; pass " +
             std::to_string(pass + 1));
  }
  return fail("rotation_incomplete",
              "values sealed under other keys keep appearing: restart every gateway instance "
              "with the new master key first, then run rotate-master-key again");
}

}  // namespace linkgate::gateway
