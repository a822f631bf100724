// The authorization endpoint and the consent form, without sockets.
#include "simulator/authorize_handler.h"

#include <regex>

#include <gtest/gtest.h>

#include "core/params.h"
#include "core/percent.h"
#include "core/query_signature.h"
#include "simulator/client_store.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;
using testing::locationParam;

Profile patchedGeneric(const std::string& slug, const std::function<void(Json&)>& patch) {
  Json doc = testing::genericProfileJson();
  doc["slug"] = slug;
  doc["endpoints"]["authorize"] = "https://" + slug + ".example/authorize";
  doc["endpoints"]["token"] = "https://" + slug + ".example/token";
  patch(doc);
  return testing::profileFromJson(doc);
}

std::string consentOf(const web::Response& page) {
  auto id = testing::consentId(page.body);
  EXPECT_TRUE(id) << page.body;
  return id.value_or("");
}

web::Response decide(GenericSim& s, const std::string& consent, const std::string& decision,
                     const std::string& user = "1001") {
  return s.call(testing::formPost("/generic/_consent", Params{{"consent", consent}, {"user", user},
                                                              {"decision", decision}}.toForm()));
}

TEST(ConsentPage, HasExactlyTheDocumentedForm) {
  GenericSim s({}, /*auto_approve=*/false);
  web::Response page = s.authorize({{"scope", "read write"}});
  ASSERT_EQ(page.status, 200) << page.body;
  // The page CSP: frame-ancestors 'none' (SPEC §7), and nothing but the inlined stylesheet.
  const std::string csp = page.header("content-security-policy").value_or("");
  EXPECT_TRUE(csp.ends_with("frame-ancestors 'none'")) << csp;
  EXPECT_TRUE(csp.starts_with("default-src 'none'; style-src 'sha256-")) << csp;
  EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
  const std::string& b = page.body;
  EXPECT_NE(b.find("<form method=\"post\" action=\"/generic/_consent\">"), std::string::npos) << b;
  EXPECT_NE(b.find("<input type=\"hidden\" name=\"consent\" value=\""), std::string::npos);
  EXPECT_NE(b.find("<select name=\"user\">"), std::string::npos);
  EXPECT_NE(b.find("<option value=\"1001\">alice</option>"), std::string::npos);
  EXPECT_NE(b.find("<option value=\"1002\">bob</option>"), std::string::npos);
  EXPECT_NE(b.find("<button type=\"submit\" name=\"decision\" value=\"approve\">"), std::string::npos);
  EXPECT_NE(b.find("<button type=\"submit\" name=\"decision\" value=\"deny\">"), std::string::npos);
  EXPECT_NE(b.find("<li>write</li>"), std::string::npos);
}

TEST(ConsentPage, ApproveRedirectsWithCodeStateAndIssAndIsSingleUse) {
  GenericSim s({}, false);
  std::string consent = consentOf(s.authorize({{"state", "a b&c"}}));
  web::Response r = decide(s, consent, "approve", "1002");
  ASSERT_EQ(r.status, 302) << r.body;
  std::string location = *r.header("location");
  EXPECT_TRUE(location.starts_with("https://app.example/cb?code=")) << location;
  EXPECT_EQ(locationParam(r, "state"), "a b&c");
  // RFC 9207: the issuer of the discovery document, i.e. the mapped OIDC issuer.
  EXPECT_EQ(locationParam(r, "iss"), "http://sim.test/generic/generic.example");
  Json tokens = s.exchange(*locationParam(r, "code"));
  EXPECT_NE(s.apiMe(tokens["access_token"]).body.find("bob"), std::string::npos);
  web::Response again = decide(s, consent, "approve");
  EXPECT_EQ(again.status, 400);
  EXPECT_FALSE(again.header("location"));
}

TEST(ConsentPage, DenyEndsWithAccessDenied) {
  GenericSim s({}, false);
  web::Response r = decide(s, consentOf(s.authorize()), "deny");
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(locationParam(r, "error"), "access_denied");
  EXPECT_EQ(locationParam(r, "state"), "xyz");
  EXPECT_FALSE(locationParam(r, "code"));
}

