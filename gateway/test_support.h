// Test helpers for gateway unit tests: a scriptable HttpClient, a temp directory, and a
// Gateway assembled from the real store on a temp SQLite file, a manual clock and seeded
// randomness — every handler reachable without sockets.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/random.h"
#include "core/sealer.h"
#include "gateway/api_handlers.h"
#include "gateway/catalogue.h"
#include "gateway/flow_handlers.h"
#include "gateway/router.h"
#include "gateway/sqlite_store.h"

namespace linkgate::gateway::testing {

class FakeHttpClient final : public HttpClient {
 public:
  using Script = std::function<Result<HttpResponse>(const HttpRequest&)>;
  void answer(Script script) {
    std::lock_guard lock(mu_);
    script_ = std::move(script);
  }
  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!script_) return fail("connect_failed", "no fake answer scripted");
    return script_(request);
  }
  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  Script script_;
  std::vector<HttpRequest> requests_;
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The real catalogue of the source tree (LINKGATE_SOURCE_DIR or the compile-time path).
std::string sourceDir();
// gateway/catalogue/<slug>.json of the source tree, parsed (throws when unreadable).
Json shippedCatalogueJson(const std::string& slug);
// A program for integration tests: $`env_override` (e.g. LINKGATE_GATEWAY), else
// $LINKGATE_BIN_DIR/`name`, else `built` (the build's own path).
std::string binaryPath(const char* env_override, const char* name, const char* built);
const Catalogue& realCatalogue();

// A minimal dialect for unit tests (slug "acme", no connection params unless added).
Dialect acmeDialect();

HttpResponse jsonResponse(int status, const Json& body);

// A whole gateway without sockets.
struct TestGateway {
  explicit TestGateway(const Catalogue& catalogue, GatewayConfig config = {});
  web::Response get(const std::string& target, HeaderList headers = {});
  web::Response send(const std::string& method, const std::string& target, std::string body = {},
                     HeaderList headers = {});
  // Creates an app + registered redirect URI through the API; returns the app id.
  std::string createApp(const std::string& provider, const std::string& client_id,
                        const std::string& client_secret);
  void registerRedirectUri(const std::string& url);

  TempDir dir;
  ManualClock clock;
  SeededRandom random{42};
  KeyRing keys{random};
  std::unique_ptr<SqliteStore> store;
  FakeHttpClient http;
  std::unique_ptr<Services> services;
  std::unique_ptr<FlowHandlers> flows;
  std::unique_ptr<ApiHandlers> api;
  std::unique_ptr<Router> router;
  static constexpr const char* kApiKey = "test-api-key";
};

web::Request makeRequest(const std::string& method, const std::string& target,
                         std::string body = {}, HeaderList headers = {});
// Query parameters of a Location URL (decoded).
Params queryOf(const std::string& url);
// "name=value" of the first Set-Cookie.
std::string cookiePair(const web::Response& response);

}  // namespace linkgate::gateway::testing
