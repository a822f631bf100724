// Strict catalogue loader: every field of gateway/catalogue/README.md typed, every unknown
// field or enum value a load error naming the file and the field.
#include "gateway/catalogue.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/url.h"
#include "gateway/catalogue_reader.h"

namespace linkgate::gateway {
namespace {

using namespace catalogue_reader;

const std::initializer_list<std::pair<std::string_view, ScopeSeparator>> kSeparators = {
    {"space", ScopeSeparator::kSpace},
    {"comma", ScopeSeparator::kComma},
    {"plus", ScopeSeparator::kPlus},
    {"none", ScopeSeparator::kNone}};
const std::initializer_list<std::pair<std::string_view, PkceMode>> kPkce = {
    {"required", PkceMode::kRequired},
    {"supported", PkceMode::kSupported},
    {"not_supported", PkceMode::kNone},
    {"accept_then_reject", PkceMode::kAcceptThenReject}};
const std::initializer_list<std::pair<std::string_view, ClientAuth>> kClientAuth = {
    {"client_secret_post", ClientAuth::kPost},
    {"client_secret_basic", ClientAuth::kBasic},
    {"client_secret_query", ClientAuth::kQuery},
    {"none", ClientAuth::kNone}};
const std::initializer_list<std::pair<std::string_view, Encoding>> kEncodings = {
    {"form", Encoding::kForm}, {"json", Encoding::kJson}, {"query", Encoding::kQuery}};
const std::initializer_list<std::pair<std::string_view, ResponseFormat>> kFormats = {
    {"json", ResponseFormat::kJson}, {"form", ResponseFormat::kForm}};
const std::initializer_list<std::pair<std::string_view, RefreshIssued>> kIssued = {
    {"always", RefreshIssued::kAlways},
    {"never", RefreshIssued::kNever},
    {"opt_in", RefreshIssued::kOptIn},
    {"scope", RefreshIssued::kScope},
    {"authorize_param", RefreshIssued::kAuthorizeParam}};
const std::initializer_list<std::pair<std::string_view, Rotation>> kRotation = {
    {"none", Rotation::kNone},
    {"strict", Rotation::kStrict},
    {"grace", Rotation::kGrace},
    {"unknown", Rotation::kUnknown}};
const std::initializer_list<std::pair<std::string_view, TokenIn>> kTokenIn = {
    {"bearer", TokenIn::kBearer}, {"header", TokenIn::kHeader}, {"query", TokenIn::kQuery}};

template <class E>
std::string_view nameOf(const std::initializer_list<std::pair<std::string_view, E>>& values, E v) {
  for (const auto& [name, value] : values) {
    if (value == v) return name;
  }
  return "?";
}

void checkPath(const std::string& field, const std::string& path) {
  if (path.empty() || path.front() == '.' || path.back() == '.' ||
      path.find("..") != std::string::npos) {
    bad(field, "must be a dotted path");
  }
}

// connection_params or app_params: [{name, pattern, example, description?}], names unique
// across both lists.
void readParams(const Json* list, const std::string& field, const Dialect& d,
                std::vector<ConnectionParam>& out) {
  if (list == nullptr) return;
  if (!list->is_array()) bad(field, "must be an array");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = field + "[" + std::to_string(i) + "]";
    ObjectReader r((*list)[i], path);
    ConnectionParam p;
    r.str("name", p.name, true);
    r.str("pattern", p.pattern, true);
    r.str("example", p.example, true);
    r.str("description", p.description);
    if (field == "connection_params") r.str("from_callback", p.from_callback);
    r.done();
    if (p.name.empty() || p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                              std::string::npos) {
      bad(path + ".name", "must match ^[a-z0-9_]+$");
    }
    static const std::set<std::string> kReserved = {
        "client_id", "redirect_uri", "state", "scope", "debug", "code_challenge",
        "code_challenge_method", "response_type"};
    if (kReserved.contains(p.name)) bad(path + ".name", "collides with a /start parameter");
    try {
      p.regex = std::make_shared<const std::regex>(p.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      bad(path + ".pattern", std::string("bad regex: ") + e.what());
    }
    if (!p.matches(p.example)) bad(path + ".example", "does not match pattern");
    if (d.param(p.name) != nullptr) bad(path + ".name", "duplicate name");  // either list
    out.push_back(std::move(p));
  }
}

// A catalogue URL: https, absolute, every {placeholder} a declared connection or app param.
void checkUrl(const std::string& field, const std::string& url, const Dialect& d) {
  std::string filled;
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] != '{') {
      if (url[i] == '}') bad(field, "unbalanced '}'");
      filled += url[i];
      continue;
    }
    const size_t end = url.find('}', i);
    if (end == std::string::npos) bad(field, "unterminated '{'");
    const std::string name = url.substr(i + 1, end - i - 1);
    const ConnectionParam* param = d.param(name);
    if (param == nullptr) {
      bad(field, "placeholder {" + name + "} is not a connection or app param");
    }
    filled += param->example;
    i = end;
  }
  auto parsed = Url::parseAbsolute(filled);
  if (!parsed) bad(field, "not an absolute URL: " + parsed.error().message);
  if (parsed->scheme != "https") bad(field, "must be an https URL");
  if (parsed->fragment) bad(field, "must not have a fragment");
  if (parsed->userinfo) bad(field, "must not have userinfo");
}

