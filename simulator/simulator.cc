// Simulator: journal, faults, dispatch.
#include "simulator/simulator.h"

#include <exception>

#include "simulator/api_handler.h"
#include "simulator/authorize_handler.h"
#include "simulator/fault_answers.h"
#include "simulator/long_lived.h"
#include "simulator/oauth_response.h"
#include "simulator/oidc_handler.h"
#include "simulator/token_handler.h"

namespace linkgate::sim {
namespace {

IdTokenFault idTokenFaultOf(FaultKind kind) {
  switch (kind) {
    case FaultKind::kIdTokenWrongIss: return IdTokenFault::kWrongIss;
    case FaultKind::kIdTokenWrongAud: return IdTokenFault::kWrongAud;
    case FaultKind::kIdTokenExpired: return IdTokenFault::kExpired;
    case FaultKind::kIdTokenBadSignature: return IdTokenFault::kBadSignature;
    case FaultKind::kIdTokenUnknownKid: return IdTokenFault::kUnknownKid;
    case FaultKind::kIdTokenReplay: return IdTokenFault::kReplay;
    case FaultKind::kIdTokenAlgNone: return IdTokenFault::kAlgNone;
    case FaultKind::kIdTokenOtherSub: return IdTokenFault::kOtherSub;
    default: return IdTokenFault::kNone;
  }
}

}  // namespace

std::string endpointName(const RouteMatch& m, const web::Request& request) {
  switch (m.route) {
    case Route::kAuthorize: return "authorize";
    case Route::kConsent: return "consent";
    case Route::kToken:
    case Route::kRefreshUrl:
      if (const TokenTradeSpec* t = tradeFor(m, request)) {
        return t == &m.provider->profile.long_lived.exchange ? "exchange" : "renew";
      }
      return isRefreshRequest(m, request) ? "refresh" : "token";
    case Route::kExchangeUrl: return "exchange";
    case Route::kRenewUrl: return "renew";
    case Route::kApiMe: return "api_me";
    case Route::kResource: return "resource";
    case Route::kDiscovery: return "discovery";
    case Route::kJwks: return "jwks";
    case Route::kUserinfo: return "userinfo";
    case Route::kUnknownPath: return "unknown";
  }
  return "unknown";
}

Simulator::Simulator(Router router, OffsetClock& clock, RandomSource& random, DelayQueue& delays,
                     Options options)
    : router_(std::move(router)),
      clock_(clock),
      delays_(delays),
      grants_(clock),
      id_tokens_(oidc_keys_, random, &clock),
      ctx_{clock, random, clients_, grants_, behaviours_, options.auto_approve, &id_tokens_},
      control_(ControlApi::Deps{router_, clients_, grants_, journal_, faults_, behaviours_, clock}) {
  behaviours_.setStrictDocsDefault(options.strict_docs);
}

void Simulator::registerDevClients(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  for (const auto& p : router_.providers()) {
    const std::string& slug = p->profile.slug;
    Client c{slug, "dev-" + slug, "dev-" + slug + "-secret",
             {url + "/link/oauth2/callback/" + slug}};
    if (const auto& tmpl = p->profile.authorize.application_id) {
      c.application_id = deriveApplicationId(*tmpl, slug, c.client_id);
    }
    (void)clients_.put(std::move(c));
  }
}

web::Response Simulator::dispatch(const RouteMatch& m, const web::Request& request,
                                  bool force_invalid_grant, bool deny_consent,
                                  IdTokenFault id_token_fault) {
  try {
    switch (m.route) {
      case Route::kAuthorize: return handleAuthorize(ctx_, m, request, deny_consent);
      case Route::kConsent: return handleConsent(ctx_, m, request);
      case Route::kToken:
      case Route::kRefreshUrl:
      case Route::kExchangeUrl:
      case Route::kRenewUrl:
        if (const TokenTradeSpec* t = tradeFor(m, request)) return handleTrade(ctx_, m, request, *t);
        if (m.route == Route::kExchangeUrl || m.route == Route::kRenewUrl) break;
        return handleToken(ctx_, m, request, force_invalid_grant, id_token_fault);
      case Route::kApiMe: return handleApiMe(ctx_, m, request);
      case Route::kResource: return handleResource(ctx_, m, request);
      case Route::kDiscovery: return handleDiscovery(m, request);
      case Route::kJwks: return handleJwks(ctx_, oidc_keys_, m, request);
      case Route::kUserinfo: return handleUserinfo(ctx_, m, request);
      case Route::kUnknownPath: break;
    }
    return web::Response::json(404, Json{{"error", "not_found"},
                                         {"error_description", "no such endpoint of " +
                                                                   m.provider->profile.slug}});
  } catch (const std::exception&) {
    return web::Response::json(500, Json{{"error", "server_error"},
                                         {"error_description", "internal simulator error"}});
  }
}

void Simulator::handle(web::Request request, web::Responder respond) {
  if (request.path == "/_sim" || request.path.starts_with("/_sim/")) {
    if (auto keys = handleKeysControl(router_, oidc_keys_, clock_, request)) {
      respond(std::move(*keys));
      return;
    }
    web::Response r = control_.handle(request);
    if (request.path == "/_sim/reset" && r.status == 200) {  // keys back to the first one
      oidc_keys_.reset();
      id_tokens_.reset();
    }
    respond(std::move(r));
    return;
  }
  auto match = router_.match(request.path, request.method);
  if (!match) {
    respond(web::Response::json(404, Json{{"error", "not_found"},
                                          {"error_description", "no such provider"}}));
    return;
  }
  std::string endpoint = endpointName(*match, request);
  JournalEntry entry;
  entry.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    clock_.now().time_since_epoch()).count();
  entry.provider = match->provider->profile.slug;
  entry.endpoint = endpoint;
  entry.method = request.method;
  entry.target = request.target;
  entry.headers = request.headers;
  entry.body = request.body;
  int64_t seq = journal_.append(std::move(entry));
  auto answer = [this, seq, respond](web::Response r) {
    journal_.setStatus(seq, r.drop_connection ? 0 : r.status);
    respond(std::move(r));
  };

