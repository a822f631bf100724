// The control API under /_sim/, through the simulator's handler.
#include "simulator/control_handler.h"

#include <map>

#include <gtest/gtest.h>

#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::GenericSim;

Json bodyOf(const web::Response& r) {
  auto doc = parseJson(r.body);
  EXPECT_TRUE(doc) << r.body;
  return doc ? *doc : Json();
}

void expectBad(const web::Response& r, const std::string& reason_part = "") {
  EXPECT_EQ(r.status, 400) << r.body;
  Json b = bodyOf(r);
  EXPECT_EQ(b["error"], "invalid_request");
  EXPECT_NE(b.value("error_description", "").find(reason_part), std::string::npos) << r.body;
}

TEST(Control, HealthUnknownPathsAndMethods) {
  GenericSim s;
  web::Response h = s.control("GET", "/_sim/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(bodyOf(h), (Json{{"status", "ok"}}));
  EXPECT_EQ(s.control("GET", "/_sim/nope").status, 404);
  EXPECT_EQ(s.control("GET", "/_sim").status, 404);
  EXPECT_EQ(s.control("GET", "/_sim/health/x").status, 404);
  web::Response wrong = s.control("POST", "/_sim/health", Json::object());
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET");
  EXPECT_EQ(s.control("PUT", "/_sim/faults", Json::object()).status, 405);
  web::Response no_provider = s.call(testing::makeRequest("GET", "/nosuch/x"));
  EXPECT_EQ(no_provider.status, 404);
  EXPECT_EQ(bodyOf(no_provider)["error"], "not_found");
  web::Response no_path = s.call(testing::makeRequest("GET", "/generic/generic.example/nope"));
  EXPECT_EQ(no_path.status, 404);
  EXPECT_EQ(bodyOf(no_path)["error"], "not_found");
}

TEST(Control, ProvidersListsEveryProfileWithMappedUrls) {
  testing::TestSimulator s(testing::providerProfiles());
  web::Response r = s.call(testing::makeRequest("GET", "/_sim/providers"));
  ASSERT_EQ(r.status, 200);
  Json list = bodyOf(r)["providers"];
  ASSERT_EQ(list.size(), testing::providerFileCount());
  for (const auto& p : list) {
    for (const char* key : {"slug", "display_name", "connection_params", "authorize_url", "token_url",
                            "refresh_url", "api_me_url", "dialect"}) {
      EXPECT_TRUE(p.contains(key)) << p.value("slug", "?") << " lacks " << key;
    }
    std::string prefix = "http://sim.test/" + p["slug"].get<std::string>() + "/";
    EXPECT_TRUE(p["token_url"].get<std::string>().starts_with(prefix)) << p["token_url"];
    EXPECT_EQ(p["token_url"].get<std::string>().find('{'), std::string::npos) << p["token_url"];
    // Every advertised URL is routed to the right endpoint.
    std::string path = p["authorize_url"].get<std::string>().substr(std::string("http://sim.test").size());
    auto m = s.sim->router().match(path.substr(0, path.find('?')));
    ASSERT_TRUE(m) << path;
    // One path for both (Egnyte): the router tells them apart by method (router_test.cc).
    const std::string token_path = p["token_url"].get<std::string>().substr(15);
    if (path.substr(0, path.find('?')) != token_path.substr(0, token_path.find('?'))) {
      EXPECT_EQ(m->route, Route::kAuthorize) << path;
    }
  }
  auto zendesk = std::find_if(list.begin(), list.end(), [](const Json& p) { return p["slug"] == "zendesk"; });
  ASSERT_NE(zendesk, list.end());
  ASSERT_EQ((*zendesk)["connection_params"].size(), 1u);
  EXPECT_EQ((*zendesk)["connection_params"][0]["name"], "subdomain");
  EXPECT_TRUE((*zendesk)["connection_params"][0].contains("pattern"));
  EXPECT_TRUE((*zendesk)["connection_params"][0].contains("example"));
  const Json& d = (*zendesk)["dialect"];
  for (const char* key : {"client_auth", "encoding", "response_format", "error_style", "scope_separator",
                          "pkce", "refresh_issued", "rotation", "expires_in", "api_token_in"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
}

TEST(Control, ProvidersListTheDiscoveryResources) {
  testing::TestSimulator s(testing::providerProfiles());
  Json list = bodyOf(s.call(testing::makeRequest("GET", "/_sim/providers")))["providers"];
  std::map<std::string, Json> resources;
  for (const auto& p : list) {
    const Json& r = p["dialect"]["resources"];
    ASSERT_TRUE(r.is_array()) << p["slug"];  // empty when the profile has none
    resources[p["slug"].get<std::string>()] = r;
    for (const auto& entry : r) {  // every listed URL is routed to that resource
      std::string url = entry["url"];
      std::string path = url.substr(std::string("http://sim.test").size());
      if (path.ends_with("{access_token}")) path.replace(path.size() - 14, 14, "tok");
      auto m = s.sim->router().match(path.substr(0, path.find('?')));  // PayPal ?schema=...
      ASSERT_TRUE(m) << url;
      EXPECT_EQ(m->route, Route::kResource) << url;
    }
  }
  EXPECT_EQ(resources["generic"], Json::array());
  EXPECT_EQ(resources["xero"], Json::parse(R"([{"url": "http://sim.test/xero/api.xero.com/connections",
                                               "token_in": "bearer", "key": "1.tenantId"}])"))
      << "Xero: this authorisation's connection is listed second (issue 13)";
  // Atlassian: the site list, then the identity call (GET /me) that names the user.
  EXPECT_EQ(resources["atlassian"], Json::parse(R"([{
      "url": "http://sim.test/atlassian/api.atlassian.com/oauth/token/accessible-resources",
      "token_in": "bearer", "key": "0.id"}, {
      "url": "http://sim.test/atlassian/api.atlassian.com/me",
      "token_in": "bearer", "key": "account_id"}])"));
  EXPECT_EQ(resources["mailchimp"], Json::parse(R"([{
      "url": "http://sim.test/mailchimp/login.mailchimp.com/oauth2/metadata",
      "token_in": "header", "name": "Authorization", "prefix": "OAuth ", "key": "dc"}])"));
  EXPECT_EQ(resources["docusign"], Json::parse(R"([{
      "url": "http://sim.test/docusign/account.docusign.com/oauth/userinfo",
      "token_in": "bearer", "key": "accounts.1.account_id"}])"));  // the is_default one
  EXPECT_EQ(resources["hubspot"], Json::parse(R"([{
      "url": "http://sim.test/hubspot/api.hubapi.com/oauth/v1/access-tokens/{access_token}",
      "token_in": "path", "key": "hub_id"}])"));
}

