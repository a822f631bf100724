// Private to SqliteStore: RAII wrappers over sqlite3 statements and transactions, and the
// encodings of stored values. Not part of the Store interface.
#pragma once
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/json.h"

namespace linkgate::gateway::sqlite {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, const std::string& v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                                                  SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code (then error() says what).
  int step() {
    if (rc_ != SQLITE_OK) return rc_;
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc_ = rc;
    return rc;
  }
  Status run() {
    if (step() != SQLITE_DONE) return error();
    return {};
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::unexpected<Error> error() const {
    return fail("store_error", std::string("sqlite: ") + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool ok() const { return ok_; }
  Status commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return fail("store_error", std::string("sqlite commit: ") + sqlite3_errmsg(db_));
    }
    done_ = true;
    return {};
  }

 private:
  sqlite3* db_;
  bool ok_ = false, done_ = false;
};


inline std::string hashOf(const std::string& secret) { return sha256Hex(secret); }

inline Json scopesJson(const std::vector<std::string>& scopes) { return Json(scopes); }

inline std::vector<std::string> scopesFrom(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& s : j) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

inline std::optional<std::string> optionalFrom(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

inline Json optional(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
// Integrator state may hold any bytes; JSON strings cannot, so it is stored as base64.
inline Json optionalBytes(const std::optional<std::string>& v) {
  return v ? Json(base64Encode(*v)) : Json(nullptr);
}
inline std::optional<std::string> optionalBytesFrom(const Json& j, const char* key) {
  auto text = optionalFrom(j, key);
  if (!text) return std::nullopt;
  auto bytes = base64Decode(*text);
  return bytes ? std::optional<std::string>(*bytes) : std::nullopt;
}


}  // namespace linkgate::gateway::sqlite
