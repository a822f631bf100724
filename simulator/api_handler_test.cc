// The resource endpoints: api.resources (the discovery calls of PROVIDERS.md D11) in each token
// style, per user, refused like api/me; plus their journal name, faults and routing.
#include "simulator/api_handler.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "core/params.h"
#include "core/percent.h"
#include "simulator/template.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

constexpr const char* kConnections = "/disco/api.disco.example/connections";
constexpr const char* kMetadata = "/disco/login.disco.example/oauth2/metadata";
constexpr const char* kTokenInfo = "/disco/api.disco.example/oauth/v1/access-tokens/";

// The generic profile with one resource of each token style (Xero-, Mailchimp- and
// HubSpot-like) and per-user values for them.
Profile discoProfile() {
  Json doc = testing::genericProfileJson();
  doc["slug"] = "disco";
  doc["endpoints"]["authorize"] = "https://disco.example/authorize";
  doc["endpoints"]["token"] = "https://disco.example/token";
  doc["api"]["error"] = Json{{"status", 401}, {"body", Json{{"message", "{error_description}"}}}};
  doc["api"]["resources"] = Json::parse(R"([
    {"url": "https://api.disco.example/connections",
     "body": [{"tenantId": "{user.tenant}", "tenantType": "ORGANISATION"}],
     "key": "0.tenantId"},
    {"url": "https://login.disco.example/oauth2/metadata", "token_in": "header",
     "name": "Authorization", "prefix": "OAuth ",
     "body": {"dc": "{user.dc}", "api_endpoint": "https://{user.dc}.api.disco.example"},
     "key": "dc"},
    {"url": "https://api.disco.example/oauth/v1/access-tokens/{access_token}", "token_in": "path",
     "body": {"token": "{access_token}", "hub_id": "{user.hub}", "expires_in": "{expires_in}",
              "scopes": "{scope_array}", "token_type": "access"},
     "key": "hub_id"}])");
  doc["users"][0]["tenant"] = "70784a63-d24b-46a9-a4db-0e70a274b056";
  doc["users"][0]["dc"] = "us6";
  doc["users"][0]["hub"] = "62515";
  doc["users"][1]["tenant"] = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
  doc["users"][1]["dc"] = "us19";
  doc["users"][1]["hub"] = "7702415";
  return testing::profileFromJson(doc);
}

struct DiscoSim : GenericSim {
  DiscoSim() : GenericSim({discoProfile()}, /*auto_approve=*/false) {}

  // An access token of `slug` approved by `user` (through the consent page) for scope read.
  std::string tokenFor(const std::string& user, const std::string& slug = "disco") {
    auto consent = testing::consentId(authorize({{"scope", "read"}}, slug).body);
    EXPECT_TRUE(consent);
    Params form{{"consent", consent.value_or("")}, {"user", user}, {"decision", "approve"}};
    web::Response r = call(testing::formPost("/" + slug + "/_consent", form.toForm()));
    auto code = testing::locationParam(r, "code");
    EXPECT_TRUE(code) << r.status << " " << r.body;
    return exchange(code.value_or(""), slug).value("access_token", "");
  }
  web::Response get(const std::string& target, HeaderList headers = {}) {
    return call(testing::makeRequest("GET", target, std::move(headers)));
  }
  web::Response connections(const std::string& at) {
    return get(kConnections, {{"Authorization", "Bearer " + at}});
  }
  web::Response metadata(const std::string& at) {
    return get(kMetadata, {{"Authorization", "OAuth " + at}});
  }
  web::Response tokenInfo(const std::string& at) { return get(kTokenInfo + percentEncode(at)); }
};

Json bodyOf(const web::Response& r) {
  auto doc = parseJson(r.body);
  EXPECT_TRUE(doc) << r.body;
  return doc.value_or(Json());
}

// The value the resource's key names in an answer.
std::string keyOf(const web::Response& r, const std::string& key) {
  EXPECT_EQ(r.status, 200) << r.body;
  Json body = bodyOf(r);
  const Json* v = atKeyPath(body, key);
  EXPECT_TRUE(v && v->is_string()) << key << " in " << r.body;
  return v && v->is_string() ? v->get<std::string>() : "";
}

void expectRefused(const web::Response& r, const std::string& why) {
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(bodyOf(r), (Json{{"message", why}})) << "the profile's api.error";
}

