// docs/openapi.json against the gateway: (1) the router's route table and the document name
// the same paths and methods, both ways, and GET /openapi.json serves the shipped file; (2) a
// real response of every route, success and error, validates against the document's schemas
// (tests/openapi/validate.mjs: Ajv 2020-12 and the OpenAPI 3.1 meta-schema, from npm).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "core/percent.h"
#include "gateway/openapi_doc.h"
#include "gateway/routes.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;
using testing::TestGateway;

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, ServedDocumentIsTheShippedFile) {
  const std::string shipped = readFile(std::filesystem::path(testing::sourceDir()) / "docs" /
                                       "openapi.json");
  ASSERT_FALSE(shipped.empty());
  EXPECT_EQ(std::string(openApiDocument()), shipped);
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  TestGateway gw(catalogue);
  auto r = gw.get("/openapi.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.body, shipped);
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  const Json doc = Json::parse(openApiDocument());
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 3), "3.1");
  const Json& paths = doc["paths"];
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& spec : routeTable()) {
    for (const auto& m : routeMethods(spec)) {
      routed.insert({std::string(spec.path), lower(m)});
      EXPECT_TRUE(paths.contains(spec.path) && paths[std::string(spec.path)].contains(lower(m)))
          << m << " " << spec.path << " is routed but not in docs/openapi.json";
    }
  }
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch",
                                                 "head", "options", "trace"};
  size_t operations = 0;
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      if (!kMethods.contains(method)) continue;
      ++operations;
      EXPECT_TRUE(routed.contains({path, method}))
          << method << " " << path << " is documented but not routed";
      // The concrete path reaches that route through the real matcher.
      std::string concrete = path;
      for (size_t at; (at = concrete.find('{')) != std::string::npos;) {
        concrete.replace(at, concrete.find('}', at) - at + 1, "x");
      }
      std::vector<std::string> params;
      const RouteSpec* spec = matchRoute(concrete, params);
      ASSERT_NE(spec, nullptr) << concrete;
      EXPECT_EQ(spec->path, path);
      // The security of the document is the router's: API key routes and no others.
      EXPECT_EQ(op.contains("security"), spec->api_key) << method << " " << path;
    }
  }
  EXPECT_EQ(operations, routed.size());
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("apiKey"));
}

// Drives every route through the router and records what it answered.
class Recorder {
 public:
  explicit Recorder(TestGateway& gw) : gw_(gw) {}
  web::Response send(const std::string& method, const std::string& target,
                     const std::string& body = "", HeaderList headers = {}) {
    auto r = gw_.send(method, target, body, headers);
    std::vector<std::string> params;
    const std::string path = target.substr(0, target.find('?'));
    const RouteSpec* spec = matchRoute(path, params);
    EXPECT_NE(spec, nullptr) << target;
    if (spec == nullptr) return r;
    Json sample = {{"method", method}, {"path", spec->path}, {"status", r.status},
                   {"content_type", r.header("Content-Type").value_or("")}, {"body", r.body}};
    lines_ += dumpJson(sample) + "\n";
    const std::string key = method + " " + std::string(spec->path);
    (r.status < 400 ? ok_ : failed_).insert(key);
    return r;
  }
  web::Response api(const std::string& method, const std::string& target, const Json& body = {},
                    const std::string& type = "application/json") {
    return send(method, target, body.is_null() ? "" : (body.is_string() ? body.get<std::string>()
                                                                       : dumpJson(body)),
                {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                 {"Content-Type", type}});
  }
  const std::string& lines() const { return lines_; }
  const std::set<std::string>& ok() const { return ok_; }
  const std::set<std::string>& failed() const { return failed_; }

 private:
  TestGateway& gw_;
  std::string lines_;
  std::set<std::string> ok_, failed_;
};

