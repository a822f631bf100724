// Data-driven over every profile in fixtures/providers: a complete flow over a real socket in
// the profile's own dialect, and for each dimension the wrong way rejected (issue 3).
#include <algorithm>
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "core/http_client.h"
#include "core/params.h"
#include "core/url.h"
#include "simulator/flow_client.h"
#include "simulator/template.h"
#include "simulator/test_support.h"
#include "web/server.h"

namespace linkgate::sim::testing {
namespace {

std::vector<std::string> profileSlugs() {
  std::vector<std::string> slugs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(fixturesDir() / "providers", ec)) {
    if (e.path().extension() == ".json") slugs.push_back(e.path().stem().string());
  }
  std::sort(slugs.begin(), slugs.end());
  return slugs;
}

class ProviderFlow : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<TestSimulator>(providerProfiles());
    const Provider* provider = sim_->sim->router().find(GetParam());
    ASSERT_NE(provider, nullptr) << GetParam();
    p_ = &provider->profile;
    web::ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<web::Server>(options, sim_->sim->handler());
    auto port = server_->start();
    ASSERT_TRUE(port) << port.error().message;
    client_ = std::make_unique<FlowClient>(*p_, server_->baseUrl(), http_);
    sim_->addClient(p_->slug, client_->clientId(), client_->secret(),
                    {client_->redirectUri(), kOtherUri});
    // These flows prove the documented form and its wrong ways, so the profile's tolerances
    // (what real clients also get away with; tolerance_test.cc, tests/clients) are off.
    auto r = http_.send(HttpRequest{"POST", server_->baseUrl() + "/_sim/providers/" + p_->slug +
                                                "/behaviour",
                                    {{"Content-Type", "application/json"}},
                                    dumpJson(Json{{"strict_docs", true}})});
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : r.error().message);
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  void advanceClock(int64_t seconds) {
    auto r = http_.send(HttpRequest{"POST", server_->baseUrl() + "/_sim/clock",
                                    {{"Content-Type", "application/json"}},
                                    dumpJson(Json{{"advance_seconds", seconds}})});
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : r.error().message);
  }

  // The resource endpoint refused the token in the profile's api.error shape.
  void expectApiRejected(const HttpResponse& r) {
    EXPECT_EQ(r.status, p_->api.error_status) << r.body;
    if (!usesPlaceholder(p_->api.error_body, "error_description")) {
      auto body = parseJson(r.body);
      ASSERT_TRUE(body) << r.body;
      EXPECT_EQ(*body, renderTemplate(p_->api.error_body, {{"error", "invalid_token"}})) << r.body;
    }
  }

  // Every api.resources call answers for `token`, and its key names a non-empty value.
  void expectResourceKeys(const std::string& token) {
    for (const auto& resource : p_->api.resources) {
      SCOPED_TRACE(resource.url);
      HttpResponse r = client_->resource(resource, token);
      ASSERT_EQ(r.status, 200) << r.body;
      auto body = parseJson(r.body);
      ASSERT_TRUE(body) << r.body;
      const Json* kept = atKeyPath(*body, resource.key);
      ASSERT_NE(kept, nullptr) << resource.key << " not in " << r.body;
      EXPECT_TRUE(kept->is_number() ||
                  (kept->is_string() && !kept->get_ref<const std::string&>().empty()))
          << resource.key << " in " << r.body;
    }
  }

  // Every api.resources call refuses `token` in the api.error shape.
  void expectResourcesRejected(const std::string& token,
                               std::optional<ResourceTokenIn> how = std::nullopt) {
    for (const auto& resource : p_->api.resources) {
      SCOPED_TRACE(resource.url);
      expectApiRejected(client_->resource(resource, token, how));
    }
  }

  std::string exchangeOk(const Authorized& a, const Send& send = {}) {
    HttpResponse r = client_->exchange(a, send);
    auto at = client_->accessToken(r);
    EXPECT_TRUE(at) << r.status << " " << r.body;
    return at.value_or("");
  }

  static constexpr const char* kOtherUri = "http://127.0.0.1:8999/other";
  CurlHttpClient http_;
  std::unique_ptr<TestSimulator> sim_;
  std::unique_ptr<web::Server> server_;
  std::unique_ptr<FlowClient> client_;
  const Profile* p_ = nullptr;
};

