// Test helpers (see test_support.h).
#include "gateway/test_support.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <random>

namespace linkgate::gateway::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("linkgate-gw-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string binaryPath(const char* env_override, const char* name, const char* built) {
  if (const char* path = std::getenv(env_override)) return path;
  if (const char* dir = std::getenv("LINKGATE_BIN_DIR")) return std::string(dir) + "/" + name;
  return built;
}

std::string sourceDir() {
  if (const char* dir = std::getenv("LINKGATE_SOURCE_DIR")) return dir;
  return LINKGATE_SOURCE_DIR_DEFAULT;
}

Json shippedCatalogueJson(const std::string& slug) {
  std::ifstream in(sourceDir() + "/gateway/catalogue/" + slug + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

const Catalogue& realCatalogue() {
  static const Catalogue catalogue = [] {
    auto loaded = Catalogue::load(sourceDir() + "/gateway/catalogue");
    if (!loaded) {
      std::fprintf(stderr, "catalogue: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return *loaded;
  }();
  return catalogue;
}

Dialect acmeDialect() {
  Json doc = {{"slug", "acme"},
              {"display_name", "Acme"},
              {"sources", {"test"}},
              {"endpoints",
               {{"authorize", "https://auth.acme.test/authorize"},
                {"token", "https://auth.acme.test/token"}}},
              {"authorize", {{"pkce", "supported"}, {"default_scopes", {"read"}}}},
              {"token", {{"response", Json::object()}}},
              {"refresh", {{"issued", "always"}, {"rotation", "strict"}}},
              {"api", Json::object()}};
  auto d = parseDialect(doc, "acme");
  if (!d) std::abort();
  return *d;
}

HttpResponse jsonResponse(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = dumpJson(body);
  return r;
}

TestGateway::TestGateway(const Catalogue& catalogue, GatewayConfig config) {
  if (!keys.addKey("test", std::string(32, 'k'))) std::abort();
  auto opened = SqliteStore::open((dir.path() / "gateway.db").string(), keys);
  if (!opened) std::abort();
  store = std::move(*opened);
  if (config.public_url.empty()) config.public_url = "https://gw.example";
  services = std::make_unique<Services>(config, catalogue, *store, http, clock, random);
  flows = std::make_unique<FlowHandlers>(*services);
  api = std::make_unique<ApiHandlers>(*services, std::string(kApiKey));
  router = std::make_unique<Router>(*services, *flows, *api, nullptr, nullptr);
}

web::Request makeRequest(const std::string& method, const std::string& target, std::string body,
                         HeaderList headers) {
  web::Request r;
  r.method = method;
  r.target = target;
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.has_query = q != std::string::npos;
  r.raw_query = r.has_query ? target.substr(q + 1) : "";
  for (auto& [name, value] : headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(lower, value);
  }
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

web::Response TestGateway::get(const std::string& target, HeaderList headers) {
  return send("GET", target, {}, std::move(headers));
}

web::Response TestGateway::send(const std::string& method, const std::string& target,
                                std::string body, HeaderList headers) {
  return router->handle(makeRequest(method, target, std::move(body), std::move(headers)));
}

std::string TestGateway::createApp(const std::string& provider, const std::string& client_id,
                                   const std::string& client_secret) {
  auto r = send("POST", "/v1/oauth-apps",
                dumpJson(Json{{"provider", provider},
                              {"client_id", client_id},
                              {"client_secret", client_secret}}),
                {{"Authorization", std::string("Bearer ") + kApiKey},
                 {"Content-Type", "application/json"}});
  if (r.status != 201) {
    std::fprintf(stderr, "createApp: %d %s\n", r.status, r.body.c_str());
    std::abort();
  }
  return Json::parse(r.body)["id"].get<std::string>();
}

void TestGateway::registerRedirectUri(const std::string& url) {
  auto r = send("POST", "/v1/redirect-uris", dumpJson(Json{{"url", url}}),
                {{"Authorization", std::string("Bearer ") + kApiKey},
                 {"Content-Type", "application/json"}});
  if (r.status != 201 && r.status != 200) {
    std::fprintf(stderr, "registerRedirectUri: %d %s\n", r.status, r.body.c_str());
    std::abort();
  }
}

Params queryOf(const std::string& url) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return {};
  auto params = Params::parse(url.substr(q + 1));
  return params ? *params : Params{};
}

std::string cookiePair(const web::Response& response) {
  auto cookie = response.header("Set-Cookie");
  if (!cookie) return "";
  return cookie->substr(0, cookie->find(';'));
}

}  // namespace linkgate::gateway::testing
