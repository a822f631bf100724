// Provider discovery and per-provider set-up: simulator client + gateway app.
#include "conformance/harness/world.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/random.h"

namespace linkgate::conformance {

World::World(const Options& options, StackEndpoints endpoints, HttpClient& http)
    : options_(options),
      endpoints_(std::move(endpoints)),
      http_(http),
      sim_(http, endpoints_.simulator_url),
      gateway_(http, endpoints_.gateway_url, endpoints_.api_key) {
  SystemRandom random;
  run_id_ = randomToken(random, 48);
  std::replace(run_id_.begin(), run_id_.end(), '_', 'x');
  std::replace(run_id_.begin(), run_id_.end(), '-', 'y');
}

Status World::setUp() {
  auto sim_list = sim_.providers();
  if (!sim_list) return std::unexpected(sim_list.error());
  auto gw_list = gateway_.providers();
  if (!gw_list) return std::unexpected(gw_list.error());

  std::vector<std::string> wanted = options_.providers;
  if (wanted.empty()) {
    for (const auto& g : *gw_list) wanted.push_back(g.slug);
    std::ranges::sort(wanted);
  }
  for (const std::string& slug : wanted) {
    auto g = std::ranges::find_if(*gw_list, [&](const auto& p) { return p.slug == slug; });
    auto s = std::ranges::find_if(*sim_list, [&](const auto& p) { return p.slug == slug; });
    if (g == gw_list->end() || s == sim_list->end()) {
      unavailable_.emplace_back(slug, g == gw_list->end() ? "not in the gateway's GET /v1/providers"
                                                          : "not emulated by the simulator");
      continue;
    }
    ProviderUnderTest p{slug, *s, *g, {}};
    for (const auto& c : g->connection_params) {
      if (c.from_callback.empty()) p.connection_params.emplace_back(c.name, c.example);
    }
    providers_.push_back(std::move(p));
  }
  if (providers_.empty()) {
    return fail("no_providers", "no provider is both in the gateway catalogue and the simulator");
  }
  primary_ = provider("generic") != nullptr ? "generic" : providers_.front().slug;

  if (!endpoints_.launched) {
    if (auto existing = gateway_.listRedirectUris()) {
      for (const auto& u : *existing) preexisting_uris_.push_back(u.uri);
    }
  }
  // The integrator's own pages: never fetched, so any host will do.
  integrator_uri_ = "https://integrator.conformance.example/done-" + run_id_;
  integrator_token_uri_ =
      "https://integrator.conformance.example/p/:provider/done-" + run_id_ + "?tenant=t-1";
  // The first registration also finds the body field the gateway expects.
  auto id = gateway_.registerDetectingField(integrator_uri_);
  if (!id) return std::unexpected(id.error());
  uris_.push_back({*id, integrator_uri_});
  auto token_id = registerUri(integrator_token_uri_);
  if (!token_id) return std::unexpected(token_id.error());
  return {};
}

void World::tearDown() {
  if (endpoints_.launched) return;  // the whole stack goes away
  std::vector<RegisteredUri> uris;
  std::vector<std::string> apps;
  {
    std::lock_guard lock(mu_);
    uris = uris_;
    apps = created_app_ids_;
  }
  for (const auto& u : uris) (void)gateway_.deleteRedirectUri(u.id);
  for (const auto& id : apps) (void)gateway_.deleteApp(id);
}

const ProviderUnderTest* World::provider(const std::string& slug) const {
  auto it = std::ranges::find_if(providers_, [&](const auto& p) { return p.slug == slug; });
  return it == providers_.end() ? nullptr : &*it;
}

std::string World::callbackUrl(const std::string& slug) const {
  return endpoints_.gateway_url + "/link/oauth2/callback/" + slug;
}

Result<App> World::newApp(const std::string& slug, const std::string& secret_suffix) {
  if (provider(slug) == nullptr) return fail("no_provider", slug + " is not under test");
  int n = 0;
  {
    std::lock_guard lock(mu_);
    n = ++app_counter_;
  }
  App app;
  app.provider = slug;
  app.client_id = "conf-" + slug + "-" + run_id_ + "-" + std::to_string(n);
  app.client_secret = "conf-secret-" + run_id_ + "-" + std::to_string(n) + secret_suffix;
  auto registered =
      sim_.registerClient(slug, app.client_id, app.client_secret, {callbackUrl(slug)});
  if (!registered) return std::unexpected(registered.error());
  // App params the gateway asks for (Amazon's application_id): what the provider assigned the
  // client when the simulator registered it, else the gateway's example value.
  Json metadata = Json::object();
  for (const auto& param : provider(slug)->gateway.app_params) {
    auto assigned = registered->find(param.name);
    metadata[param.name] = assigned != registered->end() && assigned->is_string()
                               ? assigned->get<std::string>()
                               : param.example;
  }
  auto id = gateway_.createApp(slug, app.client_id, app.client_secret,
                               "conformance " + slug + " " + std::to_string(n), metadata);
  if (!id) return std::unexpected(id.error());
  app.id = *id;
  std::lock_guard lock(mu_);
  created_app_ids_.push_back(app.id);
  return app;
}

Result<App> World::app(const std::string& slug) {
  {
    std::lock_guard lock(mu_);
    if (auto it = apps_.find(slug); it != apps_.end()) return it->second;
  }
  auto app = newApp(slug);
  if (!app) return app;
  std::lock_guard lock(mu_);
  return apps_.emplace(slug, *app).first->second;
}

std::vector<std::string> World::registeredUris() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out = preexisting_uris_;
  for (const auto& u : uris_) out.push_back(u.uri);
  return out;
}

Result<std::string> World::registerUri(const std::string& uri) {
  auto id = gateway_.registerRedirectUri(uri);
  if (!id) return id;
  std::lock_guard lock(mu_);
  uris_.push_back({*id, uri});
  return id;
}

void World::forgetUri(const std::string& id) {
  if (!gateway_.deleteRedirectUri(id)) return;  // still registered: the model must keep it
  std::lock_guard lock(mu_);
  std::erase_if(uris_, [&](const RegisteredUri& u) { return u.id == id; });
}

std::unique_ptr<UserAgent> World::browser(Trace* trace) {
  return std::make_unique<UserAgent>(
      http_, std::vector<std::string>{originOf(endpoints_.gateway_url),
                                      originOf(endpoints_.simulator_url)},
      trace);
}

}  // namespace linkgate::conformance
