// Control API.
#include "simulator/control_handler.h"

#include <charconv>
#include <regex>

#include "core/params.h"
#include "core/percent.h"
#include "simulator/profile_tolerance.h"
#include "simulator/recipe.h"
#include "simulator/template.h"

namespace linkgate::sim {
namespace {

web::Response bad(const std::string& reason) {
  return web::Response::json(400, Json{{"error", "invalid_request"}, {"error_description", reason}});
}
web::Response notFound(const std::string& reason) {
  return web::Response::json(404, Json{{"error", "not_found"}, {"error_description", reason}});
}
web::Response methodNotAllowed(const std::string& allow) {
  web::Response r = web::Response::json(
      405, Json{{"error", "method_not_allowed"}, {"error_description", "allowed: " + allow}});
  r.setHeader("Allow", allow);
  return r;
}
web::Response ok(Json body, int status = 200) { return web::Response::json(status, body); }

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    std::string_view seg = path.substr(pos, next == std::string_view::npos ? path.npos : next - pos);
    auto decoded = percentDecode(seg);
    out.push_back(decoded ? *decoded : std::string(seg));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

Result<Json> jsonBody(const web::Request& request) {
  auto body = parseJson(request.body);
  if (!body) return fail("invalid_request", "body must be JSON: " + body.error().message);
  if (!body->is_object()) return fail("invalid_request", "body must be a JSON object");
  return body;
}

Json stringsJson(const auto& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(std::string(wireName(v)));
  return out;
}

Json clientJson(const Client& c) {
  Json j{{"provider", c.provider},
         {"client_id", c.client_id},
         {"client_secret", c.client_secret},
         {"redirect_uris", c.redirect_uris}};
  if (!c.application_id.empty()) j["application_id"] = c.application_id;
  for (const auto& [name, value] : c.params) j[name] = value;
  return j;
}

std::string baseUrl(const web::Request& request) {
  return "http://" + request.header("host").value_or("127.0.0.1");
}

}  // namespace

Json ControlApi::providerJson(const Provider& p, const std::string& base, const Behaviour& b) {
  const Profile& prof = p.profile;
  Json params = Json::array();
  for (const auto& [name, spec] : prof.params) {
    Json one{{"name", name}, {"pattern", spec.pattern}, {"example", spec.example}};
    if (spec.per_client) one["per_client"] = true;
    params.push_back(std::move(one));
  }
  Json issued = std::string(wireName(prof.refresh.issued.kind));
  if (prof.refresh.issued.kind == IssueKind::kScope) issued = Json{{"scope", prof.refresh.issued.scope}};
  if (prof.refresh.issued.kind == IssueKind::kAuthorizeParam) {
    issued = Json{{"authorize_param", prof.refresh.issued.authorize_param}};
  }
  Json extras = Json::array();
  for (const auto& [name, tmpl] : prof.authorize.callback_extras.items()) extras.push_back(name);
  Json methods = prof.token.methods;
  Json dialect{
      {"client_id_param", prof.authorize.client_id_param},
      {"authorize_names", prof.authorize.application_id ? "application_id" : "client_id"},
      // Whether token answers carry the granted scopes (else a client can only assume them).
      {"token_answer_scope", usesPlaceholder(prof.token.response.body, "scope") ||
                                 usesPlaceholder(prof.token.response.body, "scope_array") ||
                                 usesPlaceholder(prof.token.response.body, "scope_comma")},
      {"client_auth", stringsJson(prof.token.client_auth)},
      {"token_client_id_param", prof.token.client_id_param},
      {"encoding", stringsJson(prof.token.encoding)},
      {"token_methods", methods},
      {"response_format", wireName(prof.token.response.format)},
      {"error_style", wireName(prof.token.errors.style)},
      {"scope_separator", wireName(b.scope_separator)},
      {"scopes", prof.authorize.scopes},
      {"default_scopes", prof.authorize.default_scopes},
      {"pkce", wireName(b.pkce)},
      {"authorize_extra_params", prof.authorize.extra_params},
      {"token_extra_params", prof.token.extra_params},
      {"refresh_extra_params", prof.refresh.extra_params},
      {"open_scope_patterns", prof.authorize.open_scopes.patterns},
      {"strict_docs", b.strict_docs},
      // What the real provider accepts beyond its documented form (off with strict_docs).
      {"tolerate", toleranceJson(prof)},
      {"code_param", prof.authorize.code_param},
      {"send_iss", prof.authorize.send_iss},
      {"callback_extras", extras},
      {"callback_hmac", prof.authorize.callback_hmac ? Json(*prof.authorize.callback_hmac) : Json()},
      {"refresh_issued", issued},
      {"rotation", wireName(b.rotation)},
      {"grace_seconds", b.grace_seconds},
      {"refresh_grant_type", prof.refresh.grant_type},
      {"refresh_token_param", prof.refresh.token_param},
      {"refresh_client_auth", stringsJson(prof.refresh.client_auth)},
      {"refresh_encoding", stringsJson(prof.refresh.encoding)},
      {"expires_in", wireName(b.expires_in)},
      {"code_ttl_seconds", b.code_ttl_seconds},
      {"access_token_ttl_seconds", b.access_token_ttl_seconds},
      {"api_token_in", wireName(prof.api.token_in)},
  };
  if (!prof.api.name.empty()) dialect["api_token_name"] = prof.api.name;
  Json resources = Json::array();
  for (size_t i = 0; i < prof.api.resources.size(); ++i) {
    const ResourceSpec& r = prof.api.resources[i];
    Json entry{{"url", Router::resourceUrl(base, p, i)}, {"token_in", wireName(r.token_in)}};
    if (r.token_in == ResourceTokenIn::kHeader) {
      entry["name"] = r.name;
      if (!r.prefix.empty()) entry["prefix"] = r.prefix;
    }
    entry["key"] = r.key;
    resources.push_back(std::move(entry));
  }
  dialect["resources"] = std::move(resources);
  if (const LongLivedSpec& l = prof.long_lived; l.on) {  // issue 13
    Json calls = Json::object();
    for (auto [name, spec, own] : {std::tuple{"exchange", &l.exchange, &p.exchange},
                                   std::tuple{"renew", &l.renew, &p.renew}}) {
      if (!spec->on) continue;
      const EndpointPattern& at = *own ? **own : p.token;  // no URL of its own: the token URL
      calls[name] = Json{{"url", Router::exampleUrl(base, p, at)},
                         {"grant_type", spec->grant_type},
                         {"token_param", spec->token_param},
                         {"client_params", spec->client_params},
                         {"accepts", wireName(spec->accepts)},
                         {"min_age_seconds", spec->min_age_seconds}};
    }
    calls["ttl_seconds"] = l.ttl_seconds;
    dialect["long_lived"] = std::move(calls);
  }
  return Json{{"slug", prof.slug},
              {"display_name", prof.display_name},
              {"connection_params", params},
              {"authorize_url", Router::exampleUrl(base, p, p.authorize)},
              {"token_url", Router::exampleUrl(base, p, p.token)},
              {"refresh_url", Router::exampleUrl(base, p, p.refresh ? *p.refresh : p.token)},
              {"api_me_url", Router::apiMeUrl(base, p)},
              {"dialect", dialect}};
}

web::Response ControlApi::handle(const web::Request& request) {
  auto seg = segments(request.path);  // "", "_sim", ...
  if (seg.size() < 3 || seg[2].empty()) return notFound("no such control endpoint");
  const std::string& what = seg[2];
  std::vector<std::string> rest(seg.begin() + 3, seg.end());
  const std::string& m = request.method;
  if (what == "health" && rest.empty()) {
    return m == "GET" ? ok(Json{{"status", "ok"}}) : methodNotAllowed("GET");
  }
  if (what == "providers" && rest.empty()) {
    return m == "GET" ? providers(request) : methodNotAllowed("GET");
  }
  if (what == "providers" && rest.size() == 1) {  // the provider's summary and its recipe
    if (m != "GET") return methodNotAllowed("GET");
    const Provider* p = d_.router.find(rest[0]);
    if (!p) return notFound("unknown provider " + rest[0]);
    Json one = providerJson(*p, baseUrl(request), d_.behaviours.effective(p->profile));
    one["recipe"] = recipeJson(p->profile, baseUrl(request));
    return ok(one);
  }
  if (what == "providers" && rest.size() == 2 && rest[1] == "behaviour") {
    return behaviour(request, rest[0]);
  }
  if (what == "clients") return clients(request, rest);
  if (what == "reset" && rest.empty()) return m == "POST" ? reset(request) : methodNotAllowed("POST");
  if (what == "journal" && rest.empty()) {
    return m == "GET" ? journal(request) : methodNotAllowed("GET");
  }
  if (what == "faults" && rest.empty()) return faults(request);
  if (what == "clock" && rest.empty()) return clock(request);
  if (what == "introspect" && rest.empty()) {
    return m == "POST" ? introspect(request) : methodNotAllowed("POST");
  }
  return notFound("no such control endpoint");
}

// What the provider knows of a token it issued (RFC 7662 in spirit): lets a test compare what
// a gateway stored with what was really granted.
web::Response ControlApi::introspect(const web::Request& request) {
  auto body = jsonBody(request);
  if (!body) return bad(body.error().message);
  for (const auto& [key, value] : body->items()) {
    if (key != "token") return bad("unknown field " + key);
  }
  auto token = jsonString(*body, "token");
  if (!token || token->empty()) return bad("token: required non-empty string");
  std::optional<TokenRecord> record = d_.grants.findAccessToken(*token);
  const char* kind = "access_token";
  if (!record) {
    record = d_.grants.findRefreshToken(*token);
    kind = "refresh_token";
  }
  const TimePoint now = d_.clock.now();
  if (!record || !record->validAt(now)) return ok(Json{{"active", false}});
  Json answer{{"active", true},
              {"token_type_hint", kind},
              {"provider", record->provider},
              {"client_id", record->client_id},
              {"user_id", record->user_id},
              {"scopes", record->scopes}};
  if (record->expires_at) answer["expires_at"] = unixSeconds(*record->expires_at);
  if (kind == std::string_view("access_token")) {
    answer["long_lived"] = record->long_lived;  // issued by a long_lived exchange or renewal
    if (record->issued_at) answer["issued_at"] = unixSeconds(*record->issued_at);
  }
  return ok(answer);
}

web::Response ControlApi::providers(const web::Request& request) {
  Json list = Json::array();
  for (const auto& p : d_.router.providers()) {
    list.push_back(providerJson(*p, baseUrl(request), d_.behaviours.effective(p->profile)));
  }
  return ok(Json{{"providers", list}});
}

web::Response ControlApi::clients(const web::Request& request, const std::vector<std::string>& rest) {
  const std::string& m = request.method;
  if (rest.size() == 2) {
    if (m != "DELETE") return methodNotAllowed("DELETE");
    if (!d_.router.find(rest[0])) return notFound("unknown provider " + rest[0]);
    if (!d_.clients.remove(rest[0], rest[1])) return notFound("unknown client");
    return ok(Json{{"status", "deleted"}});
  }
  if (!rest.empty()) return notFound("no such control endpoint");
  if (m == "GET") {
    Json list = Json::array();
    for (const auto& c : d_.clients.list()) {
      list.push_back(clientJson(c));
    }
    return ok(Json{{"clients", list}});
  }
  if (m != "POST") return methodNotAllowed("GET, POST");
  auto body = jsonBody(request);
  if (!body) return bad(body.error().message);
  const Provider* provider = nullptr;
  if (auto slug = jsonString(*body, "provider")) provider = d_.router.find(*slug);
  auto perClient = [&](const std::string& key) {
    if (provider == nullptr) return false;
    auto it = provider->profile.params.find(key);
    return it != provider->profile.params.end() && it->second.per_client;
  };
  for (const auto& [key, value] : body->items()) {
    if (key != "provider" && key != "client_id" && key != "client_secret" && key != "redirect_uris" &&
        key != "application_id" && !perClient(key)) {
      return bad("unknown field " + key);
    }
  }
  Client c;
  for (auto [field, out] : {std::pair{"provider", &c.provider}, std::pair{"client_id", &c.client_id},
                            std::pair{"client_secret", &c.client_secret}}) {
    auto v = jsonString(*body, field);
    if (!v || v->empty()) return bad(std::string(field) + ": required non-empty string");
    *out = *v;
  }
  const Json* uris = jsonAt(*body, "redirect_uris");
  if (!uris || !uris->is_array() || uris->empty()) {
    return bad("redirect_uris: required non-empty array of strings");
  }
  for (const auto& u : *uris) {
    if (!u.is_string() || u.get_ref<const std::string&>().empty()) {
      return bad("redirect_uris: required non-empty array of strings");
    }
    c.redirect_uris.push_back(u.get<std::string>());
  }
  if (!provider) return notFound("unknown provider " + c.provider);
  for (const auto& [name, spec] : provider->profile.params) {
    if (!spec.per_client) continue;
    c.params[name] = spec.example;
    if (!body->contains(name)) continue;
    auto v = jsonString(*body, name);
    if (!v || !std::regex_match(*v, std::regex("^(?:" + spec.pattern + ")$"))) {
      return bad(name + ": must be a string matching " + spec.pattern + " (e.g. " + spec.example +
                 ")");
    }
    c.params[name] = *v;
  }
  const auto& tmpl = provider->profile.authorize.application_id;
  if (body->contains("application_id")) {
    auto v = jsonString(*body, "application_id");
    if (!tmpl) return bad("application_id: " + c.provider + " identifies clients by client_id");
    if (!v || v->empty()) return bad("application_id: must be a non-empty string");
    c.application_id = *v;
  } else if (tmpl) {
    c.application_id = deriveApplicationId(*tmpl, c.provider, c.client_id);
  }
  Json answer = clientJson(c);
  if (!d_.clients.put(std::move(c))) {
    return web::Response::json(409, Json{{"error", "conflict"},
                                         {"error_description",
                                          "application_id is taken by another client"}});
  }
  return ok(answer, 201);
}

web::Response ControlApi::reset(const web::Request& request) {
  bool clients = false;
  if (!request.body.empty()) {
    auto body = jsonBody(request);
    if (!body) return bad(body.error().message);
    for (const auto& [key, value] : body->items()) {
      if (key != "clients") return bad("unknown field " + key);
      if (!value.is_boolean()) return bad("clients: must be a boolean");
      clients = value.get<bool>();
    }
  }
  d_.grants.clear();
  d_.journal.clear();
  d_.faults.clear();
  d_.behaviours.clear();
  d_.clock.reset();
  if (clients) d_.clients.clear();
  return ok(Json{{"status", "ok"}, {"clients_cleared", clients}});
}

web::Response ControlApi::journal(const web::Request& request) {
  auto query = Params::parse(request.raw_query);
  if (!query) return bad("malformed query string");
  if (auto dup = query->firstDuplicate()) return bad("repeated parameter " + *dup);
  int64_t since = 0;
  for (const auto& [name, value] : query->items()) {
    if (name != "provider" && name != "since") return bad("unknown parameter " + name);
  }
  if (auto s = query->get("since")) {
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), since);
    if (ec != std::errc() || ptr != s->data() + s->size() || since < 0) {
      return bad("since: must be a non-negative integer");
    }
  }
  auto provider = query->get("provider");
  if (provider && !d_.router.find(*provider)) return notFound("unknown provider " + *provider);
  Json entries = Json::array();
  for (const auto& e : d_.journal.list(provider, since)) entries.push_back(Journal::toJson(e));
  return ok(Json{{"entries", entries}});
}