// An array of enum values, at least one; the gateway uses the first (docs/VOCABULARY.md: the
// shared `client_auth` / `encoding` / `methods` list what the provider accepts).
template <class E>
void firstOf(ObjectReader& r, std::string_view key, E& out,
             std::initializer_list<std::pair<std::string_view, E>> values) {
  const Json* v = r.get(key);
  if (v == nullptr) return;
  if (!v->is_array() || v->empty()) bad(r.field(key), "must be a non-empty array");
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    const std::string f = r.field(key) + "[" + std::to_string(i) + "]";
    if (!e.is_string()) bad(f, "must be a string");
    bool known = false;
    std::string allowed;
    for (const auto& [name, value] : values) {
      if (name == e.get<std::string>()) {
        if (i == 0) out = value;
        known = true;
      }
      allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    if (!known) {
      bad(f, "unknown value \"" + e.get<std::string>() + "\" (expected one of " + allowed + ")");
    }
  }
}

// The request fields shared by `token` and `refresh`; `authorize_sends_redirect` is what the
// authorization request does (token `redirect_uri: if_sent` follows it).
void readTokenRequest(ObjectReader& r, TokenRequestDialect& t, bool refresh,
                      bool authorize_sends_redirect) {
  firstOf(r, "methods", t.method, {{"POST", TokenMethod::kPost}, {"GET", TokenMethod::kGet}});
  firstOf(r, "client_auth", t.client_auth, kClientAuth);
  r.str("client_id_param", t.client_id_param);
  firstOf(r, "encoding", t.encoding, kEncodings);
  r.str("accept", t.accept);
  if (refresh) {
    bool send = t.send_redirect_uri;
    r.enumeration("redirect_uri", send, {{"required", true}, {"ignored", false}});
    t.send_redirect_uri = send;
  } else {
    std::string mode = "if_sent";
    r.enumeration("redirect_uri", mode,
                  {{"required", std::string("required")},
                   {"if_sent", std::string("if_sent")},
                   {"ignored", std::string("ignored")}});
    t.send_redirect_uri = mode == "required" || (mode == "if_sent" && authorize_sends_redirect);
  }
  r.boolean("send_scope", t.send_scope);
  r.str("grant_type", t.grant_type);
  if (refresh) {
    r.str("token_param", t.token_param);
  } else if (r.has("token_param")) {
    bad(r.field("token_param"), "only allowed in refresh");
  }
  r.nameValues("extra_params", t.extra_params);
  if (t.client_id_param.empty()) bad(r.field("client_id_param"), "must not be empty");
  if (t.grant_type.empty()) bad(r.field("grant_type"), "must not be empty");
}

// refresh.issued: "always" / "never" / "opt_in" / {"scope": S} / {"authorize_param": {...}}.
void readIssued(ObjectReader& r, RefreshPolicy& policy) {
  const Json* v = r.get("issued");
  if (v == nullptr) return;
  const std::string f = r.field("issued");
  if (v->is_string()) {
    const auto s = v->get<std::string>();
    if (s == "always") policy.issued = RefreshIssued::kAlways;
    else if (s == "never") policy.issued = RefreshIssued::kNever;
    else if (s == "opt_in") policy.issued = RefreshIssued::kOptIn;
    else bad(f, "unknown value \"" + s + "\" (expected one of always, never, opt_in, {\"scope\": ...}, {\"authorize_param\": {...}})");
    return;
  }
  ObjectReader o(*v, f);
  if (o.has("scope") == o.has("authorize_param")) bad(f, "needs exactly one of scope, authorize_param");
  if (o.has("scope")) {
    policy.issued = RefreshIssued::kScope;
    o.str("scope", policy.issued_scope);
    if (policy.issued_scope.empty()) bad(o.field("scope"), "must not be empty");
  } else {
    policy.issued = RefreshIssued::kAuthorizeParam;
    o.nameValues("authorize_param", policy.issued_param);
    if (policy.issued_param.empty()) bad(o.field("authorize_param"), "must not be empty");
  }
  o.done();
}

