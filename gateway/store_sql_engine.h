// The seam between the backend-neutral SqlStore and one SQL engine (SQLite, PostgreSQL): a
// connection runs one parameterised statement at a time, a database lends connections and
// holds cluster-wide locks. Statements use '?' placeholders; a backend rewrites them if needed.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"
#include "gateway/config_signal.h"
#include "gateway/store.h"

namespace linkgate::gateway {

using SqlValue = std::variant<std::string, int64_t>;
using SqlParams = std::vector<SqlValue>;

// Every cell as text (integers in decimal): both engines can give that.
struct SqlRow {
  std::vector<std::string> cells;
  const std::string& text(size_t i) const { return cells.at(i); }
  int64_t integer(size_t i) const;
};

struct SqlResult {
  std::vector<SqlRow> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

// One connection, used by one thread at a time. Errors: "store_unavailable" when the engine
// cannot be reached (the caller answers 503), "store_error" for everything else.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // One statement with '?' parameters, prepared once per connection and cached.
  virtual Result<SqlResult> query(std::string_view sql, const SqlParams& params) = 0;
  // A write the engine may make durable lazily (it survives a process crash, not a power cut).
  virtual Result<SqlResult> relaxedWrite(std::string_view sql, const SqlParams& params) {
    return query(sql, params);
  }
  // Statements without parameters, several allowed (migrations, BEGIN, COMMIT).
  virtual Status script(std::string_view sql) = 0;
};

// Exclusive use of one connection until destroyed.
class SqlLease {
 public:
  SqlLease(SqlConnection* c, std::function<void()> release)
      : c_(c), release_(std::move(release)) {}
  SqlLease(SqlLease&& o) noexcept : c_(o.c_), release_(std::move(o.release_)) {
    o.release_ = nullptr;
  }
  SqlLease& operator=(SqlLease&&) = delete;
  ~SqlLease() {
    if (release_) release_();
  }
  SqlConnection* operator->() const { return c_; }
  SqlConnection& operator*() const { return *c_; }

 private:
  SqlConnection* c_;
  std::function<void()> release_;
};

// What differs between engines, as data.
struct SqlDialect {
  std::string_view name;        // "sqlite" | "postgresql"
  std::string_view begin;       // starts a write transaction
  std::string_view lock_schema; // run first inside the migration transaction ("" = none)
  const std::vector<std::string>& migrations;  // entry i upgrades version i to i+1
  // Webhooks (issue #13): appended to a claim's inner SELECT so concurrent claimers skip each
  // other's rows instead of waiting ("" where the engine has one writer anyway).
  std::string_view skip_locked;
  // Reads are a local library call (no network round trip, a mutex held for one statement):
  // a reactor thread may answer a read-only route itself (issue 10: /start).
  bool local_reads = false;
};

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual const SqlDialect& dialect() const = 0;
  // A connection; waits for a free one. Fails "store_unavailable" when none can be had in time.
  virtual Result<SqlLease> acquire() = 0;
  // A lock on name shared by every process using the database, held until the returned
  // object is destroyed or its holder dies. Fails "store_unavailable" / "lock_timeout".
  virtual Result<std::unique_ptr<StoreLock>> lock(const std::string& name) = 0;
  // App and redirect-URI writes announced to every process of this database without a query
  // (config_signal.h), or nullptr when the engine has none (PostgreSQL: other machines).
  virtual ConfigSignal* configSignal() { return nullptr; }
};

// BEGIN (the dialect's) ... COMMIT on one connection, rolled back unless committed.
class SqlTransaction {
 public:
  SqlTransaction(SqlConnection& c, std::string_view begin) : c_(c) {
    auto ok = c_.script(begin);
    if (!ok) error_ = ok.error();
    open_ = bool(ok);
  }
  ~SqlTransaction() {
    if (open_) (void)c_.script("ROLLBACK");
  }
  Status started() const {
    if (!open_ && error_.id.empty()) return fail("store_error", "transaction already ended");
    if (!open_) return std::unexpected(error_);
    return {};
  }
  Status commit() {
    auto ok = c_.script("COMMIT");
    if (ok) open_ = false;  // a failed COMMIT is rolled back by the destructor
    return ok;
  }

 private:
  SqlConnection& c_;
  bool open_ = false;
  Error error_;
};

}  // namespace linkgate::gateway