TEST(Control, ClientsCreateListReplaceDelete) {
  GenericSim s;
  Json c{{"provider", "generic"}, {"client_id", "new"}, {"client_secret", "sec"},
         {"redirect_uris", Json::array({"https://a.example/cb"})}};
  EXPECT_EQ(s.control("POST", "/_sim/clients", c).status, 201);
  c["client_secret"] = "sec2";
  EXPECT_EQ(s.control("POST", "/_sim/clients", c).status, 201);  // same id replaces
  Json list = bodyOf(s.control("GET", "/_sim/clients"))["clients"];
  int found = 0;
  for (const auto& e : list) {
    if (e["client_id"] == "new") {
      ++found;
      EXPECT_EQ(e["client_secret"], "sec2");
    }
  }
  EXPECT_EQ(found, 1);
  EXPECT_EQ(s.control("DELETE", "/_sim/clients/generic/new").status, 200);
  EXPECT_EQ(s.control("DELETE", "/_sim/clients/generic/new").status, 404);
  EXPECT_EQ(s.control("DELETE", "/_sim/clients/nosuch/new").status, 404);
}

TEST(Control, ClientValidation) {
  GenericSim s;
  Json good{{"provider", "generic"}, {"client_id", "x"}, {"client_secret", "y"},
            {"redirect_uris", Json::array({"https://a/cb"})}};
  auto with = [&](const char* key, Json value) {
    Json j = good;
    if (value.is_null()) {
      j.erase(key);
    } else {
      j[key] = value;
    }
    return s.control("POST", "/_sim/clients", j);
  };
  expectBad(with("client_secret", nullptr), "client_secret");
  expectBad(with("client_id", ""), "client_id");
  expectBad(with("redirect_uris", "https://a/cb"), "redirect_uris");
  expectBad(with("redirect_uris", Json::array()), "redirect_uris");
  expectBad(with("extra", 1), "unknown field extra");
  EXPECT_EQ(with("provider", "nosuch").status, 404);
  expectBad(s.call(testing::makeRequest("POST", "/_sim/clients", {}, "{not json")), "JSON");
  expectBad(s.control("POST", "/_sim/clients", Json::array()), "object");
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/clients"))["clients"].size(), 1u);  // nothing changed
}

