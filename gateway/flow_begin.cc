// The common end of both starts (SPEC §1.1): seal the flow into its cookie (or, when it is too
// large for one, record it), set the flow cookie, send the browser to the provider with the
// gateway's own state.
#include "core/crypto.h"
#include "gateway/dialect_engine.h"
#include "gateway/flow_cookie.h"
#include "gateway/flow_handlers.h"
#include "gateway/flow_redirect.h"
#include "gateway/oidc_flow.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

// Browsers keep cookies of up to 4096 bytes (name, value and attributes; RFC 6265 §6.1): a flow
// whose sealed record is longer (a long integrator state or redirect URI) is stored as a row.
constexpr size_t kMaxSealedCookieBytes = 3600;

}  // namespace

web::Response FlowHandlers::beginFlow(const web::Request& request, const FlowStart& fs) {
  const Dialect& dialect = *fs.dialect;
  Flow flow;
  flow.id = newUuid(s_.random);
  // SPEC §1.1: ≥128 bits, URL-safe, never derived from the integrator's state.
  flow.state = randomToken(s_.random, 256);
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
  // Issue 10: the flow travels sealed in its own cookie (AES-256-GCM under the master key, the
  // state as associated data), so this start writes nothing and any instance can finish it; the
  // callback makes it single use. A flow too large for a cookie is a row, bound by a random
  // cookie as before.
  std::string cookie;
  bool stored = false;
  if (auto sealed = s_.store.sealFlow(flow); sealed && sealed->size() <= kMaxSealedCookieBytes) {
    cookie = std::move(*sealed);
  } else {
    cookie = randomToken(s_.random, 256);
    flow.cookie_hash = sha256Hex(cookie);
    stored = true;
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
  // Issue 15: the pending-flow caps (global and per address) bound the rows, checked before
  // one is written; a sealed flow writes none and costs nothing at rest (issue 10).
  if (auto refused = stored ? s_.abuse->admitFlow(s_.abuse->clientAddress(request),
                                                  s_.config.flow_ttl.count())
                            : std::nullopt) {
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state, *refused,
                         fs.debug, diag);
  }
  if (auto ok = stored ? s_.store.insertFlow(flow) : Status{}; !ok) {
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
