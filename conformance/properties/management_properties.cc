// The management API (docs/CONTRACT.md C-4) beyond credentials: the API key, OAuth apps and
// their masked secret, deleted apps and redirect URIs, bad input, the catalogue, operations
// endpoints, deleting a credential, a refresh the provider refuses.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/properties/support.h"
#include "core/json.h"
#include "core/crypto.h"
#include "core/random.h"

namespace linkgate::conformance {
namespace {

// A /v1 call with the given headers instead of the API key (routes mapped by the adapter).
HttpResponse unauthenticated(CheckContext& c, const std::string& method, const std::string& path,
                             const HeaderList& headers, const std::string& body = "") {
  World& w = c.world();
  const Route route = w.gateway().routes().map(method, path);
  HttpRequest request;
  request.method = route.method;
  request.url = w.publicUrl() + route.path;
  request.headers = headers;
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  HttpResponse r = must(w.http().send(request), method + " " + path);
  c.trace().add(method + " " + path + " (no valid key) -> " + std::to_string(r.status) + " " +
                printable(r.body, 160));
  return r;
}

// The items of a list answer (an array, or {"data": [...]}).
Json items(const HttpResponse& r) {
  auto json = parseJson(r.body);
  if (!json) return Json::array();
  if (json->is_array()) return *json;
  for (const char* key : {"data", "items", "oauth_apps", "redirect_uris", "credentials"}) {
    if (const Json* list = jsonAt(*json, key); list != nullptr && list->is_array()) return *list;
  }
  return Json::array();
}

std::string uniqueUri(const std::string& what) {
  SystemRandom random;
  return "https://integrator.conformance.example/" + what + "-" + randomToken(random, 96);
}

TEST(Management, ApiKeyRequired) {
  runCheck({"management.auth", "RFC 6750 §3.1", ""}, [](CheckContext& c) {
    World& w = c.world();
    const std::string uri = uniqueUri("unauthenticated");
    const std::string body = dumpJson(Json{{w.gateway().uriField(), uri}});
    for (const auto& [label, headers] :
         std::vector<std::pair<std::string, HeaderList>>{
             {"no key", {}},
             {"wrong key", {{"Authorization", "Bearer wrong-" + w.gateway().apiKey()}}},
             {"not Bearer", {{"Authorization", "Basic " + w.gateway().apiKey()}}}}) {
      for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
               {"GET", "/v1/oauth-apps"}, {"GET", "/v1/redirect-uris"},
               {"GET", "/v1/credentials"}, {"GET", "/v1/credentials/export"},
               {"POST", "/v1/redirect-uris"}}) {
        const HttpResponse r =
            unauthenticated(c, method, path, headers, method == "POST" ? body : "");
        expectJsonError(r, {401}, label + ": " + method + " " + path);
        EXPECT_EQ(r.body.find(w.integratorUri()), std::string::npos)
            << label << ": " << path << " answered the account's data";
      }
    }
    const HttpResponse list = api(c, "GET", "/v1/redirect-uris");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(uri), std::string::npos)
        << "an unauthenticated POST /v1/redirect-uris registered " << uri;
  });
}

TEST(Management, OAuthApps) {
  runCheck({"management.apps", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = must(w.newApp(c.provider(), "-apps-check"), "a second app");
    const std::string path = "/v1/oauth-apps/" + app.id;
    const HttpResponse one = api(c, "GET", path);
    ASSERT_EQ(one.status, 200) << printable(one.body, 300);
    EXPECT_EQ(one.body.find(app.client_secret), std::string::npos) << "GET " << path
                                                                    << " shows the secret";
    EXPECT_EQ(jsonString(must(parseJsonObject(one.body), "app"), "client_secret"), "**********")
        << "the secret is not masked as ********** (C-4.2)";
    EXPECT_EQ(jsonString(must(parseJsonObject(one.body), "app"), "client_id"), app.client_id);
    const HttpResponse list = api(c, "GET", "/v1/oauth-apps");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(app.client_secret), std::string::npos) << "the list shows a secret";
    EXPECT_NE(list.body.find(app.id), std::string::npos) << "the list lacks the new app";
    const HttpResponse unmasked = api(c, "GET", path + "?truncate_secrets=false");
    ASSERT_EQ(unmasked.status, 200);
    EXPECT_EQ(jsonString(must(parseJsonObject(unmasked.body), "app"), "client_secret"),
              app.client_secret)
        << "?truncate_secrets=false does not show the secret";

    const HttpResponse patched = api(c, "PATCH", path, Json{{"name", "renamed by conformance"}});
    EXPECT_EQ(patched.status, 200) << printable(patched.body, 300);
    EXPECT_EQ(jsonString(must(parseJsonObject(api(c, "GET", path).body), "app"), "name"),
              "renamed by conformance");

    const HttpResponse deleted = api(c, "DELETE", path);
    EXPECT_TRUE(deleted.status == 200 || deleted.status == 204) << printable(deleted.body, 300);
    EXPECT_EQ(api(c, "GET", path).status, 404) << "a deleted app is still there";
    const int64_t mark = must(w.sim().mark(), "journal");
    Flow flow(w, &c.trace());
    const HttpResponse r = must(flow.start({app.provider, app.id, w.integratorUri(), "gone"}),
                                "/start with a deleted app");
    EXPECT_EQ(refusedWithoutRedirect(r), "") << "/start with a deleted app's client_id";
    EXPECT_EQ(providerUntouched(w, mark), "");
  });
}

