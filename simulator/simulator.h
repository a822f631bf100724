// The simulator as one web::Handler: control API under /_sim/, provider endpoints under
// /{slug}/ (router.h), with the journal and the armed faults applied around them.
#pragma once
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "simulator/behaviour.h"
#include "simulator/client_store.h"
#include "simulator/control_handler.h"
#include "simulator/delay_queue.h"
#include "simulator/fault_store.h"
#include "simulator/grant_store.h"
#include "simulator/journal.h"
#include "simulator/oidc_id_token.h"
#include "simulator/oidc_keys.h"
#include "simulator/router.h"
#include "simulator/sim_context.h"
#include "web/http.h"

namespace linkgate::sim {

class Simulator {
 public:
  struct Options {
    bool auto_approve = false;
    bool strict_docs = false;  // the default of every provider's behaviour strict_docs
  };
  // clock, random and delays must outlive the simulator.
  Simulator(Router router, OffsetClock& clock, RandomSource& random, DelayQueue& delays,
            Options options);

  // Answers one request (possibly later, from the delay thread). Thread-safe.
  void handle(web::Request request, web::Responder respond);
  web::Handler handler() {
    return [this](web::Request r, web::Responder s) { handle(std::move(r), std::move(s)); };
  }

  // --dev-clients URL: dev-{slug} / dev-{slug}-secret with URL/link/oauth2/callback/{slug}.
  void registerDevClients(std::string gateway_url);

  const Router& router() const { return router_; }
  ClientStore& clients() { return clients_; }
  GrantStore& grants() { return grants_; }
  Journal& journal() { return journal_; }

 private:
  web::Response dispatch(const RouteMatch& match, const web::Request& request,
                         bool force_invalid_grant, bool deny_consent,
                         IdTokenFault id_token_fault = IdTokenFault::kNone);

  Router router_;
  OffsetClock& clock_;
  DelayQueue& delays_;
  ClientStore clients_;
  GrantStore grants_;
  Journal journal_;
  FaultStore faults_;
  BehaviourStore behaviours_;
  OidcKeyRing oidc_keys_;
  IdTokenIssuer id_tokens_;
  SimContext ctx_;
  ControlApi control_;
};

// "authorize" | "consent" | "token" | "refresh" | "api_me" | "resource" | "discovery" | "jwks"
// | "userinfo" | "unknown"
std::string endpointName(const RouteMatch& match, const web::Request& request);

}  // namespace linkgate::sim
