// The example integrator app: what a web app that uses Linkgate does, end to end.
//   GET  /                    a Connect button per catalogued provider that has an OAuth app
//   POST /connect/{provider}  start-auth on the server (API key stays here), 303 to the start URL
//   GET  /callback/{provider} the redirect URI: checks the state against this browser's cookie,
//                             exchanges the code server-side, shows the connected account
// Handlers take a plain request and return a plain response; they block on the gateway.
#pragma once
#include <string>

#include "core/random.h"
#include "examples/integrator/identity.h"
#include "examples/integrator/linkgate_client.h"
#include "web/http.h"

namespace linkgate::example {

struct AppConfig {
  std::string public_url;  // this app's own URL, e.g. http://127.0.0.1:8090 (no trailing /)
  std::string gateway_url;
};

class IntegratorApp {
 public:
  IntegratorApp(AppConfig config, LinkgateClient& linkgate, IdentityLookup& identity,
                RandomSource& random);

  // Every route; never throws. Thread-safe.
  web::Response handle(const web::Request& request);

  // The redirect URI of a provider: {public_url}/callback/{provider}.
  std::string redirectUri(const std::string& provider) const;
  static constexpr const char* kNonceCookie = "ig_flow";
  // Apps of this name are preferred when a provider has several (tools/dev-stack names its own).
  static constexpr const char* kPreferredAppName = "integrator-example";

 private:
  web::Response home(const web::Request& request);
  web::Response connect(const web::Request& request, const std::string& provider);
  web::Response callback(const web::Request& request, const std::string& provider);

  AppConfig config_;
  LinkgateClient& linkgate_;
  IdentityLookup& identity_;
  RandomSource& random_;
};

}  // namespace linkgate::example
