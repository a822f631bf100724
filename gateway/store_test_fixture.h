// Test fixture for the store contract, parameterised by engine ("sqlite", "postgresql"): a
// fresh database per test (a temp file, or a new database on the executable's throw-away
// PostgreSQL cluster), stores opened on it, the engine reached directly, its bytes at rest.
#pragma once
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/random.h"
#include "core/sealer.h"
#include "gateway/pg_store.h"
#include "gateway/pg_test_cluster.h"
#include "gateway/sqlite_store.h"
#include "gateway/store_open.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keys_.addKey("k1", std::string(32, 'x')));
    if (postgres()) {
      std::string why;
      cluster_ = PgTestCluster::shared(&why);
      ASSERT_NE(cluster_, nullptr) << why;
      auto uri = cluster_->createDatabase();
      ASSERT_TRUE(uri) << uri.error().message;
      db_ = *uri;
    } else {
      db_ = (dir_.path() / "gw.db").string();
    }
    reopen();
  }
  bool postgres() const { return GetParam() == "postgresql"; }
  Result<std::unique_ptr<SqlStore>> open(const KeyRing& keys) {
    return openStore({db_, 4}, keys);
  }
  void reopen() {
    store_.reset();
    auto s = open(keys_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  // The engine itself, for what the Store interface cannot do (tamper with rows).
  std::unique_ptr<SqlDatabase> raw() {
    auto db = postgres() ? openPgDatabase(db_, {}) : openSqliteDatabase(db_);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }
  void rawQuery(const std::string& sql, const SqlParams& params) {
    auto db = raw();
    ASSERT_NE(db, nullptr);
    auto c = db->acquire();
    ASSERT_TRUE(c) << c.error().message;
    auto r = (*c)->query(sql, params);
    ASSERT_TRUE(r) << r.error().message;
  }
  // Every byte the engine keeps on disk for this database (SQLite: the file and its WAL;
  // PostgreSQL: after a checkpoint, the database's files and the WAL).
  std::string bytesAtRest() {
    std::vector<std::filesystem::path> files;
    if (postgres()) {
      auto db = raw();
      auto c = db->acquire();
      EXPECT_TRUE(c && (*c)->script("CHECKPOINT"));
      auto oid = (*c)->query("SELECT oid FROM pg_database WHERE datname = current_database()", {});
      EXPECT_TRUE(oid && !oid->rows.empty());
      for (const char* sub : {"pg_wal"}) files.push_back(cluster_->dataDir() / sub);
      files.push_back(cluster_->dataDir() / "base" / oid->rows[0].text(0));
    } else {
      for (const char* suffix : {"", "-wal", "-shm"}) files.push_back(db_ + suffix);
    }
    std::string all;
    auto add = [&](const std::filesystem::path& p) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      all += s.str();
    };
    for (const auto& f : files) {
      if (std::filesystem::is_directory(f)) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(f)) {
          if (e.is_regular_file()) add(e.path());
        }
      } else {
        add(f);
      }
    }
    return all;
  }

  TempDir dir_;
  PgTestCluster* cluster_ = nullptr;
  std::string db_;
  SeededRandom random_{7};
  KeyRing keys_{random_};
  std::unique_ptr<SqlStore> store_;
};

inline std::string engineName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace linkgate::gateway::testing
