// The acceptance rule (fixtures/providers/README.md, "Tolerances"): what real clients send and
// the real provider accepts is accepted, each tolerance refused again in strict-docs mode
// (behaviour strict_docs / --strict-docs) with a description naming the rule; open scope sets.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/percent.h"
#include "simulator/behaviour.h"
#include "simulator/options.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::basicAuth;
using testing::GenericSim;
using testing::locationParam;
using testing::makeRequest;

const std::string kSecret = "s +/%~";  // raw and form-encoded Basic differ for it

std::string codeBody(const std::string& code) {
  return "grant_type=authorization_code&code=" + code +
         "&redirect_uri=" + percentEncode(GenericSim::kRedirect);
}

Json bodyOf(const web::Response& r) { return parseJson(r.body).value_or(Json::object()); }

std::string rawBasic(const std::string& id, const std::string& secret) {
  return "Basic " + base64Encode(id + ":" + secret);
}

// generic with `tolerate` set on its token section.
Profile laxGeneric(const Json& tolerate) {
  Json doc = testing::genericProfileJson();
  doc["slug"] = "lax";
  doc["endpoints"]["authorize"] = "https://lax.example/authorize";
  doc["endpoints"]["token"] = "https://lax.example/token";
  doc["authorize"].erase("issuer");
  doc["authorize"].erase("send_iss");
  doc["token"]["tolerate"] = tolerate;
  return testing::profileFromJson(doc);
}

