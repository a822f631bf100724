// Issue 5 "done when": the real gateway binary completes a flow against the real simulator for
// every catalogued provider (parameterized over gateway/catalogue), and the issued access token
// works at the simulator's resource endpoint the way the dialect says it must be presented.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/http_client.h"
#include "core/params.h"
#include "core/percent.h"
#include "gateway/child_process.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::binaryPath;
using testing::ChildProcess;

class Stack {
 public:
  static Stack& get() {
    static Stack stack;
    return stack;
  }
  std::string error;
  std::unique_ptr<ChildProcess> simulator, gateway;
  CurlHttpClient http;
  testing::TempDir dir;

 private:
  Stack() {
    auto sim = ChildProcess::start({binaryPath("LINKGATE_SIMULATOR", "simulator", LINKGATE_BUILT_SIMULATOR), "--port", "0",
                                    "--auto-approve", "--profiles",
                                    testing::sourceDir() + "/fixtures/providers"});
    if (!sim) {
      error = sim.error().message;
      return;
    }
    simulator = std::move(*sim);
    auto gw = ChildProcess::start(
        {binaryPath("LINKGATE_GATEWAY", "gateway", LINKGATE_BUILT_GATEWAY), "--port", "0", "--db",
         (dir.path() / "gw.db").string(), "--provider-base-url", simulator->url(), "--catalogue",
         testing::sourceDir() + "/gateway/catalogue"},
        {"LINKGATE_API_KEY=integration-key",
         "LINKGATE_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="});
    if (!gw) {
      error = gw.error().message;
      return;
    }
    gateway = std::move(*gw);
  }
};

HttpResponse call(const std::string& method, const std::string& url, const std::string& body = {},
                  HeaderList headers = {}) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  auto r = Stack::get().http.send(req);
  EXPECT_TRUE(r) << method << " " << url << ": " << (r ? "" : r.error().message);
  return r ? *r : HttpResponse{};
}

const HeaderList kApi = {{"Authorization", "Bearer integration-key"},
                         {"Content-Type", "application/json"}};

void expectApiMe(const Dialect& dialect, const std::string& sim, const std::string& token,
                 const std::string& what) {
  std::string me = sim + "/" + dialect.slug + "/api/me";
  HeaderList headers;
  switch (dialect.api.token_in) {
    case TokenIn::kBearer: headers.emplace_back("Authorization", "Bearer " + token); break;
    case TokenIn::kHeader: headers.emplace_back(dialect.api.name, token); break;
    case TokenIn::kQuery: me += "?" + dialect.api.name + "=" + percentEncode(token); break;
  }
  auto identity = call("GET", me, {}, headers);
  EXPECT_EQ(identity.status, 200) << "api/me with the " << what << ": " << identity.body;
}

class EveryProvider : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryProvider, CompletesAFlowAgainstTheSimulator) {
  Stack& stack = Stack::get();
  ASSERT_TRUE(stack.error.empty()) << stack.error;
  const std::string slug = GetParam();
  auto catalogue = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  ASSERT_TRUE(catalogue) << catalogue.error().message;
  const Dialect& dialect = *catalogue->find(slug);
  const std::string gw = stack.gateway->url(), sim = stack.simulator->url();
  const std::string client_id = "it-" + slug, secret = "it-" + slug + "-secret";

