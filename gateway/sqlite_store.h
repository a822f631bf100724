// Store on one SQLite file (one box, one gateway process): WAL with group commit (a commit is
// durable before we answer; concurrent commits share one WAL sync, see sqlite_store.cc), the
// schema migrated on open, secrets sealed and lookup secrets hashed by store_records. The
// queries are SqlStore's; this file only opens the engine.
#pragma once
#include <memory>
#include <string>

#include "core/sealer.h"
#include "gateway/store_sql.h"

namespace linkgate::gateway {

class SqliteStore final : public SqlStore {
 public:
  // Opens (creating if needed) and migrates. Fails "store_open" / "store_schema".
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, const KeyRing& keys);

 private:
  using SqlStore::SqlStore;
};

// The engine alone, without migrating (tests use it to reach rows directly).
Result<std::unique_ptr<SqlDatabase>> openSqliteDatabase(const std::string& path);

}  // namespace linkgate::gateway
