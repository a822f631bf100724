// The dialect engine: request building per client_auth/encoding/method and every answer shape.
#include "gateway/dialect_engine.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;

const TimePoint kNow{std::chrono::seconds(1'700'000'000)};

Dialect dialect(const Json& overrides) {
  Json doc = {{"slug", "x"},
              {"display_name", "X"},
              {"sources", {"t"}},
              {"endpoints",
               {{"authorize", "https://x.test/auth?fixed=1"}, {"token", "https://x.test/token"}}},
              {"authorize", Json::object()},
              {"token", {{"response", Json::object()}}},
              {"refresh", Json::object()},
              {"api", Json::object()}};
  if (overrides.is_object()) doc.merge_patch(overrides);
  auto d = parseDialect(doc, "x");
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return *d;
}

TokenExchangeInput exchange() {
  TokenExchangeInput in;
  in.client_id = "cid";
  in.client_secret = "s3cr&t";
  in.code = "the code";
  in.redirect_uri = "https://gw/link/oauth2/callback/x";
  return in;
}

HttpResponse formResponse(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = body;
  return r;
}

TEST(AuthorizationUrl, RenamedParamsSeparatorExtrasAndExistingQuery) {
  Dialect d = dialect({{"authorize",
                        {{"client_id_param", "client_key"},
                         {"scope_separator", "comma"},
                         {"pkce", "required"},
                         {"extra_params", {{"access_type", "offline"}}}}}});
  AuthorizationInput in{"cid", "https://gw/cb", "st", {"a", "b c"}, "CH", {}};
  auto url = authorizationUrl(d, ProviderUrls(), in);
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "https://x.test/auth?fixed=1&client_key=cid&response_type=code&redirect_uri="
                  "https%3A%2F%2Fgw%2Fcb&scope=a%2Cb%20c&state=st&code_challenge=CH&"
                  "code_challenge_method=S256&access_type=offline");
}

TEST(AuthorizationUrl, NoneSeparatorOmitsScopeAndEmptyResponseTypeIsOmitted) {
  Dialect d = dialect({{"authorize",
                        {{"scope_separator", "none"},
                         {"response_type", ""},
                         {"redirect_uri", "optional"}}}});
  AuthorizationInput in{"cid", "https://gw/cb", "st", {"a"}, "CH", {}};
  auto url = authorizationUrl(d, ProviderUrls(), in);
  EXPECT_EQ(*url, "https://x.test/auth?fixed=1&client_id=cid&state=st");  // pkce none: no CH
}

TEST(ProviderUrls, MapsOntoBaseUrlAndFillsTemplates) {
  Dialect d = dialect({{"connection_params",
                        {{{"name", "sub"}, {"pattern", "[a-z]+"}, {"example", "acme"}}}},
                       {"endpoints", {{"token", "https://{sub}.x.test/oauth/token"}}}});
  ProviderUrls urls("http://127.0.0.1:9100/");
  EXPECT_EQ(*urls.resolve(d, d.token_url, {{"sub", "acme"}}),
            "http://127.0.0.1:9100/x/acme.x.test/oauth/token");
  EXPECT_FALSE(urls.resolve(d, d.token_url, {{"sub", "evil.com/"}}));
  EXPECT_FALSE(urls.resolve(d, d.token_url, {}));
  EXPECT_EQ(*ProviderUrls().resolve(d, d.token_url, {{"sub", "acme"}}),
            "https://acme.x.test/oauth/token");
  EXPECT_EQ(*urls.apiMe("x"), "http://127.0.0.1:9100/x/api/me");
}

TEST(TokenRequest, PostFormIsTheDefault) {
  auto req = tokenExchangeRequest(dialect({}), ProviderUrls(), exchange());
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://x.test/token");
  EXPECT_EQ(findHeader(req->headers, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(findHeader(req->headers, "accept"), "application/json");
  EXPECT_EQ(req->body, "grant_type=authorization_code&code=the+code&redirect_uri=https%3A%2F%2F"
                       "gw%2Flink%2Foauth2%2Fcallback%2Fx&client_id=cid&client_secret=s3cr%26t");
}

TEST(TokenRequest, BasicAuthIsFormEncodedBeforeBase64) {
  auto req = tokenExchangeRequest(dialect({{"token", {{"client_auth", {"client_secret_basic"}}}}}),
                                  ProviderUrls(), exchange());
  EXPECT_EQ(findHeader(req->headers, "authorization"), "Basic " + base64Encode("cid:s3cr%26t"));
  EXPECT_EQ(req->body.find("client_secret"), std::string::npos);
}

TEST(TokenRequest, JsonBodyWithExtrasAndVerifier) {
  auto in = exchange();
  in.code_verifier = "v";
  auto req = tokenExchangeRequest(
      dialect({{"token", {{"encoding", {"json"}}, {"extra_params", {{"x", "1"}}}}}}),
      ProviderUrls(), in);
  EXPECT_EQ(findHeader(req->headers, "content-type"), "application/json");
  Json body = Json::parse(req->body);
  EXPECT_EQ(body["code"], "the code");
  EXPECT_EQ(body["code_verifier"], "v");
  EXPECT_EQ(body["client_secret"], "s3cr&t");
  EXPECT_EQ(body["x"], "1");
}

TEST(TokenRequest, QueryEncodingAndQueryAuthAndGet) {
  auto req = tokenExchangeRequest(
      dialect({{"token",
                {{"methods", {"GET"}}, {"encoding", {"query"}},
                 {"client_auth", {"client_secret_query"}}, {"redirect_uri", "ignored"}}}}),
      ProviderUrls(), exchange());
  EXPECT_EQ(req->method, "GET");
  EXPECT_TRUE(req->body.empty());
  EXPECT_EQ(req->url, "https://x.test/token?client_id=cid&client_secret=s3cr%26t&grant_type="
                      "authorization_code&code=the%20code");
}

TEST(RefreshRequest, SeparateUrlTokenParamGrantTypeAndScope) {
  Dialect d = dialect({{"endpoints", {{"refresh", "https://x.test/refresh"}}},
                       {"refresh",
                        {{"grant_type", "fb_exchange_token"},
                         {"token_param", "fb_exchange_token"},
                         {"send_scope", true}}}});
  RefreshInput in{"cid", "sec", "RT", "https://gw/cb", {"a", "b"}, {}};
  auto req = refreshRequest(d, ProviderUrls(), in);
  EXPECT_EQ(req->url, "https://x.test/refresh");
  EXPECT_EQ(req->body, "grant_type=fb_exchange_token&fb_exchange_token=RT&scope=a+b&client_id="
                       "cid&client_secret=sec");
}

TEST(ParseTokenResponse, PlainJson) {
  auto t = parseTokenResponse(dialect({}),
                              jsonResponse(200, {{"access_token", "AT"},
                                                 {"refresh_token", "RT"},
                                                 {"expires_in", 3600},
                                                 {"token_type", "bearer"},
                                                 {"scope", "a b"}}),
                              kNow, {"req"});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_token, "AT");
  EXPECT_EQ(t->refresh_token, "RT");
  EXPECT_EQ(t->token_type, "bearer");
  EXPECT_EQ(t->expires_at, 1'700'003'600);
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseTokenResponse, FormEncodedWithCommaScopes) {
  Dialect d = dialect({{"token", {{"response", {{"format", "form"}}}}},
                       {"authorize", {{"scope_separator", "comma"}}}});
  auto t = parseTokenResponse(d, formResponse(200, "access_token=gho_1&scope=repo%2Cuser&token_type=bearer"),
                              kNow, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_token, "gho_1");
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"repo", "user"}));
  EXPECT_FALSE(t->expires_at);
  // A form answer labelled text/plain is still read.
  HttpResponse plain = formResponse(200, "access_token=gho_2");
  plain.headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(parseTokenResponse(dialect({}), plain, kNow, {})->access_token, "gho_2");
}

