// A bounded pool of PgConnections: at most `size` open at once, opened when first needed,
// a broken one discarded (and with it the idle ones, which most likely broke the same way,
// e.g. a server restart), so the next request reconnects by itself.
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/pg_connection.h"

namespace linkgate::gateway {

struct PgPoolOptions {
  size_t size = 8;
  std::chrono::milliseconds query_timeout{5000};
  std::chrono::milliseconds acquire_timeout{5000};
};

class PgPool {
 public:
  PgPool(std::string uri, PgPoolOptions options) : uri_(std::move(uri)), options_(options) {}
  // A connection for the caller alone. Fails "store_unavailable" when the server cannot be
  // reached or every connection stays busy past acquire_timeout.
  Result<SqlLease> acquire();
  // The same, typed, for callers that need PgConnection itself (the lock).
  Result<std::pair<SqlLease, PgConnection*>> acquireConnection();

 private:
  void release(PgConnection* c);

  const std::string uri_;
  const PgPoolOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  std::vector<std::unique_ptr<PgConnection>> leased_;  // guarded by mu_
  size_t opening_ = 0;  // connections being opened, counted against size; guarded by mu_
};

}  // namespace linkgate::gateway