TEST(Control, ClientsGetAnApplicationIdWhereTheConsentUrlNamesTheApplication) {
  GenericSim s({testing::providerProfile("amazon")});
  Json c{{"provider", "amazon"}, {"client_id", "amzn1.application-oa2-client.lwa1"},
         {"client_secret", "sec"}, {"redirect_uris", Json::array({"https://a.example/cb"})}};
  web::Response first = s.control("POST", "/_sim/clients", c);
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string derived = bodyOf(first).value("application_id", "");
  EXPECT_TRUE(derived.starts_with("amzn1.sp.solution.")) << first.body;
  EXPECT_EQ(bodyOf(s.control("POST", "/_sim/clients", c)).value("application_id", ""), derived)
      << "the derived id is stable";
  Json other = c;
  other["client_id"] = "amzn1.application-oa2-client.lwa2";
  other["application_id"] = derived;
  web::Response taken = s.control("POST", "/_sim/clients", other);
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(bodyOf(taken)["error"], "conflict");
  other["application_id"] = "amzn1.sp.solution.chosen";
  web::Response chosen = s.control("POST", "/_sim/clients", other);
  EXPECT_EQ(chosen.status, 201) << chosen.body;
  EXPECT_EQ(bodyOf(chosen)["application_id"], "amzn1.sp.solution.chosen");
  other["application_id"] = "";
  expectBad(s.control("POST", "/_sim/clients", other), "application_id");
  Json generic{{"provider", "generic"}, {"client_id", "g"}, {"client_secret", "sec"},
               {"redirect_uris", Json::array({"https://a.example/cb"})},
               {"application_id", "x"}};
  expectBad(s.control("POST", "/_sim/clients", generic), "application_id");
  int with_app_id = 0;
  const Json listed = bodyOf(s.control("GET", "/_sim/clients"));
  for (const auto& e : listed["clients"]) {
    EXPECT_EQ(e.contains("application_id"), e["provider"] == "amazon") << e.dump();
    with_app_id += e.contains("application_id") ? 1 : 0;
  }
  EXPECT_EQ(with_app_id, 3);  // GenericSim's own amazon client and the two above
}

TEST(Control, IntrospectTellsWhatWasGrantedUntilTheTokenStopsWorking) {
  GenericSim s;
  Json tokens = s.exchange(s.code({{"scope", "read write"}}));
  const std::string at = tokens["access_token"];
  web::Response r = s.control("POST", "/_sim/introspect", Json{{"token", at}});
  ASSERT_EQ(r.status, 200) << r.body;
  Json info = bodyOf(r);
  EXPECT_EQ(info["active"], true);
  EXPECT_EQ(info["token_type_hint"], "access_token");
  EXPECT_EQ(info["provider"], "generic");
  EXPECT_EQ(info["client_id"], GenericSim::kClient);
  EXPECT_EQ(info["scopes"], (Json{"read", "write"}));
  EXPECT_TRUE(info["expires_at"].is_number());
  if (tokens.contains("refresh_token")) {
    Json rt = bodyOf(s.control("POST", "/_sim/introspect", Json{{"token", tokens["refresh_token"]}}));
    EXPECT_EQ(rt["token_type_hint"], "refresh_token");
  }
  EXPECT_EQ(bodyOf(s.control("POST", "/_sim/introspect", Json{{"token", "nope"}})),
            (Json{{"active", false}}));
  ASSERT_EQ(s.control("POST", "/_sim/clock", Json{{"advance_seconds", 3601}}).status, 200);
  EXPECT_EQ(bodyOf(s.control("POST", "/_sim/introspect", Json{{"token", at}}))["active"], false);
  expectBad(s.control("POST", "/_sim/introspect", Json::object()), "token");
  expectBad(s.control("POST", "/_sim/introspect", Json{{"token", at}, {"x", 1}}), "unknown field x");
  EXPECT_EQ(s.control("GET", "/_sim/introspect").status, 405);
}