TEST(Resource, EachTokenStyleAnswersForTheTokensUser) {
  DiscoSim s;
  std::string alice = s.tokenFor("1001");
  std::string bob = s.tokenFor("1002");
  ASSERT_FALSE(alice.empty());
  ASSERT_FALSE(bob.empty());

  web::Response c = s.connections(alice);
  EXPECT_EQ(c.header("content-type"), "application/json");
  EXPECT_EQ(c.header("cache-control"), "no-store");
  EXPECT_EQ(bodyOf(c), Json::parse(R"([{"tenantId": "70784a63-d24b-46a9-a4db-0e70a274b056",
                                        "tenantType": "ORGANISATION"}])"));
  EXPECT_EQ(keyOf(s.connections(bob), "0.tenantId"), "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");

  EXPECT_EQ(bodyOf(s.metadata(alice)),
            (Json{{"dc", "us6"}, {"api_endpoint", "https://us6.api.disco.example"}}));
  EXPECT_EQ(keyOf(s.metadata(bob), "dc"), "us19");

  web::Response info = s.tokenInfo(alice);
  EXPECT_EQ(keyOf(info, "hub_id"), "62515");
  Json i = bodyOf(info);
  EXPECT_EQ(i["token"], alice);  // {access_token} is the presented token
  EXPECT_EQ(i["expires_in"], 3600);
  EXPECT_EQ(i["scopes"], Json::array({"read"}));
  EXPECT_EQ(keyOf(s.tokenInfo(bob), "hub_id"), "7702415");
  EXPECT_EQ(bodyOf(s.tokenInfo(bob))["token"], bob);

  s.clock.advance(std::chrono::seconds(100));  // expires_in is what is left of the lifetime
  EXPECT_EQ(bodyOf(s.tokenInfo(alice))["expires_in"], 3500);
}

TEST(Resource, TokenMustBePresentedTheDeclaredWay) {
  DiscoSim s;
  std::string at = s.tokenFor("1001");
  // Bearer: the scheme is case-insensitive (RFC 6750 §2.1), nothing else carries the token.
  EXPECT_EQ(s.get(kConnections, {{"Authorization", "bearer " + at}}).status, 200);
  web::Response none = s.get(kConnections);
  expectRefused(none, "no access token presented as bearer");
  EXPECT_EQ(none.header("www-authenticate"), "Bearer error=\"invalid_token\"");  // RFC 6750 §3
  expectRefused(s.get(kConnections, {{"Authorization", "OAuth " + at}}),
                "no access token presented as bearer");
  expectRefused(s.get(std::string(kConnections) + "?access_token=" + at),
                "no access token presented as bearer");
  // Header with prefix: the named header, the prefix (scheme, case-insensitive), the token.
  EXPECT_EQ(s.get(kMetadata, {{"Authorization", "oauth " + at}}).status, 200);
  web::Response bearer = s.get(kMetadata, {{"Authorization", "Bearer " + at}});
  expectRefused(bearer, "no access token presented as header");
  EXPECT_FALSE(bearer.header("www-authenticate")) << "not a Bearer resource";
  expectRefused(s.get(kMetadata, {{"Authorization", at}}), "no access token presented as header");
  expectRefused(s.get(kMetadata, {{"X-Token", "OAuth " + at}}),
                "no access token presented as header");
  expectRefused(s.get(kMetadata), "no access token presented as header");
  // Path: the last segment is the token; a header does not stand in for it.
  expectRefused(s.get(std::string(kTokenInfo) + "nope", {{"Authorization", "Bearer " + at}}),
                "unknown access token");
  EXPECT_EQ(s.get(std::string(kTokenInfo)).status, 404);  // no segment: no such endpoint
}

TEST(Resource, UnknownExpiredRevokedAndForeignTokensAreRefused) {
  DiscoSim s;
  std::string at = s.tokenFor("1001");
  for (const std::string& wrong : {at + "x", std::string("x")}) {
    expectRefused(s.connections(wrong), "unknown access token");
    expectRefused(s.metadata(wrong), "unknown access token");
    expectRefused(s.tokenInfo(wrong), "unknown access token");
  }
  // A token the simulator issued for another provider is unknown here.
  std::string generic = s.tokenFor("1001", "generic");
  EXPECT_EQ(s.apiMe(generic).status, 200);
  expectRefused(s.connections(generic), "unknown access token");
  // Expiry by the simulator clock (3600 s).
  s.clock.advance(std::chrono::seconds(3599));
  EXPECT_EQ(s.tokenInfo(at).status, 200);
  s.clock.advance(std::chrono::seconds(1));
  expectRefused(s.connections(at), "access token expired");
  expectRefused(s.metadata(at), "access token expired");
  expectRefused(s.tokenInfo(at), "access token expired");
}