// token_response / refresh_response: where the answer's values are.
void readTokenResponse(ObjectReader& r, TokenResponseDialect& tr) {
  r.enumeration("format", tr.format, kFormats);
  if (const Json* s = r.get("success_status")) {
    if (!s->is_array() || s->empty()) bad(r.field("success_status"), "must be an array of ints");
    tr.success_status.clear();
    for (const auto& e : *s) {
      if (!e.is_number_integer() || e.get<int>() < 100 || e.get<int>() > 599) {
        bad(r.field("success_status"), "must be an array of HTTP status codes");
      }
      tr.success_status.push_back(e.get<int>());
    }
  }
  for (auto [key, out] : {std::pair{"access_token", &tr.access_token},
                          {"refresh_token", &tr.refresh_token},
                          {"expires_in", &tr.expires_in},
                          {"token_type", &tr.token_type},
                          {"scope", &tr.scope},
                          {"error", &tr.error},
                          {"error_description", &tr.error_description}}) {
    r.str(key, *out);
    checkPath(r.field(key), *out);
  }
  if (r.has("scope_separator")) {
    ScopeSeparator sep = ScopeSeparator::kSpace;
    r.enumeration("scope_separator", sep, kSeparators);
    if (sep == ScopeSeparator::kNone) bad(r.field("scope_separator"), "must be a separator");
    tr.scope_separator = sep;
  }
  r.optStr("expires_at", tr.expires_at);
  if (tr.expires_at) checkPath(r.field("expires_at"), *tr.expires_at);
  r.optStr("ok", tr.ok);
  if (tr.ok) checkPath(r.field("ok"), *tr.ok);
  r.strings("invalid_grant_errors", tr.invalid_grant_errors);
  r.nameValues("extra_fields", tr.extra_fields);
  for (const auto& [name, path] : tr.extra_fields) {
    checkPath(r.field("extra_fields." + name), path);
    static const std::set<std::string> kReserved = {"kind", "access_token", "refresh_token",
                                                    "token_type", "scope", "expires_at",
                                                    "long_lived"};
    if (kReserved.contains(name)) bad(r.field("extra_fields." + name), "reserved name");
  }
  r.done();
}

// token_upgrade (issue 13): the long-lived token exchange right after the code exchange.
void readTokenUpgrade(const Json& j, Dialect& d) {
  ObjectReader r(j, "token_upgrade");
  TokenUpgrade& u = d.token_upgrade;
  u.on = true;
  r.str("url", u.url, true);
  checkUrl("token_upgrade.url", u.url, d);
  r.enumeration("method", u.method, {{"GET", TokenMethod::kGet}, {"POST", TokenMethod::kPost}});
  r.nameValues("params", u.params);
  bool presents = false;
  for (const auto& [name, value] : u.params) {
    if (name.empty()) bad("token_upgrade.params", "names must not be empty");
    if (value.find('{') != std::string::npos && value != "{access_token}" &&
        value != "{client_id}" && value != "{client_secret}") {
      bad("token_upgrade.params." + name,
          "a template must be exactly {access_token}, {client_id} or {client_secret}");
    }
    presents = presents || value == "{access_token}";
  }
  if (!presents) bad("token_upgrade.params", "must present the token ({access_token})");
  const Json* resp = r.get("response");
  if (resp == nullptr) bad("token_upgrade.response", "is required");
  ObjectReader rr(*resp, "token_upgrade.response");
  readTokenResponse(rr, u.response);
  r.done();
  if (d.refresh.issued != RefreshIssued::kNever) {
    bad("token_upgrade", "only with refresh.issued \"never\" (the long-lived token is renewed "
                         "itself, refresh.presents access_token)");
  }
}

