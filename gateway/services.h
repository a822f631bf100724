// What every handler needs, owned by main() (the composition root) and passed by reference.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/http_client.h"
#include "core/random.h"
#include "gateway/abuse_guard.h"
#include "gateway/catalogue.h"
#include "gateway/circuit_breaker.h"
#include "gateway/jwks_cache.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/provider_urls.h"
#include "gateway/store.h"

namespace linkgate::gateway {

struct GatewayConfig {
  std::string public_url;  // no trailing '/'; main() always sets it
  std::optional<std::string> provider_base_url;
  std::chrono::seconds code_ttl{600};
  std::chrono::seconds flow_ttl{600};
  std::chrono::seconds start_link_ttl{300};
  std::chrono::milliseconds provider_connect_timeout{3000};
  // Below web::Server's 10 s header timeout, so the flow always gets our own answer.
  std::chrono::milliseconds provider_total_timeout{8000};
};

struct Services;
// provider_call.h: every outbound provider call, observed (declared here for the JWKS cache).
Result<HttpResponse> callProvider(Services& s, std::string_view provider, CallKind kind,
                                  const HttpRequest& request);

struct Services {
  GatewayConfig config;
  const Catalogue& catalogue;
  Store& store;
  HttpClient& http;
  const Clock& clock;
  RandomSource& random;
  ProviderUrls urls;
  std::shared_ptr<JwksCache> jwks;  // OpenID providers' keys (SPEC §8)
  // Issue 12: the request and provider-call log (silent unless main() sets one) and counters.
  std::shared_ptr<Logger> log = std::make_shared<Logger>();
  std::shared_ptr<Metrics> metrics;
  // Issue 15: rate limits, lockouts and the pending-flow cap (defaults unless main() sets one).
  std::shared_ptr<AbuseGuard> abuse;
  // Issue 15: per-provider circuit breakers that callProvider() consults (null: none).
  CircuitBreakers* breakers = nullptr;

  Services(GatewayConfig c, const Catalogue& cat, Store& s, HttpClient& h, const Clock& clk,
           RandomSource& r)
      : config(std::move(c)), catalogue(cat), store(s), http(h), clock(clk), random(r),
        urls(config.provider_base_url), jwks(std::make_shared<JwksCache>(h, clk)),
        metrics(std::make_shared<Metrics>(providerSlugs(cat))),
        abuse(std::make_shared<AbuseGuard>(AbuseConfig{}, clk, s, *metrics)) {
    // Issue 12: discovery and JWKS fetches are provider calls like token calls.
    jwks->sendThrough([this](std::string_view provider, CallKind kind, const HttpRequest& r) {
      return callProvider(*this, provider, kind, r);
    });
  }
  Services(const Services&) = delete;  // the JWKS cache's sender holds this
  Services& operator=(const Services&) = delete;

  static std::vector<std::string> providerSlugs(const Catalogue& cat) {
    std::vector<std::string> out;
    for (const auto& [slug, dialect] : cat.all()) out.push_back(slug);
    return out;
  }

  int64_t now() const { return unixSeconds(clock.now()); }
  // {public_url}/link/oauth2/callback/{slug}
  std::string callbackUrl(const std::string& slug) const {
    return config.public_url + "/link/oauth2/callback/" + slug;
  }
};

}  // namespace linkgate::gateway