TEST(ConsentPage, BadDecisionsChangeNothing) {
  GenericSim s({}, false);
  std::string consent = consentOf(s.authorize());
  EXPECT_EQ(decide(s, consent, "approve", "9999").status, 400);  // not a profile user
  EXPECT_EQ(decide(s, consent, "maybe").status, 400);
  EXPECT_EQ(s.call(testing::formPost("/generic/_consent", "consent=" + consent +
                                                              "&consent=x&decision=deny")).status,
            400);
  EXPECT_EQ(s.call(testing::makeRequest("GET", "/generic/_consent?consent=" + consent)).status, 405);
  EXPECT_EQ(decide(s, "unknown", "approve").status, 400);
  EXPECT_EQ(decide(s, consent, "approve").status, 302);  // still usable after all that
}

TEST(ConsentPage, ExpiresAfterTenMinutes) {
  GenericSim s({}, false);
  std::string consent = consentOf(s.authorize());
  s.clock.advance(std::chrono::minutes(10));
  EXPECT_EQ(decide(s, consent, "approve").status, 400);
}

TEST(ConsentPage, EscapesWhatItEchoes) {
  Profile p = patchedGeneric("esc", [](Json& d) {
    d["display_name"] = "<Evil & Co>";
    d["users"][0]["login"] = "<script>alert(1)</script>";
  });
  GenericSim s({p}, false);
  s.addClient("esc", "<img src=x>", "s", {GenericSim::kRedirect});
  web::Response page = s.authorize({{"client_id", "<img src=x>"}}, "esc");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_EQ(page.body.find("<Evil"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
}

TEST(Authorize, AutoApproveRedirectsAsTheFirstUser) {
  GenericSim s;
  std::string code = s.code();
  Json tokens = s.exchange(code);
  EXPECT_NE(s.apiMe(tokens["access_token"]).body.find("alice"), std::string::npos);
}

TEST(Authorize, NeverRedirectsBeforeClientAndRedirectUriAreValid) {
  GenericSim s;
  for (const auto& params : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"client_id", "unknown"}},
           {{"client_id", ""}},
           {{"redirect_uri", "https://evil.example/cb"}},
           {{"redirect_uri", "https://app.example/cb/"}},
           {{"redirect_uri", ""}},
           {{"client_id", "c1&client_id=c1"}}}) {
    web::Response r = s.authorize(params);
    EXPECT_EQ(r.status, 400) << params[0].first << "=" << params[0].second;
    EXPECT_FALSE(r.header("location"));
    EXPECT_TRUE(r.header("content-security-policy").value_or("").ends_with(
        "frame-ancestors 'none'"));
  }
  web::Response dup = s.call(testing::makeRequest(
      "GET", "/generic/generic.example/oauth/authorize?client_id=c1&client_id=c1&response_type=code"
             "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"));
  EXPECT_EQ(dup.status, 400);
  web::Response malformed = s.call(testing::makeRequest(
      "GET", "/generic/generic.example/oauth/authorize?client_id=c1&state=%zz"));
  EXPECT_EQ(malformed.status, 400);
  web::Response json = s.call(testing::makeRequest(
      "GET", "/generic/generic.example/oauth/authorize?client_id=nope", {{"Accept", "application/json"}}));
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(parseJson(json.body).value()["error"], "invalid_client");
  EXPECT_EQ(s.call(testing::makeRequest("POST", "/generic/generic.example/oauth/authorize")).status, 405);
}

TEST(Authorize, LaterErrorsGoBackToTheClient) {
  GenericSim s;
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{
           {{{"response_type", "token"}}, "unsupported_response_type"},
           {{{"response_type", ""}}, "invalid_request"},
           {{{"scope", "read admin"}}, "invalid_scope"},
           {{{"scope", "read,write"}}, "invalid_scope"},  // wrong separator
           {{{"scope", "read  write"}}, "invalid_scope"},
           {{{"code_challenge", std::string(43, 'a')}, {"code_challenge_method", "S512"}}, "invalid_request"},
           {{{"code_challenge", "short"}, {"code_challenge_method", "S256"}}, "invalid_request"},
           {{{"code_challenge_method", "S256"}}, "invalid_request"}}) {
    web::Response r = s.authorize(c.params);
    ASSERT_EQ(r.status, 302) << c.params[0].first;
    EXPECT_TRUE(r.header("location")->starts_with("https://app.example/cb?error=")) << *r.header("location");
    EXPECT_EQ(locationParam(r, "error"), c.error) << c.params[0].first << "=" << c.params[0].second;
    EXPECT_EQ(locationParam(r, "state"), "xyz");
    EXPECT_TRUE(locationParam(r, "error_description"));
  }
}

