// What every check runs against: the providers both sides know, an OAuth app per provider (a
// simulator client registered by the suite + the gateway app holding it), and the integrator's
// registered redirect URIs.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conformance/harness/gateway_api.h"
#include "conformance/harness/options.h"
#include "conformance/harness/simulator_control.h"
#include "conformance/harness/stack.h"
#include "conformance/harness/user_agent.h"
#include "core/error.h"
#include "core/http_client.h"

namespace linkgate::conformance {

struct ProviderUnderTest {
  std::string slug;
  SimProvider sim;
  GatewayProvider gateway;
  // Connection params from the gateway catalogue's examples (SPEC §1.1), sent with /start.
  std::vector<std::pair<std::string, std::string>> connection_params;
};

struct App {
  std::string provider;
  std::string id;  // the gateway's app id: the integrator's client_id
  std::string client_id;      // the provider-side client
  std::string client_secret;  // the provider-side secret = the integrator's client_secret
};

class World {
 public:
  World(const Options& options, StackEndpoints endpoints, HttpClient& http,
        GatewayRoutes routes = GatewayRoutes::linkgate());

  // Reads both provider lists; keeps the intersection (filtered by --providers). Registers the
  // integrator redirect URIs. Fails when nothing can be tested.
  Status setUp();
  // Probes what the stack can show (capability:: names in catalogue.h): the simulator's consent
  // page (absent with --auto-approve), its clock and its faults. Call after setUp().
  void probeCapabilities();
  // Capabilities the stack lacks, each with the reason.
  const std::map<std::string, std::string>& missingCapabilities() const { return missing_; }
  // Removes everything the suite created on an attached gateway: the credentials of its apps,
  // its apps, its redirect URIs. Returns one line saying what was removed (or what failed). A
  // launched stack goes away whole, so nothing is done there.
  // `http` is the client to do it with (the checks' may be closed by then).
  std::string tearDown(HttpClient& http);
  // What tearDown() would remove, for --keep.
  std::string createdSummary() const;

  const std::vector<ProviderUnderTest>& providers() const { return providers_; }
  const ProviderUnderTest* provider(const std::string& slug) const;
  // Requested with --providers but not testable, with the reason.
  const std::vector<std::pair<std::string, std::string>>& unavailable() const {
    return unavailable_;
  }
  // The provider for suite-wide checks: "generic" when present, else the first without
  // connection params, else the first.
  const std::string& primary() const { return primary_; }

  // The app of `slug`, created on first use. Thread-safe.
  Result<App> app(const std::string& slug);
  // A further app of `slug` with its own simulator client and secret.
  Result<App> newApp(const std::string& slug, const std::string& secret_suffix = "");

  // Redirect URIs registered by the suite (kept for the model) plus any that existed before.
  std::vector<std::string> registeredUris() const;
  Result<std::string> registerUri(const std::string& uri);  // requires 201; returns the id
  void forgetUri(const std::string& id);                    // DELETE and drop from the list
  // Registered at set-up: a plain one and one with a ':provider' token and a query.
  const std::string& integratorUri() const { return integrator_uri_; }
  const std::string& integratorTokenUri() const { return integrator_token_uri_; }

  const std::string& publicUrl() const { return endpoints_.gateway_url; }
  std::optional<int> codeTtl() const { return endpoints_.code_ttl_seconds; }
  // The launched stack's second instance with short-lived flows (StackEndpoints), if any.
  const std::optional<std::string>& shortFlowGateway() const {
    return endpoints_.short_flow_gateway_url;
  }
  int shortFlowTtl() const { return endpoints_.short_flow_ttl_seconds; }
  // Other instances of the gateway, addressed directly (StackEndpoints::instances).
  const std::vector<std::string>& instances() const { return endpoints_.instances; }
  const Options& options() const { return options_; }
  SimulatorControl& sim() { return sim_; }
  GatewayApi& gateway() { return gateway_; }
  HttpClient& http() { return http_; }
  // A browser with an empty jar that follows redirects on the gateway and simulator origins.
  std::unique_ptr<UserAgent> browser(Trace* trace);
  // The callback URL the simulator must send the browser to for `slug`.
  std::string callbackUrl(const std::string& slug) const;

 private:
  const Options& options_;
  StackEndpoints endpoints_;
  HttpClient& http_;
  SimulatorControl sim_;
  GatewayApi gateway_;
  std::string run_id_;
  std::vector<ProviderUnderTest> providers_;
  std::vector<std::pair<std::string, std::string>> unavailable_;
  std::string primary_;
  std::string integrator_uri_;
  std::string integrator_token_uri_;

  mutable std::mutex mu_;
  std::map<std::string, App> apps_;
  int app_counter_ = 0;
  std::vector<RegisteredUri> uris_;           // registered by the suite
  std::vector<std::string> preexisting_uris_;  // registered by someone else (attached mode)
  std::map<std::string, std::string> missing_;
};

}  // namespace linkgate::conformance