// api.resources: the calls made with the new access token (shared shape with the profiles'
// api.resources; the catalogue keeps extra_fields where the profile has body + key).
void readResources(const Json* list, Dialect& d) {
  if (list != nullptr) {
    if (!list->is_array()) bad("api.resources", "must be an array");
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = "api.resources[" + std::to_string(i) + "]";
      ObjectReader r((*list)[i], path);
      DiscoveryCall call;
      r.str("url", call.url, true);
      r.enumeration("token_in", call.token_in,
                    {{"bearer", DiscoveryTokenIn::kBearer},
                     {"header", DiscoveryTokenIn::kHeader},
                     {"path", DiscoveryTokenIn::kPath}});
      r.str("name", call.header_name);
      r.str("prefix", call.header_prefix);
      r.nameValues("extra_fields", call.extra_fields);
      r.done();
      constexpr std::string_view kTokenSegment = "/{access_token}";
      const bool token_segment = call.url.ends_with(kTokenSegment);
      if (token_segment != (call.token_in == DiscoveryTokenIn::kPath)) {
        bad(path + ".url", "ends with /{access_token} exactly when token_in is \"path\"");
      }
      checkUrl(path + ".url",
               token_segment ? call.url.substr(0, call.url.size() - kTokenSegment.size()) : call.url,
               d);
      if ((call.token_in == DiscoveryTokenIn::kHeader) == call.header_name.empty()) {
        bad(path + ".name", "is required with token_in \"header\" and only then");
      }
      if (!call.header_prefix.empty() && call.token_in != DiscoveryTokenIn::kHeader) {
        bad(path + ".prefix", "only with token_in \"header\"");
      }
      if (call.extra_fields.empty()) bad(path + ".extra_fields", "must name at least one field");
      for (const auto& [name, field_path] : call.extra_fields) {
        checkPath(path + ".extra_fields." + name, field_path);
        static const std::set<std::string> kReserved = {"kind", "access_token", "refresh_token",
                                                        "token_type", "scope", "expires_at",
                                                    "long_lived"};
        if (kReserved.contains(name)) bad(path + ".extra_fields." + name, "reserved name");
      }
      d.discovery.push_back(std::move(call));
    }
  }
}

