// openStore: the one place that knows which engines exist.
#include "gateway/store_open.h"

#include <filesystem>

#include "gateway/pg_store.h"
#include "gateway/sqlite_store.h"

namespace linkgate::gateway {

Result<std::unique_ptr<SqlStore>> openStore(const StoreSpec& spec, const KeyRing& keys) {
  if (isPostgresUri(spec.db)) {
    PgStoreOptions options;
    options.pool.size = static_cast<size_t>(spec.pool_size);
    options.lock_connections = std::max<size_t>(2, options.pool.size / 2);
    auto store = PgStore::open(spec.db, options, keys);
    if (!store) return std::unexpected(store.error());
    return std::unique_ptr<SqlStore>(std::move(*store));
  }
  auto store = SqliteStore::open(spec.db, keys);
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<SqlStore>(std::move(*store));
}

Result<bool> storeHasSchema(const StoreSpec& spec) {
  if (!isPostgresUri(spec.db)) return std::filesystem::exists(spec.db);
  PgStoreOptions options;
  options.pool.size = 1;
  options.lock_connections = 1;
  auto db = openPgDatabase(spec.db, options);
  if (!db) return std::unexpected(db.error());
  auto c = (*db)->acquire();
  if (!c) return std::unexpected(c.error());
  auto r = (*c)->query("SELECT COUNT(*) FROM information_schema.tables WHERE "
                       "table_schema = current_schema() AND table_name = 'schema_version'",
                       {});
  if (!r) return std::unexpected(r.error());
  return !r->rows.empty() && r->rows[0].integer(0) > 0;
}

std::string redactedDb(const std::string& db) {
  if (!isPostgresUri(db)) return db;
  // scheme://user:password@host... -> scheme://user:***@host...
  const size_t start = db.find("://") + 3;
  const size_t at = db.find('@', start);
  if (at == std::string::npos) return db;
  const size_t colon = db.find(':', start);
  if (colon == std::string::npos || colon > at) return db;
  return db.substr(0, colon + 1) + "***" + db.substr(at);
}

}  // namespace linkgate::gateway
