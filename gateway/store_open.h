// Picks the store engine from --db: postgresql://... or postgres://... is PostgreSQL (the URI
// goes to libpq untouched), anything else a SQLite file path. Opening migrates the schema.
#pragma once
#include <memory>
#include <string>

#include "core/sealer.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {

struct StoreSpec {
  std::string db;
  int pool_size = 8;  // PostgreSQL connections per process
};

// Fails with the engine's reason (never the URI's password): "store_open",
// "store_unavailable" or "store_schema".
Result<std::unique_ptr<SqlStore>> openStore(const StoreSpec& spec, const KeyRing& keys);

// Whether --db already holds a Linkgate schema, without creating or migrating anything: a
// SQLite file that exists, a PostgreSQL database with a schema_version table. Fails (with the
// engine's reason) when a PostgreSQL server cannot be reached.
Result<bool> storeHasSchema(const StoreSpec& spec);

// The --db value as it may be printed: a URI's password replaced by "***".
std::string redactedDb(const std::string& db);

}  // namespace linkgate::gateway
