// The provider's "me" endpoint (see identity.h).
#include "examples/integrator/identity.h"

#include "core/percent.h"

namespace linkgate::example {
namespace {

std::string stringAt(const Json& j, std::string_view path) {
  const Json* v = jsonAt(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

IdentityLookup::IdentityLookup(HttpClient& http, std::string simulator_url)
    : http_(http), simulator_url_(std::move(simulator_url)) {
  while (!simulator_url_.empty() && simulator_url_.back() == '/') simulator_url_.pop_back();
}

Result<IdentityLookup::Endpoint> IdentityLookup::endpoint(const std::string& provider) {
  if (simulator_url_.empty()) {
    return fail("no_identity_endpoint", "no --simulator given: the identity is not looked up");
  }
  std::lock_guard lock(mu_);
  if (endpoints_.empty()) {
    HttpRequest request;
    request.url = simulator_url_ + "/_sim/providers";
    auto response = http_.send(request);
    if (!response || response->status != 200) {
      return fail("identity_lookup_failed", "GET /_sim/providers failed");
    }
    auto json = parseJson(response->body);
    const Json* list = json ? jsonAt(*json, "providers") : nullptr;
    if (list == nullptr || !list->is_array()) {
      return fail("identity_lookup_failed", "GET /_sim/providers: no provider list");
    }
    for (const Json& p : *list) {
      if (!p.is_object()) continue;
      Endpoint e;
      e.url = stringAt(p, "api_me_url");
      if (e.url.empty()) e.url = simulator_url_ + "/" + stringAt(p, "slug") + "/api/me";
      if (auto t = stringAt(p, "dialect.api_token_in"); !t.empty()) e.token_in = t;
      e.name = stringAt(p, "dialect.api_token_name");
      endpoints_[stringAt(p, "slug")] = e;
    }
  }
  auto it = endpoints_.find(provider);
  if (it == endpoints_.end()) {
    return fail("no_identity_endpoint", "the simulator has no profile " + provider);
  }
  return it->second;
}

Result<Json> IdentityLookup::me(const std::string& provider, const std::string& access_token) {
  auto e = endpoint(provider);
  if (!e) return std::unexpected(e.error());
  HttpRequest request;
  request.url = e->url;
  request.headers.emplace_back("Accept", "application/json");
  if (e->token_in == "header" && !e->name.empty()) {
    request.headers.emplace_back(e->name, access_token);
  } else if (e->token_in == "query" && !e->name.empty()) {
    request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + e->name + "=" +
                   percentEncode(access_token);
  } else {
    request.headers.emplace_back("Authorization", "Bearer " + access_token);
  }
  auto response = http_.send(request);
  if (!response) return fail("identity_lookup_failed", response.error().message);
  if (response->status != 200) {
    return fail("identity_lookup_failed",
                "the provider's me endpoint answered HTTP " + std::to_string(response->status));
  }
  auto json = parseJson(response->body);
  if (!json) return fail("identity_lookup_failed", "the provider's me answer is not JSON");
  return *json;
}

}  // namespace linkgate::example