TEST(Resource, ARevokedTokenIsRefused) {
  DiscoSim s;
  auto consent = testing::consentId(s.authorize({}, "disco").body);
  ASSERT_TRUE(consent);
  Params form{{"consent", *consent}, {"user", "1002"}, {"decision", "approve"}};
  web::Response r = s.call(testing::formPost("/disco/_consent", form.toForm()));
  std::string code = testing::locationParam(r, "code").value_or("");
  std::string at = s.exchange(code, "disco").value("access_token", "");
  EXPECT_EQ(s.metadata(at).status, 200);
  s.token("grant_type=authorization_code&code=" + code + "&redirect_uri=" +
              percentEncode(GenericSim::kRedirect),
          std::nullopt, "disco");  // a reused code revokes what it issued (RFC 6749 §4.1.2)
  expectRefused(s.connections(at), "access token revoked");
  expectRefused(s.metadata(at), "access token revoked");
  expectRefused(s.tokenInfo(at), "access token revoked");
}

TEST(Resource, OnlyGetAndInTheApiMeErrorShape) {
  DiscoSim s;
  std::string at = s.tokenFor("1001");
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    HeaderList bearer{{"Authorization", "Bearer " + at}};
    web::Response r = s.call(testing::makeRequest(method, kConnections, bearer));
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(bodyOf(r)["error"], "invalid_request");
    web::Response me = s.call(testing::makeRequest(method, "/disco/api/me", bearer));
    EXPECT_EQ(me.status, 405);
    EXPECT_EQ(bodyOf(me)["error"], bodyOf(r)["error"]);
  }
  EXPECT_EQ(s.call(testing::makeRequest("POST", std::string(kTokenInfo) + at)).status, 405);
}

TEST(Resource, JournaledAsResourceAndFaultable) {
  DiscoSim s;
  std::string at = s.tokenFor("1001");
  web::Response armed = s.control("POST", "/_sim/faults",
                                  Json{{"provider", "disco"}, {"endpoint", "resource"},
                                       {"kind", "status"}, {"status", 503}});
  ASSERT_EQ(armed.status, 201) << armed.body;
  EXPECT_EQ(s.apiMe(at, "disco").status, 200);  // api/me is another endpoint
  EXPECT_EQ(s.tokenInfo(at).status, 503);
  EXPECT_EQ(s.tokenInfo(at).status, 200);
  Json entries = bodyOf(s.control("GET", "/_sim/journal?provider=disco"))["entries"];
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[entries.size() - 1]["endpoint"], "resource");
  EXPECT_EQ(entries[entries.size() - 2]["endpoint"], "resource");
  EXPECT_EQ(entries[entries.size() - 2]["status"], 503);
  EXPECT_EQ(entries[entries.size() - 3]["endpoint"], "api_me");
}

