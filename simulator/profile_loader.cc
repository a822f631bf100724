// The strict profile loader. Internally a LoadError exception carries "field: reason" up to the
// public functions, which turn it into an error value.
#include "simulator/profile_loader.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

#include "simulator/endpoint_pattern.h"
#include "simulator/profile_fields.h"
#include "simulator/profile_long_lived.h"
#include "simulator/profile_oidc.h"
#include "simulator/profile_resources.h"
#include "simulator/profile_tolerance.h"
#include "simulator/template.h"

namespace linkgate::sim {
namespace {

using namespace profile_fields;

const EnumTable<ScopeSeparator> kSeparators = {{"space", ScopeSeparator::kSpace},
                                               {"comma", ScopeSeparator::kComma},
                                               {"plus", ScopeSeparator::kPlus},
                                               {"none", ScopeSeparator::kNone}};
const EnumTable<PkceMode> kPkce = {{"required", PkceMode::kRequired},
                                   {"supported", PkceMode::kSupported},
                                   {"not_supported", PkceMode::kNotSupported},
                                   {"accept_then_reject", PkceMode::kAcceptThenReject}};
const EnumTable<ExpiresIn> kExpiresIn = {{"number", ExpiresIn::kNumber},
                                         {"string", ExpiresIn::kString},
                                         {"absent", ExpiresIn::kAbsent},
                                         {"zero", ExpiresIn::kZero}};
const EnumTable<ResponseFormat> kFormats = {
    {"json", ResponseFormat::kJson},
    {"form", ResponseFormat::kForm},
    {"form_unless_accept_json", ResponseFormat::kFormUnlessAcceptJson}};
const EnumTable<ErrorStyle> kStyles = {
    {"rfc", ErrorStyle::kRfc}, {"http200", ErrorStyle::kHttp200}, {"provider", ErrorStyle::kProvider}};
const EnumTable<Rotation> kRotations = {
    {"none", Rotation::kNone}, {"strict", Rotation::kStrict}, {"grace", Rotation::kGrace}};

Json rfcTokenBody() {
  return Json{{"access_token", "{access_token}"}, {"token_type", "{token_type}"},
              {"expires_in", "{expires_in}"},     {"refresh_token", "{refresh_token}"},
              {"scope", "{scope}"}};
}
Json rfcErrorBody() {
  return Json{{"error", "{error}"}, {"error_description", "{error_description}"}};
}

struct Context {
  PlaceholderRules token_rules;  // token/refresh success bodies
  PlaceholderRules error_rules;  // error bodies
  PlaceholderRules me_rules;     // api.me
  PlaceholderRules extras_rules; // callback extras
};

ResponseSpec readResponse(const Json& j, const std::string& path, const Context& ctx) {
  Obj o(j, path, {"format", "status", "body"});
  ResponseSpec r;
  o.readEnum("format", kFormats, r.format);
  o.readStatus("status", r.status);
  if (r.status < 200 || r.status > 299) throw LoadError{o.field("status"), "must be 2xx"};
  r.body = o.has("body") ? *o.get("body") : rfcTokenBody();
  checkTemplate(r.body, o.field("body"), ctx.token_rules);
  if (r.format != ResponseFormat::kJson && !isFlatTemplate(r.body)) {
    throw LoadError{o.field("body"), "a form body must be a flat template"};
  }
  if (!r.body.is_object()) throw LoadError{o.field("body"), "must be an object"};
  if (!usesPlaceholder(r.body, "access_token")) {
    throw LoadError{o.field("body"), "must contain {access_token}"};
  }
  return r;
}

ErrorSpec readErrors(const Json& j, const std::string& path, const Context& ctx,
                     ResponseFormat format) {
  Obj o(j, path, {"style", "status", "invalid_client_status", "codes", "body"});
  ErrorSpec e;
  o.readEnum("style", kStyles, e.style);
  o.readStatus("status", e.status);
  o.readStatus("invalid_client_status", e.invalid_client_status);
  o.readStringMap("codes", e.codes);
  static const std::set<std::string, std::less<>> kRfcErrors = {
      "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
      "unsupported_grant_type", "invalid_scope", "server_error"};
  for (const auto& [code, mapped] : e.codes) {
    if (!kRfcErrors.contains(code)) throw LoadError{o.field("codes") + "." + code, "not an RFC 6749 §5.2 error"};
  }
  if (o.has("body")) {
    e.body = *o.get("body");
  } else if (e.style == ErrorStyle::kProvider) {
    throw LoadError{o.field("body"), "required with style provider"};
  } else {
    e.body = rfcErrorBody();
  }
  checkTemplate(e.body, o.field("body"), ctx.error_rules);
  if (format != ResponseFormat::kJson && !isFlatTemplate(e.body)) {
    throw LoadError{o.field("body"), "a form body must be a flat template"};
  }
  return e;
}

IssuePolicy readIssued(const Json& j, const std::string& f) {
  IssuePolicy p;
  if (j.is_string()) {
    if (j == "always") return p;
    if (j == "never") {
      p.kind = IssueKind::kNever;
      return p;
    }
    throw LoadError{f, "unknown value \"" + j.get<std::string>() +
                           "\" (allowed: always, never, {\"scope\": ...}, {\"authorize_param\": {...}})"};
  }
  Obj o(j, f, {"scope", "authorize_param"});
  if (o.has("scope") == o.has("authorize_param")) {
    throw LoadError{f, "needs exactly one of scope, authorize_param"};
  }
  if (o.has("scope")) {
    p.kind = IssueKind::kScope;
    o.readNonEmptyString("scope", p.scope);
  } else {
    p.kind = IssueKind::kAuthorizeParam;
    o.readStringMap("authorize_param", p.authorize_param);
    if (p.authorize_param.empty()) throw LoadError{o.field("authorize_param"), "must not be empty"};
  }
  return p;
}

// connection_params: [{name, pattern, example}] (docs/VOCABULARY.md), names unique.
// Returns the names in file order, for messages.
std::vector<std::string> readParams(const Obj& top, Profile& p) {
  std::vector<std::string> order;
  const Json* v = top.get("connection_params");
  if (!v) return order;
  if (!v->is_array()) throw LoadError{"connection_params", "must be an array"};
  for (size_t i = 0; i < v->size(); ++i) {
    std::string f = "connection_params[" + std::to_string(i) + "]";
    Obj o((*v)[i], f, {"name", "pattern", "example", "per_client"});
    const std::string name = o.reqString("name");
    if (!std::regex_match(name, std::regex("^[a-z][a-z0-9_]*$"))) {
      throw LoadError{o.field("name"), "must match ^[a-z][a-z0-9_]*$"};
    }
    if (p.params.contains(name)) throw LoadError{o.field("name"), "duplicate name"};
    ParamSpec ps{o.reqString("pattern"), o.reqString("example")};
    o.readBool("per_client", ps.per_client);
    try {
      std::regex re("^(?:" + ps.pattern + ")$", std::regex::ECMAScript);
      if (!std::regex_match(ps.example, re)) {
        throw LoadError{o.field("example"), "does not match the pattern"};
      }
    } catch (const std::regex_error&) {
      throw LoadError{o.field("pattern"), "not a valid ECMAScript regex"};
    }
    p.params.emplace(name, std::move(ps));
    order.push_back(name);
  }
  return order;
}

void readEndpoints(const Json& j, Profile& p, const std::vector<std::string>& param_order) {
  Obj o(j, "endpoints", {"authorize", "token", "refresh"});
  p.endpoints.authorize = o.reqString("authorize");
  p.endpoints.token = o.reqString("token");
  p.endpoints.refresh = o.optString("refresh");
  std::set<std::string> used;
  auto check = [&](std::string_view key, const std::string& url) {
    auto compiled = EndpointPattern::compile(url, p.params);
    if (!compiled) throw LoadError{o.field(key), compiled.error().message};
    for (const auto& n : compiled->paramNames()) used.insert(n);
  };
  check("authorize", p.endpoints.authorize);
  check("token", p.endpoints.token);
  if (p.endpoints.refresh) {
    check("refresh", *p.endpoints.refresh);
    if (*p.endpoints.refresh == p.endpoints.token) {
      throw LoadError{o.field("refresh"), "equals endpoints.token; omit it"};
    }
  }
  for (size_t i = 0; i < param_order.size(); ++i) {
    const std::string f = "connection_params[" + std::to_string(i) + "]";
    const bool per_client = p.params.at(param_order[i]).per_client;
    if (per_client && used.contains(param_order[i])) {
      throw LoadError{f, "\"" + param_order[i] +
                             "\" is per_client: an endpoint URL cannot use it (a request carries "
                             "no client-bound value)"};
    }
    if (!per_client && !used.contains(param_order[i])) {
      throw LoadError{f, "\"" + param_order[i] + "\" is not used by any endpoint"};
    }
  }
}

void readAuthorize(const Json& j, Profile& p, const Context& ctx) {
  Obj o(j, "authorize",
        {"client_id_param", "application_id", "response_type", "redirect_uri", "scope_separator",
         "scopes", "default_scopes", "scope_required", "pkce", "extra_params", "code_param",
         "send_iss", "issuer", "callback_extras", "callback_hmac", "open_scopes", "tolerate"});
  auto& a = p.authorize;
  o.readNonEmptyString("client_id_param", a.client_id_param);
  a.application_id = o.optString("application_id");
  if (a.application_id) {
    const std::string& t = *a.application_id;
    auto at = t.find("{uuid}");
    if (at == std::string::npos || t.find("{uuid}", at + 1) != std::string::npos) {
      throw LoadError{o.field("application_id"), "must contain {uuid} exactly once"};
    }
    if (a.client_id_param == "client_id") {
      throw LoadError{o.field("application_id"),
                      "needs a client_id_param other than client_id (the consent URL's name for it)"};
    }
  }
  o.readString("response_type", a.response_type);
  std::string redirect = "required";
  o.readEnum("redirect_uri", EnumTable<std::string>{{"required", "required"}, {"optional", "optional"}},
             redirect);
  a.redirect_uri_optional = redirect == "optional";
  o.readEnum("scope_separator", kSeparators, a.scope_separator);
  a.scopes = o.stringArray("scopes", false);
  a.default_scopes = o.stringArray("default_scopes", false);
  o.readBool("scope_required", a.scope_required);
  o.readEnum("pkce", kPkce, a.pkce);
  o.readStringMap("extra_params", a.extra_params);
  o.readNonEmptyString("code_param", a.code_param);
  o.readBool("send_iss", a.send_iss);
  a.issuer = o.optString("issuer");
  if (a.issuer && !a.issuer->starts_with("https://")) {
    throw LoadError{o.field("issuer"), "must be an https URL"};
  }
  if (a.issuer && !a.send_iss) throw LoadError{o.field("issuer"), "only with send_iss: true"};
  std::string sep(separatorText(a.scope_separator));
  for (size_t i = 0; i < a.scopes.size(); ++i) {
    if (a.scope_separator != ScopeSeparator::kNone && a.scopes[i].find(sep) != std::string::npos) {
      throw LoadError{o.field("scopes") + "[" + std::to_string(i) + "]", "contains the separator"};
    }
  }
  for (size_t i = 0; i < a.default_scopes.size(); ++i) {
    if (a.scope_separator != ScopeSeparator::kNone &&
        std::find(a.scopes.begin(), a.scopes.end(), a.default_scopes[i]) == a.scopes.end()) {
      throw LoadError{o.field("default_scopes") + "[" + std::to_string(i) + "]",
                      "not one of authorize.scopes"};
    }
  }
  if (const Json* extras = o.get("callback_extras")) {
    if (!extras->is_object()) throw LoadError{o.field("callback_extras"), "must be an object"};
    static const std::set<std::string, std::less<>> kReserved = {"code", "state", "iss",
                                                                 "error", "error_description"};
    for (const auto& [name, value] : extras->items()) {
      std::string f = o.field("callback_extras") + "." + name;
      if (!value.is_string()) throw LoadError{f, "must be a template string"};
      if (kReserved.contains(name) || name == a.code_param) throw LoadError{f, "reserved name"};
    }
    checkTemplate(*extras, o.field("callback_extras"), ctx.extras_rules);
    a.callback_extras = *extras;
  }
  if (const Json* open = o.get("open_scopes")) {
    a.open_scopes = readOpenScopes(*open, o.field("open_scopes"));
  }
  if (const Json* t = o.get("tolerate")) a.tolerate = readAuthorizeTolerance(*t, o.field("tolerate"));
  for (ScopeSeparator s : a.tolerate.scope_separator.accept) {
    if (s == a.scope_separator || a.scope_separator == ScopeSeparator::kNone) {
      throw LoadError{o.field("tolerate") + ".scope_separator",
                      "must name another separator than authorize.scope_separator (not none)"};
    }
  }
  a.callback_hmac = o.optString("callback_hmac");
  if (a.callback_hmac) {
    static const std::set<std::string, std::less<>> kTaken = {"code", "state", "iss", "error",
                                                              "error_description", "signature"};
    if (a.callback_hmac->empty() || kTaken.contains(*a.callback_hmac) ||
        *a.callback_hmac == a.code_param || a.callback_extras.contains(*a.callback_hmac)) {
      throw LoadError{o.field("callback_hmac"), "must be a new, non-empty parameter name"};
    }
  }
}

void readToken(const Json& j, Profile& p, Context& ctx) {
  Obj o(j, "token",
        {"client_auth", "client_id_param", "encoding", "methods", "redirect_uri",
         "extra_params", "code_ttl_seconds", "access_token_ttl_seconds",
         "access_token_prefix", "token_type", "companion", "expires_in", "response", "errors",
         "url_params_from_user", "tolerate", "access_token_jwt", "limit"});
  auto& t = p.token;
  if (const Json* jwt = o.get("access_token_jwt")) {
    Obj jo(*jwt, o.field("access_token_jwt"), {"claims", "evidence"});
    t.access_token_jwt.on = true;
    t.access_token_jwt.evidence = jo.reqString("evidence");
    if (t.access_token_jwt.evidence.empty()) {
      throw LoadError{jo.field("evidence"), "must not be empty"};
    }
    const Json* claims = jo.get("claims");
    if (claims == nullptr || !claims->is_object()) throw LoadError{jo.field("claims"), "required object"};
    checkTemplate(*claims, jo.field("claims"), ctx.me_rules);
    for (const char* reserved : {"iat", "nbf", "exp", "jti"}) {
      if (claims->contains(reserved)) {
        throw LoadError{jo.field("claims") + "." + reserved, "set by the simulator"};
      }
    }
    t.access_token_jwt.claims = *claims;
  }
  o.readStringMap("url_params_from_user", t.url_params_from_user);
  for (const auto& [param, field] : t.url_params_from_user) {
    const std::string f = o.field("url_params_from_user") + "." + param;
    if (!p.params.contains(param) ||
        p.endpoints.token.find("{" + param + "}") == std::string::npos) {
      throw LoadError{f, "not a param of the token URL"};
    }
    if (!ctx.me_rules.user_fields.contains(field)) throw LoadError{f, "not a field of every user"};
  }
  o.readEnumArray("client_auth", kClientAuth, t.client_auth);
  o.readNonEmptyString("client_id_param", t.client_id_param);
  o.readEnumArray("encoding", kEncodings, t.encoding);
  o.readEnumArray("methods", kMethods, t.methods);
  std::string redirect = "if_sent";
  o.readEnum("redirect_uri",
             EnumTable<std::string>{
                 {"required", "required"}, {"if_sent", "if_sent"}, {"ignored", "ignored"}},
             redirect);
  t.redirect_uri_required = redirect == "required";
  t.redirect_uri_ignored = redirect == "ignored";
  o.readStringMap("extra_params", t.extra_params);
  o.readInt("code_ttl_seconds", 1, 86400 * 365, t.code_ttl_seconds);
  o.readInt("access_token_ttl_seconds", 0, int64_t{1} << 40, t.access_token_ttl_seconds);
  o.readString("access_token_prefix", t.access_token_prefix);
  o.readNonEmptyString("token_type", t.token_type);
  if (const Json* c = o.get("companion")) {
    Obj co(*c, o.field("companion"), {"access_token_prefix", "token_type", "evidence"});
    t.companion.on = true;
    co.readString("access_token_prefix", t.companion.access_token_prefix);
    co.readNonEmptyString("token_type", t.companion.token_type);
    t.companion.evidence = co.reqString("evidence");
    if (t.companion.evidence.empty()) throw LoadError{co.field("evidence"), "must not be empty"};
    ctx.token_rules.companion = true;  // {companion.*} in the token and refresh answers
  }
  if (const Json* l = o.get("limit")) {
    Obj lo(*l, o.field("limit"), {"per_user_scope", "evidence"});
    if (lo.get("per_user_scope") == nullptr) {
      throw LoadError{lo.field("per_user_scope"), "required"};
    }
    lo.readInt("per_user_scope", 1, 1000000, t.limit.per_user_scope);
    t.limit.evidence = lo.reqString("evidence");
    if (t.limit.evidence.empty()) throw LoadError{lo.field("evidence"), "must not be empty"};
  }
  o.readEnum("expires_in", kExpiresIn, t.expires_in);
  if (const Json* tol = o.get("tolerate")) t.tolerate = readTokenTolerance(*tol, o.field("tolerate"));
  t.response.body = rfcTokenBody();
  if (const Json* r = o.get("response")) t.response = readResponse(*r, o.field("response"), ctx);
  if (t.companion.on && !usesPlaceholder(t.response.body, "companion.access_token")) {
    throw LoadError{o.field("companion"), "the token answer must carry {companion.access_token}"};
  }
  t.errors.body = rfcErrorBody();
  if (const Json* e = o.get("errors")) {
    t.errors = readErrors(*e, o.field("errors"), ctx, t.response.format);
  }
}

void readRefresh(const Json& j, Profile& p, const Context& ctx) {
  Obj o(j, "refresh",
        {"issued", "rotation", "grace_seconds", "ttl_seconds", "grant_type", "token_param",
         "extra_params", "client_auth", "encoding", "methods", "response", "errors", "tolerate"});
  auto& r = p.refresh;
  if (const Json* issued = o.get("issued")) r.issued = readIssued(*issued, o.field("issued"));
  o.readEnum("rotation", kRotations, r.rotation);
  o.readInt("grace_seconds", 0, 86400 * 365, r.grace_seconds);
  o.readInt("ttl_seconds", 0, int64_t{1} << 40, r.ttl_seconds);
  if (r.rotation == Rotation::kGrace && r.grace_seconds == 0) {
    throw LoadError{o.field("grace_seconds"), "must be > 0 with rotation grace"};
  }
  if (r.rotation != Rotation::kGrace && o.has("grace_seconds")) {
    throw LoadError{o.field("grace_seconds"), "only with rotation grace"};
  }
  o.readNonEmptyString("grant_type", r.grant_type);
  o.readNonEmptyString("token_param", r.token_param);
  o.readStringMap("extra_params", r.extra_params);
  r.client_auth = p.token.client_auth;
  r.encoding = p.token.encoding;
  r.methods = p.token.methods;
  o.readEnumArray("client_auth", kClientAuth, r.client_auth);
  o.readEnumArray("encoding", kEncodings, r.encoding);
  o.readEnumArray("methods", kMethods, r.methods);
  r.tolerate = p.token.tolerate;
  if (const Json* tol = o.get("tolerate")) r.tolerate = readTokenTolerance(*tol, o.field("tolerate"));
  r.response = p.token.response;
  if (const Json* resp = o.get("response")) r.response = readResponse(*resp, o.field("response"), ctx);
  r.errors = p.token.errors;
  if (const Json* e = o.get("errors")) {
    r.errors = readErrors(*e, o.field("errors"), ctx, r.response.format);
  } else if (r.response.format != p.token.response.format && !isFlatTemplate(r.errors.body)) {
    throw LoadError{o.field("errors"), "the token errors body is not flat; give refresh.errors"};
  }
  if (r.grant_type == "authorization_code") {
    throw LoadError{o.field("grant_type"), "must differ from authorization_code"};
  }
}

void readApi(const Json& j, Profile& p, const Context& ctx) {
  Obj o(j, "api", {"token_in", "name", "me", "error", "resources", "tolerate"});
  auto& a = p.api;
  o.readEnum("token_in", kTokenIn, a.token_in);
  o.readString("name", a.name);
  if (a.token_in == TokenIn::kBearer && o.has("name")) {
    throw LoadError{o.field("name"), "only with token_in header or query"};
  }
  if (a.token_in != TokenIn::kBearer) {
    if (a.name.empty()) throw LoadError{o.field("name"), "required with token_in header or query"};
    if (a.token_in == TokenIn::kHeader &&
        !std::regex_match(a.name, std::regex("^[A-Za-z0-9-]+$"))) {
      throw LoadError{o.field("name"), "not a valid header name"};
    }
  }
  if (const Json* t = o.get("tolerate")) a.tolerate = readApiTolerance(*t, o.field("tolerate"));
  for (TokenIn extra : a.tolerate.token_in.accept) {
    if (extra != TokenIn::kBearer && a.name.empty()) {
      throw LoadError{o.field("tolerate.token_in"), "header / query need api.name"};
    }
  }
  a.me = Json{{"id", "{user.id}"}, {"login", "{user.login}"}};
  if (const Json* me = o.get("me")) a.me = *me;
  checkTemplate(a.me, o.field("me"), ctx.me_rules);
  a.error_body = Json{{"error", "invalid_token"}};
  if (const Json* e = o.get("error")) {
    Obj eo(*e, o.field("error"), {"status", "body"});
    int status = 401;
    eo.readStatus("status", status);
    a.error_status = status;
    if (const Json* b = eo.get("body")) a.error_body = *b;
    PlaceholderRules rules;
    rules.errors = true;
    checkTemplate(a.error_body, eo.field("body"), rules);
  }
  if (const Json* r = o.get("resources")) {
    a.resources = readResources(*r, o.field("resources"), p, ctx.me_rules);
  }
}

void readUsers(const Obj& top, Profile& p) {
  const Json* v = top.get("users");
  if (!v) throw LoadError{"users", "required"};
  if (!v->is_array() || v->empty()) throw LoadError{"users", "must be a non-empty array"};
  std::set<std::string> ids;
  for (size_t i = 0; i < v->size(); ++i) {
    std::string f = "users[" + std::to_string(i) + "]";
    const Json& u = (*v)[i];
    if (!u.is_object()) throw LoadError{f, "must be an object"};
    User user;
    for (const auto& [name, value] : u.items()) {
      if (!value.is_string()) throw LoadError{f + "." + name, "must be a string"};
      user[name] = value.get<std::string>();
    }
    for (const char* required : {"id", "login"}) {
      if (!user.contains(required) || user[required].empty()) {
        throw LoadError{f + "." + required, "required"};
      }
    }
    if (!ids.insert(user["id"]).second) throw LoadError{f + ".id", "duplicate user id"};
    p.users.push_back(std::move(user));
  }
}

Context makeContext(const Profile& p) {
  std::set<std::string, std::less<>> fields;
  bool first = true;
  for (const auto& u : p.users) {
    std::set<std::string, std::less<>> mine;
    for (const auto& [k, v] : u) mine.insert(k);
    if (first) {
      fields = mine;
      first = false;
    } else {
      std::set<std::string, std::less<>> both;
      std::set_intersection(fields.begin(), fields.end(), mine.begin(), mine.end(),
                            std::inserter(both, both.begin()));
      fields = both;
    }
  }
  std::set<std::string, std::less<>> params;  // a per_client value is no request's to fill
  for (const auto& [name, spec] : p.params) {
    if (!spec.per_client) params.insert(name);
  }
  Context ctx;
  ctx.token_rules = PlaceholderRules{true, true, false, true, fields, params};
  ctx.error_rules = PlaceholderRules{false, false, true, false, {}, params};
  ctx.me_rules = PlaceholderRules{false, true, false, true, fields, params};
  ctx.extras_rules = PlaceholderRules{false, true, false, true, fields, params};
  return ctx;
}

// connection_params[].per_client: the client's registration holds the value, so only the oidc
// URLs (the issuer, and with it discovery and the JWKS) may use it; the issuer must.
void checkPerClientParams(const Profile& p) {
  static const std::set<std::string> kRegistrationFields = {
      "provider", "client_id", "client_secret", "redirect_uris", "application_id"};
  for (const auto& [name, spec] : p.params) {
    if (!spec.per_client) continue;
    if (kRegistrationFields.contains(name)) {
      throw LoadError{"connection_params", "\"" + name +
                                               "\" is per_client, but POST /_sim/clients uses "
                                               "that name for itself"};
    }
    const std::string placeholder = "{" + name + "}";
    if (!p.oidc || p.oidc->issuer.find(placeholder) == std::string::npos) {
      throw LoadError{"connection_params", "\"" + name +
                                               "\" is per_client, but oidc.issuer does not use it"};
    }
    std::vector<std::string> urls;
    for (const auto& r : p.api.resources) urls.push_back(r.url);
    if (p.oidc->userinfo) urls.push_back(*p.oidc->userinfo);
    for (const TokenTradeSpec* t : {&p.long_lived.exchange, &p.long_lived.renew}) {
      if (t->url) urls.push_back(*t->url);
    }
    for (const auto& url : urls) {
      if (url.find(placeholder) != std::string::npos) {
        throw LoadError{"connection_params", "\"" + name + "\" is per_client; " + url +
                                                 " is called with a request's values only"};
      }
    }
  }
}

const std::set<std::string, std::less<>> kSections = {
    "slug", "display_name", "sources", "assumed", "notes", "connection_params", "endpoints",
    "authorize", "token", "refresh", "long_lived", "api", "users", "oidc"};

Profile parseOrThrow(const Json& doc, std::string_view file) {
  Obj top(doc, "",
          {"slug", "display_name", "sources", "assumed", "notes", "connection_params", "endpoints",
           "authorize", "token", "refresh", "long_lived", "api", "users", "oidc"});
  Profile p;
  p.file = std::string(file);
  p.slug = top.reqString("slug");
  if (!std::regex_match(p.slug, std::regex("^[a-z0-9-]+$"))) {
    throw LoadError{"slug", "must match ^[a-z0-9-]+$"};
  }
  std::string stem = std::filesystem::path(file).stem().string();
  if (p.slug != stem) throw LoadError{"slug", "\"" + p.slug + "\" does not equal the file name"};
  p.display_name = top.reqString("display_name");
  if (p.display_name.empty()) throw LoadError{"display_name", "must not be empty"};
  if (!top.has("sources")) throw LoadError{"sources", "required"};
  p.sources = top.stringArray("sources", true);
  p.assumed = top.stringArray("assumed", false);
  for (size_t i = 0; i < p.assumed.size(); ++i) {
    std::string section = p.assumed[i].substr(0, p.assumed[i].find('.'));
    if (!kSections.contains(section)) {
      throw LoadError{"assumed[" + std::to_string(i) + "]", "\"" + p.assumed[i] + "\" names no profile field"};
    }
  }
  top.readString("notes", p.notes);
  const std::vector<std::string> param_order = readParams(top, p);
  readUsers(top, p);
  Context ctx = makeContext(p);
  for (const char* required : {"endpoints", "authorize", "token", "refresh", "api"}) {
    if (!top.has(required)) throw LoadError{required, "required"};
  }
  readEndpoints(*top.get("endpoints"), p, param_order);
  readAuthorize(*top.get("authorize"), p, ctx);
  readToken(*top.get("token"), p, ctx);
  readRefresh(*top.get("refresh"), p, ctx);
  if (const Json* l = top.get("long_lived")) p.long_lived = readLongLived(*l, p, ctx.token_rules);
  readApi(*top.get("api"), p, ctx);
  if (const Json* oidc = top.get("oidc")) readOidcSection(*oidc, p, ctx.me_rules);
  checkPerClientParams(p);
  if (p.token.access_token_jwt.on && (!p.oidc || !p.token.access_token_prefix.empty() ||
                                      p.token.companion.on)) {
    throw LoadError{"token.access_token_jwt",
                    "needs an oidc block (its key signs) and no access_token_prefix or companion"};
  }
  if (p.refresh.issued.kind == IssueKind::kScope) {
    const auto& a = p.authorize;
    if (a.scope_separator == ScopeSeparator::kNone) {
      throw LoadError{"refresh.issued.scope", "scopes are not used (scope_separator none)"};
    }
    if (std::find(a.scopes.begin(), a.scopes.end(), p.refresh.issued.scope) == a.scopes.end()) {
      throw LoadError{"refresh.issued.scope", "not one of authorize.scopes"};
    }
  }
  return p;
}

}  // namespace

Result<Profile> parseProfile(const Json& doc, std::string_view file) {
  try {
    return parseOrThrow(doc, file);
  } catch (const LoadError& e) {
    return fail("bad_profile", std::string(file) + ": " + e.field + ": " + e.reason);
  } catch (const std::exception& e) {  // nlohmann type errors we did not foresee
    return fail("bad_profile", std::string(file) + ": (root): " + e.what());
  }
}

Result<Profile> loadProfileFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string name = path.filename().string();
  if (!in) return fail("bad_profile", name + ": (file): cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto doc = parseJson(buffer.str());
  if (!doc) return fail("bad_profile", name + ": (json): " + doc.error().message);
  return parseProfile(*doc, name);
}

Result<std::vector<Profile>> loadProfileDir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return fail("bad_profile", dir.string() + ": not a directory");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  // By slug (the stem): "slack" before "slack-openid", although '-' sorts before '.'.
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.stem() < b.stem(); });
  if (files.empty()) return fail("bad_profile", dir.string() + ": no *.json profiles");
  std::vector<Profile> out;
  for (const auto& f : files) {
    auto p = loadProfileFile(f);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace linkgate::sim
