// PgConnection on libpq's asynchronous calls, so that no wait outlives its deadline.
#include "gateway/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <array>

namespace linkgate::gateway {
namespace {

using Clock = std::chrono::steady_clock;

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

// SQLSTATE classes that mean "the server is not there right now" rather than "bad statement".
bool unavailableState(const char* state) {
  if (state == nullptr) return false;
  const std::string s(state);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57014" ||
         s == "53300";
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& uri,
                                                            std::chrono::milliseconds timeout) {
  // Entries before dbname are defaults the URI may override (libpq: later entries win).
  const std::array<const char*, 4> keys = {"connect_timeout", "application_name", "dbname",
                                           nullptr};
  const std::array<const char*, 4> values = {"3", "linkgate-gateway", uri.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return fail("store_unavailable", "postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn);
    return fail("store_unavailable", "postgresql: " + message);
  }
  // Server notices ("relation ... already exists, skipping") are not ours to print.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, timeout));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::stillOpen() {
  if (broken_) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) {
    // An idle session has nothing to say unless the server is leaving.
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
    if (PGresult* r = PQgetResult(conn_)) {
      PQclear(r);
      broken_ = true;
    }
  }
  return !broken_;
}

std::string PgConnection::numberedPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Status PgConnection::failure(const std::string& what) {
  if (PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
  std::string message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return fail(broken_ ? "store_unavailable" : "store_error",
              "postgresql: " + what + (message.empty() ? "" : ": " + message));
}

Result<SqlResult> PgConnection::collect(Clock::time_point deadline) {
  const int fd = PQsocket(conn_);
  bool cancelled = false;
  PgResult error;
  SqlResult out;
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                               Clock::now());
      if (left.count() <= 0) {
        if (cancelled) {  // the server does not answer even a cancel: give the connection up
          broken_ = true;
          return fail("store_unavailable", "postgresql: no answer before the deadline");
        }
        // Ask the server to stop (the answer is then an error), and wait a little longer.
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          std::array<char, 256> why{};
          (void)PQcancel(cancel, why.data(), static_cast<int>(why.size()));
          PQfreeCancel(cancel);
        }
        cancelled = true;
        deadline = Clock::now() + std::chrono::seconds(1);
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) {
        broken_ = true;
        return fail("store_unavailable", "postgresql: poll failed");
      }
      if (ready > 0 && PQconsumeInput(conn_) == 0) return std::unexpected(failure("read").error());
    }
    PgResult r(PQgetResult(conn_));
    if (!r) break;
    const ExecStatusType status = PQresultStatus(r.get());
    if (status == PGRES_TUPLES_OK) {
      const int rows = PQntuples(r.get()), cols = PQnfields(r.get());
      out.rows.clear();
      out.rows.reserve(static_cast<size_t>(rows));
      for (int i = 0; i < rows; ++i) {
        SqlRow row;
        row.cells.reserve(static_cast<size_t>(cols));
        for (int j = 0; j < cols; ++j) {
          row.cells.emplace_back(PQgetvalue(r.get(), i, j),
                                 static_cast<size_t>(PQgetlength(r.get(), i, j)));
        }
        out.rows.push_back(std::move(row));
      }
    }
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      const char* n = PQcmdTuples(r.get());
      out.affected = (n != nullptr && *n != '\0') ? std::stoll(n) : 0;
    } else if (!error) {
      error = std::move(r);  // the first error is the one that matters; keep draining
    }
  }
  if (PQstatus(conn_) == CONNECTION_BAD) broken_ = true;
  if (error) {
    const char* state = PQresultErrorField(error.get(), PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(error.get(), PG_DIAG_MESSAGE_PRIMARY);
    const bool unavailable = broken_ || cancelled || unavailableState(state);
    if (state != nullptr && std::string_view(state).starts_with("57P")) broken_ = true;
    return fail(unavailable ? "store_unavailable" : "store_error", std::string("postgresql: ") + (state ? state : "") + " " +
                        (primary ? primary : "error"));
  }
  if (broken_) return fail("store_unavailable", "postgresql: the connection was lost");
  return out;
}

Result<SqlResult> PgConnection::query(std::string_view sql, const SqlParams& params) {
  if (broken_) return fail("store_unavailable", "postgresql: the connection was lost");
  const auto deadline = Clock::now() + timeout_;
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "lg" + std::to_string(prepared_.size());
    const std::string text = numberedPlaceholders(sql);
    if (PQsendPrepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()),
                      nullptr) == 0) {
      return std::unexpected(failure("prepare").error());
    }
    auto prepared = collect(deadline);
    if (!prepared) return std::unexpected(prepared.error());
    it = prepared_.emplace(std::string(sql), name).first;
  }
  std::vector<std::string> texts;
  texts.reserve(params.size());
  for (const auto& p : params) {
    texts.push_back(std::holds_alternative<int64_t>(p) ? std::to_string(std::get<int64_t>(p))
                                                       : std::get<std::string>(p));
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const auto& t : texts) {
    values.push_back(t.c_str());
    lengths.push_back(static_cast<int>(t.size()));
  }
  if (PQsendQueryPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                          values.data(), lengths.data(), nullptr, 0) == 0) {
    return std::unexpected(failure("send").error());
  }
  return collect(deadline);
}

Status PgConnection::script(std::string_view sql) {
  if (broken_) return fail("store_unavailable", "postgresql: the connection was lost");
  if (PQsendQuery(conn_, std::string(sql).c_str()) == 0) return failure("send");
  auto r = collect(Clock::now() + timeout_);
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace linkgate::gateway
