// One libpq connection as a SqlConnection: statements prepared once per connection (named,
// '?' rewritten to $n), every value sent as a parameter, and every wait bounded by a
// deadline (a query past it is cancelled; a connection that cannot be trusted is "broken"
// and the pool replaces it). Not thread-safe: one user at a time (the pool's lease).
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "gateway/store_sql_engine.h"

struct pg_conn;

namespace linkgate::gateway {

class PgConnection final : public SqlConnection {
 public:
  // uri is handed to libpq untouched (postgresql://..., TLS parameters included); connect_timeout
  // and application_name default to ours unless the URI names them. Fails "store_unavailable"
  // with libpq's reason (which never contains the password).
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& uri,
                                                       std::chrono::milliseconds query_timeout);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<SqlResult> query(std::string_view sql, const SqlParams& params) override;
  Status script(std::string_view sql) override;

  bool broken() const { return broken_; }
  // False when the server has closed this idle session (a restart, pg_terminate_backend):
  // its goodbye is already in the socket, so this costs one poll() and no round trip.
  bool stillOpen();
  void markBroken() { broken_ = true; }

  // "?" placeholders (outside quotes) as PostgreSQL's $1, $2, ...
  static std::string numberedPlaceholders(std::string_view sql);

 private:
  PgConnection(pg_conn* conn, std::chrono::milliseconds timeout) : conn_(conn), timeout_(timeout) {}
  struct Outcome;
  Result<SqlResult> collect(std::chrono::steady_clock::time_point deadline);
  Status failure(const std::string& what);

  pg_conn* conn_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
  bool broken_ = false;
};

}  // namespace linkgate::gateway