TEST(Management, BadInput) {
  runCheck({"management.bad_input", "", ""}, [](CheckContext& c) {
    const size_t before = items(api(c, "GET", "/v1/oauth-apps")).size();
    HeaderList key = {{"Authorization", "Bearer " + c.world().gateway().apiKey()}};
    if (c.world().gateway().routes().apiKeyHeader() != "Authorization") {
      key = {{c.world().gateway().routes().apiKeyHeader(), c.world().gateway().apiKey()}};
    }
    expectJsonError(unauthenticated(c, "POST", "/v1/oauth-apps", key, "{\"provider\":"), {400},
                    "broken JSON");
    expectJsonError(api(c, "POST", "/v1/oauth-apps", Json::array()), {400}, "a JSON array");
    expectJsonError(api(c, "POST", "/v1/oauth-apps",
                        Json{{"client_id", "x"}, {"client_secret", "y"}}),
                    {400, 422}, "no provider");
    expectJsonError(api(c, "POST", "/v1/oauth-apps",
                        Json{{"provider", "no-such-provider-x"}, {"client_id", "x"},
                             {"client_secret", "y"}}),
                    {400, 404, 422}, "an unknown provider");
    const HttpResponse big = unauthenticated(
        c, "POST", "/v1/oauth-apps", key,
        dumpJson(Json{{"provider", c.provider()}, {"client_id", "big"},
                      {"client_secret", "big"}, {"name", std::string(70 * 1024, 'n')}}));
    EXPECT_EQ(big.status, 413) << "a body over 64 KB: " << printable(big.body, 200);
    expectJsonError(api(c, "GET", "/v1/oauth-apps/not-a-uuid"), {400, 404}, "a malformed app id");
    expectJsonError(api(c, "DELETE", "/v1/redirect-uris/" + randomUuid()), {404},
                    "deleting a redirect URI nobody registered");
    EXPECT_EQ(items(api(c, "GET", "/v1/oauth-apps")).size(), before)
        << "refused requests changed the list of OAuth apps";
  });
}

TEST(Management, Providers) {
  runCheck({"management.providers", "", ""}, [](CheckContext& c) {
    const HttpResponse r = api(c, "GET", "/v1/providers");
    ASSERT_EQ(r.status, 200);
    const Json list = items(r).empty() ? must(parseJson(r.body), "providers").value(
                                             "providers", Json::array())
                                       : items(r);
    ASSERT_FALSE(list.empty()) << "an empty catalogue";
    for (const Json& p : list) {
      const std::string slug = jsonString(p, "slug").value_or("");
      EXPECT_FALSE(slug.empty()) << "a provider without slug: " << p.dump();
      EXPECT_FALSE(jsonString(p, "display_name").value_or("").empty()) << slug << ": no display_name";
      for (const Json& param : p.value("connection_params", Json::array())) {
        const std::string name = jsonString(param, "name").value_or("");
        const std::string pattern = jsonString(param, "pattern").value_or("");
        const std::string example = jsonString(param, "example").value_or("");
        if (!jsonString(param, "from_callback").value_or("").empty() && example.empty()) continue;
        EXPECT_FALSE(name.empty() || pattern.empty()) << slug << ": a param without name or pattern";
        try {
          EXPECT_TRUE(std::regex_match(example, std::regex(pattern)))
              << slug << "." << name << ": example '" << example << "' fails its pattern "
              << pattern;
        } catch (const std::regex_error&) {
          ADD_FAILURE() << slug << "." << name << ": the pattern " << pattern
                        << " is not a regular expression";
        }
      }
    }
  });
}

