// Store on PostgreSQL, shared by any number of gateway instances: SqlStore's queries over a
// libpq connection pool; migrations under an advisory lock; Store::lock as a session advisory
// lock on a separate small pool (so lock holders and waiters never starve the query pool, and
// a holder that dies releases the lock with its session).
#pragma once
#include <memory>
#include <string>

#include "core/sealer.h"
#include "gateway/pg_pool.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {

struct PgStoreOptions {
  PgPoolOptions pool;
  size_t lock_connections = 4;
  std::chrono::milliseconds lock_wait{15000};  // above the provider call timeout
};

class PgStore final : public SqlStore {
 public:
  // Connects (uri: postgresql://... or postgres://..., handed to libpq as it is) and migrates.
  // Fails "store_unavailable" (cannot connect) or "store_schema".
  static Result<std::unique_ptr<PgStore>> open(const std::string& uri, const PgStoreOptions& options,
                                               const KeyRing& keys);

 private:
  using SqlStore::SqlStore;
};

// True for a URI that names PostgreSQL (postgresql:// or postgres://).
bool isPostgresUri(const std::string& db);

// The engine alone, without migrating.
Result<std::unique_ptr<SqlDatabase>> openPgDatabase(const std::string& uri,
                                                    const PgStoreOptions& options);

}  // namespace linkgate::gateway