TEST(Resource, RoutedAfterTheOAuthEndpoints) {
  DiscoSim s;
  const Router& router = s.sim->router();
  auto m = router.match(std::string(kTokenInfo) + "tok-1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, Route::kResource);
  EXPECT_EQ(m->resource, 2u);
  EXPECT_EQ(m->params.at("access_token"), "tok-1");
  EXPECT_EQ(router.match(kMetadata)->resource, 1u);
  EXPECT_EQ(router.match("/disco/disco.example/token")->route, Route::kToken);
  EXPECT_EQ(router.match("/disco/api.disco.example/connections/")->route, Route::kUnknownPath);
  EXPECT_EQ(router.match("/generic/api.disco.example/connections")->route, Route::kUnknownPath);
}

// An access token approved by `user` in the provider's own dialect (its first scope, its
// required authorize parameters, its client authentication).
std::string profileTokenFor(GenericSim& s, const Provider& p, const std::string& user) {
  const Profile& prof = p.profile;
  std::vector<std::pair<std::string, std::string>> params(prof.authorize.extra_params.begin(),
                                                          prof.authorize.extra_params.end());
  if (prof.authorize.scope_separator != ScopeSeparator::kNone && !prof.authorize.scopes.empty()) {
    params.emplace_back("scope", prof.authorize.scopes.front());
  }
  auto consent = testing::consentId(s.authorize(params, prof.slug).body);
  EXPECT_TRUE(consent) << prof.slug;
  web::Response r = s.call(testing::formPost(
      "/" + prof.slug + "/_consent",
      Params{{"consent", consent.value_or("")}, {"user", user}, {"decision", "approve"}}.toForm()));
  auto code = testing::locationParam(r, prof.authorize.code_param);
  EXPECT_TRUE(code) << prof.slug << ": " << r.status << " " << r.body;
  Params body{{"grant_type", "authorization_code"}, {"code", code.value_or("")},
              {"redirect_uri", GenericSim::kRedirect}};
  HeaderList headers;
  const auto& auth = prof.token.client_auth;
  if (std::find(auth.begin(), auth.end(), ClientAuth::kBasic) != auth.end()) {
    headers.emplace_back("Authorization",
                         testing::basicAuth(GenericSim::kClient, GenericSim::kSecret));
  } else {
    body.add(prof.token.client_id_param, GenericSim::kClient);
    body.add("client_secret", GenericSim::kSecret);
  }
  web::Response t = s.token(body.toForm(), headers, prof.slug);
  EXPECT_EQ(t.status, 200) << prof.slug << ": " << t.body;
  return parseJson(t.body).value_or(Json::object()).value("access_token", "");
}

TEST(Resource, EachProfilesUsersGetTheirOwnKey) {
  // The tenant / site discovery profiles (PROVIDERS.md D11); the identity calls of the other
  // providers (SPEC §9) are checked per user end to end by the conformance suite
  // (ProviderDiscovery, ProviderSameAccount), whose flows handle every profile's token request.
  const std::set<std::string> kDiscovery = {"xero", "atlassian", "mailchimp", "docusign",
                                            "hubspot"};
  std::vector<Profile> with_resources;
  for (auto& p : testing::providerProfiles()) {
    if (!p.api.resources.empty() && kDiscovery.contains(p.slug)) {
      with_resources.push_back(std::move(p));
    }
  }
  ASSERT_EQ(with_resources.size(), 5u);
  GenericSim s(with_resources, /*auto_approve=*/false);
  for (const auto& p : s.sim->router().providers()) {
    const Profile& prof = p->profile;
    for (size_t i = 0; i < prof.api.resources.size(); ++i) {
      const ResourceSpec& spec = prof.api.resources[i];
      SCOPED_TRACE(prof.slug + " " + spec.url);
      std::set<std::string> keys;
      for (size_t u = 0; u < 2 && u < prof.users.size(); ++u) {
        std::string at = profileTokenFor(s, *p, prof.users[u].at("id"));
        std::string target = Router::resourceUrl("", *p, i);
        HeaderList headers;
        if (spec.token_in == ResourceTokenIn::kPath) {
          target.replace(target.size() - kTokenSegment.size(), kTokenSegment.size(),
                         percentEncode(at));
        } else if (spec.token_in == ResourceTokenIn::kHeader) {
          headers.emplace_back(spec.name, spec.prefix + at);
        } else {
          headers.emplace_back("Authorization", "Bearer " + at);
        }
        keys.insert(keyOf(s.call(testing::makeRequest("GET", target, headers)), spec.key));
      }
      EXPECT_EQ(keys.size(), 2u) << "two users, two different values to keep";
      EXPECT_FALSE(keys.contains(""));
    }
  }
}

TEST(Resource, ATokenAnswersOnlyAtTheEnvironmentItWasIssuedFor) {
  // DocuSign: production account.docusign.com, demo account-d.docusign.com (param
  // account_server); the client registered by GenericSim gets a production token.
  GenericSim s({testing::providerProfile("docusign")});
  std::string code = s.code({{"scope", "signature"}}, "docusign");
  std::string at = s.exchange(code, "docusign").value("access_token", "");
  ASSERT_FALSE(at.empty());
  auto userinfo = [&](const std::string& host) {
    return s.call(testing::makeRequest("GET", "/docusign/" + host + "/oauth/userinfo",
                                       {{"Authorization", "Bearer " + at}}));
  };
  web::Response prod = userinfo("account.docusign.com");
  // Several accounts, the default one (is_default) not first.
  EXPECT_EQ(keyOf(prod, "accounts.1.account_id"), "18b4799a-b53a-4475-ae9b-1e3c7ef1c0f8");
  EXPECT_EQ(keyOf(prod, "accounts.0.account_id"), "0c5bd8e4-2f61-4d3a-9b7e-5a4c3d2e1f00");
  web::Response demo = userinfo("account-d.docusign.com");
  EXPECT_EQ(demo.status, 401) << demo.body;
  EXPECT_EQ(userinfo("account-x.docusign.com").status, 404);  // not a host of the profile
}

}  // namespace
}  // namespace linkgate::sim
