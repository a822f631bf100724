// The token endpoint (both grants) and /api/me, without sockets.
#include "simulator/token_handler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/params.h"
#include "core/crypto.h"
#include "core/percent.h"
#include "simulator/profile_loader.h"
#include "simulator/test_support.h"

namespace linkgate::sim {
namespace {

using testing::basicAuth;
using testing::GenericSim;

const std::string kRedirectParam = "&redirect_uri=" + percentEncode(GenericSim::kRedirect);

Profile patchedGeneric(const std::string& slug, const std::function<void(Json&)>& patch) {
  Json doc = testing::genericProfileJson();
  doc["slug"] = slug;
  doc["endpoints"]["authorize"] = "https://" + slug + ".example/authorize";
  doc["endpoints"]["token"] = "https://" + slug + ".example/token";
  patch(doc);
  return testing::profileFromJson(doc);
}

std::string errorOf(const web::Response& r) {
  auto doc = parseJson(r.body);
  return doc && doc->contains("error") ? (*doc)["error"].get<std::string>() : "(none) " + r.body;
}

std::string codeBody(const std::string& code) {
  return "grant_type=authorization_code&code=" + code + kRedirectParam;
}

TEST(TokenEndpoint, SuccessIsJsonWithNoStore) {
  GenericSim s;
  web::Response r = s.token(codeBody(s.code({{"scope", "read write"}})));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");  // RFC 6749 §5.1
  Json j = parseJson(r.body).value();
  EXPECT_EQ(j["token_type"], "Bearer");
  EXPECT_EQ(j["expires_in"], 3600);
  EXPECT_EQ(j["scope"], "read write");
  EXPECT_TRUE(j["refresh_token"].is_string());
}

// {expires_at_rfc3339}: the expiry as RFC 3339 text (Square's ObtainToken answers expires_at so).
TEST(TokenEndpoint, ExpiresAtRendersAsRfc3339Text) {
  Profile p = patchedGeneric("iso", [](Json& d) {
    d["token"]["response"]["body"] = {{"access_token", "{access_token}"},
                                      {"expires_at", "{expires_at_rfc3339}"},
                                      {"expires_unix", "{expires_at}"}};
  });
  GenericSim s({p});
  Json j = s.exchange(s.code({}, "iso"), "iso");
  ASSERT_TRUE(j["expires_at"].is_string()) << j.dump();
  const std::string text = j["expires_at"].get<std::string>();
  EXPECT_EQ(text.size(), 20u) << text;  // 2026-01-02T03:04:05Z
  EXPECT_EQ(text.back(), 'Z') << text;
  auto parsed = parseRfc3339(text);
  ASSERT_TRUE(parsed) << text;
  EXPECT_EQ(*parsed, j["expires_unix"].get<int64_t>());
  EXPECT_EQ(*parsed, unixSeconds(s.clock.now()) + 3600);

  Profile never = patchedGeneric("iso0", [](Json& d) {
    d["token"]["access_token_ttl_seconds"] = 0;
    d["token"]["response"]["body"] = {{"access_token", "{access_token}"},
                                      {"expires_at", "{expires_at_rfc3339}"}};
  });
  GenericSim s0({never});
  EXPECT_FALSE(s0.exchange(s0.code({}, "iso0"), "iso0").contains("expires_at"))
      << "a token that never expires has no expires_at";
}

TEST(TokenEndpoint, ClientAuthenticationIsExact) {
  GenericSim s;
  s.addClient("generic", "c:1", "s +/%", {GenericSim::kRedirect});
  std::string code = s.code({{"client_id", "c:1"}});
  // RFC 6749 §2.3.1: id and secret form-encoded before base64; a raw secret is wrong.
  web::Response raw = s.token(codeBody(code), HeaderList{{"Authorization", "Basic " + std::string("YzoxOnMgKy8l")}});
  EXPECT_EQ(raw.status, 401) << raw.body;
  EXPECT_EQ(errorOf(raw), "invalid_client");
  EXPECT_TRUE(raw.header("www-authenticate"));
  web::Response both = s.token(codeBody(code) + "&client_id=c%3A1&client_secret=s+%2B%2F%25",
                               HeaderList{{"Authorization", basicAuth("c:1", "s +/%")}});
  EXPECT_EQ(errorOf(both), "invalid_client");
  EXPECT_EQ(errorOf(s.token(codeBody(code), HeaderList{})), "invalid_client");
  EXPECT_EQ(errorOf(s.token(codeBody(code), HeaderList{{"Authorization", "Basic !!!"}})), "invalid_client");
  EXPECT_EQ(errorOf(s.token(codeBody(code) + "&client_id=c1",
                            HeaderList{{"Authorization", basicAuth("c:1", "s +/%")}})),
            "invalid_client");  // two different client ids
  web::Response ok = s.token(codeBody(code), HeaderList{{"Authorization", basicAuth("c:1", "s +/%")}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST(TokenEndpoint, MalformedRequestsAreInvalidRequest) {
  GenericSim s;
  std::string code = s.code();
  HeaderList basic{{"Authorization", basicAuth("c1", "s1")}};
  EXPECT_EQ(errorOf(s.token(codeBody(code) + "&code=" + code)), "invalid_request");
  EXPECT_EQ(errorOf(s.token("grant_type=authorization_code&code=%zz")), "invalid_request");
  EXPECT_EQ(errorOf(s.token("code=" + code + kRedirectParam)), "invalid_request");
  EXPECT_EQ(errorOf(s.token("grant_type=password&code=" + code)), "unsupported_grant_type");
  EXPECT_EQ(errorOf(s.token("grant_type=authorization_code" + kRedirectParam)), "invalid_request");
  HeaderList text = basic;
  text.emplace_back("Content-Type", "text/plain");
  web::Response plain = s.call(testing::makeRequest("POST", "/generic/generic.example/oauth/token",
                                                    text, codeBody(code)));
  EXPECT_EQ(errorOf(plain), "invalid_request");
  HeaderList json = basic;
  json.emplace_back("Content-Type", "application/json");
  web::Response j = s.call(testing::makeRequest(
      "POST", "/generic/generic.example/oauth/token", json,
      dumpJson(Json{{"grant_type", "authorization_code"}, {"code", code}})));
  EXPECT_EQ(errorOf(j), "invalid_request");  // generic accepts form only
  web::Response get = s.call(testing::makeRequest(
      "GET", "/generic/generic.example/oauth/token?" + codeBody(code), basic));
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(errorOf(get), "invalid_request");
  EXPECT_EQ(s.token(codeBody(code)).status, 200);  // none of that consumed the code
}

TEST(TokenEndpoint, CodeIsBoundToItsClientAndRedirectUri) {
  GenericSim s;
  s.addClient("generic", "c2", "s2", {GenericSim::kRedirect});
  std::string code = s.code();
  EXPECT_EQ(errorOf(s.token(codeBody(code), HeaderList{{"Authorization", basicAuth("c2", "s2")}})),
            "invalid_grant");
  EXPECT_EQ(errorOf(s.token("grant_type=authorization_code&code=" + code +
                            "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%2F")),
            "invalid_grant");
  EXPECT_EQ(errorOf(s.token("grant_type=authorization_code&code=" + code)), "invalid_request");
  EXPECT_EQ(s.token(codeBody(code)).status, 200);
  EXPECT_EQ(errorOf(s.token(codeBody("never-issued"))), "invalid_grant");
}

TEST(TokenEndpoint, ReusedCodeRevokesTheWholeLineage) {
  GenericSim s;
  std::string code = s.code();
  Json first = s.exchange(code);
  web::Response refreshed = s.token("grant_type=refresh_token&refresh_token=" +
                                    first["refresh_token"].get<std::string>());
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  Json second = parseJson(refreshed.body).value();
  EXPECT_EQ(s.apiMe(second["access_token"]).status, 200);
  EXPECT_EQ(errorOf(s.token(codeBody(code))), "invalid_grant");
  EXPECT_EQ(s.apiMe(first["access_token"]).status, 401);
  EXPECT_EQ(s.apiMe(second["access_token"]).status, 401);  // issued by a refresh of the lineage
  EXPECT_EQ(errorOf(s.token("grant_type=refresh_token&refresh_token=" +
                            second["refresh_token"].get<std::string>())),
            "invalid_grant");
}

TEST(TokenEndpoint, PkceS256AndPlain) {
  GenericSim s;
  std::string verifier(50, 'k');
  std::string code = s.code({{"code_challenge", pkceS256Challenge(verifier)}, {"code_challenge_method", "S256"}});
  EXPECT_EQ(errorOf(s.token(codeBody(code) + "&code_verifier=" + std::string(50, 'j'))), "invalid_grant");
  EXPECT_EQ(s.token(codeBody(code) + "&code_verifier=" + verifier).status, 200);
  std::string plain = s.code({{"code_challenge", verifier}});  // method defaults to plain
  EXPECT_EQ(s.token(codeBody(plain) + "&code_verifier=" + verifier).status, 200);
  std::string none = s.code();
  EXPECT_EQ(errorOf(s.token(codeBody(none) + "&code_verifier=" + verifier)), "invalid_grant");
}

TEST(TokenEndpoint, ErrorsInTheProvidersStyle) {
  Profile p = patchedGeneric("styled", [](Json& d) {
    d["token"]["errors"] = {{"style", "provider"},
                            {"status", 422},
                            {"invalid_client_status", 403},
                            {"codes", {{"invalid_grant", "BAD_AUTH_CODE"}}},
                            {"body", {{"status", "{error}"}, {"message", "{error_description}"}}}};
  });
  GenericSim s({p});
  web::Response grant = s.token(codeBody("nope"), std::nullopt, "styled");
  EXPECT_EQ(grant.status, 422);
  EXPECT_EQ(parseJson(grant.body).value()["status"], "BAD_AUTH_CODE");
  web::Response client = s.token(codeBody("nope"), HeaderList{}, "styled");
  EXPECT_EQ(client.status, 403);
  EXPECT_EQ(parseJson(client.body).value()["status"], "invalid_client");
}

TEST(TokenEndpoint, FormUnlessAcceptJson) {
  Profile p = patchedGeneric("gh", [](Json& d) {
    d["token"]["response"]["format"] = "form_unless_accept_json";
    d["token"]["errors"] = {{"style", "http200"}};
  });
  GenericSim s({p});
  web::Response form = s.token(codeBody(s.code({}, "gh")), std::nullopt, "gh");
  ASSERT_EQ(form.status, 200);
  EXPECT_EQ(form.header("content-type"), "application/x-www-form-urlencoded");
  auto parsed = Params::parse(form.body);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->get("access_token"));
  EXPECT_EQ(parsed->get("expires_in"), "3600");
  web::Response json = s.token(codeBody(s.code({}, "gh")),
                               HeaderList{{"Authorization", basicAuth("c1", "s1")}, {"Accept", "application/json"}},
                               "gh");
  EXPECT_TRUE(parseJson(json.body).value()["access_token"].is_string());
  web::Response error = s.token(codeBody("nope"), std::nullopt, "gh");
  EXPECT_EQ(error.status, 200);  // http200 style
  EXPECT_EQ(Params::parse(error.body)->get("error"), "invalid_grant");
}

TEST(Refresh, RotationNoneStrictGraceAndTtl) {
  GenericSim s;
  auto refresh = [&](const std::string& rt) {
    return s.token("grant_type=refresh_token&refresh_token=" + rt);
  };
  // generic: strict
  std::string rt = s.exchange(s.code())["refresh_token"];
  Json r1 = parseJson(refresh(rt).body).value();
  EXPECT_NE(r1["refresh_token"], rt);
  EXPECT_EQ(errorOf(refresh(rt)), "invalid_grant");
  // grace
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"rotation", "grace"}, {"grace_seconds", 30}});
  std::string g = s.exchange(s.code())["refresh_token"];
  ASSERT_EQ(refresh(g).status, 200);
  s.clock.advance(std::chrono::seconds(29));
  EXPECT_EQ(refresh(g).status, 200);
  s.clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(errorOf(refresh(g)), "invalid_grant");
  // none: the same refresh token comes back and keeps working
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"rotation", "none"}});
  std::string n = s.exchange(s.code())["refresh_token"];
  Json n1 = parseJson(refresh(n).body).value();
  EXPECT_EQ(n1["refresh_token"], n);
  EXPECT_EQ(refresh(n).status, 200);
}