Dialect parseOrThrow(const Json& doc, const std::string& slug) {
  Dialect d;
  ObjectReader top(doc, "");
  // Unknown top-level fields first, so a file on an old vocabulary names the stray field
  // (`authorization: unknown field`) rather than the section it lacks.
  static const std::set<std::string, std::less<>> kTopLevel = {
      "slug", "display_name", "sources", "assumed", "notes", "connection_params", "app_params",
      "endpoints", "authorize", "token", "refresh", "token_upgrade", "api", "oidc", "account"};
  for (const auto& [key, value] : doc.items()) {
    if (!kTopLevel.contains(key)) bad(key, "unknown field");
  }
  top.str("slug", d.slug, true);
  if (d.slug != slug) bad("slug", "\"" + d.slug + "\" does not equal the file name");
  if (d.slug.empty() || d.slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
                            std::string::npos) {
    bad("slug", "must match ^[a-z0-9-]+$");
  }
  top.str("display_name", d.display_name, true);
  top.strings("sources", d.sources, true);
  if (d.sources.empty()) bad("sources", "must have at least one entry");
  top.strings("assumed", d.assumed);
  top.str("notes", d.notes);

  readParams(top.get("connection_params"), "connection_params", d, d.connection_params);
  readParams(top.get("app_params"), "app_params", d, d.app_params);

  {
    const Json* e = top.get("endpoints");
    if (e == nullptr) bad("endpoints", "is required");
    ObjectReader r(*e, "endpoints");
    r.str("authorize", d.authorization_url, true);
    checkUrl("endpoints.authorize", d.authorization_url, d);
    for (const auto& p : d.connection_params) {
      if (!p.from_callback.empty() &&
          d.authorization_url.find("{" + p.name + "}") != std::string::npos) {
        bad("endpoints.authorize",
            "{" + p.name + "} comes from the callback, after this URL is used");
      }
    }
    r.str("token", d.token_url, true);
    checkUrl("endpoints.token", d.token_url, d);
    r.optStr("refresh", d.refresh_url);
    if (d.refresh_url) checkUrl("endpoints.refresh", *d.refresh_url, d);
    r.optStr("api_base", d.api_base_url);
    if (d.api_base_url) checkUrl("endpoints.api_base", *d.api_base_url, d);
    r.done();
  }
  {
    const Json* a = top.get("authorize");
    if (a == nullptr) bad("authorize", "is required");
    ObjectReader r(*a, "authorize");
    auto& az = d.authorization;
    r.str("client_id_param", az.client_id_param);
    r.boolean("send_client_id", az.send_client_id);
    r.str("response_type", az.response_type);
    r.enumeration("redirect_uri", az.send_redirect_uri, {{"required", true}, {"optional", false}});
    r.enumeration("scope_separator", az.scope_separator, kSeparators);
    r.strings("default_scopes", az.default_scopes);
    r.enumeration("pkce", az.pkce, kPkce);
    r.nameValues("extra_params", az.extra_params);
    r.str("code_param", az.callback_code_param);
    bool send_iss = false;
    r.boolean("send_iss", send_iss);
    az.iss = send_iss ? IssCheck::kRequired : IssCheck::kNone;
    r.str("issuer", az.issuer);
    r.strings("callback_extras", az.callback_extra_fields);
    r.str("callback_hmac", az.callback_hmac);
    r.nameValues("callback_expect", az.callback_expect);
    r.done();
    for (const auto& [name, tmpl] : az.callback_expect) {
      for (size_t at = tmpl.find('{'); at != std::string::npos; at = tmpl.find('{', at + 1)) {
        const size_t end = tmpl.find('}', at);
        if (end == std::string::npos || d.param(tmpl.substr(at + 1, end - at - 1)) == nullptr) {
          bad("authorize.callback_expect." + name, "placeholders must name declared params");
        }
      }
    }
    if (az.client_id_param.empty()) bad("authorize.client_id_param", "must not be empty");
    if (az.callback_code_param.empty()) bad("authorize.code_param", "must not be empty");
    if (az.iss == IssCheck::kRequired && az.issuer.empty()) {
      bad("authorize.issuer", "is required with send_iss: true");
    }
    if (az.iss == IssCheck::kNone && !az.issuer.empty()) {
      bad("authorize.issuer", "only with send_iss: true");
    }
  }
  {
    const Json* t = top.get("token");
    if (t == nullptr) bad("token", "is required");
    ObjectReader r(*t, "token");
    readTokenRequest(r, d.token_request, false, d.authorization.send_redirect_uri);
    if (d.token_request.client_auth == ClientAuth::kNone) {
      bad("token.client_auth", "none is only for refresh (the code exchange authenticates)");
    }
    const Json* resp = r.get("response");
    if (resp == nullptr) bad("token.response", "is required");
    ObjectReader rr(*resp, "token.response");
    readTokenResponse(rr, d.token_response);
    r.done();
  }
  d.refresh_request = d.token_request;
  d.refresh_request.send_redirect_uri = false;
  d.refresh_request.grant_type = "refresh_token";
  d.refresh_request.extra_params.clear();
  {
    const Json* t = top.get("refresh");
    if (t == nullptr) bad("refresh", "is required");
    ObjectReader r(*t, "refresh");
    readIssued(r, d.refresh);
    r.enumeration("rotation", d.refresh.rotation, kRotation);
    if (const Json* idle = r.get("idle_revocation_days")) {
      if (!idle->is_number_integer() || idle->get<int64_t>() < 1 || idle->get<int64_t>() > 3650) {
        bad("refresh.idle_revocation_days", "must be an integer in [1, 3650]");
      }
      d.refresh.idle_revocation_days = idle->get<int64_t>();
    }
    std::string presents = "refresh_token";
    r.enumeration("presents", presents,
                  {{"refresh_token", std::string("refresh_token")},
                   {"access_token", std::string("access_token")}});
    d.refresh.presents_access_token = presents == "access_token";
    if (const Json* age = r.get("min_token_age_seconds")) {
      if (!age->is_number_integer() || age->get<int64_t>() < 1 ||
          age->get<int64_t>() > 86400 * 365) {
        bad("refresh.min_token_age_seconds", "must be an integer in [1, 31536000]");
      }
      d.refresh.min_token_age_seconds = age->get<int64_t>();
    }
    if (d.refresh.presents_access_token && d.refresh.issued != RefreshIssued::kNever) {
      bad("refresh.presents", "access_token only with issued \"never\" (no refresh token)");
    }
    readTokenRequest(r, d.refresh_request, true, false);
    if (d.refresh.presents_access_token && d.refresh_request.token_param == "refresh_token") {
      bad("refresh.token_param", "name the parameter the access token goes in");
    }
    if (const Json* resp = r.get("response")) {
      ObjectReader rr(*resp, "refresh.response");
      d.refresh_response.emplace();
      readTokenResponse(rr, *d.refresh_response);
    }
    r.done();
  }
  if (const Json* u = top.get("token_upgrade")) readTokenUpgrade(*u, d);
  {
    const Json* t = top.get("api");
    if (t == nullptr) bad("api", "is required");
    ObjectReader r(*t, "api");
    r.enumeration("token_in", d.api.token_in, kTokenIn);
    r.str("name", d.api.name);
    if (d.api.token_in != TokenIn::kBearer && d.api.name.empty()) {
      bad("api.name", "is required for token_in header/query");
    }
    readResources(r.get("resources"), d);
    r.done();
  }
  if (const Json* o = top.get("oidc")) {
    auto oidc = parseOidcDialect(*o, d);
    if (!oidc) throw LoadError{oidc.error().message};
    d.oidc = std::move(*oidc);
  }
  if (const Json* a = top.get("account")) {
    auto account = parseAccountSource(*a, d);
    if (!account) throw LoadError{account.error().message};
    d.account = std::move(*account);
  }
  top.done();
  return d;
}

}  // namespace

