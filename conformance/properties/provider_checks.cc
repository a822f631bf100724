// Per-provider checks: a whole flow through each provider's dialect, refresh where the provider
// issues refresh tokens, consent denied, connection-param validation, RFC 9207 iss checking.
#include "conformance/properties/provider_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/model/redirect_model.h"
#include "conformance/properties/long_lived_checks.h"
#include "conformance/properties/support.h"
#include "core/params.h"

namespace linkgate::conformance {
namespace {

using Body = std::function<void(CheckContext&)>;

void add(const std::string& suite_name, const std::string& slug, CheckInfo info, Body body) {
  registerCheck(suite_name, slug, std::move(info), std::move(body));
}

const ProviderUnderTest& under(CheckContext& c) { return *c.world().provider(c.provider()); }

// The destination of the provider flows: a registered URI with ':provider' and a query.
std::string destination(World& w, const std::string& slug) {
  return model::substituteProvider(w.integratorTokenUri(), slug);
}

// start → consent → callback → §1.3 redirect → token → credential → api/me.
Credential fullFlow(CheckContext& c, const App& app, Flow& flow) {
  World& w = c.world();
  const std::string state = "st " + app.provider + " +/%";
  const std::string code = must(
      approvedCode(flow, app, w.integratorTokenUri(), destination(w, app.provider), state), "flow");
  const Credential cred = must(flow.exchange(app, code), "code exchange");
  EXPECT_EQ(cred.provider, app.provider);
  EXPECT_EQ(jsonString(cred.properties, "kind"), app.provider + "_oauth2");
  EXPECT_TRUE(jsonString(cred.properties, "token_type")) << "no token_type";
  return cred;
}

void expectApiMe(CheckContext& c, const std::string& token, const Flow& flow,
                 const std::string& what) {
  const HttpResponse me = must(c.world().sim().apiMe(under(c).sim, token), "api/me");
  c.trace().add("GET " + c.provider() + "/api/me (" + what + ") -> " + std::to_string(me.status) +
                " " + printable(me.body, 200));
  EXPECT_EQ(me.status, 200) << what << " is not a token the provider accepts: "
                            << printable(me.body, 300);
  EXPECT_EQ(identityProblem(me.body, flow.user(), flow.offeredUsers()), "") << what;
}

// SPEC §3: "scope" is space separated, as granted; the provider knows what it granted. Where
// its token answer does not say (Box, Wrike: app-configured scopes), a gateway cannot know.
bool answersCarryScope(CheckContext& c) {
  const Json* told = under(c).sim.dialectField({"token_answer_scope"});
  return told != nullptr && told->is_boolean() && told->get<bool>();
}

// The granted scopes, as the simulator recorded them for the token.
std::set<std::string> grantedScopes(CheckContext& c, const Credential& cred) {
  const Json granted = must(c.world().sim().introspect(cred.access_token), "introspect");
  EXPECT_EQ(granted.value("active", false), true) << "the simulator does not know the token";
  std::set<std::string> out;
  for (const auto& s : granted.value("scopes", Json::array())) out.insert(s.get<std::string>());
  return out;
}

void expectGrantedScopes(CheckContext& c, const Credential& cred) {
  if (!answersCarryScope(c)) {
    c.trace().add("scope not compared: the provider's token answer does not carry it");
    return;
  }
  const std::set<std::string> want = grantedScopes(c, cred);
  std::set<std::string> got;
  const std::string scope = jsonString(cred.properties, "scope").value_or("");
  std::istringstream words(scope);
  for (std::string w; words >> w;) got.insert(w);
  c.trace().add("credential scope \"" + scope + "\"; granted " +
                dumpJson(Json(std::vector<std::string>(want.begin(), want.end()))));
  EXPECT_EQ(got, want) << "the credential's scope is not the granted scopes, space separated";
}

void fullFlowCheck(CheckContext& c) {
  const App app = must(c.world().app(c.provider()), "app set-up");
  Flow flow(c.world(), &c.trace());
  const Credential cred = fullFlow(c, app, flow);
  expectApiMe(c, cred.access_token, flow, "access token");
  expectGrantedScopes(c, cred);
}

// Two of the provider's scopes asked for at /start (space separated, SPEC §1.1): the provider
// receives them in its own dialect and grants both, and the credential says so (SPEC §3).
void grantedScopesCheck(CheckContext& c) {
  const App app = must(c.world().app(c.provider()), "app set-up");
  const Json* scopes = under(c).sim.dialectField({"scopes"});
  ASSERT_TRUE(scopes != nullptr && scopes->is_array() && scopes->size() >= 2);
  const std::string a = (*scopes)[0].get<std::string>(), b = (*scopes)[1].get<std::string>();
  Flow flow(c.world(), &c.trace());
  World& w = c.world();
  const std::string code =
      must(approvedCode(flow, app, w.integratorTokenUri(), destination(w, app.provider), "s",
                        {{"scope", a + " " + b}}),
           "flow with scope=\"" + a + " " + b + "\"");
  const Credential cred = must(flow.exchange(app, code), "code exchange");
  EXPECT_EQ(grantedScopes(c, cred), (std::set<std::string>{a, b}))
      << "the provider did not grant exactly the two scopes asked for";
  expectGrantedScopes(c, cred);
}

std::optional<std::string> refreshedAccessToken(World& w, const std::string& credential_id,
                                                const HttpResponse& answer) {
  if (auto json = parseJsonObject(answer.body)) {
    for (const char* path : {"credential.properties.access_token", "properties.access_token",
                             "access_token"}) {
      if (auto token = jsonString(*json, path)) return token;
    }
  }
  auto cred = w.gateway().credential(credential_id, true);
  if (!cred || cred->status != 200) return std::nullopt;
  auto json = parseJsonObject(cred->body);
  if (!json) return std::nullopt;
  for (const char* path : {"credential.properties.access_token", "properties.access_token"}) {
    if (auto token = jsonString(*json, path)) return token;
  }
  return std::nullopt;
}

void refreshCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  Flow flow(w, &c.trace());
  const Credential cred = fullFlow(c, app, flow);
  if (!cred.refresh_token) {
    const Json* issued = under(c).sim.dialectField({"refresh_issued", "refresh.issued"});
    if (issued != nullptr && issued->is_string() && issued->get<std::string>() == "always") {
      FAIL() << "the simulator issues refresh tokens for " << c.provider()
             << " (refresh_issued=always) but the credential has none";
    }
    c.notRun("no refresh token issued (simulator refresh_issued=" +
             (issued ? dumpJson(*issued) : std::string("?")) + ")");
  }
  // Twice: where the provider rotates refresh tokens (and revokes the old one), the second
  // refresh only works if the gateway stored the rotated token (SPEC §3).
  for (const char* round : {"first", "second"}) {
    const int64_t mark = must(w.sim().mark(), "journal");
    const HttpResponse answer = must(w.gateway().refreshCredential(cred.id), "refresh");
    c.trace().add("POST /v1/credentials/" + cred.id + "/refresh -> " +
                  std::to_string(answer.status) + " " + printable(answer.body, 200));
    ASSERT_EQ(answer.status, 200) << round << " refresh: " << printable(answer.body, 300);
    const int refreshes = must(countRequests(w, c.provider(), "refresh", mark), "journal") +
                          must(countRequests(w, c.provider(), "token", mark), "journal");
    EXPECT_GE(refreshes, 1) << round << " refresh answered without calling the provider";
    const auto token = refreshedAccessToken(w, cred.id, answer);
    ASSERT_TRUE(token) << "no access token after the " << round << " refresh";
    expectApiMe(c, *token, flow, std::string(round) + " refreshed access token");
  }
}

void accessDeniedCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  Flow flow(w, &c.trace());
  const std::string state = "denied " + c.provider();
  const HttpResponse r = must(
      flow.run({app.provider, app.id, w.integratorTokenUri(), state}, Decision::kDeny), "flow");
  const std::string location = must(Flow::redirectTarget(r, "denied callback"), "deny");
  auto params = flow.finalParams(location, destination(w, app.provider),
                                 {"access_denied", state, w.publicUrl()});
  EXPECT_TRUE(params) << (params ? "" : params.error().message);
}

void connectionParamsCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  const ProviderUnderTest& p = under(c);
  for (const auto& [name, example] : p.connection_params) {
    for (const std::optional<std::string>& value :
         {std::optional<std::string>("evil.example/x?"), std::optional<std::string>()}) {
      StartParams params{app.provider, app.id, w.integratorUri(), "cp"};
      params.connection_params = false;
      for (const auto& [other, other_example] : p.connection_params) {
        if (other != name) params.extra.emplace_back(other, other_example);
      }
      if (value) params.extra.emplace_back(name, *value);
      const std::string what = name + (value ? "='" + *value + "'" : " missing");
      const int64_t mark = must(w.sim().mark(), "journal");
      Flow flow(w, &c.trace());
      const HttpResponse r = must(flow.start(params), "/start");
      const std::string location = must(Flow::redirectTarget(r, what), what);
      auto final_params =
          flow.finalParams(location, w.integratorUri(), {"invalid_request", "cp", w.publicUrl()});
      EXPECT_TRUE(final_params) << what << ": " << (final_params ? "" : final_params.error().message);
      EXPECT_EQ(providerUntouched(w, mark), "") << what;
    }
  }
}

void issCheckedCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  for (const std::string mode : {"wrong", "absent"}) {
    SimulatorGuard guard(w, app.provider);
    must(w.sim().setBehaviour(app.provider, Json{{"iss", mode}}), "behaviour iss=" + mode);
    Flow flow(w, &c.trace());
    must(flow.start({app.provider, app.id, w.integratorUri(), "iss"}), "/start");
    const std::string callback = must(flow.consent(Decision::kApprove), "consent");
    // The simulator really did send a wrong / no iss (else the verdict would blame the gateway).
    ASSERT_EQ(callback.find("iss=") != std::string::npos, mode == "wrong") << callback;
    const int64_t mark = must(w.sim().mark(), "journal");
    const HttpResponse response = must(flow.callback(callback), "callback with iss " + mode);
    if (std::string p = refusedWithoutRedirect(response); !p.empty()) {
      ADD_FAILURE() << "callback with iss " << mode << ": " << p;
    }
    EXPECT_EQ(must(countRequests(w, app.provider, "token", mark), "journal"), 0)
        << "callback with iss " << mode << " was redeemed at the provider";
  }
}

