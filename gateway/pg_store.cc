// PgStore's engine: the dialect, the pools, and advisory locks keyed by a hash of the name.
#include "gateway/pg_store.h"

#include <cstring>

#include "core/crypto.h"
#include "gateway/store_migrations.h"

namespace linkgate::gateway {
namespace {

// pg_advisory_xact_lock key of the schema migration (any fixed number; "linkgate" in ASCII).
const SqlDialect kDialect{"postgresql", "BEGIN",
                          "SELECT pg_advisory_xact_lock(7523377975160973669)",
                          postgresMigrations(), " FOR UPDATE SKIP LOCKED"};

int64_t lockKey(const std::string& name) {
  const std::string digest = sha256("linkgate-lock:" + name);
  int64_t key = 0;
  std::memcpy(&key, digest.data(), sizeof key);
  return key;
}

class PgLock final : public StoreLock {
 public:
  PgLock(SqlLease lease, PgConnection* c, int64_t key)
      : lease_(std::move(lease)), c_(c), key_(key) {}
  ~PgLock() override {
    auto r = c_->query("SELECT pg_advisory_unlock(?::bigint)", {key_});
    // Not released (or not known to be): close the session, which releases every lock it has.
    if (!r || r->rows.empty() || r->rows[0].text(0) != "t") c_->markBroken();
  }

 private:
  SqlLease lease_;
  PgConnection* c_;
  int64_t key_;
};

class PgDatabase final : public SqlDatabase {
 public:
  PgDatabase(const std::string& uri, const PgStoreOptions& o)
      : pool_(uri, o.pool),
        locks_(uri, PgPoolOptions{o.lock_connections, o.lock_wait, o.lock_wait}) {}

  const SqlDialect& dialect() const override { return kDialect; }
  Result<SqlLease> acquire() override { return pool_.acquire(); }

  Result<std::unique_ptr<StoreLock>> lock(const std::string& name) override {
    auto c = locks_.acquireConnection();
    if (!c) return std::unexpected(c.error());
    const int64_t key = lockKey(name);
    auto r = c->second->query("SELECT pg_advisory_lock(?::bigint)", {key});
    if (!r) {
      c->second->markBroken();  // a cancelled wait may still have been granted: drop the session
      return fail(r.error().id == "store_unavailable" ? "store_unavailable" : "lock_timeout",
                  "lock " + name + ": " + r.error().message);
    }
    return std::unique_ptr<StoreLock>(new PgLock(std::move(c->first), c->second, key));
  }

 private:
  PgPool pool_;
  PgPool locks_;
};

}  // namespace

bool isPostgresUri(const std::string& db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<std::unique_ptr<SqlDatabase>> openPgDatabase(const std::string& uri,
                                                    const PgStoreOptions& options) {
  auto db = std::make_unique<PgDatabase>(uri, options);
  auto probe = db->acquire();  // fail early, with libpq's reason, when the server is not there
  if (!probe) return std::unexpected(probe.error());
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& uri,
                                               const PgStoreOptions& options,
                                               const KeyRing& keys) {
  auto db = openPgDatabase(uri, options);
  if (!db) return std::unexpected(db.error());
  std::unique_ptr<PgStore> store(new PgStore(std::move(*db), keys));
  if (auto ok = store->migrate(); !ok) return std::unexpected(ok.error());
  return store;
}

}  // namespace linkgate::gateway