TEST(Refresh, RefreshTokenLifetimeAndScope) {
  Profile p = patchedGeneric("ttl", [](Json& d) { d["refresh"]["ttl_seconds"] = 100; });
  GenericSim s({p});
  std::string rt = s.exchange(s.code({{"scope", "read write"}}, "ttl"), "ttl")["refresh_token"];
  auto refresh = [&](const std::string& extra) {
    return s.token("grant_type=refresh_token&refresh_token=" + rt + extra, std::nullopt, "ttl");
  };
  EXPECT_EQ(errorOf(refresh("&scope=read%20profile")), "invalid_scope");  // RFC 6749 §6
  web::Response narrow = refresh("&scope=read");
  ASSERT_EQ(narrow.status, 200) << narrow.body;
  EXPECT_EQ(parseJson(narrow.body).value()["scope"], "read");
  rt = parseJson(narrow.body).value()["refresh_token"];
  s.clock.advance(std::chrono::seconds(100));
  EXPECT_EQ(errorOf(refresh("")), "invalid_grant");
}

TEST(Refresh, ErrorsWithHttp200Behaviour) {
  GenericSim s;
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"refresh_errors_http200", true}});
  web::Response r = s.token("grant_type=refresh_token&refresh_token=unknown");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(errorOf(r), "invalid_grant");
  EXPECT_EQ(s.token(codeBody("unknown")).status, 400);  // the code exchange is unaffected
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"refresh_errors_http200", false}});
  EXPECT_EQ(s.token("grant_type=refresh_token&refresh_token=unknown").status, 400);
}