  std::optional<Fault> fault;
  if (endpoint == "authorize" || endpoint == "token" || endpoint == "refresh" ||
      endpoint == "api_me" || endpoint == "resource" || endpoint == "discovery" ||
      endpoint == "jwks" || endpoint == "userinfo") {
    fault = faults_.take(match->provider->profile.slug, endpoint);
  }
  if (!fault) {
    answer(dispatch(*match, request, false, false));
    return;
  }
  switch (fault->kind) {
    case FaultKind::kStatus:
      answer(web::Response::json(fault->status,
                                 Json{{"error", "simulated_fault"},
                                      {"error_description",
                                       "simulated status " + std::to_string(fault->status)}}));
      return;
    case FaultKind::kMalformedBody: answer(malformedBody()); return;
    case FaultKind::kDropConnection: {
      web::Response r;
      r.drop_connection = true;
      answer(std::move(r));
      return;
    }
    case FaultKind::kDelay: {
      // The request takes effect now; only the answer is late, from the delay thread, so no
      // reactor thread waits.
      web::Response r = dispatch(*match, request, false, false);
      delays_.schedule(std::chrono::milliseconds(fault->delay_ms),
                       [answer, r = std::move(r)]() mutable { answer(std::move(r)); });
      return;
    }
    case FaultKind::kInvalidGrant: answer(dispatch(*match, request, true, false)); return;
    case FaultKind::kDenyConsent: answer(dispatch(*match, request, false, true)); return;
    case FaultKind::kHugeBody: answer(hugeBodyAnswer()); return;
    case FaultKind::kDeepJson: answer(deepJsonAnswer()); return;
    case FaultKind::kLongToken: answer(longTokenAnswer()); return;
    case FaultKind::kEchoSecret: answer(echoSecretAnswer(request)); return;
    default: break;
  }
  if (isIdTokenFault(fault->kind)) {
    answer(dispatch(*match, request, false, false, idTokenFaultOf(fault->kind)));
    return;
  }
  answer(dispatch(*match, request, false, false));
}

}  // namespace linkgate::sim
