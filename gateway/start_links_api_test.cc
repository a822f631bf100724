// Issue 17's start-link management without sockets (contract C-1.1.14): the start-auth answer
// names the link's id; GET /v1/start-links lists the account's links newest first (filters,
// cursor pages); GET/DELETE /v1/start-links/{id}; a deleted link's URL answers as an unknown
// one; another account's link is 404; the token never appears in any answer.
#include <gtest/gtest.h>

#include <set>

#include "core/crypto.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

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

class StartLinksApiTest : public ::testing::Test {
 protected:
  StartLinksApiTest() : catalogue_(twoProviders()), gw_(catalogue_) {
    gw_.registerRedirectUri("https://app.example/cb");
    EXPECT_TRUE(gw_.store->addApiKey(kOtherKey, "acct-2", 0));
  }
  web::Response call(const std::string& method, const std::string& path, const Json& body = {},
                     const std::string& key = TestGateway::kApiKey) {
    return gw_.send(method, path, body.is_null() ? "" : dumpJson(body),
                    {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  }
  static Json json(const web::Response& r) { return Json::parse(r.body); }
  struct Made {
    std::string id, url, path;
  };
  Made make(const std::string& app, const std::string& end_user = "") {
    Json body = {{"oauth_app_id", app}, {"redirect_uri", "https://app.example/cb"},
                 {"state", {{"n", 1}}}, {"scope", "read write"}};
    if (!end_user.empty()) body["end_user_id"] = end_user;
    auto r = call("POST", "/v1/credentials/start-auth", body);
    EXPECT_EQ(r.status, 201) << r.body;
    Made m{json(r)["id"], json(r)["start_url"], ""};
    m.path = m.url.substr(std::string("https://gw.example").size());
    return m;
  }
  std::vector<std::string> ids(const std::string& query) {
    auto r = call("GET", "/v1/start-links" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const Json body = json(r);  // kept: a loop over json(r)["data"] would outlive it
    for (const auto& l : body["data"]) out.push_back(l["id"]);
    return out;
  }
  static void expectError(const web::Response& r, int status, const std::string& error_id) {
    EXPECT_EQ(r.status, status) << r.body;
    Json body = json(r);
    EXPECT_EQ(body["error_id"], error_id) << r.body;
    EXPECT_TRUE(body["error"].is_string());
    EXPECT_TRUE(body["error_description"].is_string() && !body["error_description"].empty());
  }
  static constexpr const char* kOtherKey = "other-account-key";

  Catalogue catalogue_;
  TestGateway gw_;
  std::string acme_ = gw_.createApp("acme", "acme-client", "acme-secret");
  std::string other_ = gw_.createApp("other", "other-client", "other-secret");
};

TEST_F(StartLinksApiTest, TheIdIsTheTokenHashPrefixAndTheTokenIsNeverShownAgain) {
  const Made m = make(acme_, "alice");
  const std::string token = m.path.substr(std::string("/link/oauth2/start/").size());
  EXPECT_EQ(m.id, sha256Hex(token).substr(0, 16));
  auto got = call("GET", "/v1/start-links/" + m.id);
  ASSERT_EQ(got.status, 200) << got.body;
  const Json l = json(got);
  EXPECT_EQ(l["id"], m.id);
  EXPECT_EQ(l["oauth_app_id"], acme_);
  EXPECT_EQ(l["provider"], "acme");
  EXPECT_EQ(l["redirect_uri"], "https://app.example/cb");
  EXPECT_EQ(l["scope"], "read write");
  EXPECT_EQ(l["state"], (Json{{"n", 1}}));
  EXPECT_EQ(l["end_user_id"], "alice");
  EXPECT_EQ(l["status"], "active");
  EXPECT_TRUE(l["created_at"].is_string());
  EXPECT_TRUE(l["expires_at"].is_string());
  EXPECT_EQ(got.header("Cache-Control"), "no-store");
  for (const auto& r : {got, call("GET", "/v1/start-links")}) {
    EXPECT_EQ(r.body.find(token), std::string::npos);
    EXPECT_EQ(r.body.find(sha256Hex(token)), std::string::npos);  // only the 16-digit prefix
  }
  // Used, then expired: the status says so.
  ASSERT_EQ(gw_.get(m.path).status, 302);
  EXPECT_EQ(json(call("GET", "/v1/start-links/" + m.id))["status"], "used");
  const Made later = make(acme_);
  gw_.clock.advance(std::chrono::seconds(301));
  EXPECT_EQ(json(call("GET", "/v1/start-links/" + later.id))["status"], "expired");
}

TEST_F(StartLinksApiTest, ADeletedLinkAnswersExactlyAsAnUnknownOne) {
  const Made m = make(acme_);
  const Made kept = make(acme_);
  EXPECT_EQ(call("DELETE", "/v1/start-links/" + m.id).status, 204);
  expectError(call("GET", "/v1/start-links/" + m.id), 404, "not_found");
  expectError(call("DELETE", "/v1/start-links/" + m.id), 404, "not_found");
  const auto deleted = gw_.get(m.path);
  const auto unknown = gw_.get("/link/oauth2/start/" + std::string(43, 'A'));
  EXPECT_EQ(deleted.status, 400);
  EXPECT_EQ(deleted.status, unknown.status);
  EXPECT_EQ(deleted.body, unknown.body);
  EXPECT_EQ(deleted.header("Content-Type"), unknown.header("Content-Type"));
  EXPECT_EQ(ids(""), std::vector<std::string>{kept.id});
  EXPECT_EQ(gw_.get(kept.path).status, 302);  // the other link is untouched
}

TEST_F(StartLinksApiTest, AnotherAccountsLinkIsNotFoundAndUnchanged) {
  const Made m = make(acme_);
  expectError(call("GET", "/v1/start-links/" + m.id, {}, kOtherKey), 404, "not_found");
  expectError(call("DELETE", "/v1/start-links/" + m.id, {}, kOtherKey), 404, "not_found");
  EXPECT_TRUE(ids("").size() == 1);
  auto theirs = call("GET", "/v1/start-links", {}, kOtherKey);
  EXPECT_EQ(json(theirs)["data"].size(), 0u);
  EXPECT_EQ(gw_.get(m.path).status, 302);
  for (const char* bad : {"nothex", "0123456789ABCDEF", "0123456789abcdef0"}) {
    expectError(call("GET", std::string("/v1/start-links/") + bad), 404, "not_found");
    expectError(call("DELETE", std::string("/v1/start-links/") + bad), 404, "not_found");
  }
}

TEST_F(StartLinksApiTest, ListIsNewestFirstFiltersAndPagesByCursor) {
  std::vector<std::string> made;  // oldest first
  for (int i = 0; i < 7; ++i) {
    if (i % 3 == 0) gw_.clock.advance(std::chrono::seconds(1));  // ties on expiry too
    made.push_back(make(i % 2 ? other_ : acme_, i < 2 ? "bob" : "").id);
  }
  const auto full = ids("?limit=1000");
  ASSERT_EQ(full.size(), 7u);
  EXPECT_EQ(std::set<std::string>(full.begin(), full.end()),
            std::set<std::string>(made.begin(), made.end()));
  EXPECT_EQ(full.back() == made[0] || full.back() == made[1] || full.back() == made[2], true);
  EXPECT_TRUE(full.front() == made[6]);  // alone in the newest second
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto r = call("GET", "/v1/start-links?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    const Json body = json(r);
    for (const auto& l : body["data"]) seen.push_back(l["id"]);
    cursor = json(r)["next_cursor"].is_null() ? "" : json(r)["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, full);
  EXPECT_EQ(ids("?provider=other").size(), 3u);
  EXPECT_EQ(ids("?oauth_app_id=" + acme_).size(), 4u);
  EXPECT_EQ(ids("?provider=other&oauth_app_id=" + acme_).size(), 0u);
  EXPECT_EQ(ids("?end_user_id=bob").size(), 2u);
  EXPECT_EQ(ids("?end_user_id=bob&provider=acme"), std::vector<std::string>{made[0]});
  for (const char* bad : {"provider=nope", "oauth_app_id=x", "colour=red", "limit=0",
                          "limit=1001", "cursor=!!", "cursor=bm9wZQ", "limit=2&limit=3"}) {
    auto r = call("GET", std::string("/v1/start-links?") + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_TRUE(json(r).contains("error_description")) << bad;
  }
  expectError(call("POST", "/v1/start-links"), 405, "method_not_allowed");
  EXPECT_EQ(call("GET", "/v1/start-links", {}, "wrong").status, 401);
}

}  // namespace
}  // namespace linkgate::gateway