TEST_P(ProviderFlow, CompleteFlowInTheProfilesDialect) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  HttpResponse tok = client_->exchange(*a);
  auto at = client_->accessToken(tok);
  ASSERT_TRUE(at) << tok.status << " " << tok.body;
  EXPECT_TRUE(at->starts_with(p_->token.access_token_prefix)) << *at;
  HttpResponse me = client_->apiMe(*at);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(parseJson(me.body)) << me.body;
  if (usesPlaceholder(p_->api.me, "user.login")) {
    EXPECT_NE(me.body.find(p_->users.front().at("login")), std::string::npos) << me.body;
  }
  expectResourceKeys(*at);
  auto rt = client_->refreshToken(tok);
  ASSERT_EQ(rt.has_value(), client_->expectsRefreshToken()) << tok.body;
  if (rt) {
    // A wrong secret at the refresh endpoint is refused in that endpoint's style.
    HttpResponse bad = client_->refresh(*rt, Send{.secret = "wrong"}, a->scope_text);
    EXPECT_EQ(client_->rejectedAs(bad, "invalid_client", true), "");
    HttpResponse r1 = client_->refresh(*rt, {}, a->scope_text);
    auto at2 = client_->accessToken(r1, true);
    ASSERT_TRUE(at2) << r1.status << " " << r1.body;
    EXPECT_NE(*at2, *at);
    EXPECT_EQ(client_->apiMe(*at2).status, 200);
    expectResourceKeys(*at2);
    auto rt2 = client_->refreshToken(r1, true);
    switch (p_->refresh.rotation) {
      case Rotation::kNone: {
        HttpResponse again = client_->refresh(*rt, {}, a->scope_text);
        EXPECT_TRUE(client_->accessToken(again, true)) << "non-rotating token reusable: " << again.body;
        break;
      }
      case Rotation::kStrict: {
        ASSERT_TRUE(rt2) << r1.body;
        EXPECT_NE(*rt2, *rt);
        HttpResponse old = client_->refresh(*rt, {}, a->scope_text);
        EXPECT_EQ(client_->rejectedAs(old, "invalid_grant", true), "");
        EXPECT_TRUE(client_->accessToken(client_->refresh(*rt2, {}, a->scope_text), true));
        break;
      }
      case Rotation::kGrace: {
        ASSERT_TRUE(rt2) << r1.body;
        EXPECT_NE(*rt2, *rt);
        EXPECT_TRUE(client_->accessToken(client_->refresh(*rt, {}, a->scope_text), true))
            << "within the grace period";
        advanceClock(p_->refresh.grace_seconds);
        HttpResponse old = client_->refresh(*rt, {}, a->scope_text);
        EXPECT_EQ(client_->rejectedAs(old, "invalid_grant", true), "");
        break;
      }
    }
  } else if (client_->renewsByExchange()) {
    HttpResponse r1 = client_->refresh(*at, {}, a->scope_text);
    auto at2 = client_->accessToken(r1, true);
    ASSERT_TRUE(at2) << r1.status << " " << r1.body;
    EXPECT_NE(*at2, *at);
    EXPECT_EQ(client_->apiMe(*at2).status, 200);
  }
}

TEST_P(ProviderFlow, WrongClientAuthenticationIsRefused) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  const auto& accepted = p_->token.client_auth;
  auto has = [&](ClientAuth c) { return std::find(accepted.begin(), accepted.end(), c) != accepted.end(); };
  bool query_encoded = p_->token.encoding.front() == Encoding::kQuery;
  std::optional<ClientAuth> wrong;
  for (ClientAuth c : {ClientAuth::kBasic, ClientAuth::kPost, ClientAuth::kQuery}) {
    if (has(c)) continue;
    // With every parameter in the query, "post" and "query" put the secret in the same place.
    if (query_encoded && c != ClientAuth::kBasic &&
        (has(ClientAuth::kPost) || has(ClientAuth::kQuery))) {
      continue;
    }
    wrong = c;
    break;
  }
  ASSERT_TRUE(wrong) << "the profile accepts every client authentication";
  HttpResponse r = client_->exchange(*a, Send{.auth = wrong});
  EXPECT_EQ(client_->rejectedAs(r, "invalid_client"), "") << wireName(*wrong);
  HttpResponse both = client_->exchange(*a, Send{.both_auth = true});
  EXPECT_EQ(client_->rejectedAs(both, "invalid_client"), "") << "two methods at once";
  exchangeOk(*a);  // the refused attempts changed nothing
}

