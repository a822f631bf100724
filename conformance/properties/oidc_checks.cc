// OpenID Connect checks (SPEC §8, OpenID Connect Core 1.0 §3.1.3.7): per OIDC provider, a flow
// yields a credential carrying the id_token and its claims, keyed by iss + sub; the gateway
// sends a fresh nonce bound to the flow; each wrong id_token the simulator can make (forged
// signature, wrong aud / iss, expired, unknown kid, alg none, a replay of another flow's
// token) fails that flow with server_error; a key rotation is followed. The suite's own oracle
// verifies the stored id_token against the provider's discovery + JWKS (core/jws only).
#include "conformance/properties/oidc_checks.h"

#include <gtest/gtest.h>

#include <functional>

#include "conformance/harness/check.h"
#include "conformance/harness/flow.h"
#include "conformance/model/redirect_model.h"
#include "conformance/properties/support.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/jws.h"
#include "core/params.h"

namespace linkgate::conformance {
namespace {

using Body = std::function<void(CheckContext&)>;

void add(const std::string& suite_name, const std::string& slug, CheckInfo info, Body body) {
  registerCheck(suite_name, slug, std::move(info), std::move(body));
}

Result<Json> getJson(World& w, const std::string& url) {
  HttpRequest r;
  r.url = url;
  auto answer = w.http().send(r);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    return fail("http", "GET " + url + " -> " + std::to_string(answer->status));
  }
  return parseJsonObject(answer->body);
}

// The scopes to ask for so the provider grants openid (none for a provider that always sends
// an id_token without it, Apple).
std::vector<std::pair<std::string, std::string>> openidScope(const ProviderUnderTest& p) {
  const Json* scopes = p.sim.dialectField({"scopes"});
  bool openid = false, email = false;
  if (scopes && scopes->is_array()) {
    for (const auto& s : *scopes) {
      openid = openid || s == "openid";
      email = email || s == "email";
    }
  }
  if (!openid) return {};
  return {{"scope", email ? "openid email" : "openid"}};
}

const ProviderUnderTest& under(CheckContext& c) { return *c.world().provider(c.provider()); }

// The problem with a stored id_token, "" when it is a genuine one: its signature verifies
// with the algorithm the discovery document at its iss names (RS256: the key its kid names in
// that document's JWKS; HS256: the client secret), that
// iss is the simulator's for this provider, and the stored claims are its payload.
std::string idTokenProblem(World& w, const App& app, const Json& props) {
  const std::string& slug = app.provider;
  auto token = jsonString(props, "id_token");
  if (!token) return "the credential has no id_token";
  const Json* claims = jsonAt(props, "id_token_claims");
  if (!claims || !claims->is_object()) return "the credential has no id_token_claims object";
  auto jws = parseCompactJws(*token);
  if (!jws) return "the stored id_token is no JWS: " + jws.error().message;
  if (*claims != jws->payload) return "id_token_claims is not the id_token's payload";
  const std::string iss = jws->payload.value("iss", "");
  if (!iss.starts_with(w.sim().baseUrl() + "/" + slug + "/")) return "iss is not the provider's";
  // Discovery §4.1: an issuer's terminating / is dropped before /.well-known (DocuSign).
  auto discovery = getJson(w, (iss.ends_with('/') ? iss.substr(0, iss.size() - 1) : iss) +
                                  "/.well-known/openid-configuration");
  if (!discovery) return "discovery at iss: " + discovery.error().message;
  if (discovery->value("issuer", "") != iss) return "discovery names another issuer";
  // The one algorithm the provider's discovery names; HS256 is keyed with the client secret
  // (OIDC Core §10.1, LINE web login), RS256 with the JWKS key its kid names.
  const Json algs = discovery->value("id_token_signing_alg_values_supported", Json::array());
  const std::string alg = algs.is_array() && algs.size() == 1 && algs[0].is_string()
                              ? algs[0].get<std::string>()
                              : "RS256";
  if (jws->header.value("alg", "") != alg) return "alg is not the " + alg + " discovery names";
  if (alg == "HS256") {
    if (!verifyHs256(jws->signing_input, jws->signature, app.client_secret)) {
      return "HMAC signature does not verify with the client secret";
    }
    return jws->payload.value("sub", "").empty() ? "no sub" : "";
  }
  auto jwks = getJson(w, discovery->value("jwks_uri", ""));
  if (!jwks) return "JWKS: " + jwks.error().message;
  for (const auto& jwk : jwks->value("keys", Json::array())) {
    if (jwk.value("kid", "") != jws->header.value("kid", "-")) continue;
    auto key = JwsKey::fromJwk(jwk);
    if (!key) return "JWKS key unusable: " + key.error().message;
    if (!key->verifyRs256(jws->signing_input, jws->signature)) return "signature does not verify";
    if (jws->payload.value("sub", "").empty()) return "no sub";
    return "";
  }
  return "no JWKS key has the id_token's kid";
}

// openidScope plus offline_access where the provider issues refresh tokens only for it
// (Microsoft, Okta, ...).
std::vector<std::pair<std::string, std::string>> offlineScope(const ProviderUnderTest& p) {
  auto scope = openidScope(p);
  const Json* scopes = p.sim.dialectField({"scopes"});
  if (scope.empty() || !scopes || !scopes->is_array()) return scope;
  for (const auto& s : *scopes) {
    if (s == "offline_access") scope[0].second += " offline_access";
  }
  return scope;
}

// A successful OIDC flow for `app` as `user` (default: the consent page's last).
Credential oidcFlow(CheckContext& c, const App& app, Flow& flow, bool offline = false) {
  World& w = c.world();
  const std::string dest = model::substituteProvider(w.integratorTokenUri(), app.provider);
  const std::string code =
      must(approvedCode(flow, app, w.integratorTokenUri(), dest, "oidc",
                        offline ? offlineScope(under(c)) : openidScope(under(c))),
           "OIDC flow");
  return must(flow.exchange(app, code), "code exchange");
}

void idTokenCheck(CheckContext& c) {
  World& w = c.world();
  const App app = primaryApp(c);
  Flow first(w, &c.trace());
  const Credential cred = oidcFlow(c, app, first);
  EXPECT_EQ(idTokenProblem(w, app, cred.properties), "");
  // SPEC §8/§9: the provider-account identity is iss + sub, so the same user linking again
  // updates the same credential.
  Flow second(w, &c.trace());
  const Credential again = oidcFlow(c, app, second);
  EXPECT_EQ(again.id, cred.id) << "the same iss + sub linked twice made two credentials";
}

void nonceCheck(CheckContext& c) {
  World& w = c.world();
  const App app = primaryApp(c);
  std::vector<std::string> nonces;
  for (int i = 0; i < 2; ++i) {
    Flow flow(w, &c.trace());
    StartParams params{app.provider, app.id, w.integratorUri(), "n", openidScope(under(c))};
    must(flow.start(params), "/start");
    ASSERT_TRUE(flow.authorizeUrl()) << "/start did not redirect to the provider";
    auto query = Params::parse(flow.authorizeUrl()->substr(flow.authorizeUrl()->find('?') + 1));
    ASSERT_TRUE(query);
    auto nonce = query->get("nonce");
    ASSERT_TRUE(nonce) << "OIDC Core §3.1.2.1: the authorization request carries no nonce";
    EXPECT_GE(nonce->size(), 22u) << "a nonce of under 128 bits";
    nonces.push_back(*nonce);
  }
  EXPECT_NE(nonces[0], nonces[1]) << "two flows sent the same nonce";
  // The nonce is bound: a valid id_token of this client's earlier flow (another nonce) is
  // refused. The simulator replays the last id_token it issued to this client.
  Flow earlier(w, &c.trace());
  (void)oidcFlow(c, app, earlier);
  SimulatorGuard guard(w, app.provider);
  must(w.sim().addFault({app.provider, "token", "id_token_replay"}), "arm id_token_replay");
  Flow flow(w, &c.trace());
  const HttpResponse r = must(
      flow.run({app.provider, app.id, w.integratorUri(), "replay", openidScope(under(c))}), "flow");
  const std::string location = must(Flow::redirectTarget(r, "callback"), "replay");
  auto params = flow.finalParams(location, w.integratorUri(), {"server_error", "replay", w.publicUrl()});
  EXPECT_TRUE(params) << "a replayed id_token (another flow's nonce): "
                      << (params ? "" : params.error().message);
}

void rejectCheck(CheckContext& c, const std::string& kind) {
  World& w = c.world();
  const App app = primaryApp(c);
  SimulatorGuard guard(w, app.provider);
  must(w.sim().addFault({app.provider, "token", kind}), "arm " + kind);
  Flow flow(w, &c.trace());
  const HttpResponse r = must(
      flow.run({app.provider, app.id, w.integratorUri(), "bad id_token", openidScope(under(c))}),
      "flow");
  const std::string location = must(Flow::redirectTarget(r, "callback"), kind);
  auto params =
      flow.finalParams(location, w.integratorUri(), {"server_error", "bad id_token", w.publicUrl()});
  ASSERT_TRUE(params) << kind << ": " << params.error().message;
  const std::string description = params->get("error_description").value_or("");
  EXPECT_NE(description.find("id_token"), std::string::npos)
      << kind << ": the error_description does not name the id_token rule: " << description;
  EXPECT_EQ(description.find(app.client_secret), std::string::npos) << "leaks the client secret";
}

void rotationCheck(CheckContext& c) {
  World& w = c.world();
  const App app = primaryApp(c);
  auto keys = getJson(w, w.sim().baseUrl() + "/_sim/providers/" + app.provider + "/keys");
  if (keys && keys->value("signing_alg", "RS256") == "HS256") {
    c.notRun("the provider signs id_tokens HS256 with the client secret: no JWKS key to rotate");
  }
  Flow before(w, &c.trace());  // the gateway now has the current key (cached or not)
  EXPECT_EQ(idTokenProblem(w, app, oidcFlow(c, app, before).properties), "");
  HttpRequest rotate;
  rotate.method = "POST";
  rotate.url = w.sim().baseUrl() + "/_sim/providers/" + app.provider + "/keys/rotate";
  rotate.body = R"({"grace_seconds":600})";
  rotate.headers.emplace_back("Content-Type", "application/json");
  const HttpResponse rotated = must(w.http().send(rotate), "rotate keys");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  Flow after(w, &c.trace());  // signed with the new kid: the gateway must refetch the JWKS
  const Credential cred = oidcFlow(c, app, after);
  EXPECT_EQ(idTokenProblem(w, app, cred.properties), "");
  auto jws = parseCompactJws(jsonString(cred.properties, "id_token").value_or(""));
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->header.value("kid", ""),
            parseJsonObject(rotated.body).value_or(Json::object()).value("current_kid", "?"))
      << "the id_token after the rotation is not signed with the new key";
}

