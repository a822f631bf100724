// HTTP calls to the simulator's control API; every non-2xx answer becomes an error value with
// the simulator's own reason.
#include "conformance/harness/simulator_control.h"

#include "core/params.h"
#include "core/percent.h"

namespace linkgate::conformance {
namespace {

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const Json* SimProvider::dialectField(std::initializer_list<std::string_view> paths) const {
  for (std::string_view path : paths) {
    if (const Json* j = jsonAt(dialect, path); j != nullptr && !j->is_null()) return j;
  }
  return nullptr;
}

std::string JournalEntry::allText() const {
  return target + "\n" + dumpJson(headers) + "\n" + body;
}

SimulatorControl::SimulatorControl(HttpClient& http, std::string base_url)
    : http_(http), base_url_(std::move(base_url)) {}

Result<HttpResponse> SimulatorControl::call(const std::string& method, const std::string& path,
                                            const std::optional<Json>& body) {
  HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = dumpJson(*body);
  }
  // The journal between two marks can pass the 1 MB cap meant for provider answers: the OIDC
  // checks alone run about 60 journal entries for each of 24 OIDC providers (0.7 MB seen). The
  // simulator keeps at most 20000 entries, so its control answers are read up to 64 MB.
  request.max_response_bytes = 64 * 1024 * 1024;
  return http_.send(request);
}

Status SimulatorControl::expectOk(const std::string& what, Result<HttpResponse> response) {
  if (!response) return fail("simulator", what + ": " + response.error().message);
  if (response->status < 200 || response->status > 299) {
    return fail("simulator", what + ": HTTP " + std::to_string(response->status) + " " +
                                 response->body.substr(0, 300));
  }
  return {};
}

Result<std::vector<SimProvider>> SimulatorControl::providers() {
  auto response = call("GET", "/_sim/providers");
  if (auto ok = expectOk("GET /_sim/providers", response); !ok) return std::unexpected(ok.error());
  auto json = parseJsonObject(response->body);
  if (!json) return std::unexpected(json.error());
  const Json* list = jsonAt(*json, "providers");
  if (list == nullptr || !list->is_array()) {
    return fail("simulator", "GET /_sim/providers: no 'providers' array");
  }
  std::vector<SimProvider> out;
  for (const Json& p : *list) {
    if (!p.is_object()) continue;
    SimProvider sp;
    sp.slug = str(p, "slug");
    sp.display_name = str(p, "display_name");
    sp.authorize_url = str(p, "authorize_url");
    sp.token_url = str(p, "token_url");
    sp.api_me_url = str(p, "api_me_url");
    if (auto d = p.find("dialect"); d != p.end()) sp.dialect = *d;
    sp.raw = p;
    if (!sp.slug.empty()) out.push_back(std::move(sp));
  }
  return out;
}

Result<Json> SimulatorControl::registerClient(const std::string& provider,
                                              const std::string& client_id,
                                              const std::string& client_secret,
                                              const std::vector<std::string>& redirect_uris) {
  Json body = {{"provider", provider},
               {"client_id", client_id},
               {"client_secret", client_secret},
               {"redirect_uris", redirect_uris}};
  auto response = call("POST", "/_sim/clients", body);
  if (auto ok = expectOk("POST /_sim/clients", response); !ok) return std::unexpected(ok.error());
  return parseJsonObject(response->body);
}

Result<Json> SimulatorControl::introspect(const std::string& token) {
  auto response = call("POST", "/_sim/introspect", Json{{"token", token}});
  if (auto ok = expectOk("POST /_sim/introspect", response); !ok) {
    return std::unexpected(ok.error());
  }
  return parseJsonObject(response->body);
}

Result<std::vector<JournalEntry>> SimulatorControl::journal(
    const std::optional<std::string>& provider, int64_t since) {
  Params query;
  if (provider) query.add("provider", *provider);
  if (since > 0) query.add("since", std::to_string(since));
  const std::string path = "/_sim/journal" + (query.empty() ? "" : "?" + query.toQuery());
  auto response = call("GET", path);
  if (auto ok = expectOk("GET " + path, response); !ok) return std::unexpected(ok.error());
  auto json = parseJsonObject(response->body);
  if (!json) return std::unexpected(json.error());
  const Json* entries = jsonAt(*json, "entries");
  if (entries == nullptr || !entries->is_array()) {
    return fail("simulator", "GET /_sim/journal: no 'entries' array");
  }
  std::vector<JournalEntry> out;
  for (const Json& e : *entries) {
    JournalEntry entry;
    entry.seq = e.value("seq", int64_t{0});
    if (entry.seq <= since) continue;  // whatever the server's since semantics, keep ours
    entry.provider = str(e, "provider");
    if (provider && entry.provider != *provider) continue;
    entry.endpoint = str(e, "endpoint");
    entry.method = str(e, "method");
    entry.target = str(e, "target");
    entry.body = str(e, "body");
    if (auto h = e.find("headers"); h != e.end()) entry.headers = *h;
    entry.status = e.value("status", 0);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<int64_t> SimulatorControl::mark() {
  auto entries = journal(std::nullopt, last_mark_);
  if (!entries) return std::unexpected(entries.error());
  for (const auto& e : *entries) last_mark_ = std::max(last_mark_, e.seq);
  return last_mark_;
}

Status SimulatorControl::addFault(const Fault& fault) {
  Json body = {{"provider", fault.provider},
               {"endpoint", fault.endpoint},
               {"kind", fault.kind},
               {"count", fault.count}};
  if (fault.status) body["status"] = *fault.status;
  if (fault.delay_ms) body["delay_ms"] = *fault.delay_ms;
  return expectOk("POST /_sim/faults", call("POST", "/_sim/faults", body));
}

Status SimulatorControl::clearFaults() {
  return expectOk("DELETE /_sim/faults", call("DELETE", "/_sim/faults"));
}

Status SimulatorControl::setBehaviour(const std::string& slug, const Json& behaviour) {
  return expectOk("POST behaviour",
                  call("POST", "/_sim/providers/" + slug + "/behaviour", behaviour));
}

Status SimulatorControl::clearBehaviour(const std::string& slug) {
  return expectOk("DELETE behaviour", call("DELETE", "/_sim/providers/" + slug + "/behaviour"));
}

Status SimulatorControl::advanceClock(int seconds) {
  return expectOk("POST /_sim/clock",
                  call("POST", "/_sim/clock", Json{{"advance_seconds", seconds}}));
}

Result<HttpResponse> SimulatorControl::apiMe(const SimProvider& provider,
                                             const std::string& access_token) {
  std::string token_in = "bearer";
  std::string name;
  if (const Json* t = provider.dialectField({"api.token_in", "api_token_in"}); t && t->is_string()) {
    token_in = t->get<std::string>();
  }
  if (const Json* n = provider.dialectField({"api.name", "api_token_name", "api.param"});
      n && n->is_string()) {
    name = n->get<std::string>();
  }
  HttpRequest request;
  request.url = provider.api_me_url.empty() ? base_url_ + "/" + provider.slug + "/api/me"
                                            : provider.api_me_url;
  if (token_in == "header") {
    if (name.empty()) return fail("dialect", "api token_in=header without a header name");
    request.headers.emplace_back(name, access_token);
  } else if (token_in == "query") {
    if (name.empty()) return fail("dialect", "api token_in=query without a parameter name");
    request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + name + "=" +
                   percentEncode(access_token);
  } else {
    request.headers.emplace_back("Authorization", "Bearer " + access_token);
  }
  return http_.send(request);
}

}  // namespace linkgate::conformance

namespace linkgate::conformance {

Result<HttpResponse> SimulatorControl::resource(const Json& resource,
                                                const std::string& access_token) {
  const std::string url = resource.value("url", "");
  const std::string token_in = resource.value("token_in", "bearer");
  if (url.empty()) return fail("dialect", "a resource without a url");
  HttpRequest request;
  request.url = url;
  constexpr std::string_view kToken = "{access_token}";
  if (token_in == "path") {
    if (!url.ends_with(kToken)) return fail("dialect", "token_in=path without {access_token}");
    request.url = url.substr(0, url.size() - kToken.size()) + percentEncode(access_token);
  } else if (token_in == "header") {
    const std::string name = resource.value("name", "");
    if (name.empty()) return fail("dialect", "resource token_in=header without a header name");
    request.headers.emplace_back(name, resource.value("prefix", "") + access_token);
  } else {
    request.headers.emplace_back("Authorization", "Bearer " + access_token);
  }
  return http_.send(request);
}

}  // namespace linkgate::conformance
