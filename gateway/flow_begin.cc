// The common end of both starts (SPEC §1.1): record the flow, set the flow cookie, send the
// browser to the provider with the gateway's own state.
#include "core/crypto.h"
#include "gateway/dialect_engine.h"
#include "gateway/flow_cookie.h"
#include "gateway/flow_handlers.h"
#include "gateway/flow_redirect.h"
#include "gateway/oidc_flow.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {

web::Response FlowHandlers::beginFlow(const web::Request& request, const FlowStart& fs) {
  const Dialect& dialect = *fs.dialect;
  Flow flow;
  flow.id = newUuid(s_.random);
  // SPEC §1.1: ≥128 bits, URL-safe, never derived from the integrator's state.
  flow.state = randomToken(s_.random, 256);
  const std::string cookie = randomToken(s_.random, 256);
  flow.cookie_hash = sha256Hex(cookie);
  flow.account_id = fs.app.account_id;
  flow.app_id = fs.app.id;
  flow.provider = dialect.slug;
  flow.redirect_uri = fs.redirect_uri;
  flow.integrator_state = fs.state;
  flow.state_is_json = fs.state_is_json;
  flow.scopes = fs.scopes;
  for (const auto& [name, value] : fs.params) flow.connection_params[name] = value;
  flow.code_challenge = fs.code_challenge;
  flow.debug = fs.debug;
  flow.end_user = fs.end_user;
  flow.created_at = s_.now();
  flow.expires_at = flow.created_at + s_.config.flow_ttl.count();

  AuthorizationInput input;
  input.client_id = fs.app.client_id;
  input.redirect_uri = s_.callbackUrl(dialect.slug);
  input.state = flow.state;
  input.scopes = fs.scopes;
  auto with_app = withAppParams(dialect, fs.app.metadata, fs.params);
  if (!with_app) {
    Diagnostics diag;
    diag.stage = "start";
    diag.provider = dialect.slug;
    diag.hints.push_back("Set it with PATCH /v1/oauth-apps/" + fs.app.id + " {\"metadata\": {...}}.");
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state,
                         gwError(Code::kBadConnectionParam, with_app.error().message), fs.debug,
                         diag);
  }
  input.params = std::move(*with_app);
  if (sendsPkce(dialect.authorization.pkce)) {
    flow.provider_code_verifier = randomToken(s_.random, 256);  // 43 chars, RFC 7636 §4.1
    input.code_challenge = pkceS256Challenge(*flow.provider_code_verifier);
  }
  auto url = authorizationUrl(dialect, s_.urls, input);
  // OIDC Core §3.1.2.1 / §15.5.2: a nonce bound to this browser's flow cookie.
  if (url && expectsIdToken(dialect, fs.scopes)) {
    *url += (url->find('?') == std::string::npos ? "?nonce=" : "&nonce=") + oidcNonce(cookie);
  }
  Diagnostics diag;
  diag.stage = "start";
  diag.provider = dialect.slug;
  if (!url) {
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state,
                         gwError(Code::kBadConnectionParam, url.error().message), fs.debug, diag);
  }
  // Issue 15: the pending-flow cap (global and per address), checked before the row is written.
  if (auto refused = s_.abuse->admitFlow(s_.abuse->clientAddress(request),
                                         s_.config.flow_ttl.count())) {
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state, *refused,
                         fs.debug, diag);
  }
  if (auto ok = s_.store.insertFlow(flow); !ok) {
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state,
                         gwError(Code::kStoreUnavailable, "the gateway could not record the flow"),
                         fs.debug, diag);
  }
  auto response = web::Response::redirect(*url);
  response.note = {flow.account_id, flow.app_id, flow.provider, {}, {}};  // the request log's
  response.addHeader("Set-Cookie", flowCookieSet(s_.config.public_url, flow.state, cookie,
                                                 s_.config.flow_ttl.count()));
  return response;
}

}  // namespace linkgate::gateway