  auto client = call("POST", sim + "/_sim/clients",
                     dumpJson(Json{{"provider", slug},
                                   {"client_id", client_id},
                                   {"client_secret", secret},
                                   {"redirect_uris", {gw + "/link/oauth2/callback/" + slug}}}),
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(client.status, 201) << client.body;
  // App params (Amazon's application_id) are what the provider assigned the registered client.
  const Json registered = Json::parse(client.body);
  Json metadata = Json::object();
  for (const auto& p : dialect.app_params) {
    ASSERT_TRUE(registered.contains(p.name)) << "the simulator assigned no " << p.name;
    metadata[p.name] = registered[p.name];
  }
  auto app = call("POST", gw + "/v1/oauth-apps",
                  dumpJson(Json{{"provider", slug}, {"client_id", client_id},
                                {"client_secret", secret}, {"metadata", metadata}}),
                  kApi);
  ASSERT_EQ(app.status, 201) << app.body;
  const std::string app_id = Json::parse(app.body)["id"];
  auto uri = call("POST", gw + "/v1/redirect-uris",
                  dumpJson(Json{{"url", "http://127.0.0.1/done/:provider"}}), kApi);
  ASSERT_TRUE(uri.status == 201 || uri.status == 200) << uri.body;

  Params start;
  start.add("client_id", app_id);
  start.add("redirect_uri", "http://127.0.0.1:4321/done/" + slug);
  start.add("state", "it state \xff");
  for (const auto& p : dialect.connection_params) {
    if (p.from_callback.empty()) start.add(p.name, p.example);  // else the provider reports it
  }
  auto started = call("GET", gw + "/link/oauth2/start?" + start.toQuery());
  ASSERT_EQ(started.status, 302) << started.body;
  const std::string cookie = started.header("Set-Cookie").value_or("");
  ASSERT_FALSE(cookie.empty());

  auto consent = call("GET", *started.header("Location"));
  ASSERT_EQ(consent.status, 302) << "provider authorization endpoint: " << consent.body;
  const std::string callback = consent.header("Location").value_or("");
  ASSERT_TRUE(callback.starts_with(gw + "/link/oauth2/callback/" + slug)) << callback;

  auto back = call("GET", callback, {}, {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_EQ(back.status, 302) << back.body;
  const std::string done = back.header("Location").value_or("");
  ASSERT_TRUE(done.starts_with("http://127.0.0.1:4321/done/" + slug + "?")) << done;
  Params answer = testing::queryOf(done);
  ASSERT_TRUE(answer.has("code")) << "integrator redirect: " << done;
  EXPECT_EQ(answer.get("state"), "it state \xff");
  EXPECT_EQ(answer.get("iss"), gw);

  auto token = call("POST", gw + "/link/oauth2/token",
                    "code=" + percentEncode(*answer.get("code")) + "&client_id=" + app_id +
                        "&client_secret=" + percentEncode(secret),
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(token.status, 200) << token.body;
  Json credential = Json::parse(token.body)["credential"];
  EXPECT_EQ(credential["provider"], slug);
  EXPECT_EQ(credential["properties"]["kind"], slug + "_oauth2");
  const std::string access_token = credential["properties"]["access_token"];
  ASSERT_FALSE(access_token.empty());

  // The token is the provider's real one: the resource endpoint accepts it as the dialect says.
  expectApiMe(dialect, sim, access_token, "issued token");

  // Refresh through the gateway where the provider issued a refresh token (SPEC §3).
  if (!credential["properties"].contains("refresh_token")) return;
  const std::string id = credential["id"];
  auto refreshed = call("POST", gw + "/v1/credentials/" + id + "/refresh", "{}", kApi);
  ASSERT_EQ(refreshed.status, 200) << "refresh: " << refreshed.body;
  const std::string new_token = Json::parse(refreshed.body)["properties"]["access_token"];
  EXPECT_NE(new_token, access_token);
  expectApiMe(dialect, sim, new_token, "refreshed token");
}

// Cognito's id_token issuer holds the user pool id, the OAuth app's metadata.user_pool_id: an
// app whose pool is not its client's fails the flow on `iss`; the right pool links the real
// issuer + sub.
TEST(CognitoPool, TheAppsPoolMustBeTheClientsPool) {
  Stack& stack = Stack::get();
  ASSERT_TRUE(stack.error.empty()) << stack.error;
  const std::string gw = stack.gateway->url(), sim = stack.simulator->url();
  auto client = call("POST", sim + "/_sim/clients",
                     dumpJson(Json{{"provider", "cognito"},
                                   {"client_id", "pool-client"},
                                   {"client_secret", "pool-secret"},
                                   {"user_pool_id", "us-west-2_PoolA1"},
                                   {"redirect_uris", {gw + "/link/oauth2/callback/cognito"}}}),
                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(client.status, 201) << client.body;
  ASSERT_EQ(call("POST", gw + "/v1/redirect-uris",
                 dumpJson(Json{{"url", "http://127.0.0.1/pool/:provider"}}), kApi).status / 100, 2);
  // Start -> consent -> callback for an app with `pool`; the callback's answer.
  std::optional<std::string> app_id;
  auto flow = [&](const std::string& pool) {
    auto app = call("POST", gw + "/v1/oauth-apps",
                    dumpJson(Json{{"provider", "cognito"}, {"client_id", "pool-client"},
                                  {"client_secret", "pool-secret"},
                                  {"name", "pool " + pool},
                                  {"metadata", {{"user_pool_id", pool}}}}),
                    kApi);
    EXPECT_EQ(app.status, 201) << app.body;
    Params start;
    app_id = Json::parse(app.body).value("id", "");
    start.add("client_id", *app_id);
    start.add("redirect_uri", "http://127.0.0.1/pool/cognito");
    start.add("domain", "acme-auth");
    start.add("region", "us-east-1");
    start.add("scope", "openid email");
    auto started = call("GET", gw + "/link/oauth2/start?" + start.toQuery());
    EXPECT_EQ(started.status, 302) << started.body;
    const std::string cookie = started.header("Set-Cookie").value_or("");
    auto consent = call("GET", started.header("Location").value_or(""));
    EXPECT_EQ(consent.status, 302) << consent.body;
    return call("GET", consent.header("Location").value_or(""), {},
                {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  };
  HttpResponse wrong = flow("us-west-2_PoolB2");
  const std::string refused = wrong.header("Location").value_or("") + wrong.body;
  EXPECT_EQ(refused.find("code="), std::string::npos) << refused;
  EXPECT_NE(refused.find("error=server_error"), std::string::npos) << refused;
  EXPECT_NE(refused.find("iss%20is%20not%20the%20provider%27s%20issuer"), std::string::npos)
      << refused;

  HttpResponse right = flow("us-west-2_PoolA1");
  ASSERT_EQ(right.status, 302) << right.body;
  Params done = testing::queryOf(right.header("Location").value_or(""));
  ASSERT_TRUE(done.has("code")) << right.header("Location").value_or("");
  auto token = call("POST", gw + "/link/oauth2/token",
                    "code=" + percentEncode(*done.get("code")) + "&client_id=" + *app_id +
                        "&client_secret=pool-secret",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(token.status, 200) << token.body;
  const Json credential = Json::parse(token.body)["credential"];
  EXPECT_EQ(credential.value("provider_account_id", ""),
            "https://cognito-idp.us-east-1.amazonaws.com/us-west-2_PoolA1 " +
                credential["properties"]["id_token_claims"].value("sub", "?"))
      << credential.dump();
}

// Read at test discovery: a broken catalogue becomes one failing case, not a failed build.
std::vector<std::string> catalogueSlugs() {
  auto catalogue = Catalogue::load(testing::sourceDir() + "/gateway/catalogue");
  if (!catalogue) return {"catalogue_does_not_load"};
  std::vector<std::string> slugs;
  for (const auto& [slug, d] : catalogue->all()) slugs.push_back(slug);
  return slugs;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EveryProvider, ::testing::ValuesIn(catalogueSlugs()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace linkgate::gateway
