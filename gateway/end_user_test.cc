// SPEC §9 in the gateway without sockets: end_user_* on /start, start-auth and import; sealed in
// the flow; on the credential, the token answer, the export; the ?end_user_id= filter; and one
// credential per provider account where the dialect names it (`account`).
#include "gateway/end_user.h"

#include <gtest/gtest.h>

#include "core/percent.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::cookiePair;
using testing::jsonResponse;
using testing::queryOf;
using testing::TestGateway;

TEST(EndUser, Validation) {
  EXPECT_EQ(checkEndUser("u-1", "a@b.example", "Zoë")->display_name, "Zoë");
  EXPECT_TRUE(checkEndUser(std::string(256, 'x'), std::nullopt, std::nullopt));
  EXPECT_TRUE(checkEndUser("with space", std::nullopt, std::nullopt));
  for (const std::string& bad : {std::string(), std::string(257, 'x'), std::string("a\tb"),
                                 std::string("caf\xc3\xa9"), std::string("a\x7f")}) {
    auto r = checkEndUser(bad, std::nullopt, std::nullopt);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Code::kInvalidRequest);
    EXPECT_NE(r.error().description.find("end_user_id"), std::string::npos);
  }
  for (const char* bad : {"no-at", "@x", "x@", "a@b@c", "a b@c", "a@b\x01"}) {
    EXPECT_FALSE(checkEndUser("u", std::string(bad), std::nullopt)) << bad;
  }
  EXPECT_FALSE(checkEndUser("u", std::string(310, 'a') + "@example.com", std::nullopt));
  EXPECT_FALSE(checkEndUser("u", std::nullopt, std::string("a\nb")));
  EXPECT_FALSE(checkEndUser("u", std::nullopt, std::string("\xff")));
  EXPECT_FALSE(checkEndUser("u", std::nullopt, std::string(257, 'n')));
  EXPECT_FALSE(checkEndUser(std::nullopt, "a@b.c", std::nullopt)) << "display fields need an id";
  EXPECT_FALSE(endUserFromBody(Json{{"end_user_id", 7}}));
  EXPECT_TRUE(endUserFromBody(Json{{"end_user_id", nullptr}})->id.empty());
}

// The acme dialect with its account id in the token answer's user.id.
Catalogue acmeWithAccount() {
  Dialect d = testing::acmeDialect();
  d.token_response.extra_fields.emplace_back("user_id", "user.id");
  d.account = AccountSource{};
  d.account.from = AccountFrom::kToken;
  d.account.fields = {"user_id"};
  Catalogue c;
  c.add(d);
  return c;
}

class EndUserFlowTest : public ::testing::Test {
 protected:
  EndUserFlowTest() : catalogue_(acmeWithAccount()), gw_(catalogue_) {
    app_ = gw_.createApp("acme", "acme-client", "acme-secret");
    gw_.registerRedirectUri("https://app.example/cb");
    gw_.http.answer([this](const HttpRequest&) -> Result<HttpResponse> {
      ++issued_;
      return jsonResponse(200, {{"access_token", "AT-" + std::to_string(issued_)},
                                {"token_type", "bearer"},
                                {"user", {{"id", provider_user_}}}});
    });
  }
  // start (with `extra`) -> callback -> token: the token answer.
  Json link(const std::string& extra) {
    auto r = gw_.get("/link/oauth2/start?client_id=" + app_ +
                     "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb" + extra);
    EXPECT_EQ(r.status, 302) << r.body;
    const std::string state = queryOf(*r.header("Location")).get("state").value_or("");
    auto cb = gw_.get("/link/oauth2/callback/acme?state=" + state + "&code=c",
                      {{"Cookie", cookiePair(r)}});
    EXPECT_EQ(cb.status, 302) << cb.body;
    const std::string code = queryOf(*cb.header("Location")).get("code").value_or("");
    auto t = gw_.send("POST", "/link/oauth2/token",
                      "code=" + percentEncode(code) + "&client_id=" + app_ +
                          "&client_secret=acme-secret",
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(t.status, 200) << t.body;
    return Json::parse(t.body)["credential"];
  }
  web::Response api(const std::string& method, const std::string& path, const Json& body = {}) {
    return gw_.send(method, path, body.is_null() ? "" : dumpJson(body),
                    {{"Authorization", std::string("Bearer ") + TestGateway::kApiKey},
                     {"Content-Type", "application/json"}});
  }

  Catalogue catalogue_;
  TestGateway gw_;
  std::string app_;
  int issued_ = 0;
  std::string provider_user_ = "P-1";
};

TEST_F(EndUserFlowTest, StartCarriesTheEndUserOntoTheCredential) {
  Json cred = link("&end_user_id=u%2042&end_user_email=ana%40example.com"
                   "&end_user_display_name=Ana%20L");
  EXPECT_EQ(cred["end_user_id"], "u 42");
  EXPECT_EQ(cred["end_user_email"], "ana@example.com");
  EXPECT_EQ(cred["end_user_display_name"], "Ana L");
  EXPECT_EQ(cred["provider_account_id"], "P-1");
  auto mine = Json::parse(api("GET", "/v1/credentials?end_user_id=u%2042").body)["data"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["id"], cred["id"]);
  EXPECT_EQ(Json::parse(api("GET", "/v1/credentials?end_user_id=u%2043").body)["data"].size(), 0u);
  auto exported = api("GET", "/v1/credentials/export");
  EXPECT_NE(exported.body.find("\"end_user_id\":\"u 42\""), std::string::npos) << exported.body;
}

TEST_F(EndUserFlowTest, TheSameProviderAccountIsOneCredentialAnotherIsAnother) {
  Json first = link("&end_user_id=u1");
  Json again = link("");  // no end user named: the credential keeps its own
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again["end_user_id"], "u1");
  EXPECT_EQ(again["properties"]["access_token"], "AT-2") << "the re-link's tokens are stored";
  Json moved = link("&end_user_id=u2");
  EXPECT_EQ(moved["id"], first["id"]);
  EXPECT_EQ(moved["end_user_id"], "u2");
  provider_user_ = "P-2";
  Json other = link("&end_user_id=u2");
  EXPECT_NE(other["id"], first["id"]);
  EXPECT_EQ(other["provider_account_id"], "P-2");
  EXPECT_EQ(Json::parse(api("GET", "/v1/credentials").body)["data"].size(), 2u);
  EXPECT_EQ(Json::parse(api("GET", "/v1/credentials?end_user_id=u2").body)["data"].size(), 2u);
}

