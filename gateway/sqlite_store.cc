// SqliteStore's engine: one sqlite3 connection behind a mutex, statements prepared once and
// kept, and named locks as byte-range locks on a side file (PATH.lock).
//
// Group commit: the connection runs with synchronous=NORMAL, so a COMMIT appends to the WAL
// (OS cache) without syncing and the mutex is held only for the statement itself. Releasing
// a lease whose statements committed then waits, outside the mutex, until the WAL is synced
// past that commit: one fdatasync of PATH-wal covers every commit appended before it started,
// so concurrent writers share one sync. A write is therefore durable before the Store call
// returns, exactly as with synchronous=FULL; only relaxedWrite skips the wait. A failed
// fdatasync aborts the process (as PostgreSQL panics): what reached the disk is then unknown,
// and recovery from the WAL on restart is the only honest state.
//
// Checkpoints (copying the WAL into the database file, two syncs) run on a second connection
// in a background thread, woken when the WAL passes kCheckpointPages, instead of inside the
// commit that crossed the threshold while every other caller waits for the mutex.
#include "gateway/sqlite_store.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "core/crypto.h"
#include "gateway/store_migrations.h"

namespace linkgate::gateway {
namespace {

const SqlDialect kDialect{"sqlite", "BEGIN IMMEDIATE", "", sqliteMigrations(), "", true};
constexpr int kCheckpointPages = 1000;  // SQLite's own auto-checkpoint threshold

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
  SqliteDatabase(sqlite3* db, std::string path)
      : db_(db), path_(path), lock_path_(std::move(path) + ".lock") {
    sqlite3_commit_hook(db_, &SqliteDatabase::onCommit, this);
  }
  ~SqliteDatabase() override {
    if (checkpointer_.joinable()) {
      {
        std::lock_guard lock(ckpt_mu_);
        stopping_ = true;
      }
      ckpt_cv_.notify_all();
      checkpointer_.join();
    }
    if (ckpt_db_ != nullptr) sqlite3_close(ckpt_db_);
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
    if (wal_fd_ >= 0) ::close(wal_fd_);
  }