TEST_P(ProviderFlow, WrongSecretIsRefused) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  HttpResponse r = client_->exchange(*a, Send{.secret = client_->secret() + "x"});
  EXPECT_EQ(client_->rejectedAs(r, "invalid_client"), "");
  HttpResponse other = client_->exchange(*a, Send{.secret = "wrong"});
  EXPECT_EQ(client_->rejectedAs(other, "invalid_client"), "");
  exchangeOk(*a);
}

TEST_P(ProviderFlow, WrongBodyEncodingIsRefused) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  const auto& accepted = p_->token.encoding;
  bool post_allowed = std::find(p_->token.methods.begin(), p_->token.methods.end(), "POST") !=
                      p_->token.methods.end();
  std::optional<Encoding> wrong;
  for (Encoding e : {Encoding::kJson, Encoding::kForm, Encoding::kQuery}) {
    if (std::find(accepted.begin(), accepted.end(), e) != accepted.end()) continue;
    if (e != Encoding::kQuery && !post_allowed) continue;
    wrong = e;
    break;
  }
  ASSERT_TRUE(wrong) << "the profile accepts every encoding";
  Send send{.encoding = wrong};
  if (*wrong != Encoding::kQuery) send.method = "POST";
  // Credentials in the query would be refused as invalid_client before the encoding is seen.
  if (p_->token.client_auth.front() == ClientAuth::kQuery) send.auth = ClientAuth::kQuery;
  HttpResponse r = client_->exchange(*a, send);
  EXPECT_EQ(client_->rejectedAs(r, "invalid_request"), "") << wireName(*wrong);
  exchangeOk(*a);
}

TEST_P(ProviderFlow, ReusedCodeFailsAndRevokesWhatItIssued) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  HttpResponse first = client_->exchange(*a);
  auto at = client_->accessToken(first);
  ASSERT_TRUE(at) << first.body;
  auto rt = client_->refreshToken(first);
  EXPECT_EQ(client_->apiMe(*at).status, 200);
  HttpResponse second = client_->exchange(*a);
  EXPECT_EQ(client_->rejectedAs(second, "invalid_grant"), "");  // RFC 6749 §4.1.2
  expectApiRejected(client_->apiMe(*at));
  expectResourcesRejected(*at);  // revoked
  if (rt) {
    HttpResponse r = client_->refresh(*rt, {}, a->scope_text);
    EXPECT_EQ(client_->rejectedAs(r, "invalid_grant", true), "");
  }
}

// token.limit (GitHub: ten per user, app and scope set): one token more revokes the oldest;
// without a limit, eleven tokens of one user and scope set all stay valid.
TEST_P(ProviderFlow, OneTokenPastThePerUserScopeLimitRevokesTheOldest) {
  const int64_t limit = p_->token.limit.per_user_scope;
  const int64_t n = (limit > 0 ? limit : 10) + 1;
  std::vector<std::string> tokens;
  for (int64_t i = 0; i < n; ++i) {
    auto a = client_->authorize();
    ASSERT_TRUE(a);
    tokens.push_back(exchangeOk(*a));
    ASSERT_FALSE(tokens.back().empty());
  }
  if (limit > 0) {
    expectApiRejected(client_->apiMe(tokens.front()));
    expectResourcesRejected(tokens.front());
  } else {
    EXPECT_EQ(client_->apiMe(tokens.front()).status, 200);
  }
  for (size_t i = 1; i < tokens.size(); ++i) {
    EXPECT_EQ(client_->apiMe(tokens[i]).status, 200) << "token " << i;
  }
}

TEST_P(ProviderFlow, CodeExpiresAfterItsLifetime) {
  auto early = client_->authorize();
  auto late = client_->authorize();
  ASSERT_TRUE(early && late);
  advanceClock(p_->token.code_ttl_seconds - 1);
  exchangeOk(*early);
  advanceClock(1);
  HttpResponse r = client_->exchange(*late);
  EXPECT_EQ(client_->rejectedAs(r, "invalid_grant"), "");
}

