// The management API's JSON bodies and list queries, through the real handlers (ApiHandlers on
// a real SQLite store, the shipped catalogue, no network). The first byte picks the operation
// and the content type; the rest is the body (or the query of a list), "$APP" standing for the
// id of the one app every store starts with. Invariants: never a 5xx
// and never an exception; every 4xx is the JSON error contract (string `error` and
// `error_description`); a refused request changes nothing (the account's apps, redirect URIs,
// credentials, webhooks and start links list the same before and after).
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "common.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/random.h"
#include "core/sealer.h"
#include "gateway/api_handlers.h"
#include "gateway/catalogue.h"
#include "gateway/services.h"
#include "gateway/store_open.h"

namespace {

using namespace linkgate;
using namespace linkgate::gateway;

constexpr const char* kAccount = "default";
constexpr int kFreshStoreEvery = 512;  // iterations: keeps the lists (and each run) small

// No network: every outbound provider call fails as an unreachable provider would.
class NoNetwork final : public HttpClient {
 public:
  Result<HttpResponse> send(const HttpRequest&) override {
    return fail("transport", "fuzz: no network");
  }
};

std::string sourceDir() {
  const char* env = std::getenv("LINKGATE_SOURCE_DIR");
  return env != nullptr ? env : LINKGATE_SOURCE_DIR_DEFAULT;
}

struct World {
  World() : random(7), keys(random), catalogue(*Catalogue::load(sourceDir() + "/gateway/catalogue")) {
    FUZZ_CHECK(keys.addKey("fuzz", std::string(32, 'k')).has_value());
    reset();
  }

  void reset() {
    api.reset();
    services.reset();
    store.reset();
    const std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    path = dir + "/linkgate-fuzz-management-" + std::to_string(::getpid()) + ".db";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto opened = openStore({path}, keys);
    FUZZ_CHECK(opened.has_value());
    store = std::move(*opened);
    GatewayConfig config;
    config.public_url = "https://gw.fuzz.example";
    services = std::make_unique<Services>(config, catalogue, *store, http, clock, random);
    api = std::make_unique<ApiHandlers>(*services, std::nullopt);
    // One app to patch, import into and start links for, and one redirect URI for them.
    auto r = api->createApp(request("POST", "/v1/oauth-apps",
                                    R"({"provider":"generic","client_id":"c","client_secret":"s"})",
                                    "application/json"),
                            kAccount);
    FUZZ_CHECK(r.status == 201);
    app_id = parseJsonObject(r.body)->value("id", "");
    auto uri = api->createRedirectUri(request("POST", "/v1/redirect-uris",
                                              R"({"uri":"https://app.example/cb"})",
                                              "application/json"),
                                      kAccount);
    FUZZ_CHECK(uri.status == 201);
    iterations = 0;
  }

  static web::Request request(const std::string& method, const std::string& target,
                              std::string body, const std::string& content_type) {
    web::Request q;
    q.method = method;
    q.target = target;
    const size_t mark = target.find('?');
    q.path = target.substr(0, mark);
    q.has_query = mark != std::string::npos;
    q.raw_query = q.has_query ? target.substr(mark + 1) : "";
    if (!content_type.empty()) q.headers.emplace_back("content-type", content_type);
    q.body = std::move(body);
    q.remote_address = "127.0.0.1";
    return q;
  }

  // What a refused request must leave as it was.
  std::string snapshot() {
    const web::Request get = request("GET", "/v1/x", "", "");
    return api->listApps(get, kAccount).body + api->listRedirectUris(kAccount).body +
           api->listCredentials(get, kAccount).body + api->listWebhooks(kAccount).body +
           api->listStartLinks(get, kAccount).body;
  }

  SeededRandom random;
  KeyRing keys;
  Catalogue catalogue;
  ManualClock clock;
  NoNetwork http;
  std::string path;
  std::unique_ptr<SqlStore> store;
  std::unique_ptr<Services> services;
  std::unique_ptr<ApiHandlers> api;
  std::string app_id;
  int iterations = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  if (++w.iterations > kFreshStoreEvery) w.reset();
  if (size == 0) return 0;
  const uint8_t op = data[0];
  // "$APP" stands for the existing app's id (random per store), so bodies can name it.
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  for (size_t at; (at = rest.find("$APP")) != std::string::npos;) rest.replace(at, 4, w.app_id);
  static const char* kTypes[] = {"application/json", "application/json; charset=utf-8",
                                 "application/x-www-form-urlencoded", "", "text/plain",
                                 "application/x-ndjson", "application/JSON", "application/json;"};
  const std::string type = kTypes[(op >> 4) & 7];
  const std::string before = w.snapshot();
  ApiHandlers& api = *w.api;
  web::Response r;
  switch (op & 15) {
    case 0: r = api.createApp(World::request("POST", "/v1/oauth-apps", rest, type), kAccount); break;
    case 1:
      r = api.patchApp(World::request("PATCH", "/v1/oauth-apps/" + w.app_id, rest, type), kAccount,
                       w.app_id);
      break;
    case 2:
      r = api.createRedirectUri(World::request("POST", "/v1/redirect-uris", rest, type), kAccount);
      break;
    case 3:
      r = api.startAuth(World::request("POST", "/v1/credentials/start-auth", rest, type), kAccount);
      break;
    case 4:
      r = api.importCredential(World::request("POST", "/v1/credentials", rest, type), kAccount);
      break;
    case 5:
      r = api.importCredentialsBulk(World::request("POST", "/v1/credentials/import", rest, type),
                                    kAccount);
      break;
    case 6: r = api.createWebhook(World::request("POST", "/v1/webhooks", rest, type), kAccount); break;
    case 7: r = api.listCredentials(World::request("GET", "/v1/credentials?" + rest, "", ""), kAccount); break;
    case 8: r = api.listStartLinks(World::request("GET", "/v1/start-links?" + rest, "", ""), kAccount); break;
    case 9: r = api.listApps(World::request("GET", "/v1/oauth-apps?" + rest, "", ""), kAccount); break;
    default:
      r = api.getCredential(World::request("GET", "/v1/credentials/x?" + rest, "", ""), kAccount,
                            rest.substr(0, 64));
      break;
  }
  static const bool verbose = std::getenv("LINKGATE_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "op %u -> %d\n", op & 15, r.status);
  if (r.status >= 500) {
    std::fprintf(stderr, "op %u answered %d: %s\n", op, r.status, r.body.substr(0, 300).c_str());
  }
  FUZZ_CHECK(r.status < 500);
  if (r.status >= 400) {
    auto j = parseJsonObject(r.body);
    FUZZ_CHECK(j.has_value());
    FUZZ_CHECK(j->contains("error") && (*j)["error"].is_string());
    FUZZ_CHECK(j->contains("error_description") && (*j)["error_description"].is_string());
    FUZZ_CHECK(w.snapshot() == before);
  }
  return 0;
}