void strictDocs(GenericSim& s, const std::string& slug, bool on) {
  web::Response r = s.control("POST", "/_sim/providers/" + slug + "/behaviour",
                              Json{{"strict_docs", on}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(bodyOf(r)["strict_docs"], on);
}

TEST(Tolerance, UnencodedBasicCredentialsWhereTheProviderTakesThem) {
  GenericSim s({laxGeneric({{"unencoded_basic", {{"evidence", "test"}}}})});
  for (const char* slug : {"generic", "lax"}) s.addClient(slug, "c1", kSecret, {GenericSim::kRedirect});
  HeaderList raw{{"Authorization", rawBasic("c1", kSecret)}};
  web::Response ok = s.token(codeBody(s.code({}, "lax")), raw, "lax");
  EXPECT_EQ(ok.status, 200) << ok.body;
  // The strict RFC provider names the rule instead of a bare "authentication failed".
  web::Response refused = s.token(codeBody(s.code()), raw, "generic");
  EXPECT_EQ(refused.status, 401);
  const std::string why = bodyOf(refused).value("error_description", "");
  EXPECT_NE(why.find("client_secret_basic: credentials not form-encoded"), std::string::npos) << why;
  EXPECT_NE(why.find("see recipe"), std::string::npos) << why;
  // A wrong secret stays a plain failure, raw or not.
  web::Response wrong = s.token(codeBody(s.code({}, "lax")),
                                HeaderList{{"Authorization", rawBasic("c1", "s +/%x")}}, "lax");
  EXPECT_EQ(bodyOf(wrong)["error_description"], "client authentication failed");
  // Strict docs: only the form-encoded credentials.
  strictDocs(s, "lax", true);
  web::Response strict = s.token(codeBody(s.code({}, "lax")), raw, "lax");
  EXPECT_EQ(strict.status, 401);
  EXPECT_NE(bodyOf(strict).value("error_description", "").find("--strict-docs"), std::string::npos)
      << strict.body;
  EXPECT_EQ(s.token(codeBody(s.code({}, "lax")),
                    HeaderList{{"Authorization", basicAuth("c1", kSecret)}}, "lax").status,
            200);
  strictDocs(s, "lax", false);
  EXPECT_EQ(s.token(codeBody(s.code({}, "lax")), raw, "lax").status, 200);
}

TEST(Tolerance, NotionTakesAFormBodyOutsideStrictDocs) {
  GenericSim s({testing::providerProfile("notion")});
  web::Response form = s.token(codeBody(s.code({{"owner", "user"}}, "notion")), std::nullopt, "notion");
  EXPECT_EQ(form.status, 200) << form.body;
  strictDocs(s, "notion", true);
  web::Response strict = s.token(codeBody(s.code({{"owner", "user"}}, "notion")), std::nullopt, "notion");
  EXPECT_EQ(strict.status, 400);
  const std::string why = bodyOf(strict).value("error_description", "");
  EXPECT_NE(why.find("token request encoding form"), std::string::npos) << strict.body;
  EXPECT_NE(why.find("--strict-docs"), std::string::npos) << strict.body;
}

TEST(Tolerance, XTakesBasicPlusBodyCredentialsOutsideStrictDocs) {
  GenericSim s({testing::providerProfile("twitter")});
  const std::string verifier(43, 'v');
  auto code = [&] {
    return s.code({{"scope", "users.read"},
                   {"code_challenge", pkceS256Challenge(verifier)},
                   {"code_challenge_method", "S256"}},
                  "twitter");
  };
  const std::string both = "&client_id=c1&client_secret=s1&code_verifier=" + verifier;
  web::Response ok = s.token(codeBody(code()) + both, std::nullopt, "twitter");
  EXPECT_EQ(ok.status, 200) << ok.body;
  strictDocs(s, "twitter", true);
  web::Response strict = s.token(codeBody(code()) + both, std::nullopt, "twitter");
  EXPECT_NE(strict.status, 200);
  EXPECT_NE(strict.body.find("more than one client authentication method"), std::string::npos)
      << strict.body;
}

TEST(Tolerance, SlackTakesAnAuthorizeUrlWithoutResponseType) {
  GenericSim s({testing::providerProfile("slack")});
  web::Response lax = s.authorize({{"response_type", ""}, {"scope", "users:read"}}, "slack");
  ASSERT_EQ(lax.status, 302);
  EXPECT_TRUE(locationParam(lax, "code")) << *lax.header("location");
  strictDocs(s, "slack", true);
  web::Response strict = s.authorize({{"response_type", ""}, {"scope", "users:read"}}, "slack");
  ASSERT_EQ(strict.status, 302);
  EXPECT_EQ(locationParam(strict, "error"), "invalid_request");
  EXPECT_NE(locationParam(strict, "error_description").value_or("").find("authorization response_type"),
            std::string::npos);
}

// Slack's SDKs send "openid,email,profile" where its guide shows spaces: both are taken, and
// under strict docs only the documented spaces, with a description naming the tolerance.
TEST(Tolerance, SlackOpenidTakesCommaSeparatedScopes) {
  GenericSim s({testing::providerProfile("slack-openid")});
  for (const char* scope : {"openid email profile", "openid,email,profile"}) {
    web::Response r = s.authorize({{"scope", scope}}, "slack-openid");
    ASSERT_EQ(r.status, 302);
    auto code = locationParam(r, "code");
    ASSERT_TRUE(code) << scope << ": " << *r.header("location");
    Json answer = s.exchange(*code, "slack-openid");
    EXPECT_TRUE(answer.contains("id_token")) << scope << ": three scopes, openid among them";
  }
  strictDocs(s, "slack-openid", true);
  web::Response strict = s.authorize({{"scope", "openid,email,profile"}}, "slack-openid");
  ASSERT_EQ(strict.status, 302);
  EXPECT_EQ(locationParam(strict, "error"), "invalid_scope");
  EXPECT_NE(locationParam(strict, "error_description").value_or("").find("--strict-docs"),
            std::string::npos);
  EXPECT_TRUE(locationParam(s.authorize({{"scope", "openid email"}}, "slack-openid"), "code"));
  // The tolerated separator must differ from the profile's own.
  Json doc = testing::genericProfileJson();
  doc["authorize"]["tolerate"] = {
      {"scope_separator", {{"accept", {"space"}}, {"evidence", "e"}}}};
  auto same = parseProfile(doc, "generic.json");
  ASSERT_FALSE(same);
  EXPECT_NE(same.error().message.find("authorize.tolerate.scope_separator"), std::string::npos)
      << same.error().message;
}

// openid.connect.token marks grant_type optional and Slack's Python sample leaves it out.
TEST(Tolerance, SlackOpenidTakesACodeExchangeWithoutGrantType) {
  GenericSim s({testing::providerProfile("slack-openid")});
  auto without = [&](const std::string& slug, const std::string& scope) {
    const std::string code = s.code({{"scope", scope}}, slug);
    return s.token("code=" + code + "&redirect_uri=" + percentEncode(GenericSim::kRedirect),
                   std::nullopt, slug);
  };
  web::Response lax = without("slack-openid", "openid");
  ASSERT_EQ(lax.status, 200) << lax.body;
  EXPECT_EQ(bodyOf(lax)["ok"], true) << lax.body;
  EXPECT_TRUE(bodyOf(lax).contains("id_token"));
  // Where no tolerance says so, grant_type stays required (RFC 6749 §4.1.3).
  web::Response generic = without("generic", "read");
  EXPECT_EQ(generic.status, 400);
  EXPECT_NE(generic.body.find("grant_type is required"), std::string::npos) << generic.body;
  strictDocs(s, "slack-openid", true);
  web::Response strict = without("slack-openid", "openid");
  EXPECT_EQ(bodyOf(strict)["ok"], false) << strict.body;
  EXPECT_EQ(bodyOf(strict)["error"], "invalid_arguments") << strict.body;
}

TEST(Tolerance, FacebookTakesFormPostsAndABearerHeader) {
  GenericSim s({testing::providerProfile("facebook")});
  const std::string path = "/facebook/graph.facebook.com/v22.0/oauth/access_token";
  web::Response post = s.call(testing::formPost(
      path, codeBody(s.code({}, "facebook")) + "&client_id=c1&client_secret=s1", {}));
  ASSERT_EQ(post.status, 200) << post.body;
  const std::string token = bodyOf(post).value("access_token", "");
  EXPECT_EQ(s.apiMe(token, "facebook").status, 200) << "Graph takes Authorization: Bearer";
  strictDocs(s, "facebook", true);
  EXPECT_NE(s.apiMe(token, "facebook").status, 200);
  EXPECT_EQ(s.call(makeRequest("GET", "/facebook/api/me?access_token=" + token)).status, 200);
  web::Response strict = s.call(testing::formPost(
      path, codeBody(s.code({}, "facebook")) + "&client_id=c1&client_secret=s1", {}));
  EXPECT_EQ(strict.status, 400) << strict.body;
  EXPECT_NE(strict.body.find("--strict-docs"), std::string::npos) << strict.body;
}

TEST(OpenScopes, DocumentedScopesBeyondTheSampleListAreGranted) {
  GenericSim s({testing::providerProfile("google"), testing::providerProfile("microsoft")});
  web::Response google = s.authorize(
      {{"scope", "openid https://www.googleapis.com/auth/calendar.events.readonly"}}, "google");
  ASSERT_EQ(google.status, 302);
  EXPECT_TRUE(locationParam(google, "code")) << *google.header("location");
  web::Response ms = s.authorize({{"scope", "openid Mail.ReadWrite offline_access"}}, "microsoft");
  ASSERT_EQ(ms.status, 302);
  EXPECT_TRUE(locationParam(ms, "code")) << *ms.header("location");
  // Open scopes are the documented form: strict docs grants them too.
  strictDocs(s, "microsoft", true);
  EXPECT_TRUE(locationParam(s.authorize({{"scope", "Calendars.Read.Shared"}}, "microsoft"), "code"));
  // Shapes the provider has no scope of are still refused, naming the rule.
  for (const char* bad : {"https://www.googleapis.com/auth/../x", "calendar", "mail.readwrite"}) {
    web::Response r = s.authorize({{"scope", bad}}, "google");
    EXPECT_EQ(locationParam(r, "error"), "invalid_scope") << bad;
    EXPECT_NE(locationParam(r, "error_description").value_or("").find("open scope patterns"),
              std::string::npos);
  }
  EXPECT_EQ(locationParam(s.authorize({{"scope", "mail.readwrite"}}, "microsoft"), "error"),
            "invalid_scope");
}

TEST(StrictDocs, FlagBehaviourSwitchAndSummary) {
  auto o = parseOptions({"--strict-docs", "--recipes"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->strict_docs);
  EXPECT_TRUE(o->recipes);
  EXPECT_FALSE(parseOptions({"--strict-docs=yes"}));

  Profile generic = testing::providerProfile("generic");
  BehaviourStore store;
  EXPECT_FALSE(store.effective(generic).strict_docs);
  store.setStrictDocsDefault(true);
  EXPECT_TRUE(store.effective(generic).strict_docs);
  BehaviourOverride lax;
  lax.strict_docs = false;
  EXPECT_FALSE(store.update(generic, lax).strict_docs);
  store.clear();
  EXPECT_TRUE(store.effective(generic).strict_docs) << "reset keeps the flag's default";
  EXPECT_FALSE(parseBehaviour(Json{{"strict_docs", "yes"}}));

  GenericSim s({testing::providerProfile("notion")});
  web::Response list = s.control("GET", "/_sim/providers");
  Json listed = bodyOf(list);  // named: a range-for over a temporary's member would dangle
  for (const auto& p : listed["providers"]) {
    if (p["slug"] != "notion") continue;
    EXPECT_EQ(p["dialect"]["strict_docs"], false);
    EXPECT_EQ(p["dialect"]["tolerate"]["token"]["encoding"]["accept"], Json::array({"form"}));
    EXPECT_FALSE(p["dialect"]["tolerate"]["token"]["encoding"]["evidence"].get<std::string>().empty());
  }
}

TEST(ToleranceLoader, EveryToleranceNeedsEvidenceAndKnownValues) {
  auto load = [](const Json& tolerate) {
    Json doc = testing::genericProfileJson();
    doc["token"]["tolerate"] = tolerate;
    return parseProfile(doc, "generic.json");
  };
  EXPECT_TRUE(load({{"encoding", {{"accept", {"json"}}, {"evidence", "e"}}}}));
  auto no_evidence = load({{"encoding", {{"accept", {"json"}}}}});
  ASSERT_FALSE(no_evidence);
  EXPECT_NE(no_evidence.error().message.find("token.tolerate.encoding.evidence: required"),
            std::string::npos) << no_evidence.error().message;
  auto bad_value = load({{"client_auth", {{"accept", {"private_key_jwt"}}, {"evidence", "e"}}}});
  ASSERT_FALSE(bad_value);
  EXPECT_NE(bad_value.error().message.find("token.tolerate.client_auth.accept[0]"), std::string::npos);
  auto unknown = load({{"everything", {{"evidence", "e"}}}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("token.tolerate.everything: unknown field"),
            std::string::npos);
  Json doc = testing::genericProfileJson();
  doc["authorize"]["open_scopes"] = {{"patterns", {"(unclosed"}}, {"evidence", "e"}};
  auto bad_regex = parseProfile(doc, "generic.json");
  ASSERT_FALSE(bad_regex);
  EXPECT_NE(bad_regex.error().message.find("authorize.open_scopes.patterns[0]"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::sim