web::Response ControlApi::faults(const web::Request& request) {
  const std::string& m = request.method;
  if (m == "GET") {
    Json list = Json::array();
    for (const auto& f : d_.faults.list()) list.push_back(faultToJson(f));
    return ok(Json{{"faults", list}});
  }
  if (m == "DELETE") {
    d_.faults.clear();
    return ok(Json{{"status", "ok"}});
  }
  if (m != "POST") return methodNotAllowed("GET, POST, DELETE");
  auto body = jsonBody(request);
  if (!body) return bad(body.error().message);
  auto fault = parseFault(*body);
  if (!fault) return bad(fault.error().message);
  if (!d_.router.find(fault->provider)) return notFound("unknown provider " + fault->provider);
  fault->id = d_.faults.add(*fault);
  return ok(faultToJson(*fault), 201);
}

Json ControlApi::clockJson() const {
  return Json{{"now", unixSeconds(d_.clock.now())},
              {"offset_seconds",
               std::chrono::duration_cast<std::chrono::seconds>(d_.clock.offset()).count()}};
}

web::Response ControlApi::clock(const web::Request& request) {
  if (request.method == "GET") return ok(clockJson());
  if (request.method != "POST") return methodNotAllowed("GET, POST");
  auto body = jsonBody(request);
  if (!body) return bad(body.error().message);
  for (const auto& [key, value] : body->items()) {
    if (key != "advance_seconds") return bad("unknown field " + key);
  }
  const Json* n = jsonAt(*body, "advance_seconds");
  if (!n || !n->is_number_integer() || n->get<int64_t>() < 0 ||
      n->get<int64_t>() > int64_t{100} * 365 * 86400) {
    return bad("advance_seconds: required integer >= 0");
  }
  d_.clock.advance(std::chrono::seconds(n->get<int64_t>()));
  return ok(clockJson());
}

web::Response ControlApi::behaviour(const web::Request& request, const std::string& slug) {
  const Provider* p = d_.router.find(slug);
  if (!p) return notFound("unknown provider " + slug);
  const std::string& m = request.method;
  if (m == "GET") return ok(d_.behaviours.effective(p->profile).toJson());
  if (m == "DELETE") {
    d_.behaviours.remove(slug);
    return ok(d_.behaviours.effective(p->profile).toJson());
  }
  if (m != "POST") return methodNotAllowed("GET, POST, DELETE");
  auto body = jsonBody(request);
  if (!body) return bad(body.error().message);
  auto o = parseBehaviour(*body);
  if (!o) return bad(o.error().message);
  return ok(d_.behaviours.update(p->profile, *o).toJson());
}

}  // namespace linkgate::sim
