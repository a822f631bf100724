// The browser-facing link flow (SPEC §1) and the code exchange (SPEC §3, POST
// /link/oauth2/token). Each handler takes a plain request and returns a plain response;
// callback() calls the provider and therefore blocks (run it off the reactor threads).
// One file per endpoint: start_handler.cc, start_link_handler.cc, callback_handler.cc,
// token_handler.cc; flow_begin.cc is the common end of both starts; the flow cookie is
// flow_cookie.h, the answers to the integrator's redirect URI flow_redirect.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gateway/errors.h"
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
  // GET /link/oauth2/callback/{provider}: blocking (one provider call). With `refuse` (issue
  // 15: the provider is busy past the queue deadline or its circuit is open) the callback is
  // checked and its flow used up as ever, but the provider code is never redeemed: the browser
  // goes back to the integrator with `refuse` (error=temporarily_unavailable).
  web::Response callback(const web::Request& request, const std::string& provider,
                         const GatewayError* refuse = nullptr);
  // POST /link/oauth2/token
  web::Response token(const web::Request& request);

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
    EndUser end_user;  // the integrator's user (SPEC §9), sealed into the flow record
  };

  // The starts' bodies: each fills `known` (account, app, provider) as soon as it knows them,
  // so that every answer, a refusal too, is logged and counted under its provider (issue 12).
  web::Response startNoting(const web::Request& request, web::Response::Note& known);
  web::Response startFromLinkNoting(const web::Request& request, const std::string& token,
                                    web::Response::Note& known);
  // Both starts end here (flow_begin.cc).
  web::Response beginFlow(const web::Request& request, const FlowStart& start);

  Services& s_;
};

}  // namespace linkgate::gateway