TEST(OpenApi, RealResponsesOfEveryRouteMatchTheDocument) {
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  TestGateway gw(catalogue);
  gw.http.answer([](const HttpRequest&) -> Result<HttpResponse> {
    return jsonResponse(200, {{"access_token", "AT-1"}, {"refresh_token", "RT-1"},
                              {"expires_in", 3600}, {"token_type", "Bearer"}});
  });
  Recorder rec(gw);
  const std::string cb = "https://app.example/cb";
  // Operations.
  rec.send("GET", "/healthz");
  rec.send("GET", "/readyz");
  rec.send("GET", "/metrics");
  rec.send("GET", "/openapi.json");
  rec.send("POST", "/healthz");
  rec.send("POST", "/readyz");
  rec.send("POST", "/metrics");
  rec.send("POST", "/openapi.json");
  // Management: apps and redirect URIs.
  auto app = rec.api("POST", "/v1/oauth-apps",
                     {{"provider", "acme"}, {"client_id", "cid"}, {"client_secret", "csecret"}});
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string app_id = Json::parse(app.body)["id"];
  rec.api("POST", "/v1/oauth-apps", {{"provider", "nope"}});
  rec.api("GET", "/v1/oauth-apps");
  rec.send("GET", "/v1/oauth-apps");  // no key: 401
  rec.api("GET", "/v1/oauth-apps/" + app_id);
  rec.api("GET", "/v1/oauth-apps/not-a-uuid");
  rec.api("PATCH", "/v1/oauth-apps/" + app_id, {{"name", "renamed"}});
  rec.api("PATCH", "/v1/oauth-apps/" + app_id, {{"provider", "x"}});
  auto uri = rec.api("POST", "/v1/redirect-uris", {{"url", cb}});
  const std::string uri_id = Json::parse(uri.body)["id"];
  rec.api("POST", "/v1/redirect-uris", {{"url", "not a url"}});
  rec.api("GET", "/v1/redirect-uris");
  rec.api("GET", "/v1/providers");
  rec.api("POST", "/v1/providers");  // 405
  // Webhooks (issue #13), registered before the flow so its credential.created is recorded.
  auto hook = rec.api("POST", "/v1/webhooks",
                      {{"url", "http://127.0.0.1:9/hook"}, {"events", {"credential.created"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string hook_id = Json::parse(hook.body)["id"];
  rec.api("POST", "/v1/webhooks", {{"url", "ftp://x"}, {"events", {"credential.created"}}});
  // The browser flow: start -> provider (fake) -> callback -> token.
  rec.send("GET", "/link/oauth2/start?client_id=nope");
  rec.send("GET", "/link/oauth2/start?client_id=nope", "", {{"Accept", "application/json"}});
  auto started = rec.send("GET", "/link/oauth2/start?client_id=" + app_id + "&redirect_uri=" +
                                     percentEncode(cb) + "&state=s1");
  ASSERT_EQ(started.status, 302) << started.body;
  const std::string state = *testing::queryOf(*started.header("Location")).get("state");
  rec.send("GET", "/link/oauth2/callback/acme?state=unknown&code=x");
  auto back = rec.send("GET", "/link/oauth2/callback/acme?code=pc&state=" + state, "",
                       {{"Cookie", testing::cookiePair(started)}});
  ASSERT_EQ(back.status, 302) << back.body;
  const std::string code = *testing::queryOf(*back.header("Location")).get("code");
  const HeaderList form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  rec.send("POST", "/link/oauth2/token", "code=bad&client_id=" + app_id + "&client_secret=csecret",
           form);
  auto token = rec.send("POST", "/link/oauth2/token",
                        "grant_type=authorization_code&code=" + percentEncode(code) +
                            "&client_id=" + app_id + "&client_secret=csecret",
                        form);
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string cred = Json::parse(token.body)["credential"]["id"];
  rec.send("GET", "/link/oauth2/token");  // 405
  // Start links.
  auto link = rec.api("POST", "/v1/credentials/start-auth",
                      {{"oauth_app_id", app_id}, {"redirect_uri", cb}, {"state", {{"k", 1}}}});
  ASSERT_EQ(link.status, 201) << link.body;
  const std::string start_url = Json::parse(link.body)["start_url"];
  rec.api("POST", "/v1/credentials/start-auth", {{"oauth_app_id", app_id}});
  rec.send("GET", start_url.substr(start_url.find("/link/")));
  rec.send("GET", "/link/oauth2/start/unknown-token");
  // Start-link management (issue 17): listed, read, deleted.
  const std::string link_id = Json::parse(link.body)["id"];
  rec.api("GET", "/v1/start-links");
  rec.api("GET", "/v1/start-links?provider=acme&limit=1");
  rec.api("GET", "/v1/start-links?cursor=bad");
  rec.api("GET", "/v1/start-links/" + link_id);
  rec.api("GET", "/v1/start-links/0000000000000000");
  rec.api("DELETE", "/v1/start-links/" + link_id);
  rec.api("DELETE", "/v1/start-links/" + link_id);
  // Credentials.
  rec.api("GET", "/v1/credentials");
  rec.api("GET", "/v1/credentials?provider=acme&limit=1");
  rec.api("GET", "/v1/credentials?cursor=bad");
  rec.api("POST", "/v1/credentials",
          {{"oauth_app_id", app_id}, {"properties", {{"access_token", "IMP"}}}});
  rec.api("POST", "/v1/credentials", {{"oauth_app_id", app_id}});
  rec.api("POST", "/v1/credentials/import",
          Json(dumpJson(Json{{"oauth_app_id", app_id}, {"properties", {{"access_token", "B"}}}}) +
               "\n{bad\n"),
          "application/x-ndjson");
  rec.api("POST", "/v1/credentials/import", Json("{}"), "application/json");
  rec.api("GET", "/v1/credentials/export");
  rec.api("POST", "/v1/credentials/export");
  rec.api("GET", "/v1/credentials/" + cred);
  rec.api("GET", "/v1/credentials/00000000-0000-4000-8000-000000000000");
  rec.api("POST", "/v1/credentials/" + cred + "/refresh");
  rec.api("POST", "/v1/credentials/bad/refresh");
  rec.api("GET", "/v1/credentials/" + cred + "/access-token");
  rec.api("GET", "/v1/credentials/bad/access-token");
  // Webhooks: the flow's event is in the delivery log and can be sent again.
  rec.api("GET", "/v1/webhooks");
  rec.api("GET", "/v1/webhooks/" + hook_id);
  rec.api("GET", "/v1/webhooks/not-a-uuid");
  auto deliveries = rec.api("GET", "/v1/webhooks/" + hook_id + "/deliveries");
  ASSERT_EQ(deliveries.status, 200) << deliveries.body;
  const Json log = Json::parse(deliveries.body)["data"];
  ASSERT_FALSE(log.empty()) << "the flow's credential.created has no delivery";
  const std::string delivery_id = log[0]["id"];
  rec.api("GET", "/v1/webhooks/" + hook_id + "/deliveries?limit=0");
  rec.api("POST", "/v1/webhooks/" + hook_id + "/deliveries/" + delivery_id + "/redeliver");
  rec.api("POST", "/v1/webhooks/" + hook_id + "/deliveries/bad/redeliver");
  rec.api("DELETE", "/v1/webhooks/" + hook_id);
  rec.api("DELETE", "/v1/webhooks/" + hook_id);
  // API keys.
  rec.send("POST", "/v1/api-keys");  // no key: 401
  auto key = rec.api("POST", "/v1/api-keys");
  const std::string key_id = Json::parse(key.body)["id"];
  rec.api("DELETE", "/v1/api-keys");
  rec.api("GET", "/v1/api-keys");
  rec.api("DELETE", "/v1/api-keys/" + key_id);
  rec.api("DELETE", "/v1/api-keys/" + key_id);
  // Deletions, the app last: 409 while it has credentials, then cascade.
  rec.api("DELETE", "/v1/oauth-apps/" + app_id);
  rec.api("DELETE", "/v1/credentials/" + cred);
  rec.api("DELETE", "/v1/credentials/" + cred);
  rec.api("DELETE", "/v1/redirect-uris/" + uri_id);
  rec.api("DELETE", "/v1/redirect-uris/" + uri_id);
  rec.api("DELETE", "/v1/oauth-apps/" + app_id + "?cascade=true");
  rec.api("DELETE", "/v1/oauth-apps/" + app_id);
  // Issue 15: over a rate limit the token endpoint and the API answer the documented 429.
  AbuseConfig tight;
  tight.token_per_address = {1, 60};
  tight.api_per_address = {1, 60};
  gw.services->abuse =
      std::make_shared<AbuseGuard>(tight, gw.clock, *gw.store, *gw.services->metrics);
  for (int i = 0; i < 2; ++i) {
    rec.send("POST", "/link/oauth2/token", "code=x",
             {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(rec.api("GET", "/v1/providers").status, i == 0 ? 200 : 429);
  }
  // Every operation was seen succeeding and failing.
  for (const auto& spec : routeTable()) {
    for (const auto& m : routeMethods(spec)) {
      const std::string key_of = m + " " + std::string(spec.path);
      EXPECT_TRUE(rec.ok().contains(key_of)) << key_of << " never succeeded";
      EXPECT_TRUE(rec.failed().contains(key_of) ||
                  rec.failed().contains("POST " + std::string(spec.path)) ||
                  rec.failed().contains("GET " + std::string(spec.path)))
          << key_of << " never failed";
    }
  }
  const auto samples = gw.dir.path() / "samples.jsonl";
  std::ofstream(samples) << rec.lines();
  const std::filesystem::path src = testing::sourceDir();
  const std::string command = "cd '" + (src / "tests" / "openapi").string() +
                              "' && node validate.mjs '" + (src / "docs" / "openapi.json").string() +
                              "' '" + samples.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(" responses valid, 0 failures"), std::string::npos) << out;
}

}  // namespace
}  // namespace linkgate::gateway
