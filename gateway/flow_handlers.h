// The browser-facing link flow (SPEC §1) and the code exchange (SPEC §3, POST
// /link/oauth2/token). Each handler takes a plain request and returns a plain response;
// callback() calls the provider and therefore blocks (run it off the reactor threads).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gateway/errors.h"
#include "gateway/pages.h"
#include "gateway/services.h"
#include "web/http.h"

namespace linkgate::gateway {

class FlowHandlers {
 public:
  explicit FlowHandlers(Services& services) : s_(services) {}

  // GET /link/oauth2/start
  web::Response start(const web::Request& request);
  // GET /link/oauth2/start/{token}: a start link of POST /v1/credentials/start-auth.
  web::Response startFromLink(const web::Request& request, const std::string& token);
  // GET /link/oauth2/callback/{provider}: blocking (one provider call).
  web::Response callback(const web::Request& request, const std::string& provider);
  // POST /link/oauth2/token
  web::Response token(const web::Request& request);

  // The flow cookie's name for a gateway state (one cookie per flow).
  static std::string cookieName(const std::string& state);

 private:
  // A validated request to start a flow.
  struct FlowStart {
    OAuthApp app;
    const Dialect* dialect = nullptr;
    std::string redirect_uri;  // D of SPEC §2
    std::optional<std::string> state;
    bool state_is_json = false;
    std::vector<std::string> scopes;
    std::optional<std::string> code_challenge;
    ConnectionValues params;
    bool debug = false;
  };

  web::Response beginFlow(const web::Request& request, const FlowStart& start);
  // After client_id and redirect_uri are valid: the error goes to the redirect URI (or the
  // diagnostics page with debug=true).
  web::Response redirectError(const web::Request& request, const std::string& redirect_uri,
                              const std::optional<std::string>& state, const GatewayError& error,
                              bool debug, Diagnostics diagnostics);
  web::Response redirectWith(const std::string& redirect_uri, Params answer,
                             const std::optional<std::string>& state);
  std::vector<std::string> registeredAfterSubstitution(const std::string& account_id,
                                                       const std::string& slug);
  std::string cookiePath() const;
  std::string cookieAttributes(int64_t max_age) const;

  Services& s_;
};

}  // namespace linkgate::gateway