TEST(ParseTokenResponse, AnswerScopeSeparatorCanDifferFromTheRequests) {
  // GitHub: asked space separated, answers comma-joined.
  Dialect d = dialect({{"token", {{"response", {{"format", "form"}, {"scope_separator", "comma"}}}}},
                       {"authorize", {{"scope_separator", "space"}}}});
  auto t = parseTokenResponse(d, formResponse(200, "access_token=gho_1&scope=repo%2Cgist"), kNow, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"repo", "gist"}));
  Json doc = {{"slug", "x"}, {"display_name", "X"}, {"sources", {"t"}},
              {"endpoints", {{"authorize", "https://x.test/auth"}, {"token", "https://x.test/token"}}},
              {"authorize", Json::object()},
              {"token", {{"response", {{"scope_separator", "none"}}}}}, {"refresh", Json::object()},
              {"api", Json::object()}};
  auto bad = parseDialect(doc, "x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("token.response.scope_separator"), std::string::npos)
      << bad.error().message;
}

TEST(ParseTokenResponse, RefreshAnswersUseRefreshResponseWhereGiven) {
  Dialect d = dialect({{"token",
                        {{"response",
                          {{"access_token", "authed_user.access_token"},
                           {"refresh_token", "authed_user.refresh_token"},
                           {"ok", "ok"}}}}},
                       {"refresh", {{"response", {{"ok", "ok"}}}}}});
  const Json flat = {{"ok", true}, {"access_token", "xoxe.xoxp-2"}, {"refresh_token", "xoxe-2"},
                     {"expires_in", 43200}};
  auto refreshed = parseRefreshResponse(d, jsonResponse(200, flat), kNow, {});
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(refreshed->access_token, "xoxe.xoxp-2");
  EXPECT_EQ(refreshed->refresh_token, "xoxe-2");
  EXPECT_TRUE(refreshed->expires_at);
  EXPECT_FALSE(parseTokenResponse(d, jsonResponse(200, flat), kNow, {}))
      << "the code exchange is still read under authed_user";
  auto failed = parseRefreshResponse(
      d, jsonResponse(200, {{"ok", false}, {"error", "invalid_refresh_token"}}), kNow, {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(providerErrorCode(d.refreshResponse(),
                              jsonResponse(200, {{"ok", false}, {"error", "invalid_refresh_token"}})),
            "invalid_refresh_token");
  // Without refresh_response a refresh answer is read like the exchange.
  Dialect plain = dialect({});
  EXPECT_EQ(&plain.refreshResponse(), &plain.token_response);
}

TEST(ParseTokenResponse, NestedPathsOkFalseAndExtraFields) {
  Dialect d = dialect({{"token",
                        {{"response",
                          {{"access_token", "authed_user.access_token"},
                           {"scope", "authed_user.scope"},
                           {"ok", "ok"},
                           {"extra_fields", {{"team_id", "team.id"}, {"raw_team", "team"}}}}}}}});
  auto t = parseTokenResponse(
      d,
      jsonResponse(200, {{"ok", true},
                         {"authed_user", {{"access_token", "xoxp"}, {"scope", "a"}}},
                         {"team", {{"id", "T1"}, {"name", "n"}}}}),
      kNow, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_token, "xoxp");
  EXPECT_EQ(t->extra_fields["team_id"], "T1");
  EXPECT_EQ(t->extra_fields["raw_team"]["name"], "n");
  auto failed = parseTokenResponse(d, jsonResponse(200, {{"ok", false}, {"error", "invalid_code"}}),
                                   kNow, {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().id, "provider_error");
  EXPECT_NE(failed.error().message.find("invalid_code"), std::string::npos);
  EXPECT_FALSE(parseTokenResponse(d, jsonResponse(200, {{"ok", false}}), kNow, {}));
}

TEST(ParseTokenResponse, ErrorsWithHttp200AndProviderShapes) {
  auto t = parseTokenResponse(dialect({}),
                              jsonResponse(200, {{"error", "bad_verification_code"},
                                                 {"error_description", "The code is wrong"}}),
                              kNow, {});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("bad_verification_code"), std::string::npos);
  Dialect hubspot = dialect(
      {{"token", {{"response", {{"error", "status"}, {"error_description", "message"}}}}}});
  auto h = parseTokenResponse(hubspot, jsonResponse(400, {{"status", "BAD_AUTH_CODE"}, {"message", "m"}}),
                              kNow, {});
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("BAD_AUTH_CODE"), std::string::npos);
  EXPECT_EQ(providerErrorCode(hubspot.token_response, jsonResponse(400, {{"status", "BAD_AUTH_CODE"}})),
            "BAD_AUTH_CODE");
  auto status = parseTokenResponse(dialect({}), jsonResponse(503, {{"access_token", "x"}}), kNow, {});
  ASSERT_FALSE(status);
  auto garbage = parseTokenResponse(dialect({}), jsonResponse(200, "nope"), kNow, {});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().id, "bad_provider_response");
  HttpResponse empty;
  empty.status = 200;
  EXPECT_FALSE(parseTokenResponse(dialect({}), empty, kNow, {}));
}

