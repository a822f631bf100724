// SqliteStore's engine: one sqlite3 connection behind a mutex, statements prepared once and
// kept, and named locks as byte-range locks on a side file (PATH.lock).
#include "gateway/sqlite_store.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>

#include "core/crypto.h"
#include "gateway/store_migrations.h"

namespace linkgate::gateway {
namespace {

const SqlDialect kDialect{"sqlite", "BEGIN IMMEDIATE", "", sqliteMigrations(), ""};

// A byte of PATH.lock, locked with an open-file-description lock: exclusive between
// connections and processes on this machine, released when the holder closes it or dies.
class FileLock final : public StoreLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override { ::close(fd_); }

 private:
  int fd_;
};

off_t lockOffset(const std::string& name) {
  const std::string digest = sha256(name);
  uint32_t v = 0;
  std::memcpy(&v, digest.data(), sizeof v);
  return static_cast<off_t>(v);
}

class SqliteDatabase final : public SqlDatabase, private SqlConnection {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), lock_path_(std::move(path) + ".lock") {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  const SqlDialect& dialect() const override { return kDialect; }

  Result<SqlLease> acquire() override {
    mu_.lock();
    return SqlLease(this, [this] { mu_.unlock(); });
  }

  Result<std::unique_ptr<StoreLock>> lock(const std::string& name) override {
    const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail("store_error", "cannot open " + lock_path_);
    struct flock range{};
    range.l_type = F_WRLCK;
    range.l_whence = SEEK_SET;
    range.l_start = lockOffset(name);
    range.l_len = 1;
    int rc;
    while ((rc = ::fcntl(fd, F_OFD_SETLKW, &range)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
      ::close(fd);
      return fail("lock_timeout", "cannot lock " + name + " in " + lock_path_);
    }
    return std::unique_ptr<StoreLock>(new FileLock(fd));
  }

  Status script(std::string_view sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return failure(text);
    }
    return {};
  }

  Result<SqlResult> query(std::string_view sql, const SqlParams& params) override {
    auto stmt = prepared(sql);
    if (!stmt) return std::unexpected(stmt.error());
    sqlite3_stmt* s = *stmt;
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{s};
    for (size_t i = 0; i < params.size(); ++i) {
      const int n = static_cast<int>(i + 1);
      const int rc =
          std::holds_alternative<int64_t>(params[i])
              ? sqlite3_bind_int64(s, n, std::get<int64_t>(params[i]))
              : sqlite3_bind_text(s, n, std::get<std::string>(params[i]).data(),
                                  static_cast<int>(std::get<std::string>(params[i]).size()),
                                  SQLITE_TRANSIENT);
      if (rc != SQLITE_OK) return std::unexpected(failure(sqlite3_errmsg(db_)).error());
    }
    SqlResult out;
    const int columns = sqlite3_column_count(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      SqlRow row;
      row.cells.reserve(static_cast<size_t>(columns));
      for (int col = 0; col < columns; ++col) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
        row.cells.emplace_back(p == nullptr ? std::string()
                                            : std::string(p, static_cast<size_t>(
                                                                 sqlite3_column_bytes(s, col))));
      }
      out.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return std::unexpected(failure(sqlite3_errmsg(db_), rc).error());
    out.affected = sqlite3_stmt_readonly(s) ? 0 : sqlite3_changes(db_);
    return out;
  }

  Result<SqlResult> relaxedWrite(std::string_view sql, const SqlParams& params) override {
    // Synced at the next checkpoint instead of now: survives a process crash (WAL in the OS
    // cache), not a power cut.
    if (auto ok = script("PRAGMA synchronous=NORMAL"); !ok) return std::unexpected(ok.error());
    auto r = query(sql, params);
    if (auto ok = script("PRAGMA synchronous=FULL"); !ok) return std::unexpected(ok.error());
    return r;
  }

 private:
  Status failure(const std::string& text, int rc = SQLITE_ERROR) {
    const bool busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ||
                      sqlite3_errcode(db_) == SQLITE_BUSY;
    return fail(busy ? "store_unavailable" : "store_error", "sqlite: " + text);
  }

  Result<sqlite3_stmt*> prepared(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return std::unexpected(failure(sqlite3_errmsg(db_)).error());
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db_;
  std::mutex mu_;  // one connection, one statement at a time
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;  // guarded by mu_
  std::string lock_path_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> openSqliteDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return fail("store_open", path + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  auto database = std::make_unique<SqliteDatabase>(db, path);
  auto c = database->acquire();
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    if (auto ok = (*c)->script(pragma); !ok) {
      return fail("store_open", path + ": " + ok.error().message);
    }
  }
  return std::unique_ptr<SqlDatabase>(std::move(database));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const KeyRing& keys) {
  auto db = openSqliteDatabase(path);
  if (!db) return std::unexpected(db.error());
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db), keys));
  if (auto ok = store->migrate(); !ok) {
    return fail("store_schema", path + ": " + ok.error().message);
  }
  return store;
}

}  // namespace linkgate::gateway