// A provider that signs its callback (Shopify's hmac): a callback whose signature was altered
// or removed did not come from the provider, so it redeems nothing and reaches no integrator
// with a code. The gateway may answer with its error page or an error redirect.
void callbackSignatureCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  const std::string param = under(c).sim.dialectField({"callback_hmac"})->get<std::string>();
  for (const std::string how : {"altered", "removed"}) {
    Flow flow(w, &c.trace());
    must(flow.start({app.provider, app.id, w.integratorUri(), "sig"}), "/start");
    const std::string callback = must(flow.consent(Decision::kApprove), "consent");
    const auto q = callback.find('?');
    ASSERT_NE(q, std::string::npos) << callback;
    Params query = must(Params::parse(callback.substr(q + 1)), "callback query");
    auto signature = query.get(param);
    ASSERT_TRUE(signature) << "the simulator sent no " << param << ": " << callback;
    query.remove(param);
    if (how == "altered") {
      std::string forged = *signature;
      forged.back() = forged.back() == '0' ? '1' : '0';
      query.add(param, forged);
    }
    const int64_t mark = must(w.sim().mark(), "journal");
    const HttpResponse response =
        must(flow.callback(callback.substr(0, q + 1) + query.toQuery()), "callback, " + how);
    c.trace().add("callback with " + param + " " + how + " -> " + std::to_string(response.status));
    if (auto location = response.header("Location")) {
      const auto lq = location->find('?');
      auto appended = Params::parse(lq == std::string::npos ? "" : location->substr(lq + 1));
      EXPECT_TRUE(appended && !appended->has("code"))
          << "a callback with its " << param << " " << how << " sent a code on: " << *location;
    } else {
      EXPECT_GE(response.status, 400) << "callback with " << param << " " << how;
    }
    EXPECT_EQ(must(countRequests(w, app.provider, "token", mark), "journal"), 0)
        << "a callback with its " << param << " " << how << " was redeemed at the provider";
  }
}