TEST(Control, ResetClearsStateAndKeepsClientsUnlessAsked) {
  GenericSim s;
  std::string code = s.code();
  Json tokens = s.exchange(s.code());
  s.control("POST", "/_sim/faults", Json{{"provider", "generic"}, {"endpoint", "api_me"}, {"kind", "status"}, {"status", 500}});
  s.control("POST", "/_sim/clock", Json{{"advance_seconds", 100}});
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"expires_in", "zero"}});
  ASSERT_EQ(s.control("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/journal"))["entries"].size(), 0u);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/faults"))["faults"].size(), 0u);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/clock"))["offset_seconds"], 0);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/providers/generic/behaviour"))["expires_in"], "number");
  EXPECT_EQ(s.apiMe(tokens["access_token"]).status, 401);  // tokens are gone
  EXPECT_EQ(s.token("grant_type=authorization_code&code=" + code).status, 400);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/clients"))["clients"].size(), 1u);
  expectBad(s.control("POST", "/_sim/reset", Json{{"clients", "yes"}}), "clients");
  ASSERT_EQ(s.control("POST", "/_sim/reset", Json{{"clients", true}}).status, 200);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/clients"))["clients"].size(), 0u);
}

TEST(Control, JournalRecordsProviderRequestsInOrder) {
  GenericSim s({testing::providerProfile("github")});
  std::string code = s.code();
  s.token("grant_type=authorization_code&code=" + code + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb");
  s.call(testing::makeRequest("GET", "/github/api/me", {{"X-Custom", "1"}}));
  s.call(testing::makeRequest("GET", "/generic/nope"));
  s.control("GET", "/_sim/health");  // not journaled
  Json entries = bodyOf(s.control("GET", "/_sim/journal"))["entries"];
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["endpoint"], "authorize");
  EXPECT_EQ(entries[0]["status"], 302);
  EXPECT_EQ(entries[1]["endpoint"], "token");
  EXPECT_EQ(entries[1]["method"], "POST");
  EXPECT_TRUE(entries[1]["headers"]["authorization"].get<std::string>().starts_with("Basic "));
  EXPECT_NE(entries[1]["body"].get<std::string>().find("grant_type=authorization_code"), std::string::npos);
  EXPECT_EQ(entries[2]["provider"], "github");
  EXPECT_EQ(entries[2]["endpoint"], "api_me");
  EXPECT_EQ(entries[2]["headers"]["x-custom"], "1");
  EXPECT_EQ(entries[3]["endpoint"], "unknown");
  EXPECT_EQ(entries[3]["status"], 404);
  EXPECT_LT(entries[0]["seq"], entries[1]["seq"]);
  EXPECT_EQ(entries[0]["at"], int64_t{1'700'000'000'000});  // the simulator clock, ms
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/journal?provider=github"))["entries"].size(), 1u);
  int64_t since = entries[1]["seq"];
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/journal?since=" + std::to_string(since)))["entries"].size(), 2u);
  expectBad(s.control("GET", "/_sim/journal?since=-1"), "since");
  expectBad(s.control("GET", "/_sim/journal?since=x"), "since");
  expectBad(s.control("GET", "/_sim/journal?bogus=1"), "bogus");
  EXPECT_EQ(s.control("GET", "/_sim/journal?provider=nosuch").status, 404);
}