TEST_F(EndUserFlowTest, BadEndUserAtStartGoesBackToTheIntegratorAndStartsNothing) {
  for (const std::string& extra :
       {"&end_user_id=" + std::string(257, 'a'), std::string("&end_user_id=a%01b"),
        std::string("&end_user_email=a%40b.c"), std::string("&end_user_id=u&end_user_email=nope"),
        std::string("&end_user_id=u&end_user_id=v")}) {
    auto r = gw_.get("/link/oauth2/start?client_id=" + app_ +
                     "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb" + extra);
    ASSERT_EQ(r.status, 302) << extra;
    Params q = queryOf(*r.header("Location"));
    EXPECT_TRUE(r.header("Location")->starts_with("https://app.example/cb?")) << extra;
    EXPECT_TRUE(q.get("error")) << extra;
    EXPECT_FALSE(r.header("Set-Cookie")) << "no flow started for " << extra;
  }
  EXPECT_EQ(issued_, 0);
}

TEST_F(EndUserFlowTest, StartAuthAndImportTakeTheEndUserAndCheckIt) {
  auto created = api("POST", "/v1/credentials/start-auth",
                     {{"oauth_app_id", app_},
                      {"redirect_uri", "https://app.example/cb"},
                      {"end_user_id", "link-user"},
                      {"end_user_display_name", "L"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string url = Json::parse(created.body)["start_url"];
  auto r = gw_.get(url.substr(url.find("/link/")));
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string state = queryOf(*r.header("Location")).get("state").value_or("");
  // The flow travels sealed in its cookie (issue 10): open it as the callback would.
  const std::string set_cookie = r.header("Set-Cookie").value_or("");
  const size_t eq = set_cookie.find('=');
  ASSERT_NE(eq, std::string::npos) << set_cookie;
  auto flow = gw_.store->openSealedFlow(set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1),
                                        state);
  ASSERT_TRUE(flow) << flow.error().message;
  EXPECT_EQ(flow->end_user, (EndUser{"link-user", "", "L"})) << "sealed into the flow";

  for (const Json& bad : {Json{{"end_user_id", 5}}, Json{{"end_user_id", std::string(300, 'x')}},
                          Json{{"end_user_email", "a@b.c"}}, Json{{"end_user_nickname", "x"}}}) {
    Json body = {{"oauth_app_id", app_}, {"redirect_uri", "https://app.example/cb"}};
    body.update(bad);
    auto refused = api("POST", "/v1/credentials/start-auth", body);
    EXPECT_EQ(refused.status, 400) << dumpJson(bad);
    EXPECT_TRUE(Json::parse(refused.body).contains("error_description"));
    Json import = {{"oauth_app_id", app_}, {"properties", {{"access_token", "x"}}}};
    import.update(bad);
    EXPECT_EQ(api("POST", "/v1/credentials", import).status, 400) << dumpJson(bad);
  }
  EXPECT_EQ(Json::parse(api("GET", "/v1/credentials").body)["data"].size(), 0u);
  EXPECT_EQ(api("GET", "/v1/credentials?end_user_id=" + std::string(300, 'x')).status, 400);
  EXPECT_EQ(api("GET", "/v1/credentials?end_user_id=a&end_user_id=b").status, 400);

  auto imported = api("POST", "/v1/credentials",
                      {{"oauth_app_id", app_},
                       {"properties", {{"access_token", "imp"}}},
                       {"provider_account_id", "P-9"},
                       {"end_user_id", "imp-user"}});
  ASSERT_EQ(imported.status, 201) << imported.body;
  Json line = Json::parse(imported.body);
  EXPECT_EQ(line["end_user_id"], "imp-user");
  EXPECT_EQ(line["provider_account_id"], "P-9");
  // The export line, imported back as it is, is the same credential with the same end user.
  auto exported = api("GET", "/v1/credentials/export?truncate_secrets=false");
  Json back = Json::parse(exported.body.substr(0, exported.body.find('\n')));
  auto again = api("POST", "/v1/credentials", back);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json::parse(again.body)["id"], line["id"]);
  EXPECT_EQ(Json::parse(again.body)["end_user_id"], "imp-user");
}

}  // namespace
}  // namespace linkgate::gateway