TEST_P(ProviderFlow, RedirectUriMustEqualTheAuthorizationRequests) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  if (p_->token.redirect_uri_ignored) {
    // The provider never reads it: a different one and none at all both redeem the code.
    auto b = client_->authorize();
    ASSERT_TRUE(b);
    exchangeOk(*a, Send{.overrides = {{"redirect_uri", kOtherUri}}});
    exchangeOk(*b, Send{.overrides = {{"redirect_uri", std::nullopt}}});
    return;
  }
  HttpResponse other = client_->exchange(*a, Send{.overrides = {{"redirect_uri", kOtherUri}}});
  EXPECT_EQ(client_->rejectedAs(other, "invalid_grant"), "");
  HttpResponse missing = client_->exchange(*a, Send{.overrides = {{"redirect_uri", std::nullopt}}});
  EXPECT_EQ(client_->rejectedAs(missing, "invalid_request"), "");
  exchangeOk(*a);
}

TEST_P(ProviderFlow, PkcePerProfile) {
  std::string stranger = std::string(50, 'z');
  switch (p_->authorize.pkce) {
    case PkceMode::kRequired: {
      auto r = http_.send(HttpRequest{"GET", client_->authorizeUrl("s", "", false), {}, ""});
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 302) << r->body;
      auto loc = Url::parse(*r->header("location"));
      EXPECT_EQ(Params::parse(*loc->query)->get("error"), "invalid_request") << *r->header("location");
      [[fallthrough]];
    }
    case PkceMode::kSupported: {
      auto a = client_->authorize();
      ASSERT_TRUE(a);
      ASSERT_FALSE(a->verifier.empty());
      HttpResponse missing = client_->exchange(*a, Send{.overrides = {{"code_verifier", std::nullopt}}});
      EXPECT_EQ(client_->rejectedAs(missing, "invalid_grant"), "");
      HttpResponse wrong = client_->exchange(*a, Send{.overrides = {{"code_verifier", stranger}}});
      EXPECT_EQ(client_->rejectedAs(wrong, "invalid_grant"), "");
      exchangeOk(*a);
      break;
    }
    case PkceMode::kAcceptThenReject: {
      auto a = client_->authorize();  // the challenge is accepted...
      ASSERT_TRUE(a);
      HttpResponse r = client_->exchange(*a, Send{.overrides = {{"code_verifier", stranger}}});
      EXPECT_EQ(client_->rejectedAs(r, "invalid_grant"), "");  // ...the verifier is not
      exchangeOk(*a);
      break;
    }
    case PkceMode::kNotSupported: {
      auto a = client_->authorize();
      ASSERT_TRUE(a);
      exchangeOk(*a, Send{.overrides = {{"code_verifier", stranger}}});  // ignored
      break;
    }
  }
}

TEST_P(ProviderFlow, ApiRefusesTokensPresentedAnotherWayOrExpired) {
  auto a = client_->authorize();
  ASSERT_TRUE(a);
  std::string at = exchangeOk(*a);
  ASSERT_FALSE(at.empty());
  TokenIn other = p_->api.token_in == TokenIn::kBearer ? TokenIn::kQuery : TokenIn::kBearer;
  expectApiRejected(client_->apiMe(at, other));
  expectApiRejected(client_->apiMe(at + "x"));
  for (const auto& resource : p_->api.resources) {
    SCOPED_TRACE(resource.url);
    bool bearer = resource.token_in == ResourceTokenIn::kBearer;
    expectApiRejected(client_->resource(resource, at, bearer ? ResourceTokenIn::kHeader
                                                             : ResourceTokenIn::kBearer));
  }
  expectResourcesRejected(at + "x");
  int64_t ttl = p_->token.access_token_ttl_seconds;
  if (ttl > 0) {
    advanceClock(ttl - 1);
    EXPECT_EQ(client_->apiMe(at).status, 200);
    expectResourceKeys(at);
    advanceClock(1);
    expectApiRejected(client_->apiMe(at));
    expectResourcesRejected(at);
  } else {
    advanceClock(10 * 365 * 86400);
    EXPECT_EQ(client_->apiMe(at).status, 200) << "a token without lifetime never expires";
    expectResourceKeys(at);
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, ProviderFlow, ::testing::ValuesIn(profileSlugs()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace linkgate::sim::testing