// The credential's stored properties (unmasked), for before/after comparisons.
Json storedProperties(World& w, const std::string& id) {
  const HttpResponse r = must(w.gateway().credential(id, true), "GET credential");
  if (r.status != 200) return Json();
  auto json = parseJsonObject(r.body);
  if (!json) return Json();
  for (const char* path : {"credential.properties", "properties"}) {
    if (const Json* props = jsonAt(*json, path); props && props->is_object()) return *props;
  }
  return Json();
}

// C-8.9 (OIDC Core §12.2): a refresh answer's id_token is validated and must name the subject
// the credential was linked for; one naming another subject fails that refresh and changes
// nothing stored.
void refreshIdTokenCheck(CheckContext& c) {
  World& w = c.world();
  const App app = primaryApp(c);
  auto keys = getJson(w, w.sim().baseUrl() + "/_sim/providers/" + app.provider + "/keys");
  if (!keys || !keys->value("id_token_on_refresh", false)) {
    c.notRun("the simulator's profile sends no id_token in a refresh answer");
  }
  Flow flow(w, &c.trace());
  const Credential cred = oidcFlow(c, app, flow, true);
  if (!cred.refresh_token) c.notRun("no refresh token issued");
  const HttpResponse good = must(w.gateway().refreshCredential(cred.id), "refresh");
  ASSERT_EQ(good.status, 200) << "a good refresh (its id_token names the same subject): "
                              << printable(good.body, 300);
  const Json before = storedProperties(w, cred.id);
  ASSERT_TRUE(before.is_object()) << "the credential cannot be read back";
  {
    SimulatorGuard guard(w, app.provider);
    must(w.sim().addFault({app.provider, "refresh", "id_token_other_sub"}), "arm id_token_other_sub");
    const HttpResponse bad = must(w.gateway().refreshCredential(cred.id), "refresh");
    c.trace().add("refresh with id_token_other_sub -> " + std::to_string(bad.status) + " " +
                  printable(bad.body, 200));
    EXPECT_NE(bad.status, 200)
        << "a refresh answer whose id_token names another subject was accepted (OIDC Core §12.2)";
    EXPECT_NE(bad.body.find("id_token"), std::string::npos)
        << "the refusal does not name the id_token rule: " << printable(bad.body, 300);
    EXPECT_EQ(bad.body.find(app.client_secret), std::string::npos) << "leaks the client secret";
  }
  const Json after = storedProperties(w, cred.id);
  for (const char* field : {"access_token", "refresh_token", "id_token"}) {
    EXPECT_EQ(after.value(field, Json()), before.value(field, Json()))
        << field << " changed although the refresh was refused";
  }
}