TEST(Management, Operations) {
  runCheck({"ops.endpoints", "", ""}, [](CheckContext& c) {
    World& w = c.world();
    for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
      HttpRequest request;
      request.url = w.publicUrl() + path;
      const HttpResponse r = must(w.http().send(request), path);
      c.trace().add(std::string("GET ") + path + " -> " + std::to_string(r.status));
      EXPECT_EQ(r.status, 200) << path << ": " << printable(r.body, 200);
      if (std::string(path) == "/metrics") {
        EXPECT_NE(lower(r.header("Content-Type").value_or("")).find("text/plain"),
                  std::string::npos)
            << "/metrics is not Prometheus text";
        EXPECT_TRUE(r.body.find("# TYPE ") != std::string::npos)
            << "/metrics has no # TYPE line: " << printable(r.body, 200);
      }
    }
  });
}

TEST(Management, DeletedRedirectUri) {
  runCheck({"redirect_uri.deleted", "RFC 6749 §3.1.2.2", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const std::string uri = uniqueUri("deleted");
    const std::string id = must(w.gateway().registerRedirectUri(uri), "register " + uri);
    {
      Flow flow(w, &c.trace());
      const HttpResponse r = must(flow.start({app.provider, app.id, uri, "before"}), "/start");
      ASSERT_EQ(redirectedToProvider(w, app.provider, r), "") << "a registered URI is refused";
    }
    must(w.gateway().deleteRedirectUri(id), "DELETE /v1/redirect-uris/" + id);
    const int64_t mark = must(w.sim().mark(), "journal");
    Flow flow(w, &c.trace());
    const HttpResponse r = must(flow.start({app.provider, app.id, uri, "after"}), "/start");
    EXPECT_EQ(refusedWithoutRedirect(r), "") << "/start with a deleted redirect URI";
    EXPECT_EQ(providerUntouched(w, mark), "");
    const HttpResponse list = api(c, "GET", "/v1/redirect-uris");
    EXPECT_EQ(list.body.find(uri), std::string::npos) << "a deleted URI is still listed";
  });
}

TEST(Management, DeleteCredential) {
  runCheck({"credentials.delete", "", ""}, [](CheckContext& c) {
    const App app = primaryApp(c);
    const Credential cred = linked(c, app);
    const std::string path = "/v1/credentials/" + cred.id;
    ASSERT_EQ(api(c, "GET", path).status, 200);
    const HttpResponse deleted = api(c, "DELETE", path);
    EXPECT_TRUE(deleted.status == 200 || deleted.status == 204) << printable(deleted.body, 300);
    expectJsonError(api(c, "GET", path), {404}, "a deleted credential");
    expectJsonError(api(c, "DELETE", path), {404}, "deleting it again");
    EXPECT_EQ(api(c, "GET", "/v1/credentials/export").body.find(cred.id), std::string::npos)
        << "a deleted credential is still exported";
    expectJsonError(api(c, "GET", path + "/access-token"), {404}, "its access token");
  });
}

TEST(Management, RefreshInvalidGrant) {
  runCheck({"credentials.refresh_invalid_grant", "RFC 6749 §5.2", ""}, [](CheckContext& c) {
    World& w = c.world();
    const App app = primaryApp(c);
    const Credential cred = linked(c, app);
    if (!cred.refresh_token) c.notRun(app.provider + " issued no refresh token");
    SimulatorGuard guard(w, app.provider);
    must(w.sim().addFault({app.provider, "refresh", "invalid_grant", std::nullopt, std::nullopt, 1}),
         "arm invalid_grant on refresh");
    const HttpResponse r = api(c, "POST", "/v1/credentials/" + cred.id + "/refresh", Json::object());
    EXPECT_NE(r.status, 200) << "a refresh the provider refused succeeded";
    expectJsonError(r, {400, 401, 409, 422, 502}, "refresh answered invalid_grant");
    EXPECT_EQ(r.body.find(*cred.refresh_token), std::string::npos) << "the error shows the token";
    const HttpResponse after = api(c, "GET", "/v1/credentials/" + cred.id);
    ASSERT_EQ(after.status, 200) << "the credential is gone after a refused refresh (C-7.6)";
    EXPECT_EQ(jsonString(must(parseJsonObject(after.body), "credential"), "health.status"),
              "error")
        << "health.status is not 'error' after invalid_grant: " << printable(after.body, 300);
  });
}

}  // namespace
}  // namespace linkgate::conformance