TEST(ParseTokenResponse, SuccessStatusOtherThan200) {
  Dialect sentry = dialect({{"token", {{"response", {{"success_status", {201}}}}}}});
  EXPECT_TRUE(parseTokenResponse(sentry, jsonResponse(201, {{"access_token", "a"}}), kNow, {}));
  EXPECT_FALSE(parseTokenResponse(sentry, jsonResponse(200, {{"access_token", "a"}}), kNow, {}));
}

TEST(ParseTokenResponse, ExpiryShapes) {
  Dialect d = dialect({{"token", {{"response", {{"expires_at", "expiresAt"}}}}}});
  auto at = [&](const Json& body) {
    auto t = parseTokenResponse(d, jsonResponse(200, body), kNow, {});
    EXPECT_TRUE(t);
    return t ? t->expires_at : std::nullopt;
  };
  EXPECT_EQ(at({{"access_token", "a"}, {"expires_in", "3600"}}), 1'700'003'600);
  EXPECT_EQ(at({{"access_token", "a"}, {"expires_in", 0}}), std::nullopt);  // 0 = never
  EXPECT_EQ(at({{"access_token", "a"}}), std::nullopt);
  EXPECT_EQ(at({{"access_token", "a"}, {"expiresAt", 1'700'000'100}}), 1'700'000'100);
  EXPECT_EQ(at({{"access_token", "a"}, {"expiresAt", 1'700'000'100'000}}), 1'700'000'100);
  EXPECT_EQ(at({{"access_token", "a"}, {"expiresAt", "2023-11-14T22:15:00Z"}}), 1'700'000'100);
  EXPECT_EQ(at({{"access_token", "a"}, {"expires_in", 3600.5}}), 1'700'003'600);
}

TEST(ParseTokenResponse, ScopeArrayAndMissingScopeMeansRequested) {
  auto t = parseTokenResponse(dialect({}),
                              jsonResponse(200, {{"access_token", "a"}, {"scope", {"x", "y"}}}),
                              kNow, {"req"});
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"x", "y"}));
  auto u = parseTokenResponse(dialect({}), jsonResponse(200, {{"access_token", "a"}}), kNow, {"req"});
  EXPECT_EQ(u->scopes, (std::vector<std::string>{"req"}));
}

TEST(Discovery, RequestsPresentTheTokenAsDeclaredAndFieldsFollowPaths) {
  Dialect d = dialect({{"api", {{"resources",
                        {{{"url", "https://api.x.test/connections"},
                          {"extra_fields", {{"tenant_id", "0.tenantId"}}}},
                         {{"url", "https://login.x.test/metadata"},
                          {"token_in", "header"},
                          {"name", "Authorization"},
                          {"prefix", "OAuth "},
                          {"extra_fields", {{"dc", "dc"}}}},
                         {{"url", "https://api.x.test/access-tokens/{access_token}"},
                          {"token_in", "path"},
                          {"extra_fields", {{"hub_id", "hub_id"}}}}}}}}});
  ASSERT_EQ(d.discovery.size(), 3u);
  ProviderUrls urls(std::string("http://127.0.0.1:9"));
  auto bearer = discoveryRequest(d, urls, d.discovery[0], "tok en/1", {});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->method, "GET");
  EXPECT_EQ(bearer->url, "http://127.0.0.1:9/x/api.x.test/connections");
  EXPECT_NE(std::find(bearer->headers.begin(), bearer->headers.end(),
                      std::pair<std::string, std::string>{"Authorization", "Bearer tok en/1"}),
            bearer->headers.end());
  auto header = discoveryRequest(d, ProviderUrls(), d.discovery[1], "T", {});
  EXPECT_NE(std::find(header->headers.begin(), header->headers.end(),
                      std::pair<std::string, std::string>{"Authorization", "OAuth T"}),
            header->headers.end());
  auto path = discoveryRequest(d, ProviderUrls(), d.discovery[2], "tok en/1", {});
  EXPECT_EQ(path->url, "https://api.x.test/access-tokens/tok%20en%2F1");
  for (const auto& [name, value] : path->headers) EXPECT_NE(name, "Authorization");

  auto fields = discoveryFields(
      d.discovery[0], jsonResponse(200, Json::array({{{"tenantId", "t-1"}}, {{"tenantId", "t-2"}}})));
  ASSERT_TRUE(fields) << fields.error().message;
  EXPECT_EQ((*fields)["tenant_id"], "t-1");
  EXPECT_EQ((*discoveryFields(d.discovery[2], jsonResponse(200, {{"hub_id", 62515}})))["hub_id"],
            62515);
  // No tenant connected, an error status, a non-JSON answer: each is a failure naming why.
  auto empty = discoveryFields(d.discovery[0], jsonResponse(200, Json::array()));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("0.tenantId"), std::string::npos);
  EXPECT_FALSE(discoveryFields(d.discovery[0], jsonResponse(401, {{"tenantId", "x"}})));
  HttpResponse garbage = jsonResponse(200, {});
  garbage.body = "<html>";
  EXPECT_FALSE(discoveryFields(d.discovery[1], garbage));
}

TEST(Discovery, CatalogueRules) {
  auto parsed = [](const Json& call) {
    Json doc = {{"slug", "x"}, {"display_name", "X"}, {"sources", {"t"}},
                {"endpoints", {{"authorize", "https://x.test/auth"}, {"token", "https://x.test/token"}}},
                {"authorize", Json::object()}, {"token", {{"response", Json::object()}}},
                {"refresh", Json::object()}, {"api", {{"resources", Json::array({call})}}}};
    return parseDialect(doc, "x");
  };
  const Json ok = {{"url", "https://x.test/me"}, {"extra_fields", {{"id", "id"}}}};
  EXPECT_TRUE(parsed(ok));
  auto with = [&](const char* key, const Json& value) {
    Json c = ok;
    c[key] = value;
    return parsed(c);
  };
  EXPECT_FALSE(with("url", "http://x.test/me"));                          // not https
  EXPECT_FALSE(with("url", "https://x.test/t/{access_token}"));           // path token, bearer
  EXPECT_FALSE(with("token_in", "path"));                                 // path without segment
  EXPECT_FALSE(with("token_in", "header"));                               // header without name
  EXPECT_FALSE(with("name", "Authorization"));                            // name without header
  EXPECT_FALSE(with("extra_fields", Json::object()));                     // nothing to keep
  EXPECT_FALSE(with("extra_fields", {{"access_token", "x"}}));            // reserved
  EXPECT_FALSE(with("extra_fields", {{"id", "a..b"}}));                   // bad path
  EXPECT_FALSE(with("surprise", 1));                                      // unknown field
  EXPECT_FALSE(with("url", "https://{tenant}.x.test/me"));                // undeclared param
}

TEST(CallbackExtraFields, KeepsDeclaredQueryParams) {
  Dialect d = dialect({{"authorize", {{"callback_extras", {"realmId"}}}}});
  Json extra = callbackExtraFields(d, Params{{"code", "c"}, {"realmId", "R1"}, {"other", "o"}});
  EXPECT_EQ(extra, (Json{{"realmId", "R1"}}));
}

}  // namespace
}  // namespace linkgate::gateway
