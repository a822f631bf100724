// Provider discovery and per-provider set-up: simulator client + gateway app.
#include "conformance/harness/world.h"

#include <algorithm>
#include <set>

#include "conformance/harness/catalogue.h"
#include "conformance/harness/flow.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/percent.h"
#include "core/random.h"

namespace linkgate::conformance {

World::World(const Options& options, StackEndpoints endpoints, HttpClient& http,
             GatewayRoutes routes)
    : options_(options),
      endpoints_(std::move(endpoints)),
      http_(http),
      sim_(http, endpoints_.simulator_url),
      gateway_(http, endpoints_.gateway_url, endpoints_.api_key, std::move(routes)) {
  SystemRandom random;
  run_id_ = randomToken(random, 48);
  std::replace(run_id_.begin(), run_id_.end(), '_', 'x');
  std::replace(run_id_.begin(), run_id_.end(), '-', 'y');
}

Status World::setUp() {
  auto sim_list = sim_.providers();
  if (!sim_list) {
    return fail("simulator", "the simulator at " + sim_.baseUrl() + " does not answer GET " +
                                 "/_sim/providers: " + sim_list.error().message);
  }
  // An API key the gateway refuses: say so, instead of failing every check.
  if (auto probe = gateway_.request("GET", "/v1/redirect-uris"); !probe) {
    return fail("gateway", "the gateway at " + gateway_.baseUrl() + " does not answer: " +
                               probe.error().message);
  } else if (probe->status == 401 || probe->status == 403) {
    return fail("api_key", "the gateway at " + gateway_.baseUrl() + " refused the API key (HTTP " +
                               std::to_string(probe->status) + " on GET /v1/redirect-uris)");
  }
  auto gw_list = gateway_.providers();
  if (!gw_list) {
    return fail("gateway", "the gateway at " + gateway_.baseUrl() + ": " + gw_list.error().message);
  }

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
    std::string why;
    for (const auto& [slug, reason] : unavailable_) why += (why.empty() ? " (" : "; ") + slug + ": " + reason;
    return fail("no_providers", "no provider to test: none is both in the gateway's catalogue and "
                                "emulated by the simulator" + (why.empty() ? "" : why + ")"));
  }
  // The suite-wide checks' provider: generic, else one linked without per-tenant params, else
  // the first (those checks then pass the catalogue's example params, as /start gets them).
  primary_ = providers_.front().slug;
  if (provider("generic") != nullptr) {
    primary_ = "generic";
  } else if (auto plain = std::ranges::find_if(
                 providers_, [](const auto& p) { return p.connection_params.empty(); });
             plain != providers_.end()) {
    primary_ = plain->slug;
  }

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

void World::probeCapabilities() {
  // Consent page: /start a flow and look at the provider's first answer. With --auto-approve
  // the simulator redirects straight back to the gateway.
  if (auto app = this->app(primary_); !app) {
    missing_[capability::kConsentPage] = "cannot tell: " + app.error().message;
  } else {
    Flow flow(*this, nullptr);
    auto started = flow.start({primary_, app->id, integrator_uri_, "capability-probe"});
    if (!started || !flow.authorizeUrl()) {
      missing_[capability::kConsentPage] = "cannot tell: /start did not reach the provider";
    } else {
      HttpRequest request;
      request.url = *flow.authorizeUrl();
      auto answer = flow.browser().send(request);
      if (!answer) {
        missing_[capability::kConsentPage] = "the simulator's authorization endpoint: " +
                                             answer.error().message;
      } else if (answer->status >= 300 && answer->status < 400) {
        missing_[capability::kConsentPage] =
            "the simulator approves at once (--auto-approve): no consent page to deny on";
      }
    }
  }
  if (auto ok = sim_.advanceClock(0); !ok) {
    missing_[capability::kClock] = "the simulator has no clock control: " + ok.error().message;
  }
  if (auto ok = sim_.clearFaults(); !ok) {
    missing_[capability::kFaults] = "the simulator takes no faults: " + ok.error().message;
  }
  if (endpoints_.instances.empty()) {
    missing_[capability::kInstances] =
        "one gateway instance known: pass --instances URL,... (its other instances, sharing "
        "its database, master key and public URL)";
  }
}

std::string World::createdSummary() const {
  return std::to_string(gateway_.createdApps().size()) + " OAuth app(s) named conformance-" +
         run_id_ + " (with their credentials), " +
         std::to_string(gateway_.createdStartLinks().size()) + " start link(s) and " +
         std::to_string(gateway_.createdRedirectUris().size()) + " redirect URI(s)";
}

std::string World::tearDown(HttpClient& http) {
  if (endpoints_.launched) return "";  // the whole stack goes away
  GatewayApi gateway(http, endpoints_.gateway_url, endpoints_.api_key, gateway_.routes());
  // Whatever went through the gateway client (checks register and delete URIs of their own).
  const std::set<std::string> uri_set = gateway_.createdRedirectUris();
  const std::set<std::string> app_set = gateway_.createdApps();
  const std::vector<std::string> uris(uri_set.begin(), uri_set.end());
  const std::vector<std::string> apps(app_set.begin(), app_set.end());
  const std::set<std::string> links = gateway_.createdStartLinks();
  if (uris.empty() && apps.empty() && links.empty()) return "";  // nothing made, nothing to say
  int credentials = 0;
  std::vector<std::string> problems;
  // The credentials of the suite's apps (flows and imports made them): deleting an app need
  // not delete its credentials.
  if (auto list = gateway.request("GET", "/v1/credentials"); list && list->status == 200) {
    auto json = parseJson(list->body);
    const Json* items = !json ? nullptr : json->is_array() ? &*json : jsonAt(*json, "data");
    for (const Json& c : items != nullptr && items->is_array() ? *items : Json::array()) {
      const std::string app = jsonString(c, "oauth_app_id").value_or("");
      const std::string id = jsonString(c, "id").value_or("");
      if (id.empty() || std::ranges::find(apps, app) == apps.end()) continue;
      auto gone = gateway.request("DELETE", "/v1/credentials/" + id);
      if (gone && gone->status < 300) {
        ++credentials;
      } else {
        problems.push_back("credential " + id);
      }
    }
  } else {
    problems.push_back("GET /v1/credentials");
  }
  // The start links the suite made (C-1.1.14), used or not: before their apps go. 404 = gone
  // already (purged after expiry).
  for (const auto& id : links) {
    auto gone = gateway.request("DELETE", "/v1/start-links/" + percentEncode(id));
    if (!gone || (gone->status >= 300 && gone->status != 404)) {
      problems.push_back("start link " + id);
    }
  }
  for (const auto& id : uris) {
    if (!gateway.deleteRedirectUri(id)) problems.push_back("redirect URI " + id);
  }
  for (const auto& id : apps) {
    if (!gateway.deleteApp(id)) problems.push_back("OAuth app " + id);
  }
  std::string out = "removed what the suite created: " + std::to_string(credentials) +
                    " credential(s), " + std::to_string(links.size()) + " start link(s), " +
                    std::to_string(uris.size()) + " redirect URI(s), " +
                    std::to_string(apps.size()) + " OAuth app(s)";
  if (!problems.empty()) {
    out += "; could NOT remove " + std::to_string(problems.size()) + ": " + problems.front() +
           (problems.size() > 1 ? ", ..." : "");
  }
  return out;
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
                               "conformance-" + run_id_ + " " + slug + " " + std::to_string(n),
                               metadata);
  if (!id) return std::unexpected(id.error());
  app.id = *id;
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
