// Integration-test stack for many gateway instances: the real simulator (auto-approve) and N
// real gateway processes on one PostgreSQL database of the executable's throw-away cluster,
// all with one public URL (as behind a load balancer), plus the HTTP steps of a link flow so
// that each hop can be sent to a chosen instance.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "gateway/child_process.h"
#include "gateway/pg_test_cluster.h"

namespace linkgate::gateway::testing {

struct PgStackOptions {
  size_t gateways = 3;
  std::string public_url = "http://lb.invalid";  // what every instance calls itself
  std::vector<std::string> gateway_args;         // extra flags for every instance
  bool auto_approve = true;  // false: the simulator shows its consent page
  std::string db;  // empty: a new PostgreSQL database; else this --db (e.g. a SQLite file)
  std::vector<std::string> gateway_env;  // extra "NAME=value" for every instance
};

class PgStack {
 public:
  static Result<std::unique_ptr<PgStack>> start(const PgStackOptions& options);

  static constexpr const char* kApiKey = "multi-instance-key";
  static constexpr const char* kMasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  // The binary NAME of this build (LINKGATE_BIN_DIR).
  static std::string binary(const std::string& name);

  // One HTTP call (no redirects followed). Transport failures come back as status 0.
  HttpResponse call(const std::string& method, const std::string& url,
                    const std::string& body = {}, HeaderList headers = {});
  // The management API of instance i (JSON body, API key).
  HttpResponse api(size_t i, const std::string& method, const std::string& path,
                   const std::string& body = {});
  std::string url(size_t i) const { return gateways[i]->url(); }
  // target of a URL on the public origin, sent to instance i instead.
  std::string onInstance(size_t i, const std::string& public_location) const;

  // A generic-provider client at the simulator and its OAuth app + redirect URI at the
  // gateway (created through instance 0). Returns the app id.
  Result<std::string> createApp(const std::string& client_id, const std::string& secret,
                                const std::string& provider = "generic");
  struct Started {
    std::string cookie, provider_location;
  };
  // GET /link/oauth2/start on instance i, answered 302 to the provider.
  // end_user_id: the integrator's end user, sent when not empty (issue 13).
  Result<Started> startFlow(size_t i, const std::string& app_id,
                            const std::string& provider = "generic",
                            const std::string& end_user_id = "");
  // The provider's answer (auto-approve) sent to instance i's callback: the integrator's code.
  Result<std::string> finishFlow(size_t i, const Started& started);
  // POST /link/oauth2/token on instance i.
  HttpResponse redeem(size_t i, const std::string& app_id, const std::string& secret,
                      const std::string& code);

  // Journal entries of the simulator for endpoint ("token", "refresh", ...) after seq mark.
  Result<int> countAtProvider(const std::string& endpoint, int64_t mark,
                              const std::string& provider = "generic");
  Result<int64_t> journalMark();

  PgTestCluster* cluster = nullptr;
  std::string db_uri;
  std::string public_url;
  std::unique_ptr<ChildProcess> simulator;
  std::vector<std::unique_ptr<ChildProcess>> gateways;

 private:
  PgStack() = default;
  CurlHttpClient http_;
};

}  // namespace linkgate::gateway::testing
