// The at-rest form of every record (see store_records.h). Sealed payloads are JSON objects;
// new optional fields go into them without a schema change.
#include "gateway/store_records.h"

#include <charconv>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/json_writer.h"
#include "gateway/end_user.h"

namespace linkgate::gateway {

int64_t SqlRow::integer(size_t i) const {
  const std::string& t = cells.at(i);
  int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

namespace records {
namespace {

Json scopesJson(const std::vector<std::string>& scopes) { return Json(scopes); }

std::vector<std::string> scopesFrom(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& s : j) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

std::optional<std::string> optionalFrom(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Json optional(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

// Integrator state may hold any bytes; JSON strings cannot, so it is stored as base64.
Json optionalBytes(const std::optional<std::string>& v) {
  return v ? Json(base64Encode(*v)) : Json(nullptr);
}
std::optional<std::string> optionalBytesFrom(const Json& j, const char* key) {
  auto text = optionalFrom(j, key);
  if (!text) return std::nullopt;
  auto bytes = base64Decode(*text);
  return bytes ? std::optional<std::string>(*bytes) : std::nullopt;
}

// Opens a sealed JSON object; "store_error" naming what when it cannot.
Result<Json> openObject(const KeyRing& keys, const std::string& sealed, const std::string& aad,
                        const std::string& what) {
  auto opened = keys.open(sealed, aad);
  if (!opened) return fail("store_error", "cannot open " + what + ": " + opened.error().message);
  auto j = parseJsonObject(*opened);
  if (!j) return fail("store_error", "corrupt " + what + " record");
  return std::move(*j);
}

}  // namespace

std::string lookupHash(const std::string& secret) { return sha256Hex(secret); }

// ---- apps and redirect URIs ----

Result<SqlParams> appParams(const OAuthApp& a, const KeyRing& keys) {
  auto sealed = keys.seal(a.client_secret, "oauth_app:" + a.id);
  if (!sealed) return std::unexpected(sealed.error());
  return SqlParams{a.id,     a.account_id, a.provider, a.client_id, *sealed, a.name,
                   dumpJson(scopesJson(a.default_scopes)), dumpJson(a.metadata),
                   a.created_at, a.updated_at};
}

Result<OAuthApp> appFrom(const SqlRow& r, const KeyRing& keys) {
  OAuthApp app;
  app.id = r.text(0);
  app.account_id = r.text(1);
  app.provider = r.text(2);
  app.client_id = r.text(3);
  auto secret = keys.open(r.text(4), "oauth_app:" + app.id);
  if (!secret) {
    return fail("store_error",
                "cannot open client secret of app " + app.id + ": " + secret.error().message);
  }
  app.client_secret = std::move(*secret);
  app.name = r.text(5);
  if (auto scopes = parseJson(r.text(6))) app.default_scopes = scopesFrom(*scopes);
  if (auto metadata = parseJson(r.text(7))) app.metadata = std::move(*metadata);
  app.created_at = r.integer(8);
  app.updated_at = r.integer(9);
  return app;
}

SqlParams redirectUriParams(const RedirectUri& u) {
  return SqlParams{u.id, u.account_id, u.url, u.created_at};
}

RedirectUri redirectUriFrom(const SqlRow& r) {
  return RedirectUri{r.text(0), r.text(1), r.text(2), r.integer(3)};
}

// ---- flows and start links ----

namespace {

// What a flow row seals, and what a sealed flow cookie holds besides its columns.
Json flowRecord(const Flow& f) {
  return {{"cookie_hash", f.cookie_hash},
          {"account_id", f.account_id},
          {"redirect_uri", f.redirect_uri},
          {"integrator_state", optionalBytes(f.integrator_state)},
          {"state_is_json", f.state_is_json},
          {"scopes", scopesJson(f.scopes)},
          {"connection_params", f.connection_params},
          {"provider_code_verifier", optional(f.provider_code_verifier)},
          {"code_challenge", optional(f.code_challenge)},
          {"debug", f.debug},
          {"end_user", endUserRecord(f.end_user)}};
}

const Json& member(const Json& j, const char* key) {
  static const Json kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

void flowRecordFields(const Json& j, Flow& f) {
  f.cookie_hash = j.value("cookie_hash", "");
  f.account_id = j.value("account_id", "");
  f.redirect_uri = j.value("redirect_uri", "");
  f.integrator_state = optionalBytesFrom(j, "integrator_state");
  f.state_is_json = j.value("state_is_json", false);
  f.scopes = scopesFrom(member(j, "scopes"));
  f.connection_params = member(j, "connection_params");
  if (!f.connection_params.is_object()) f.connection_params = Json::object();
  f.provider_code_verifier = optionalFrom(j, "provider_code_verifier");
  f.code_challenge = optionalFrom(j, "code_challenge");
  f.debug = j.value("debug", false);
  f.end_user = endUserFromRecord(jsonAt(j, "end_user"));
}

// The associated data of a sealed flow cookie: it opens only for the state it was made for.
std::string flowCookieAad(const std::string& state) { return "flow_cookie:" + lookupHash(state); }

}  // namespace

Result<SqlParams> flowParams(const Flow& f, const KeyRing& keys) {
  auto sealed = keys.seal(dumpJson(flowRecord(f)), "flow:" + f.id);
  if (!sealed) return std::unexpected(sealed.error());
  return SqlParams{f.id,      lookupHash(f.state), f.app_id,  f.provider,
                   *sealed,   f.created_at,        f.expires_at};
}

Result<Flow> flowFrom(const SqlRow& r, const std::string& state, const KeyRing& keys) {
  Flow f;
  f.id = r.text(0);
  f.state = state;
  f.app_id = r.text(2);
  f.provider = r.text(3);
  f.created_at = r.integer(5);
  f.expires_at = r.integer(6);
  auto j = openObject(keys, r.text(4), "flow:" + f.id, "flow");
  if (!j) return std::unexpected(j.error());
  flowRecordFields(*j, f);
  return f;
}

namespace {

// sealedFlow's record written directly (issue 10: building it as an nlohmann object was 7 % of
// a /start); nullopt when a string is not valid UTF-8, and the nlohmann form below is used.
// store_sealed_flow_test opens both forms and compares every field.
std::optional<std::string> sealedFlowText(const Flow& f) {
  const Json end_user = endUserRecord(f.end_user);
  const bool no_params = f.connection_params.is_object() && f.connection_params.empty();
  JsonObjectWriter w;
  w.string("account_id", f.account_id)
      .string("redirect_uri", f.redirect_uri)
      .optionalString("integrator_state", f.integrator_state
                                              ? std::optional(base64Encode(*f.integrator_state))
                                              : std::nullopt)
      .boolean("state_is_json", f.state_is_json)
      .stringArray("scopes", f.scopes)
      .raw("connection_params", no_params ? "{}" : dumpJson(f.connection_params))
      .optionalString("provider_code_verifier", f.provider_code_verifier)
      .optionalString("code_challenge", f.code_challenge)
      .boolean("debug", f.debug)
      .raw("end_user", end_user.is_null() ? "null" : dumpJson(end_user))
      .string("id", f.id)
      .string("app_id", f.app_id)
      .string("provider", f.provider)
      .integer("created_at", f.created_at)
      .integer("expires_at", f.expires_at);
  return w.finish();
}

}  // namespace

Result<std::string> sealedFlow(const Flow& f, const KeyRing& keys) {
  if (auto text = sealedFlowText(f)) return keys.seal(*text, flowCookieAad(f.state));
  Json j = flowRecord(f);
  j.erase("cookie_hash");  // the cookie is the flow: nothing to compare it with
  j["id"] = f.id;
  j["app_id"] = f.app_id;
  j["provider"] = f.provider;
  j["created_at"] = f.created_at;
  j["expires_at"] = f.expires_at;
  return keys.seal(dumpJson(j), flowCookieAad(f.state));
}

Result<Flow> sealedFlowFrom(const std::string& sealed, const std::string& state,
                            const KeyRing& keys) {
  auto j = openObject(keys, sealed, flowCookieAad(state), "flow cookie");
  if (!j) return std::unexpected(j.error());
  Flow f;
  f.state = state;
  f.id = j->value("id", "");
  f.app_id = j->value("app_id", "");
  f.provider = j->value("provider", "");
  f.created_at = j->value("created_at", int64_t{0});
  f.expires_at = j->value("expires_at", int64_t{0});
  if (f.id.empty() || f.app_id.empty() || f.provider.empty()) {
    return fail("store_error", "corrupt flow cookie record");
  }
  flowRecordFields(*j, f);
  return f;
}

Result<SqlParams> startLinkParams(const StartLink& l, const KeyRing& keys) {
  Json j = {{"app_id", l.app_id},
            {"redirect_uri", l.redirect_uri},
            {"state", optional(l.state)},
            {"scope", optional(l.scope)},
            {"connection_params", l.connection_params},
            {"end_user", endUserRecord(l.end_user)},
            {"created_at", l.created_at}};
  const std::string hash = lookupHash(l.token);
  auto sealed = keys.seal(dumpJson(j), "start_link:" + hash);
  if (!sealed) return std::unexpected(sealed.error());
  return SqlParams{hash, l.account_id, *sealed, l.expires_at};
}

Result<StartLink> startLinkFrom(const SqlRow& r, const std::string& token, const KeyRing& keys) {
  StartLink link;
  link.token = token;
  link.account_id = r.text(1);
  link.expires_at = r.integer(3);
  auto j = openObject(keys, r.text(2), "start_link:" + r.text(0), "start link");
  if (!j) return std::unexpected(j.error());
  link.app_id = j->value("app_id", "");
  link.redirect_uri = j->value("redirect_uri", "");
  link.state = optionalFrom(*j, "state");
  link.scope = optionalFrom(*j, "scope");
  if (j->contains("connection_params")) link.connection_params = (*j)["connection_params"];
  link.end_user = endUserFromRecord(jsonAt(*j, "end_user"));
  if (auto at = j->find("created_at"); at != j->end() && at->is_number_integer()) {
    link.created_at = at->get<int64_t>();
  }
  return link;
}

// ---- credentials and codes ----

Result<SqlParams> credentialParams(const Credential& c, const KeyRing& keys) {
  // The identity key travels sealed with the properties (it may be derived from a token).
  const Json envelope = {{"linkgate_credential", 2},
                         {"properties", c.properties},
                         {"provider_account", c.provider_account},
                         {"end_user", endUserRecord(c.end_user)}};
  auto sealed = keys.seal(dumpJson(envelope), "credential:" + c.id);
  if (!sealed) return std::unexpected(sealed.error());
  return SqlParams{c.id,
                   c.account_id,
                   c.app_id,
                   c.provider,
                   c.provider_account.empty() ? std::string() : lookupHash(c.provider_account),
                   *sealed,
                   dumpJson(c.connection_params),
                   c.health_status,
                   c.health_detail,
                   c.created_at,
                   c.updated_at,
                   c.end_user.id};
}

Result<Credential> credentialFrom(const SqlRow& r, const KeyRing& keys) {
  Credential c;
  c.id = r.text(0);
  c.account_id = r.text(1);
  c.app_id = r.text(2);
  c.provider = r.text(3);
  auto sealed = openObject(keys, r.text(5), "credential:" + c.id, "credential " + c.id);
  if (!sealed) return std::unexpected(sealed.error());
  if (sealed->contains("linkgate_credential")) {
    const Json* props = jsonAt(*sealed, "properties");
    if (props == nullptr || !props->is_object()) {
      return fail("store_error", "corrupt credential " + c.id);
    }
    c.properties = *props;
    c.provider_account = sealed->value("provider_account", "");
    c.end_user = endUserFromRecord(jsonAt(*sealed, "end_user"));
  } else {
    c.properties = std::move(*sealed);  // written before the envelope: the properties alone
  }
  if (auto params = parseJson(r.text(6))) c.connection_params = std::move(*params);
  c.health_status = r.text(7);
  c.health_detail = r.text(8);
  c.created_at = r.integer(9);
  c.updated_at = r.integer(10);
  return c;
}

Result<SqlParams> codeParams(const AuthCode& code, const KeyRing& keys) {
  Json j = {{"code_challenge", optional(code.code_challenge)},
            {"integrator_state", optionalBytes(code.integrator_state)},
            {"state_is_json", code.state_is_json}};
  const std::string hash = lookupHash(code.code);
  auto sealed = keys.seal(dumpJson(j), "code:" + hash);
  if (!sealed) return std::unexpected(sealed.error());
  return SqlParams{hash, code.credential_id, code.app_id, code.account_id, *sealed,
                   code.expires_at};
}

Result<AuthCode> codeFrom(const SqlRow& r, const std::string& code, const KeyRing& keys) {
  AuthCode c;
  c.code = code;
  c.credential_id = r.text(1);
  c.app_id = r.text(2);
  c.account_id = r.text(3);
  c.expires_at = r.integer(5);
  auto j = openObject(keys, r.text(4), "code:" + r.text(0), "code");
  if (!j) return std::unexpected(j.error());
  c.code_challenge = optionalFrom(*j, "code_challenge");
  c.integrator_state = optionalBytesFrom(*j, "integrator_state");
  c.state_is_json = j->value("state_is_json", false);
  return c;
}

}  // namespace records
}  // namespace linkgate::gateway