TEST(Refresh, Http200StyleCanBeSwitchedOff) {
  Profile p = patchedGeneric("h200", [](Json& d) { d["token"]["errors"] = {{"style", "http200"}}; });
  GenericSim s({p});
  auto refresh = [&] { return s.token("grant_type=refresh_token&refresh_token=x", std::nullopt, "h200"); };
  EXPECT_EQ(refresh().status, 200);
  s.control("POST", "/_sim/providers/h200/behaviour", Json{{"refresh_errors_http200", false}});
  EXPECT_EQ(refresh().status, 400);
  EXPECT_EQ(errorOf(refresh()), "invalid_grant");
}

TEST(Behaviour, ExpiresInAndLifetimes) {
  GenericSim s;
  auto exchangeWith = [&](const Json& behaviour) {
    s.control("POST", "/_sim/providers/generic/behaviour", behaviour);
    return s.exchange(s.code());
  };
  EXPECT_EQ(exchangeWith(Json{{"expires_in", "string"}})["expires_in"], "3600");
  EXPECT_FALSE(exchangeWith(Json{{"expires_in", "absent"}}).contains("expires_in"));
  EXPECT_EQ(exchangeWith(Json{{"expires_in", "zero"}})["expires_in"], 0);
  Json short_lived = exchangeWith(Json{{"expires_in", "number"}, {"access_token_ttl_seconds", 5}});
  EXPECT_EQ(short_lived["expires_in"], 5);
  s.clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(s.apiMe(short_lived["access_token"]).status, 401);
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"code_ttl_seconds", 2}});
  std::string code = s.code();
  s.clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(errorOf(s.token(codeBody(code))), "invalid_grant");
}

