// SqlStore, webhooks (issue #13): endpoints (secret sealed, the row id as associated data), the
// outbox of deliveries written inside the caller's transaction, and the workers' leases.
#include <algorithm>

#include "core/crypto.h"
#include "core/json.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {
namespace {

constexpr const char* kEndpointColumns = "id, account_id, url, secret_sealed, events, created_at";
constexpr const char* kDeliveryColumns =
    "id, account_id, endpoint_id, event_id, event_type, payload, status, attempts, "
    "next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at, created_at";

Result<WebhookEndpoint> endpointFrom(const SqlRow& row, const KeyRing& keys) {
  WebhookEndpoint e;
  e.id = row.text(0);
  e.account_id = row.text(1);
  e.url = row.text(2);
  auto secret = keys.open(row.text(3), e.id);
  if (!secret) return fail("store_error", "cannot open a webhook secret: " + secret.error().message);
  e.secret = std::move(*secret);
  auto events = parseJson(row.text(4));
  if (!events || !events->is_array()) return fail("store_error", "corrupt webhook events");
  for (const auto& t : *events) {
    if (t.is_string()) e.events.push_back(t.get<std::string>());
  }
  e.created_at = row.integer(5);
  return e;
}

WebhookDelivery deliveryFrom(const SqlRow& row) {
  WebhookDelivery d;
  d.id = row.text(0);
  d.account_id = row.text(1);
  d.endpoint_id = row.text(2);
  d.event_id = row.text(3);
  d.event_type = row.text(4);
  d.payload = row.text(5);
  d.status = row.text(6);
  d.attempts = row.integer(7);
  d.next_attempt_at = row.integer(8);
  d.last_attempt_at = row.integer(9);
  d.last_status_code = row.integer(10);
  d.last_error = row.text(11);
  d.delivered_at = row.integer(12);
  d.created_at = row.integer(13);
  return d;
}

std::vector<WebhookDelivery> deliveriesFrom(const SqlResult& r) {
  std::vector<WebhookDelivery> out;
  for (const auto& row : r.rows) out.push_back(deliveryFrom(row));
  return out;
}

// A fresh pending delivery as INSERT parameters (kDeliveryColumns + lease_owner, lease_until).
SqlParams pendingParams(const std::string& id, const std::string& account_id,
                        const std::string& endpoint_id, const std::string& event_id,
                        const std::string& type, const std::string& payload, int64_t due_ms) {
  return {id,      account_id,        endpoint_id, event_id, type,    payload,
          "pending", int64_t{0},      due_ms,      int64_t{0}, int64_t{0},
          "",        int64_t{0},      due_ms,      "",       int64_t{0}};
}

const std::string& insertDeliverySql() {
  static const std::string sql = std::string("INSERT INTO webhook_deliveries (") +
                                 kDeliveryColumns +
                                 ", lease_owner, lease_until) VALUES "
                                 "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql;
}

// The id of event's delivery to endpoint: derived, so the fan-out needs no randomness and a
// retried transaction writes the same rows. UUID-shaped like every other id of the API.
std::string deliveryId(const std::string& event_id, const std::string& endpoint_id) {
  std::string h = sha256Hex("webhook-delivery:" + event_id + "/" + endpoint_id).substr(0, 32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

}  // namespace

Status SqlStore::insertWebhook(const WebhookEndpoint& e) {
  auto sealed = keys_.seal(e.secret, e.id);
  if (!sealed) return std::unexpected(sealed.error());
  static const std::string sql =
      std::string("INSERT INTO webhook_endpoints (") + kEndpointColumns + ") VALUES (?,?,?,?,?,?)";
  auto r = run(sql, {e.id, e.account_id, e.url, *sealed, dumpJson(Json(e.events)), e.created_at});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::vector<WebhookEndpoint>> SqlStore::listWebhooks(const std::string& account_id) {
  static const std::string sql = std::string("SELECT ") + kEndpointColumns +
                                 " FROM webhook_endpoints WHERE account_id = ? ORDER BY "
                                 "created_at, id";
  auto r = run(sql, {account_id});
  if (!r) return std::unexpected(r.error());
  std::vector<WebhookEndpoint> out;
  for (const auto& row : r->rows) {
    auto e = endpointFrom(row, keys_);
    if (!e) return std::unexpected(e.error());
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::optional<WebhookEndpoint>> SqlStore::findWebhook(const std::string& account_id,
                                                             const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kEndpointColumns +
                                 " FROM webhook_endpoints WHERE id = ? AND account_id = ?";
  auto r = run(sql, {id, account_id});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<WebhookEndpoint>();
  auto e = endpointFrom(r->rows[0], keys_);
  if (!e) return std::unexpected(e.error());
  return std::optional<WebhookEndpoint>(std::move(*e));
}

Result<bool> SqlStore::deleteWebhook(const std::string& account_id, const std::string& id) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return std::unexpected(ok.error());
  auto deleted =
      (*c)->query("DELETE FROM webhook_endpoints WHERE id = ? AND account_id = ?", {id, account_id});
  if (!deleted) return std::unexpected(deleted.error());
  if (deleted->affected == 0) return false;
  if (auto r = (*c)->query("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", {id}); !r) {
    return std::unexpected(r.error());
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error());
  return true;
}

Status SqlStore::fanOut(SqlConnection& c, const std::vector<WebhookEvent>& events) {
  for (const auto& event : events) {
    auto r = c.query("SELECT id, events FROM webhook_endpoints WHERE account_id = ?",
                     {event.account_id});
    if (!r) return std::unexpected(r.error());
    for (const auto& row : r->rows) {
      auto types = parseJson(row.text(1));
      if (!types || !types->is_array()) continue;
      if (std::find(types->begin(), types->end(), Json(event.type)) == types->end()) continue;
      const std::string& endpoint = row.text(0);
      auto ins = c.query(insertDeliverySql(),
                         pendingParams(deliveryId(event.id, endpoint), event.account_id, endpoint,
                                       event.id, event.type, event.payload, event.created_at_ms));
      if (!ins) return std::unexpected(ins.error());
    }
  }
  return {};
}

Status SqlStore::emitEvents(const std::vector<WebhookEvent>& events) {
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  SqlTransaction tx(**c, db_->dialect().begin);
  if (auto ok = tx.started(); !ok) return ok;
  if (auto ok = fanOut(**c, events); !ok) return ok;
  return tx.commit();
}

Result<std::vector<WebhookDelivery>> SqlStore::listDeliveries(const std::string& account_id,
                                                              const std::string& endpoint_id,
                                                              int64_t limit) {
  static const std::string sql = std::string("SELECT ") + kDeliveryColumns +
                                 " FROM webhook_deliveries WHERE endpoint_id = ? AND "
                                 "account_id = ? ORDER BY created_at DESC, id LIMIT ?";
  auto r = run(sql, {endpoint_id, account_id, limit});
  if (!r) return std::unexpected(r.error());
  return deliveriesFrom(*r);
}

Result<std::optional<WebhookDelivery>> SqlStore::redeliver(const std::string& account_id,
                                                           const std::string& endpoint_id,
                                                           const std::string& delivery_id,
                                                           const std::string& new_id,
                                                           int64_t now_ms) {
  static const std::string sql = std::string("SELECT ") + kDeliveryColumns +
                                 " FROM webhook_deliveries WHERE id = ? AND endpoint_id = ? AND "
                                 "account_id = ?";
  auto c = db_->acquire();
  if (!c) return std::unexpected(c.error());
  auto r = (*c)->query(sql, {delivery_id, endpoint_id, account_id});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return std::optional<WebhookDelivery>();
  const WebhookDelivery old = deliveryFrom(r->rows[0]);
  auto ins = (*c)->query(insertDeliverySql(),
                         pendingParams(new_id, old.account_id, old.endpoint_id, old.event_id,
                                       old.event_type, old.payload, now_ms));
  if (!ins) return std::unexpected(ins.error());
  WebhookDelivery fresh = old;
  fresh.id = new_id;
  fresh.status = "pending";
  fresh.attempts = fresh.last_attempt_at = fresh.last_status_code = fresh.delivered_at = 0;
  fresh.last_error.clear();
  fresh.next_attempt_at = fresh.created_at = now_ms;
  return std::optional<WebhookDelivery>(std::move(fresh));
}

Result<std::vector<WebhookDelivery>> SqlStore::claimDeliveries(const std::string& owner,
                                                               int64_t now_ms,
                                                               int64_t lease_until_ms,
                                                               int64_t limit) {
  // The rows are picked (and, on PostgreSQL, locked with SKIP LOCKED) once, in a MATERIALIZED
  // CTE: as `id IN (SELECT ... LIMIT ? FOR UPDATE SKIP LOCKED)` PostgreSQL may run the
  // sub-select again per row of the outer scan, and a re-run that skips the other claimer's
  // rows can leave a row locked by this claim but not leased by it, while the other claimer
  // skipped it too (two drains of 120 deliveries ended with 118, 1.4 % of runs). The outer WHERE
  // repeats the conditions: under READ COMMITTED an UPDATE re-checks them on a row another
  // claimer changed meanwhile, so a row is never leased twice even where SKIP LOCKED is absent.
  const std::string sql =
      std::string("WITH picked AS MATERIALIZED (SELECT id FROM webhook_deliveries WHERE "
                  "status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? "
                  "ORDER BY next_attempt_at, id LIMIT ?") +
      std::string(db_->dialect().skip_locked) +
      ") UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id IN "
      "(SELECT id FROM picked) AND status = 'pending' AND lease_until <= ? RETURNING " +
      kDeliveryColumns;
  auto r = run(sql, {now_ms, now_ms, limit, owner, lease_until_ms, now_ms});
  if (!r) return std::unexpected(r.error());
  auto out = deliveriesFrom(*r);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.next_attempt_at != b.next_attempt_at ? a.next_attempt_at < b.next_attempt_at
                                                  : a.id < b.id;
  });
  return out;
}

Result<bool> SqlStore::finishDelivery(const std::string& delivery_id, const std::string& owner,
                                      const DeliveryOutcome& o) {
  auto r = run("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, "
               "next_attempt_at = ?, last_attempt_at = ?, last_status_code = ?, last_error = ?, "
               "delivered_at = ?, lease_owner = '', lease_until = 0 "
               "WHERE id = ? AND lease_owner = ?",
               {o.status, o.next_attempt_at, o.attempted_at, o.status_code, o.error,
                o.status == "delivered" ? o.attempted_at : int64_t{0}, delivery_id, owner});
  if (!r) return std::unexpected(r.error());
  return r->affected == 1;
}

}  // namespace linkgate::gateway