TEST(Authorize, RepeatedParameterIsInvalidRequest) {
  GenericSim s;
  web::Response r = s.call(testing::makeRequest(
      "GET", "/generic/generic.example/oauth/authorize?client_id=c1&response_type=code"
             "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=a&scope=read&scope=write"));
  ASSERT_EQ(r.status, 302);
  EXPECT_EQ(locationParam(r, "error"), "invalid_request");  // RFC 6749 §3.1
  EXPECT_FALSE(locationParam(r, "code"));
}

TEST(Authorize, RedirectUriQueryIsKeptAndParamsAppended) {
  GenericSim s;
  s.addClient("generic", "c2", "s2", {"https://app.example/cb?tenant=7"});
  web::Response r = s.authorize({{"client_id", "c2"}, {"redirect_uri", "https://app.example/cb?tenant=7"}});
  ASSERT_EQ(r.status, 302);
  EXPECT_TRUE(r.header("location")->starts_with("https://app.example/cb?tenant=7&code=")) << *r.header("location");
}

TEST(Authorize, OptionalRedirectUriNeedsExactlyOneRegistered) {
  Profile p = patchedGeneric("opt", [](Json& d) { d["authorize"]["redirect_uri"] = "optional"; });
  GenericSim s({p});
  web::Response one = s.authorize({{"redirect_uri", ""}}, "opt");
  ASSERT_EQ(one.status, 302) << one.body;
  EXPECT_TRUE(one.header("location")->starts_with(GenericSim::kRedirect));
  // Not sent at authorization: the token request may omit it (RFC 6749 §4.1.3).
  std::string code = *locationParam(one, "code");
  EXPECT_EQ(s.token("grant_type=authorization_code&code=" + code, std::nullopt, "opt").status, 200);
  s.addClient("opt", "c1", "s1", {GenericSim::kRedirect, "https://app.example/other"});
  EXPECT_EQ(s.authorize({{"redirect_uri", ""}}, "opt").status, 400);
  EXPECT_EQ(s.authorize({{"redirect_uri", ""}}).status, 400);  // generic: required
}

TEST(Authorize, RequiredParamsAndScopeRules) {
  Profile p = patchedGeneric("req", [](Json& d) {
    d["authorize"]["extra_params"] = {{"owner", "user"}};
    d["authorize"]["scope_required"] = true;
    d["authorize"]["scope_separator"] = "comma";
  });
  GenericSim s({p});
  EXPECT_EQ(locationParam(s.authorize({{"scope", "read"}}, "req"), "error"), "invalid_request");
  EXPECT_EQ(locationParam(s.authorize({{"scope", "read"}, {"owner", "org"}}, "req"), "error"),
            "invalid_request");
  EXPECT_EQ(locationParam(s.authorize({{"owner", "user"}}, "req"), "error"), "invalid_scope");
  web::Response ok = s.authorize({{"owner", "user"}, {"scope", "read,write"}}, "req");
  EXPECT_TRUE(locationParam(ok, "code")) << *ok.header("location");
}

TEST(Authorize, CallbackExtrasRenamedCodeAndIssuerDefault) {
  Profile p = patchedGeneric("extras", [](Json& d) {
    d["authorize"]["code_param"] = "auth_code";
    d["authorize"]["client_id_param"] = "client_key";
    d["authorize"].erase("issuer");
    d.erase("oidc");  // without OIDC metadata, iss is the profile's issuer or the origin
    d["authorize"]["callback_extras"] = {{"realmId", "{user.id}-{user.login}"}, {"cid", "{client_id}"}};
  });
  GenericSim s({p});
  web::Response r = s.authorize({}, "extras");
  ASSERT_EQ(r.status, 302) << r.body;
  EXPECT_TRUE(locationParam(r, "auth_code"));
  EXPECT_FALSE(locationParam(r, "code"));
  EXPECT_EQ(locationParam(r, "realmId"), "1001-alice");
  EXPECT_EQ(locationParam(r, "cid"), "c1");
  EXPECT_EQ(locationParam(r, "iss"), "https://extras.example");  // the authorize URL's origin
}