struct FaultCase {
  const char* suite;
  const char* kind;
  const char* rule;
};
const FaultCase kFaults[] = {
    {"OidcRejectsBadSignature", "id_token_bad_signature", "OIDC Core §3.1.3.7 step 6"},
    {"OidcRejectsWrongAud", "id_token_wrong_aud", "OIDC Core §3.1.3.7 step 3"},
    {"OidcRejectsWrongIss", "id_token_wrong_iss", "OIDC Core §3.1.3.7 step 2"},
    {"OidcRejectsExpired", "id_token_expired", "OIDC Core §3.1.3.7 step 9"},
    {"OidcRejectsUnknownKid", "id_token_unknown_kid", "OIDC Core §10.1.1"},
    {"OidcRejectsAlgNone", "id_token_alg_none", "OIDC Core §3.1.3.7 step 7, RFC 8725 §3.1"},
};

}  // namespace

void registerOidcChecks(World& world) {
  for (const ProviderUnderTest& p : world.providers()) {
    HttpRequest probe;
    probe.url = world.sim().baseUrl() + "/_sim/providers/" + p.slug + "/keys";
    auto answer = world.http().send(probe);
    if (!answer || answer->status != 200) continue;  // the provider does not speak OIDC
    add("OidcIdToken", p.slug, {"oidc.id_token", "OIDC Core §3.1.3.7", p.slug},
        idTokenCheck);
    add("OidcNonce", p.slug, {"oidc.nonce", "OIDC Core §3.1.2.1, §15.5.2", p.slug},
        nonceCheck);
    add("OidcRefreshIdToken", p.slug, {"oidc.refresh_id_token", "OIDC Core §12.2", p.slug},
        refreshIdTokenCheck);
    add("OidcKeyRotation", p.slug, {"oidc.key_rotation", "OIDC Core §10.1.1", p.slug},
        rotationCheck);
    for (const FaultCase& f : kFaults) {
      const std::string kind = f.kind;
      add(f.suite, p.slug,
          {"oidc.rejects." + kind.substr(9), std::string(f.rule), p.slug},
          [kind](CheckContext& c) { rejectCheck(c, kind); });
    }
  }
}

}  // namespace linkgate::conformance