const ConnectionParam* Dialect::param(std::string_view name) const {
  for (const auto* list : {&connection_params, &app_params}) {
    for (const auto& p : *list) {
      if (p.name == name) return &p;
    }
  }
  return nullptr;
}

bool ConnectionParam::matches(const std::string& value) const {
  return regex && std::regex_match(value, *regex);
}

Result<Dialect> parseDialect(const Json& doc, const std::string& slug) {
  try {
    return parseOrThrow(doc, slug);
  } catch (const catalogue_reader::LoadError& e) {
    return fail("bad_catalogue", e.message);
  } catch (const std::exception& e) {  // nlohmann type errors, regex complexity
    return fail("bad_catalogue", std::string("unexpected: ") + e.what());
  }
}

Result<Catalogue> Catalogue::load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail("bad_catalogue", dir + ": not a directory");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return fail("bad_catalogue", dir + ": " + ec.message());
  // By slug (the stem): "slack" before "slack-openid", although '-' sorts before '.'.
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.stem() < b.stem(); });
  Catalogue catalogue;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) return fail("bad_catalogue", file.string() + ": cannot read");
    auto json = parseJson(buffer.str());
    if (!json) return fail("bad_catalogue", file.string() + ": " + json.error().message);
    auto dialect = parseDialect(*json, file.stem().string());
    if (!dialect) return fail("bad_catalogue", file.string() + ": " + dialect.error().message);
    catalogue.add(std::move(*dialect));
  }
  if (catalogue.size() == 0) return fail("bad_catalogue", dir + ": no *.json provider files");
  return catalogue;
}

void Catalogue::add(Dialect dialect) {
  std::string slug = dialect.slug;
  dialects_.insert_or_assign(std::move(slug), std::move(dialect));
}

const Dialect* Catalogue::find(std::string_view slug) const {
  auto it = dialects_.find(slug);
  return it == dialects_.end() ? nullptr : &it->second;
}

std::string_view wireName(ScopeSeparator v) { return nameOf(kSeparators, v); }
std::string_view wireName(PkceMode v) { return nameOf(kPkce, v); }
std::string_view wireName(ClientAuth v) { return nameOf(kClientAuth, v); }
std::string_view wireName(Encoding v) { return nameOf(kEncodings, v); }
std::string_view wireName(ResponseFormat v) { return nameOf(kFormats, v); }
std::string_view wireName(RefreshIssued v) { return nameOf(kIssued, v); }
std::string_view wireName(Rotation v) { return nameOf(kRotation, v); }
std::string_view wireName(TokenIn v) { return nameOf(kTokenIn, v); }

Json issuedJson(const RefreshPolicy& r) {
  if (r.issued == RefreshIssued::kScope) return Json{{"scope", r.issued_scope}};
  if (r.issued == RefreshIssued::kAuthorizeParam) {
    Json params = Json::object();
    for (const auto& [name, value] : r.issued_param) params[name] = value;
    return Json{{"authorize_param", params}};
  }
  return std::string(wireName(r.issued));
}

char separatorChar(ScopeSeparator v) {
  switch (v) {
    case ScopeSeparator::kComma: return ',';
    case ScopeSeparator::kPlus: return '+';
    default: return ' ';
  }
}

}  // namespace linkgate::gateway