// token.limit at run time: a limit on a provider without one, off again, and a bad value.
TEST(Behaviour, TokensPerUserScopeSetsAndLiftsTheLimit) {
  GenericSim s;
  auto tokens = [&](int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(s.exchange(s.code())["access_token"]);
    return out;
  };
  EXPECT_EQ(s.control("POST", "/_sim/providers/generic/behaviour",
                      Json{{"tokens_per_user_scope", 2}}).status, 200);
  auto limited = tokens(3);
  EXPECT_EQ(s.apiMe(limited[0]).status, 401);
  EXPECT_EQ(s.apiMe(limited[1]).status, 200);
  EXPECT_EQ(s.apiMe(limited[2]).status, 200);
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"tokens_per_user_scope", 0}});
  auto unlimited = tokens(4);
  for (const auto& t : unlimited) EXPECT_EQ(s.apiMe(t).status, 200);
  web::Response bad = s.control("POST", "/_sim/providers/generic/behaviour",
                                Json{{"tokens_per_user_scope", -1}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(errorOf(bad), "invalid_request");
}

TEST(Behaviour, IssModes) {
  GenericSim s;
  auto iss = [&](const char* mode) {
    s.control("POST", "/_sim/providers/generic/behaviour", Json{{"iss", mode}});
    return testing::locationParam(s.authorize(), "iss");
  };
  // generic speaks OIDC: iss is its discovery document's (mapped) issuer.
  EXPECT_EQ(iss("profile"), "http://sim.test/generic/generic.example");
  EXPECT_EQ(iss("absent"), std::nullopt);
  EXPECT_EQ(iss("wrong"), "https://wrong-issuer.invalid");
  EXPECT_EQ(iss("present"), "http://sim.test/generic/generic.example");
}

TEST(Behaviour, AcceptThenReject) {
  GenericSim s;
  s.control("POST", "/_sim/providers/generic/behaviour", Json{{"pkce", "accept_then_reject"}});
  std::string verifier(50, 'k');
  std::string code = s.code({{"code_challenge", pkceS256Challenge(verifier)}, {"code_challenge_method", "S256"}});
  EXPECT_EQ(errorOf(s.token(codeBody(code) + "&code_verifier=" + verifier)), "invalid_grant");
  EXPECT_EQ(s.token(codeBody(code)).status, 200);
}

TEST(Tenants, ACodeWorksOnlyAtItsOwnTenant) {
  GenericSim s({testing::providerProfile("zendesk")});
  web::Response a = s.authorize({{"scope", "read"}}, "zendesk");
  ASSERT_EQ(a.status, 302) << a.body;
  std::string code = *testing::locationParam(a, "code");
  std::string body = codeBody(code);
  HeaderList form{{"Content-Type", "application/x-www-form-urlencoded"}};
  web::Response other = s.call(testing::makeRequest(
      "POST", "/zendesk/other.zendesk.com/oauth/tokens", form,
      body + "&client_id=c1&client_secret=s1&scope=read"));
  EXPECT_EQ(errorOf(other), "invalid_grant") << other.body;
  EXPECT_NE(other.body.find("another subdomain"), std::string::npos) << other.body;
  web::Response bad_host = s.call(testing::makeRequest("POST", "/zendesk/-x.zendesk.com/oauth/tokens", form, body));
  EXPECT_EQ(bad_host.status, 404);
}

TEST(Tenants, ATokenUrlParamBoundToTheUserMustBeTheirs) {
  // Sentry: the installation in the token URL is the one the callback reported.
  Profile p = patchedGeneric("inst", [](Json& d) {
    d["connection_params"] = {{{"name", "inst"}, {"pattern", "[a-z0-9]{1,8}"}, {"example", "i1001"}}};
    d["endpoints"]["token"] = "https://inst.example/installations/{inst}/token";
    for (auto& u : d["users"]) u["inst"] = "i" + u["id"].get<std::string>();
    d["authorize"]["callback_extras"] = {{"installationId", "{user.inst}"}};
    d["token"]["url_params_from_user"] = {{"inst", "inst"}};
  });
  GenericSim s({p});
  web::Response a = s.authorize({}, "inst");
  ASSERT_EQ(a.status, 302) << a.body;
  const std::string installation = *testing::locationParam(a, "installationId");
  const std::string code = *testing::locationParam(a, "code");
  HeaderList form{{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Authorization", basicAuth(GenericSim::kClient, GenericSim::kSecret)}};
  web::Response other = s.call(testing::makeRequest(
      "POST", "/inst/inst.example/installations/i9/token", form, codeBody(code)));
  EXPECT_EQ(errorOf(other), "invalid_grant") << other.body;
  web::Response right = s.call(testing::makeRequest(
      "POST", "/inst/inst.example/installations/" + installation + "/token", form, codeBody(code)));
  EXPECT_EQ(right.status, 200) << right.body;
  // The loader checks the binding names a token-URL param and a field every user has.
  Json doc = testing::genericProfileJson();
  doc["token"]["url_params_from_user"] = {{"nope", "id"}};
  EXPECT_FALSE(parseProfile(doc, "generic.json"));
}

TEST(Exchange, FacebookStyleRenewalExchangesTheAccessToken) {
  GenericSim s({testing::providerProfile("facebook")});
  web::Response a = s.authorize({{"scope", ""}}, "facebook");
  ASSERT_EQ(a.status, 302) << a.body;
  std::string code = *testing::locationParam(a, "code");
  std::string base = "/facebook/graph.facebook.com/v22.0/oauth/access_token?client_id=c1&client_secret=s1";
  web::Response t = s.call(testing::makeRequest(
      "GET", base + "&grant_type=authorization_code&code=" + code + kRedirectParam));
  ASSERT_EQ(t.status, 200) << t.body;
  std::string at = parseJson(t.body).value()["access_token"];
  web::Response x = s.call(testing::makeRequest(
      "GET", base + "&grant_type=fb_exchange_token&fb_exchange_token=" + at));
  ASSERT_EQ(x.status, 200) << x.body;
  std::string at2 = parseJson(x.body).value()["access_token"];
  EXPECT_NE(at2, at);
  EXPECT_EQ(s.call(testing::makeRequest("GET", "/facebook/api/me?access_token=" + at2)).status, 200);
  web::Response bogus = s.call(testing::makeRequest(
      "GET", base + "&grant_type=fb_exchange_token&fb_exchange_token=nope"));
  EXPECT_EQ(bogus.status, 400);
}

TEST(Stores, ExpiredGrantsArePrunedBySimulatorTimeAsFlowsGoOn) {
  GenericSim s;
  Json kept = s.exchange(s.code({{"scope", "read"}}));  // refresh token without a lifetime
  std::string reused = s.code();
  s.exchange(reused);
  s.clock.advance(std::chrono::hours(2));  // moved by the control clock; codes, ATs expired
  size_t before = s.sim->grants().sizes().codes;
  for (size_t i = 0; i < GrantStore::kDefaultPruneEvery; ++i) s.code();
  GrantStore::Sizes after = s.sim->grants().sizes();
  EXPECT_LT(after.codes, before + GrantStore::kDefaultPruneEvery);
  EXPECT_EQ(after.access_tokens, 0u);  // both expired after 3600 s
  web::Response again = s.token(codeBody(reused));
  EXPECT_EQ(errorOf(again), "invalid_grant");
  EXPECT_NE(again.body.find("unknown authorization code"), std::string::npos) << again.body;
  // What is still valid survives: the refresh token works.
  web::Response r = s.token("grant_type=refresh_token&refresh_token=" +
                            kept["refresh_token"].get<std::string>());
  EXPECT_EQ(r.status, 200) << r.body;
}

// Slack's token.companion: the code exchange issues the user token (authed_user) and the bot
// token (top level) of one grant, each with its refresh token; api/me (auth.test) takes both.
TEST(Companion, SlackIssuesABotTokenBesideTheUserToken) {
  GenericSim s({testing::providerProfile("slack")});
  std::string code = s.code({{"scope", "chat:write"}}, "slack");
  web::Response t = s.token(codeBody(code), std::nullopt, "slack");
  ASSERT_EQ(t.status, 200) << t.body;
  Json body = parseJson(t.body).value();
  ASSERT_EQ(body["ok"], true) << t.body;
  std::string bot = body["access_token"], user = body["authed_user"]["access_token"];
  EXPECT_TRUE(bot.starts_with("xoxe.xoxb-")) << bot;
  EXPECT_TRUE(user.starts_with("xoxe.xoxp-")) << user;
  EXPECT_EQ(body["token_type"], "bot");
  EXPECT_EQ(body["authed_user"]["token_type"], "user");
  EXPECT_EQ(body["expires_in"], 43200);
  std::string bot_refresh = body["refresh_token"], user_refresh = body["authed_user"]["refresh_token"];
  EXPECT_NE(bot_refresh, user_refresh);
  auto me = [&](const std::string& at) { return parseJson(s.apiMe(at, "slack").body).value(); };
  EXPECT_EQ(me(bot)["ok"], true);
  EXPECT_EQ(me(user)["ok"], true);
  EXPECT_EQ(me("xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy")["ok"], false);
  // Refreshing the bot token renews a bot token; the user token is untouched.
  web::Response r = s.token("grant_type=refresh_token&refresh_token=" + bot_refresh, std::nullopt,
                            "slack");
  ASSERT_EQ(r.status, 200) << r.body;
  Json renewed = parseJson(r.body).value();
  ASSERT_EQ(renewed["ok"], true) << r.body;
  EXPECT_EQ(renewed["token_type"], "bot");
  EXPECT_TRUE(renewed["access_token"].get<std::string>().starts_with("xoxe.xoxb-"));
  EXPECT_EQ(me(renewed["access_token"])["ok"], true);
  EXPECT_EQ(me(user)["ok"], true);
  Json user_renewed = parseJson(s.token("grant_type=refresh_token&refresh_token=" + user_refresh,
                                        std::nullopt, "slack").body).value();
  EXPECT_EQ(user_renewed["token_type"], "user");
  EXPECT_TRUE(user_renewed["access_token"].get<std::string>().starts_with("xoxe.xoxp-"));
  // A reused code revokes the whole lineage, the bot's tokens too (RFC 6749 §4.1.2).
  s.token(codeBody(code), std::nullopt, "slack");
  EXPECT_EQ(me(renewed["access_token"])["ok"], false);
}

TEST(Companion, LoaderChecksTheCompanionBlock) {
  std::ifstream in(testing::fixturesDir() / "providers" / "slack.json");
  std::stringstream text;
  text << in.rdbuf();
  auto slack = [&](auto edit) {
    Json doc = parseJson(text.str()).value();
    edit(doc);
    return parseProfile(doc, "slack.json");
  };
  EXPECT_TRUE(slack([](Json&) {}));
  EXPECT_FALSE(slack([](Json& d) { d["token"]["companion"]["evidence"] = ""; }));
  EXPECT_FALSE(slack([](Json& d) { d["token"]["companion"]["colour"] = "x"; }));
  EXPECT_FALSE(slack([](Json& d) {  // declared, but the answer does not carry it
    d["token"]["response"]["body"]["access_token"] = "xoxb-fixed";
  }));
  EXPECT_FALSE(slack([](Json& d) {  // {companion.*} without a companion
    d["token"].erase("companion");
  }));
}

TEST(ApiMe, TokenStyles) {
  GenericSim s({testing::providerProfile("amazon")});
  std::string at = s.exchange(s.code())["access_token"];
  auto me = [&](HeaderList h, std::string query = "") {
    return s.call(testing::makeRequest("GET", "/generic/api/me" + query, std::move(h)));
  };
  EXPECT_EQ(me({{"Authorization", "bearer " + at}}).status, 200);  // scheme case-insensitive
  EXPECT_EQ(me({{"Authorization", "BEARER " + at}}).status, 200);
  web::Response missing = me({});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.header("www-authenticate"), "Bearer error=\"invalid_token\"");  // RFC 6750 §3
  EXPECT_EQ(me({}, "?access_token=" + at).status, 401);
  EXPECT_EQ(me({{"Authorization", "Basic " + at}}).status, 401);
  EXPECT_EQ(s.call(testing::makeRequest("POST", "/generic/api/me", {{"Authorization", "Bearer " + at}})).status, 405);
  Json me_body = parseJson(me({{"Authorization", "Bearer " + at}}).body).value();
  EXPECT_EQ(me_body["login"], "alice");
  EXPECT_EQ(me_body["email"], "alice@generic.example");
  // A token of one provider is unknown to another.
  EXPECT_NE(s.call(testing::makeRequest("GET", "/amazon/api/me", {{"x-amz-access-token", at}})).status, 200);
}

}  // namespace
}  // namespace linkgate::sim
