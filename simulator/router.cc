// Router: slug lookup, then the provider's endpoint patterns in a fixed order.
#include "simulator/router.h"

#include <algorithm>

#include "core/params.h"

namespace linkgate::sim {

Result<Router> Router::build(std::vector<Profile> profiles) {
  Router r;
  for (auto& profile : profiles) {
    auto compile = [&](const std::string& url) -> Result<EndpointPattern> {
      auto p = EndpointPattern::compile(url, profile.params);
      if (!p) return fail("bad_profile", profile.file + ": endpoints: " + p.error().message);
      return p;
    };
    auto authorize = compile(profile.endpoints.authorize);
    if (!authorize) return std::unexpected(authorize.error());
    auto token = compile(profile.endpoints.token);
    if (!token) return std::unexpected(token.error());
    std::optional<EndpointPattern> refresh;
    if (profile.endpoints.refresh) {
      auto p = compile(*profile.endpoints.refresh);
      if (!p) return std::unexpected(p.error());
      refresh = std::move(*p);
    }
    std::optional<EndpointPattern> exchange, renew;
    for (auto [spec, out] : {std::pair{&profile.long_lived.exchange, &exchange},
                             std::pair{&profile.long_lived.renew, &renew}}) {
      if (!spec->on || !spec->url) continue;
      auto p = compile(*spec->url);
      if (!p) return std::unexpected(p.error());
      *out = std::move(*p);
    }
    std::vector<EndpointPattern> resources;
    for (const auto& spec : profile.api.resources) {
      auto p = EndpointPattern::compileResource(spec.url, profile.params);
      if (!p) return fail("bad_profile", profile.file + ": api.resources: " + p.error().message);
      resources.push_back(std::move(*p));
    }
    auto oidc = compileOidcPatterns(profile);
    if (!oidc) return std::unexpected(oidc.error());
    std::string slug = profile.slug;
    if (r.by_slug_.contains(slug)) return fail("bad_profile", "duplicate slug " + slug);
    r.providers_.push_back(std::make_unique<Provider>(
        Provider{std::move(profile), std::move(*authorize), std::move(*token), std::move(refresh),
                 std::move(exchange), std::move(renew), std::move(resources), std::move(*oidc)}));
    r.by_slug_[slug] = r.providers_.back().get();
  }
  return r;
}

const Provider* Router::find(std::string_view slug) const {
  auto it = by_slug_.find(slug);
  return it == by_slug_.end() ? nullptr : it->second;
}

std::optional<RouteMatch> Router::match(std::string_view path, std::string_view method) const {
  if (!path.starts_with('/')) return std::nullopt;
  std::string_view rest = path.substr(1);
  size_t slash = rest.find('/');
  std::string_view slug = rest.substr(0, slash);
  const Provider* p = find(slug);
  if (!p) return std::nullopt;
  RouteMatch m;
  m.provider = p;
  if (slash == std::string_view::npos) return m;  // "/{slug}": unknown path
  std::string_view host_path = rest.substr(slash + 1);
  if (host_path == "_consent") {
    m.route = Route::kConsent;
    return m;
  }
  if (host_path == "api/me") {
    m.route = Route::kApiMe;
    return m;
  }
  // The token URL first: a refresh URL equal to it is then served by the token route.
  struct Candidate {
    const EndpointPattern* pattern;
    Route route;
  };
  std::vector<Candidate> candidates = {{&p->token, Route::kToken}};
  if (p->refresh) candidates.push_back({&*p->refresh, Route::kRefreshUrl});
  if (p->exchange) candidates.push_back({&*p->exchange, Route::kExchangeUrl});
  if (p->renew) candidates.push_back({&*p->renew, Route::kRenewUrl});
  candidates.push_back({&p->authorize, Route::kAuthorize});
  if (p->oidc) {
    candidates.push_back({&p->oidc->discovery, Route::kDiscovery});
    candidates.push_back({&p->oidc->jwks, Route::kJwks});
    if (p->oidc->userinfo) candidates.push_back({&*p->oidc->userinfo, Route::kUserinfo});
  }
  const auto& token_methods = p->profile.token.methods;
  const bool get_is_authorize =
      method == "GET" &&
      std::find(token_methods.begin(), token_methods.end(), "GET") == token_methods.end();
  for (auto c : candidates) {
    if (auto params = c.pattern->match(host_path)) {
      if (c.route == Route::kToken && get_is_authorize) {
        if (auto a = p->authorize.match(host_path)) {  // the same URL serves both
          c = {&p->authorize, Route::kAuthorize};
          params = std::move(a);
        }
      }
      m.route = c.route;
      m.params = std::move(*params);
      m.pattern = c.pattern;
      return m;
    }
  }
  for (size_t i = 0; i < p->resources.size(); ++i) {
    if (auto params = p->resources[i].match(host_path)) {
      m.route = Route::kResource;
      m.params = std::move(*params);  // with "access_token" for a token path segment
      m.pattern = &p->resources[i];
      m.resource = i;
      return m;
    }
  }
  return m;
}

std::string Router::exampleUrl(const std::string& base, const Provider& p,
                               const EndpointPattern& e) {
  std::map<std::string, std::string> examples;
  for (const auto& [name, spec] : p.profile.params) examples[name] = spec.example;
  std::string url = base + "/" + p.profile.slug + "/" + e.fill(examples);
  if (!e.fixedQuery().empty()) {
    Params q;
    for (const auto& [k, v] : e.fixedQuery()) q.add(k, v);
    url += "?" + q.toQuery();
  }
  return url;
}

std::string Router::apiMeUrl(const std::string& base, const Provider& p) {
  return base + "/" + p.profile.slug + "/api/me";
}

std::string Router::resourceUrl(const std::string& base, const Provider& p, size_t i) {
  return exampleUrl(base, p, p.resources.at(i));
}

}  // namespace linkgate::sim