// SPEC §4 (extra fields to keep): where the token answer does not name the account, tenant or
// site, the provider has an endpoint that does (PROVIDERS.md D11); the credential must carry
// the value that endpoint reports for the linked account.
void discoveryCheck(CheckContext& c) {
  World& w = c.world();
  const App app = must(w.app(c.provider()), "app set-up");
  Flow flow(w, &c.trace());
  const Credential cred = fullFlow(c, app, flow);
  std::vector<std::string> reported_keys;  // what the provider's calls say, for C-9.6 below
  for (const Json& resource : *under(c).sim.dialectField({"resources"})) {
    const std::string key = resource.value("key", "");
    const HttpResponse answer = must(w.sim().resource(resource, cred.access_token), "resource");
    c.trace().add("GET " + resource.value("url", "") + " -> " + std::to_string(answer.status) +
                  " " + printable(answer.body, 200));
    ASSERT_EQ(answer.status, 200) << "the provider refused its own token at " << resource.dump();
    const Json body = must(parseJson(answer.body), "resource answer");
    const Json* reported = jsonAt(body, key);
    ASSERT_TRUE(reported != nullptr && !reported->is_null()) << key << " not in " << answer.body;
    const std::string want = reported->is_string() ? reported->get<std::string>() : reported->dump();
    reported_keys.push_back(want);
    bool carried = false;
    for (const auto& [name, value] : cred.properties.items()) {
      const std::string have = value.is_string() ? value.get<std::string>() : value.dump();
      carried = carried || have == want;
    }
    EXPECT_TRUE(carried) << "the credential does not carry " << key << " = \"" << want
                         << "\" that " << resource.value("url", "") << " reports";
  }
  // C-9.6: where the gateway says which of several accounts it holds, that is the one the
  // provider's rule picks (the simulator's key: Xero's tenant of this authorisation, DocuSign's
  // default account), not merely the first listed.
  if (const Json* chosen = jsonAt(cred.properties, "provider_account.id")) {
    const std::string id = chosen->is_string() ? chosen->get<std::string>() : chosen->dump();
    EXPECT_NE(std::find(reported_keys.begin(), reported_keys.end(), id), reported_keys.end())
        << "C-9.6: provider_account.id \"" << id << "\" is not the account the provider's rule "
        << "picks";
    c.trace().add("provider_account " + printable(dumpJson(*jsonAt(cred.properties,
                                                                   "provider_account")), 300));
  }
}

}  // namespace

void registerProviderChecks(const std::vector<ProviderUnderTest>& providers,
                            const std::vector<std::pair<std::string, std::string>>& unavailable) {
  for (const ProviderUnderTest& p : providers) {
    add("ProviderFullFlow", p.slug, {"provider.full_flow", "", p.slug}, fullFlowCheck);
    // Where the simulator never issues refresh tokens the check does not apply ("-").
    const Json* issued = p.sim.dialectField({"refresh_issued", "refresh.issued"});
    if (issued == nullptr || *issued != Json("never")) {
      add("ProviderRefresh", p.slug, {"provider.refresh", "", p.slug},
          refreshCheck);
    }
    registerLongLivedCheck(p);  // issue 13: Instagram, Facebook
    const Json* separator = p.sim.dialectField({"scope_separator"});
    const Json* known = p.sim.dialectField({"scopes"});
    const Json* told = p.sim.dialectField({"token_answer_scope"});
    if (separator != nullptr && *separator != Json("none") && known != nullptr &&
        known->is_array() && known->size() >= 2 && told != nullptr && *told == Json(true)) {
      add("ProviderGrantedScopes", p.slug,
          {"provider.granted_scopes", "", p.slug},
          grantedScopesCheck);
    }
    add("ProviderAccessDenied", p.slug,
        {"provider.access_denied", "RFC 6749 §4.1.2.1", p.slug}, accessDeniedCheck);
    if (!p.connection_params.empty()) {
      add("ProviderConnectionParams", p.slug,
          {"provider.connection_params", "", p.slug},
          connectionParamsCheck);
    }
    if (const Json* r = p.sim.dialectField({"resources"}); r && r->is_array() && !r->empty()) {
      add("ProviderDiscovery", p.slug,
          {"provider.discovery", "PROVIDERS.md D11", p.slug},
          discoveryCheck);
    }
    if (const Json* hmac = p.sim.dialectField({"callback_hmac"}); hmac && hmac->is_string()) {
      add("ProviderCallbackSignature", p.slug,
          {"provider.callback_signature", "",
           p.slug},
          callbackSignatureCheck);
    }
    const Json* send_iss = p.sim.dialectField({"send_iss", "authorize.send_iss"});
    if (send_iss != nullptr && send_iss->is_boolean() && send_iss->get<bool>()) {
      add("ProviderIssChecked", p.slug, {"provider.iss_checked", "RFC 9207 §2.4", p.slug},
          issCheckedCheck);
    }
  }
  for (const auto& [slug, reason] : unavailable) {
    add("ProviderFullFlow", slug, {"provider.full_flow", "", slug},
        [reason](CheckContext& c) { c.notRun(reason); });
  }
}

}  // namespace linkgate::conformance