TEST(Authorize, ApplicationIdNamesTheClientAndTheCodeIsBoundToItsClientId) {
  Profile p = patchedGeneric("appid", [](Json& d) {
    d["authorize"]["client_id_param"] = "application_id";
    d["authorize"]["application_id"] = "app.{uuid}";
  });
  GenericSim s({p});
  const std::string app_id = deriveApplicationId("app.{uuid}", "appid", GenericSim::kClient);
  ASSERT_NE(app_id, "app.{uuid}");
  EXPECT_EQ(s.sim->clients().find("appid", GenericSim::kClient)->application_id, app_id);
  // The OAuth client id is not the application id: no such application.
  web::Response by_client_id = s.authorize({}, "appid");
  EXPECT_EQ(by_client_id.status, 400) << by_client_id.body;
  EXPECT_NE(by_client_id.body.find("unknown application_id"), std::string::npos);
  const std::string code = s.code({{"application_id", app_id}}, "appid");
  ASSERT_FALSE(code.empty());
  // The code is redeemed with the OAuth client id (and not with the application id).
  const std::string form = "grant_type=authorization_code&code=" + code +
                           "&redirect_uri=" + percentEncode(GenericSim::kRedirect) +
                           "&client_secret=" + percentEncode(GenericSim::kSecret);
  web::Response wrong = s.token(form + "&client_id=" + percentEncode(app_id), HeaderList{}, "appid");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  web::Response right =
      s.token(form + "&client_id=" + percentEncode(GenericSim::kClient), HeaderList{}, "appid");
  EXPECT_EQ(right.status, 200) << right.body;
}

TEST(ClientStore, ApplicationIdsAreUniquePerProviderAndStable) {
  ClientStore store;
  const std::string a1 = deriveApplicationId("amzn1.sp.solution.{uuid}", "amazon", "lwa-1");
  EXPECT_EQ(a1, deriveApplicationId("amzn1.sp.solution.{uuid}", "amazon", "lwa-1"));
  EXPECT_NE(a1, deriveApplicationId("amzn1.sp.solution.{uuid}", "amazon", "lwa-2"));
  EXPECT_TRUE(std::regex_match(
      a1, std::regex("amzn1\\.sp\\.solution\\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")))
      << a1;
  EXPECT_TRUE(store.put(Client{"amazon", "lwa-1", "s", {"https://a/cb"}, a1}));
  EXPECT_TRUE(store.put(Client{"amazon", "lwa-1", "s2", {"https://a/cb"}, a1}));  // replaces
  EXPECT_FALSE(store.put(Client{"amazon", "lwa-2", "s", {"https://a/cb"}, a1}));  // taken
  EXPECT_FALSE(store.find("amazon", "lwa-2"));
  EXPECT_TRUE(store.put(Client{"other", "lwa-2", "s", {"https://a/cb"}, a1}));  // other provider
  EXPECT_EQ(store.findByApplicationId("amazon", a1)->client_secret, "s2");
  EXPECT_FALSE(store.findByApplicationId("amazon", "lwa-1"));
  EXPECT_FALSE(store.findByApplicationId("amazon", ""));
}