TEST(Control, FaultValidation) {
  GenericSim s;
  auto post = [&](Json j) { return s.control("POST", "/_sim/faults", j); };
  Json base{{"provider", "generic"}, {"endpoint", "token"}, {"kind", "status"}, {"status", 503}};
  web::Response ok = post(base);
  EXPECT_EQ(ok.status, 201);
  EXPECT_TRUE(bodyOf(ok)["id"].is_number_integer());
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "token"}, {"kind", "explode"}}), "kind");
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "token"}, {"kind", "status"}}), "status");
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "nope"}, {"kind", "status"}, {"status", 500}}), "endpoint");
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "token"}, {"kind", "delay"}}), "delay_ms");
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "api_me"}, {"kind", "invalid_grant"}}), "invalid_grant");
  expectBad(post(Json{{"provider", "generic"}, {"endpoint", "token"}, {"kind", "deny_consent"}}), "deny_consent");
  Json zero = base;
  zero["count"] = 0;
  expectBad(post(zero), "count");
  Json extra = base;
  extra["colour"] = "red";
  expectBad(post(extra), "colour");
  Json unknown = base;
  unknown["provider"] = "nosuch";
  EXPECT_EQ(post(unknown).status, 404);
  Json faults = bodyOf(s.control("GET", "/_sim/faults"))["faults"];
  ASSERT_EQ(faults.size(), 1u);  // only the valid one
  EXPECT_EQ(faults[0]["status"], 503);
  EXPECT_EQ(faults[0]["count"], 1);
  EXPECT_EQ(s.control("DELETE", "/_sim/faults").status, 200);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/faults"))["faults"].size(), 0u);
}

TEST(Control, ClockAdvancesAndValidates) {
  GenericSim s;
  Json before = bodyOf(s.control("GET", "/_sim/clock"));
  EXPECT_EQ(before, (Json{{"now", 1'700'000'000}, {"offset_seconds", 0}}));
  Json after = bodyOf(s.control("POST", "/_sim/clock", Json{{"advance_seconds", 3600}}));
  EXPECT_EQ(after, (Json{{"now", 1'700'003'600}, {"offset_seconds", 3600}}));
  expectBad(s.control("POST", "/_sim/clock", Json{{"advance_seconds", -1}}), "advance_seconds");
  expectBad(s.control("POST", "/_sim/clock", Json{{"advance_seconds", "10"}}), "advance_seconds");
  expectBad(s.control("POST", "/_sim/clock", Json{{"advance", 10}}), "advance");
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/clock"))["offset_seconds"], 3600);
}

TEST(Control, BehaviourPartialMergeAndReset) {
  GenericSim s;
  Json profile = bodyOf(s.control("GET", "/_sim/providers/generic/behaviour"));
  EXPECT_EQ(profile["rotation"], "strict");
  Json b1 = bodyOf(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"rotation", "grace"}, {"grace_seconds", 5}}));
  EXPECT_EQ(b1["rotation"], "grace");
  Json b2 = bodyOf(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"expires_in", "absent"}}));
  EXPECT_EQ(b2["rotation"], "grace");  // merged
  EXPECT_EQ(b2["expires_in"], "absent");
  expectBad(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"rotation", "sometimes"}}), "rotation");
  expectBad(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"ttl", 1}}), "ttl");
  expectBad(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"code_ttl_seconds", 0}}), "code_ttl");
  expectBad(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"scope_separator", "pipe"}}),
            "scope_separator");
  EXPECT_EQ(profile["scope_separator"], "space");
  Json b3 = bodyOf(s.control("POST", "/_sim/providers/generic/behaviour", Json{{"scope_separator", "plus"}}));
  EXPECT_EQ(b3["scope_separator"], "plus");
  EXPECT_EQ(b3["expires_in"], "absent");
  Json providers = bodyOf(s.control("GET", "/_sim/providers"));
  bool seen = false;
  for (const auto& p : providers["providers"]) {  // the dialect shows the effective value
    if (p["slug"] != "generic") continue;
    seen = true;
    EXPECT_EQ(p["dialect"]["scope_separator"], "plus");
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(bodyOf(s.control("GET", "/_sim/providers/generic/behaviour"))["expires_in"], "absent");
  EXPECT_EQ(s.control("POST", "/_sim/providers/nosuch/behaviour", Json::object()).status, 404);
  EXPECT_EQ(bodyOf(s.control("DELETE", "/_sim/providers/generic/behaviour")), profile);
}

}  // namespace
}  // namespace linkgate::sim
