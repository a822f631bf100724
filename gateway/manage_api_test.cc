// Issue 12's management API without sockets: API keys (create, list, revoke, never shown
// again), credential filters and cursor pages, the JSONL bulk import report, and app deletion
// (409 naming the count, ?cascade=true, no orphan ever answers 500).
#include <gtest/gtest.h>

#include <set>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;
using testing::TestGateway;

Catalogue twoProviders() {
  Catalogue c;
  c.add(testing::acmeDialect());
  Dialect other = testing::acmeDialect();
  other.slug = "other";
  other.display_name = "Other";
  c.add(other);
  return c;
}

class ManageApiTest : public ::testing::Test {
 protected:
  ManageApiTest() : catalogue_(twoProviders()), gw_(catalogue_) {}
  web::Response call(const std::string& method, const std::string& path, const Json& body = {},
                     const std::string& key = TestGateway::kApiKey) {
    return gw_.send(method, path, body.is_null() ? "" : dumpJson(body),
                    {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  }
  web::Response bulk(const std::string& lines) {
    return gw_.send("POST", "/v1/credentials/import", lines,
                    {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                     {"Content-Type", "application/x-ndjson"}});
  }
  static Json json(const web::Response& r) { return Json::parse(r.body); }
  std::string import(const std::string& app, const std::string& token) {
    auto r = call("POST", "/v1/credentials",
                  {{"oauth_app_id", app}, {"properties", {{"access_token", token}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r)["id"];
  }
  static void expectError(const web::Response& r, int status, const std::string& error) {
    EXPECT_EQ(r.status, status) << r.body;
    Json body = json(r);
    EXPECT_EQ(body["error"], error) << r.body;
    EXPECT_TRUE(body["error_description"].is_string() && !body["error_description"].empty());
  }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string acme_ = gw_.createApp("acme", "acme-client", "acme-secret");
  std::string other_ = gw_.createApp("other", "other-client", "other-secret");
};

TEST_F(ManageApiTest, ApiKeysAreShownOnceListedByIdAndRevoked) {
  auto created = call("POST", "/v1/api-keys");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key = json(created)["key"];
  const std::string id = json(created)["id"];
  EXPECT_TRUE(key.starts_with("lgk_"));
  EXPECT_EQ(json(created)["prefix"], key.substr(0, 8));
  // The new key works, and the list names it without the key.
  auto listed = call("GET", "/v1/api-keys", {}, key);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(key), std::string::npos);
  ASSERT_EQ(json(listed)["data"].size(), 1u);
  EXPECT_EQ(json(listed)["data"][0]["id"], id);
  EXPECT_EQ(json(listed)["data"][0]["prefix"], key.substr(0, 8));
  EXPECT_TRUE(json(listed)["data"][0]["created_at"].is_string());
  // Revoked: the key no longer opens the API, and a second revocation is 404.
  EXPECT_EQ(call("DELETE", "/v1/api-keys/" + id).status, 204);
  expectError(call("GET", "/v1/oauth-apps", {}, key), 401, "unauthorized");
  expectError(call("DELETE", "/v1/api-keys/" + id), 404, "not_found");
  expectError(call("DELETE", "/v1/api-keys/NOT-HEX"), 400, "invalid_request");
  EXPECT_EQ(json(call("GET", "/v1/api-keys"))["data"].size(), 0u);
}

TEST_F(ManageApiTest, CredentialsFilterByProviderAndApp) {
  const std::string a1 = import(acme_, "A1"), o1 = import(other_, "O1"), a2 = import(acme_, "A2");
  auto ids = [&](const std::string& query) {
    auto r = call("GET", "/v1/credentials" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;  // the order is checked by the cursor test
    const Json body = json(r);
    for (const auto& c : body["data"]) out.insert(c["id"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("?provider=acme"), (std::set<std::string>{a1, a2}));
  EXPECT_EQ(ids("?provider=other"), (std::set<std::string>{o1}));
  EXPECT_EQ(ids("?oauth_app_id=" + other_), (std::set<std::string>{o1}));
  EXPECT_EQ(ids("?provider=other&oauth_app_id=" + acme_).size(), 0u);
  EXPECT_EQ(ids("").size(), 3u);
  expectError(call("GET", "/v1/credentials?provider=nope"), 400, "invalid_request");
  expectError(call("GET", "/v1/credentials?oauth_app_id=x"), 400, "invalid_request");
  expectError(call("GET", "/v1/credentials?colour=red"), 400, "invalid_request");
}

TEST_F(ManageApiTest, CursorPagesAreStableAndBadCursorsAre400) {
  std::vector<std::string> all;
  for (int i = 0; i < 7; ++i) {
    if (i % 3 == 0) gw_.clock.advance(std::chrono::seconds(1));  // ties on created_at too
    all.push_back(import(i % 2 ? other_ : acme_, "T" + std::to_string(i)));
  }
  // The reference order: one big page, which must be (created_at, id) order.
  const Json full = json(call("GET", "/v1/credentials?limit=1000"))["data"];
  ASSERT_EQ(full.size(), 7u);
  std::vector<std::string> ordered;
  for (size_t i = 0; i < full.size(); ++i) {
    ordered.push_back(full[i]["id"]);
    if (i > 0) {
      const auto key = [&](size_t k) {
        return std::pair{full[k]["created_at"].get<std::string>(), full[k]["id"].get<std::string>()};
      };
      EXPECT_LT(key(i - 1), key(i));
    }
  }
  EXPECT_EQ(std::set<std::string>(ordered.begin(), ordered.end()),
            std::set<std::string>(all.begin(), all.end()));
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = call("GET", "/v1/credentials?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = json(r);
    EXPECT_LE(body["data"].size(), 3u);
    for (const auto& c : body["data"]) seen.push_back(c["id"]);
    cursor = body["next_cursor"].is_null() ? "" : body["next_cursor"].get<std::string>();
    if (pages == 0) {  // added while paging: comes last, not twice
      gw_.clock.advance(std::chrono::seconds(1));
      import(acme_, "late");
    }
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.begin() + 7), ordered);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 8u);
  for (const char* bad : {"limit=0", "limit=1001", "limit=x", "limit=-1", "cursor=!!",
                          "cursor=bm9wZQ", "cursor=MTIzOm5vdC1hLXV1aWQ", "limit=2&limit=3"}) {
    auto r = call("GET", std::string("/v1/credentials?") + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_TRUE(json(r).contains("error_description")) << bad;
  }
  EXPECT_EQ(json(call("GET", "/v1/credentials?limit=1000"))["data"].size(), 8u);
}

TEST_F(ManageApiTest, BulkImportReportsEveryLineAndABadLineChangesNothing) {
  const std::string good1 = dumpJson(Json{{"oauth_app_id", acme_},
                                          {"properties", {{"access_token", "B1"}}}});
  const std::string good2 = dumpJson(Json{{"oauth_app_id", other_},
                                          {"provider_account_id", "u2"},
                                          {"properties", {{"access_token", "B2"}}}});
  const std::string no_token = dumpJson(Json{{"oauth_app_id", acme_}, {"properties", Json::object()}});
  auto r = bulk(good1 + "\n{not json\n\n" + no_token + "\r\n" + good2 + "\n");
  ASSERT_EQ(r.status, 200) << r.body;
  Json report = json(r);
  EXPECT_EQ(report["created"], 2);
  EXPECT_EQ(report["updated"], 0);
  EXPECT_EQ(report["failed"], 2);
  ASSERT_EQ(report["results"].size(), 4u);  // the blank line is skipped, its number kept
  EXPECT_EQ(report["results"][0]["line"], 1);
  EXPECT_EQ(report["results"][0]["status"], "created");
  EXPECT_EQ(report["results"][1]["line"], 2);
  EXPECT_EQ(report["results"][1]["status"], "failed");
  EXPECT_EQ(report["results"][1]["error"], "invalid_request");
  EXPECT_EQ(report["results"][2]["line"], 4);
  EXPECT_EQ(report["results"][2]["status"], "failed");
  EXPECT_TRUE(report["results"][2]["error_description"].is_string());
  EXPECT_EQ(report["results"][3]["line"], 5);
  EXPECT_EQ(json(call("GET", "/v1/credentials"))["data"].size(), 2u);
  // The same lines again: updates, no new credential.
  auto again = bulk(good1 + "\n" + good2);
  EXPECT_EQ(json(again)["updated"], 2);
  EXPECT_EQ(json(call("GET", "/v1/credentials"))["data"].size(), 2u);
  // The export comes back in as it is.
  auto exported = call("GET", "/v1/credentials/export");
  auto round = bulk(exported.body);
  EXPECT_EQ(json(round)["updated"], 2) << round.body;
  expectError(bulk(""), 400, "invalid_request");
  auto wrong_type = call("POST", "/v1/credentials/import", {{"oauth_app_id", acme_}});
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_EQ(json(wrong_type)["error_id"], "unsupported_media_type");
}

TEST_F(ManageApiTest, DeletingAnAppWithCredentialsIs409UnlessCascade) {
  const std::string c1 = import(acme_, "D1");
  import(acme_, "D2");
  const std::string o = import(other_, "O");
  auto refused = call("DELETE", "/v1/oauth-apps/" + acme_);
  expectError(refused, 409, "conflict");
  EXPECT_NE(json(refused)["error_description"].get<std::string>().find("2 credential"),
            std::string::npos);
  EXPECT_EQ(call("GET", "/v1/oauth-apps/" + acme_).status, 200);  // nothing changed
  EXPECT_EQ(call("GET", "/v1/credentials/" + c1).status, 200);
  expectError(call("DELETE", "/v1/oauth-apps/" + acme_ + "?cascade=maybe"), 400,
              "invalid_request");
  EXPECT_EQ(call("DELETE", "/v1/oauth-apps/" + acme_ + "?cascade=true").status, 204);
  EXPECT_EQ(call("GET", "/v1/oauth-apps/" + acme_).status, 404);
  EXPECT_EQ(call("GET", "/v1/credentials/" + c1).status, 404);
  Json left = json(call("GET", "/v1/credentials"))["data"];
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["id"], o);
  // An app without credentials goes without cascade.
  const std::string empty = gw_.createApp("acme", "c", "s");
  EXPECT_EQ(call("DELETE", "/v1/oauth-apps/" + empty).status, 204);
}

TEST_F(ManageApiTest, ACascadeDeleteQueuesCredentialDeletedForEveryCredentialItDeletes) {
  auto hook = call("POST", "/v1/webhooks",
                   {{"url", "https://hooks.example/in"}, {"events", {"credential.deleted"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string hook_id = json(hook)["id"];
  const std::string c1 = import(acme_, "E1"), c2 = import(acme_, "E2");
  import(other_, "E3");  // another app's credential: no event
  auto deliveries = [&] {
    auto r = call("GET", "/v1/webhooks/" + hook_id + "/deliveries");
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r)["data"];
  };
  expectError(call("DELETE", "/v1/oauth-apps/" + acme_), 409, "conflict");
  EXPECT_EQ(deliveries().size(), 0u) << "a refused delete queues nothing";
  ASSERT_EQ(call("DELETE", "/v1/oauth-apps/" + acme_ + "?cascade=true").status, 204);
  std::set<std::string> deleted;
  for (const auto& d : deliveries()) {
    EXPECT_EQ(d["event_type"], "credential.deleted");
    EXPECT_EQ(d["payload"]["type"], "credential.deleted");
    EXPECT_EQ(d["payload"]["data"]["app_id"], acme_);
    deleted.insert(d["payload"]["data"]["credential_id"].get<std::string>());
  }
  EXPECT_EQ(deleted, (std::set<std::string>{c1, c2}));
}

TEST_F(ManageApiTest, AnOrphanLeftByAnOlderGatewayNeverAnswers500) {
  // What the old DELETE left behind: a credential whose app row is gone.
  const std::string id = [&] {
    auto r = call("POST", "/v1/credentials",
                  {{"oauth_app_id", acme_},
                   {"properties", {{"access_token", "OLD"}, {"refresh_token", "RT"},
                                   {"expires_at", "2000-01-01T00:00:00Z"}}}});
    return json(r)["id"].get<std::string>();
  }();
  ASSERT_TRUE(gw_.store->deleteApp("default", acme_));
  gw_.http.answer([](const HttpRequest&) { return jsonResponse(200, {{"access_token", "N"}}); });
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/credentials/" + id},
           {"GET", "/v1/credentials"},
           {"POST", "/v1/credentials/" + id + "/refresh"},
           {"GET", "/v1/credentials/" + id + "/access-token"},
           {"GET", "/v1/credentials/export"},
           {"DELETE", "/v1/credentials/" + id}}) {
    auto r = call(method, path);
    EXPECT_LT(r.status, 500) << method << " " << path << ": " << r.body;
  }
  EXPECT_TRUE(gw_.http.requests().empty());  // no provider call for an app that is gone
}

}  // namespace
}  // namespace linkgate::gateway
