// Who the user is at the provider: the provider's own "me" endpoint, called with the access
// token the way the provider wants it. Against the Linkgate simulator the endpoint and the
// token placement come from GET /_sim/providers (each profile's api_me_url and api dialect).
#pragma once
#include <map>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/http_client.h"
#include "core/json.h"

namespace linkgate::example {

class IdentityLookup {
 public:
  // simulator_url "" = no identity lookup (me() fails "no_identity_endpoint").
  IdentityLookup(HttpClient& http, std::string simulator_url);

  // The provider's answer about the token's user (a JSON value). Thread-safe.
  Result<Json> me(const std::string& provider, const std::string& access_token);

 private:
  struct Endpoint {
    std::string url;
    std::string token_in = "bearer";  // bearer / header / query
    std::string name;                 // header or query parameter name
  };
  Result<Endpoint> endpoint(const std::string& provider);

  HttpClient& http_;
  std::string simulator_url_;
  std::mutex mu_;
  std::map<std::string, Endpoint> endpoints_;  // filled once from /_sim/providers
};

}  // namespace linkgate::example