  // After journal_mode=WAL: checkpoints move to their own connection and thread (above).
  void startCheckpointer() {
    if (sqlite3_open_v2(path_.c_str(), &ckpt_db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      sqlite3_close(ckpt_db_);
      ckpt_db_ = nullptr;
      return;  // SQLite's own auto-checkpoint stays on
    }
    sqlite3_busy_timeout(ckpt_db_, 5000);
    (void)sqlite3_exec(ckpt_db_, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    sqlite3_wal_hook(db_, &SqliteDatabase::onWal, this);  // replaces the auto-checkpoint
    checkpointer_ = std::thread([this] {
      std::unique_lock lock(ckpt_mu_);
      while (!stopping_) {
        ckpt_cv_.wait(lock, [this] { return stopping_ || ckpt_wanted_; });
        if (stopping_) break;
        ckpt_wanted_ = false;
        lock.unlock();
        (void)sqlite3_wal_checkpoint_v2(ckpt_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                        nullptr);
        lock.lock();
      }
    });
  }

  const SqlDialect& dialect() const override { return kDialect; }

  // After journal_mode=WAL: the file whose fdatasync makes the commits durable.
  Status openWal() {
    wal_fd_ = ::open((path_ + "-wal").c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (wal_fd_ < 0) return fail("store_open", "cannot open " + path_ + "-wal");
    // The WAL's directory entry, once: a synced WAL must also be found after a power cut.
    const size_t slash = path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
      (void)::fsync(fd);
      ::close(fd);
    }
    return {};
  }

  Result<SqlLease> acquire() override {
    mu_.lock();
    return SqlLease(this, [this] {
      const uint64_t target = lease_commit_;
      lease_commit_ = 0;
      mu_.unlock();
      if (target != 0) syncTo(target);
    });
  }

  ConfigSignal* configSignal() override { return config_signal_.get(); }
  void setConfigSignal(std::unique_ptr<ConfigSignal> signal) { config_signal_ = std::move(signal); }

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
    // The transaction statements every durable write runs: prepared once, like queries
    // (sqlite3_exec parsed them on every call, 3.6 % of a full flow's gateway CPU).
    if (sql == "BEGIN" || sql == "BEGIN IMMEDIATE" || sql == "COMMIT" || sql == "ROLLBACK") {
      auto r = query(sql, {});
      if (!r) return std::unexpected(r.error());
      return {};
    }
    struct Committed {
      SqliteDatabase* d;
      ~Committed() { d->noteCommit(); }
    } committed{this};
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
    struct Committed {
      SqliteDatabase* d;
      ~Committed() { d->noteCommit(); }
    } committed{this};
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
    // Synced by the next durable commit or checkpoint instead of now: survives a process
    // crash (WAL in the OS cache), not a power cut.
    relaxed_ = true;
    auto r = query(sql, params);
    relaxed_ = false;
    return r;
  }

 private:
  static int onWal(void* self, sqlite3*, const char*, int pages) {
    auto* d = static_cast<SqliteDatabase*>(self);
    if (pages >= kCheckpointPages) {
      {
        std::lock_guard lock(d->ckpt_mu_);
        d->ckpt_wanted_ = true;
      }
      d->ckpt_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  static int onCommit(void* self) {
    static_cast<SqliteDatabase*>(self)->commit_seen_ = true;
    return 0;  // never veto
  }

  // Under mu_, after a statement: a commit it made is in the WAL now (not yet synced).
  void noteCommit() {
    if (!commit_seen_) return;
    commit_seen_ = false;
    const uint64_t seq = commit_seq_.fetch_add(1) + 1;
    if (!relaxed_) lease_commit_ = seq;
  }

  // Group commit: returns once an fdatasync that started after commit `target` has finished.
  void syncTo(uint64_t target) {
    std::unique_lock lock(sync_mu_);
    while (synced_seq_ < target) {
      if (syncing_) {
        sync_cv_.wait(lock);
        continue;
      }
      syncing_ = true;
      const uint64_t upto = commit_seq_.load();
      lock.unlock();
      const int rc = ::fdatasync(wal_fd_);
      lock.lock();
      syncing_ = false;
      if (rc != 0) {
        std::fprintf(stderr, "linkgate: fdatasync of %s-wal failed: %s\n", path_.c_str(),
                     std::strerror(errno));
        std::abort();
      }
      synced_seq_ = std::max(synced_seq_, upto);
      sync_cv_.notify_all();
    }
  }

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
  std::string path_;
  int wal_fd_ = -1;
  std::mutex mu_;  // one connection, one statement at a time
  bool commit_seen_ = false;   // guarded by mu_
  bool relaxed_ = false;       // guarded by mu_
  uint64_t lease_commit_ = 0;  // guarded by mu_: the last durable commit of this lease
  std::atomic<uint64_t> commit_seq_{0};
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool syncing_ = false;     // guarded by sync_mu_
  uint64_t synced_seq_ = 0;  // guarded by sync_mu_
  sqlite3* ckpt_db_ = nullptr;  // the checkpointer's own connection
  std::thread checkpointer_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;  // guarded by ckpt_mu_
  bool stopping_ = false;     // guarded by ckpt_mu_
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;  // guarded by mu_
  std::string lock_path_;
  std::unique_ptr<ConfigSignal> config_signal_;
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
  if (auto signal = ConfigSignal::open(path + ".config")) {
    database->setConfigSignal(std::move(*signal));
  } else {
    return std::unexpected(signal.error());
  }
  {
    // One opener at a time sets the file up: PRAGMA journal_mode=WAL on a new file reads, then
    // writes, and a second connection doing the same meanwhile gets SQLITE_BUSY at once, without
    // its busy timeout (6 instances opening one new file together: 1 in ~100 runs failed).
    auto setup = database->lock("open");
    if (!setup) return std::unexpected(setup.error());
    auto c = database->acquire();
    // synchronous=NORMAL: commits are synced by the lease's group commit (above).
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                               "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
      if (auto ok = (*c)->script(pragma); !ok) {
        return fail("store_open", path + ": " + ok.error().message);
      }
    }
    if (auto ok = database->openWal(); !ok) return std::unexpected(ok.error());
  }
  database->startCheckpointer();
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
