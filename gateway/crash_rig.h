// Test helper for the crash-consistency test (issue 15): the real simulator (consent page, not
// auto-approve) and one real gateway process that can be SIGKILLed and started again on the
// same database (SQLite file or PostgreSQL database of the executable's throw-away cluster).
// The gateway calls itself PUBLIC_URL, so a hop of any epoch maps onto the current process.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/http_client.h"
#include "core/json.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway::testing {

class CrashRig {
 public:
  static constexpr const char* kApiKey = "crash-key";
  static constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  static constexpr const char* kPublicUrl = "http://crash.invalid";
  static constexpr const char* kSecret = "crash-secret";

  // postgres: a fresh database of PgTestCluster::shared(), else a SQLite file in a temp dir.
  static Result<std::unique_ptr<CrashRig>> start(bool postgres);
  ~CrashRig();

  // SIGKILL the gateway and reap it; `startGateway` brings a new process up on the same
  // database (a new port; epoch() counts the processes).
  void killGateway();
  Status startGateway();
  // Current gateway base URL and its epoch, read together.
  std::pair<std::string, int> current();
  int epoch();
  std::string simulator() const { return sim_->url(); }
  const std::string& appId() const { return app_id_; }
  bool postgres() const { return postgres_; }
  const std::string& db() const { return db_; }

  // One HTTP call (no redirects followed); transport failures come back as status 0.
  static HttpResponse call(HttpClient& http, const std::string& method, const std::string& url,
                           const std::string& body = {}, HeaderList headers = {});
  HttpResponse api(HttpClient& http, const std::string& base, const std::string& method,
                   const std::string& path, const std::string& body = {});
  // PUBLIC_URL/... becomes base/... (anything else is returned as it is).
  static std::string onInstance(const std::string& base, const std::string& public_location);

  // The database's own consistency check: SQLite `PRAGMA integrity_check` (and
  // foreign_key_check); PostgreSQL amcheck's bt_index_check on every index of the database and
  // no advisory lock left behind. Empty = ok, else what failed.
  std::string integrityProblems();

 private:
  CrashRig() = default;
  Status setUp();

  bool postgres_ = false;
  TempDir dir_;
  std::string db_;
  std::unique_ptr<ChildProcess> sim_;
  std::mutex mu_;
  std::unique_ptr<ChildProcess> gw_;  // guarded by mu_
  std::string url_;                   // guarded by mu_
  int epoch_ = 0;                     // guarded by mu_
  std::string app_id_;
  CurlHttpClient http_;
};

}  // namespace linkgate::gateway::testing