TEST(Authorize, SignedCallbacksCarryAValidHmacOverEveryParameter) {
  Profile p = patchedGeneric("signed", [](Json& d) {
    d["authorize"]["callback_hmac"] = "hmac";
    d["authorize"]["callback_extras"] = {{"shop", "{user.login}.myshopify.com"}};
  });
  GenericSim s({p});
  s.addClient("signed", "c2", "the secret", {"https://app.example/cb?tenant=7"});
  web::Response r = s.authorize({{"client_id", "c2"}, {"redirect_uri", "https://app.example/cb?tenant=7"}},
                                "signed");
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string location = *r.header("location");
  Params q = *Params::parse(location.substr(location.find('?') + 1));
  EXPECT_TRUE(q.has("code") && q.has("shop") && q.has("tenant") && q.has("hmac")) << location;
  EXPECT_TRUE(querySignatureValid(q, "hmac", "the secret")) << location;
  EXPECT_FALSE(querySignatureValid(q, "hmac", GenericSim::kSecret));
  // Errors go back unsigned.
  web::Response denied = s.authorize({{"client_id", "c2"},
                                      {"redirect_uri", "https://app.example/cb?tenant=7"},
                                      {"response_type", "token"}},
                                     "signed");
  ASSERT_EQ(denied.status, 302);
  EXPECT_FALSE(locationParam(denied, "hmac"));
}

TEST(Authorize, PkceRequiredByBehaviourAtRunTime) {
  GenericSim s;
  ASSERT_EQ(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"pkce", "required"}}).status, 200);
  EXPECT_EQ(locationParam(s.authorize(), "error"), "invalid_request");
  ASSERT_EQ(s.control("DELETE", "/_sim/providers/generic/behaviour").status, 200);
  EXPECT_TRUE(locationParam(s.authorize(), "code"));
}

// `plus` on the wire: the scope value is split on '+' AFTER percent-decoding, so the client
// sends %2B; a literal '+' in the query decodes to a space and is not a separator.
TEST(Authorize, PlusSeparatorByBehaviourSplitsTheDecodedValueOnPlus) {
  GenericSim s;
  ASSERT_EQ(s.control("POST", "/_sim/providers/generic/behaviour",
                      Json{{"scope_separator", "plus"}}).status, 200);
  auto authorizeRaw = [&](const std::string& scope_in_query) {
    return s.call(testing::makeRequest(
        "GET", "/generic/generic.example/oauth/authorize?client_id=c1&response_type=code"
               "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=xyz&scope=" + scope_in_query));
  };
  web::Response ok = authorizeRaw("read%2Bwrite");
  auto code = locationParam(ok, "code");
  ASSERT_TRUE(code) << ok.header("location").value_or(ok.body);
  Json token = s.exchange(*code);
  EXPECT_EQ(token["scope"], "read+write");  // granted scopes joined with '+'
  for (const char* wrong : {"read+write", "read%20write", "read,write", "read%2B"}) {
    EXPECT_EQ(locationParam(authorizeRaw(wrong), "error"), "invalid_scope") << wrong;
  }
  EXPECT_TRUE(locationParam(authorizeRaw("profile"), "code"));  // one scope, no separator
  // Refresh narrows the scope with the same rule.
  web::Response narrowed = s.token("grant_type=refresh_token&scope=read%2Bwrite&refresh_token=" +
                                   token["refresh_token"].get<std::string>());
  ASSERT_EQ(narrowed.status, 200) << narrowed.body;
  EXPECT_EQ(parseJson(narrowed.body).value()["scope"], "read+write");
  // Back to the profile's space separator.
  ASSERT_EQ(s.control("DELETE", "/_sim/providers/generic/behaviour").status, 200);
  EXPECT_EQ(locationParam(authorizeRaw("read%2Bwrite"), "error"), "invalid_scope");
  EXPECT_TRUE(locationParam(authorizeRaw("read+write"), "code"));
}

TEST(AppendQuery, KeepsQueryAndFragment) {
  EXPECT_EQ(appendQuery("https://a/cb", "x=1"), "https://a/cb?x=1");
  EXPECT_EQ(appendQuery("https://a/cb?y=2", "x=1"), "https://a/cb?y=2&x=1");
  EXPECT_EQ(appendQuery("https://a/cb?", "x=1"), "https://a/cb?x=1");
  EXPECT_EQ(appendQuery("https://a/cb#f", "x=1"), "https://a/cb?x=1#f");
  EXPECT_EQ(appendQuery("https://a/cb", ""), "https://a/cb");
}

}  // namespace
}  // namespace linkgate::sim
