// SqlStore, operations (issue 12): the gauges of GET /metrics and the master-key check.
#include "gateway/store_sql.h"

namespace linkgate::gateway {
namespace {
constexpr std::string_view kKeyCheckText = "linkgate key check v1";
}  // namespace

Result<StoreCounts> SqlStore::counts(int64_t now) {
  auto r = run("SELECT (SELECT COUNT(*) FROM flows WHERE used = 0 AND expires_at > ?), "
               "(SELECT COUNT(*) FROM credentials WHERE health_status = 'ok'), "
               "(SELECT COUNT(*) FROM credentials WHERE health_status <> 'ok'), "
               "(SELECT COUNT(*) FROM api_keys)",
               {now});
  if (!r) return std::unexpected(r.error());
  if (r->rows.empty()) return fail("store_error", "no counts");
  const SqlRow& row = r->rows[0];
  return StoreCounts{row.integer(0), row.integer(1), row.integer(2), row.integer(3)};
}

Status SqlStore::checkMasterKey() {
  auto sealed = keys_.seal(kKeyCheckText, kKeyCheckAad);
  if (!sealed) return std::unexpected(sealed.error());
  // The first gateway to start on this database leaves its key's check; others read it.
  auto put = run("INSERT INTO key_check (id, sealed) VALUES (1, ?) ON CONFLICT DO NOTHING",
                 {*sealed});
  if (!put) return std::unexpected(put.error());
  auto got = run("SELECT sealed FROM key_check WHERE id = 1", {});
  if (!got) return std::unexpected(got.error());
  if (got->rows.empty()) return fail("store_error", "the key check row is missing");
  auto opened = keys_.open(got->rows[0].text(0), kKeyCheckAad);
  if (!opened || *opened != kKeyCheckText) {
    return fail("wrong_master_key",
                "the master key does not open this database (it was first used with another "
                "key): start with the key it was created with, or list that one in "
                "LINKGATE_OLD_MASTER_KEYS when rotating");
  }
  return {};
}

}  // namespace linkgate::gateway
