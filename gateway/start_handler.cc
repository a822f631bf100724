// GET /link/oauth2/start and /start/{token} (SPEC §1.1): validate, record the flow, send the
// browser to the provider with the gateway's own state.
#include <algorithm>

#include "core/crypto.h"
#include "core/url.h"
#include "gateway/dialect_engine.h"
#include "gateway/flow_handlers.h"
#include "gateway/host_check.h"
#include "gateway/oidc_flow.h"
#include "gateway/redirect_uri.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

constexpr size_t kMaxStateBytes = 4096;     // SPEC §1.1
constexpr size_t kMaxRedirectUriBytes = 4096;
constexpr size_t kMaxParamBytes = 4096;

}  // namespace

std::string FlowHandlers::cookieName(const std::string& state) {
  return "lg_flow_" + sha256Hex(state).substr(0, 16);
}

std::string FlowHandlers::cookiePath() const {
  auto url = Url::parse(s_.config.public_url);
  std::string prefix = url ? url->path : "";
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix + "/link/oauth2/callback";
}

std::string FlowHandlers::cookieAttributes(int64_t max_age) const {
  // RFC 9700 §4.7.1: the flow is bound to this browser; Lax lets the top-level redirect back
  // from the provider carry it.
  std::string attrs = "; Path=" + cookiePath() + "; Max-Age=" + std::to_string(max_age) +
                      "; HttpOnly; SameSite=Lax";
  if (s_.config.public_url.starts_with("https://")) attrs += "; Secure";
  return attrs;
}

std::vector<std::string> FlowHandlers::registeredAfterSubstitution(const std::string& account_id,
                                                                   const std::string& slug) {
  std::vector<std::string> out;
  auto uris = s_.store.listRedirectUris(account_id);
  if (!uris) return out;
  for (const auto& r : *uris) out.push_back(substituteProvider(r.url, slug));
  return out;
}

web::Response FlowHandlers::redirectWith(const std::string& redirect_uri, Params answer,
                                         const std::optional<std::string>& state) {
  if (state) answer.add("state", *state);
  answer.add("iss", s_.config.public_url);  // RFC 9207
  return web::Response::redirect(appendToRedirect(redirect_uri, answer));
}

web::Response FlowHandlers::redirectError(const web::Request& request,
                                          const std::string& redirect_uri,
                                          const std::optional<std::string>& state,
                                          const GatewayError& error, bool debug,
                                          Diagnostics diagnostics) {
  Params answer;
  answer.add("error", error.wireError());
  answer.add("error_description", error.description);
  auto redirect = redirectWith(redirect_uri, std::move(answer), state);
  if (!debug) return redirect;
  diagnostics.error = error;
  diagnostics.continue_url = redirect.header("Location");
  return diagnosticsPage(request, diagnostics);
}

web::Response FlowHandlers::start(const web::Request& request) {
  // Before anything else: a flow started at another host than the public URL's cannot finish.
  if (auto wrong_host = publicHostMismatch(request, s_.config.public_url)) return *wrong_host;
  auto params = Params::parse(request.raw_query);
  const bool debug = params && params->count("debug") == 1 && params->get("debug") == "true";
  Diagnostics diag;
  diag.stage = "start";
  // Until client_id and redirect_uri are both valid: a page, never a redirect (RFC 6749
  // §4.1.2.1: no open redirector).
  auto page = [&](GatewayError error) {
    if (!debug) return errorPage(request, error);
    diag.error = std::move(error);
    return diagnosticsPage(request, diag);
  };
  if (!params) {
    return page(gwError(Code::kInvalidRequest, "the query string has a malformed % escape"));
  }
  auto client_id = cleanParam(*params, "client_id", 64);
  if (!client_id) return page(client_id.error());
  if (!*client_id) return page(gwError(Code::kMissingParameter, "client_id is required"));
  if (!isUuid(**client_id)) {
    return page(gwError(Code::kInvalidUuid, "client_id must be the UUID of an OAuth app"));
  }
  auto app = s_.store.findApp(lowerAscii(**client_id));
  if (!app) return page(storeUnavailable());
  if (!*app) return page(gwError(Code::kUnknownApp, "client_id names no OAuth app"));
  const Dialect* dialect = s_.catalogue.find((*app)->provider);
  if (dialect == nullptr) {
    return page(gwError(Code::kUnknownProvider, "the app's provider is not in the catalogue"));
  }
  diag.provider = dialect->slug;
  auto requested = cleanParam(*params, "redirect_uri", kMaxRedirectUriBytes);
  if (!requested) return page(requested.error());
  if (!*requested) return page(gwError(Code::kMissingParameter, "redirect_uri is required"));
  diag.requested_redirect_uri = **requested;
  auto registered = s_.store.listRedirectUris((*app)->account_id);
  if (!registered) return page(storeUnavailable());
  std::vector<std::string> urls;
  for (const auto& r : *registered) {
    urls.push_back(r.url);
    diag.registered_after_substitution.push_back(substituteProvider(r.url, dialect->slug));
  }
  auto target = matchRedirectUri(**requested, dialect->slug, urls);
  if (!target) {
    diag.hints.push_back("Register the exact redirect URI with POST /v1/redirect-uris, or "
                         "send one of the URIs listed here (matching is byte for byte).");
    return page(gwError(Code::kRedirectUriMismatch,
                        "redirect_uri does not match any registered redirect URI (SPEC §2)"));
  }

  // From here on errors go back to the integrator (RFC 6749 §4.1.2.1).
  std::optional<std::string> state;
  auto fail = [&](GatewayError error) {
    return redirectError(request, *target, state, error, debug, diag);
  };
  const size_t state_count = params->count("state");
  if (state_count > 1) return fail(gwError(Code::kDuplicateParameter, "state is repeated"));
  if (state_count == 1) {
    auto value = *params->get("state");
    if (value.size() > kMaxStateBytes) {
      return fail(gwError(Code::kInvalidRequest, "state is longer than 4096 bytes"));
    }
    state = std::move(value);  // any bytes: returned exactly as sent
  }
  if (auto dup = params->firstDuplicate()) {
    return fail(gwError(Code::kDuplicateParameter,
                        "parameter '" + *dup + "' is repeated (RFC 6749 §3.1)"));
  }
  for (const auto& [name, value] : params->items()) {
    if (name == "state") continue;
    if (auto ok = cleanParam(*params, name, kMaxParamBytes); !ok) return fail(ok.error());
  }
  FlowStart fs;
  fs.app = std::move(**app);
  fs.dialect = dialect;
  fs.redirect_uri = *target;
  fs.state = state;
  fs.debug = debug;
  if (auto scope = params->get("scope")) {
    fs.scopes = splitScopes(*scope, ScopeSeparator::kSpace);
  } else {
    fs.scopes = !fs.app.default_scopes.empty() ? fs.app.default_scopes
                                               : dialect->authorization.default_scopes;
  }
  auto challenge = params->get("code_challenge");
  auto method = params->get("code_challenge_method");
  if (challenge) {
    // RFC 7636 §4.3; SPEC §1.1: S256 only.
    if (!method || *method != "S256") {
      return fail(gwError(Code::kUnsupportedPkce,
                          "code_challenge_method must be S256 (plain is not accepted)"));
    }
    if (challenge->size() != 43 ||
        !std::all_of(challenge->begin(), challenge->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        })) {
      return fail(gwError(Code::kInvalidRequest,
                          "code_challenge must be a base64url SHA-256 (43 characters)"));
    }
    fs.code_challenge = *challenge;
  } else if (method) {
    return fail(gwError(Code::kInvalidRequest, "code_challenge_method without code_challenge"));
  }
  auto connection = readConnectionParams(*dialect, *params);
  if (!connection) {
    diag.hints.push_back("Connection parameters of " + dialect->slug +
                         " are listed by GET /v1/providers.");
    return fail(gwError(Code::kBadConnectionParam, connection.error().message));
  }
  fs.params = std::move(*connection);
  return beginFlow(request, fs);
}

web::Response FlowHandlers::startFromLink(const web::Request& request, const std::string& token) {
  // Checked before the single-use link is consumed, so the right host can still use it.
  if (auto wrong_host = publicHostMismatch(request, s_.config.public_url)) return *wrong_host;
  if (token.empty() || token.size() > 128 ||
      !std::all_of(token.begin(), token.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      })) {
    return errorPage(request, gwError(Code::kStartLinkInvalid, "malformed start link"));
  }
  auto link = s_.store.consumeStartLink(token, s_.now());
  if (!link) return errorPage(request, storeUnavailable());
  if (!*link) {
    return errorPage(request, gwError(Code::kStartLinkInvalid,
                                      "this start link is unknown, expired or already used"));
  }
  auto app = s_.store.findApp((*link)->app_id);
  if (!app || !*app) {
    return errorPage(request, gwError(Code::kUnknownApp, "the link's OAuth app no longer exists"));
  }
  const Dialect* dialect = s_.catalogue.find((*app)->provider);
  if (dialect == nullptr) {
    return errorPage(request, gwError(Code::kUnknownProvider, "provider not in the catalogue"));
  }
  FlowStart fs;
  fs.app = std::move(**app);
  fs.dialect = dialect;
  fs.redirect_uri = (*link)->redirect_uri;
  fs.state = (*link)->state;
  fs.state_is_json = (*link)->state.has_value();
  if ((*link)->scope) {
    fs.scopes = splitScopes(*(*link)->scope, ScopeSeparator::kSpace);
  } else {
    fs.scopes = !fs.app.default_scopes.empty() ? fs.app.default_scopes
                                               : dialect->authorization.default_scopes;
  }
  ConnectionValues values;
  for (const auto& [name, value] : (*link)->connection_params.items()) {
    if (value.is_string()) values[name] = value.get<std::string>();
  }
  auto connection = checkConnectionValues(*dialect, values);
  if (!connection) {
    Diagnostics diag;
  diag.stage = "start";
    return redirectError(request, fs.redirect_uri, fs.state,
                         gwError(Code::kBadConnectionParam, connection.error().message), false,
                         diag);
  }
  fs.params = std::move(*connection);
  return beginFlow(request, fs);
}

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
    return redirectError(request, fs.redirect_uri, fs.state,
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
    return redirectError(request, fs.redirect_uri, fs.state,
                         gwError(Code::kBadConnectionParam, url.error().message), fs.debug, diag);
  }
  if (auto ok = s_.store.insertFlow(flow); !ok) {
    return redirectError(request, fs.redirect_uri, fs.state,
                         gwError(Code::kStoreUnavailable, "the gateway could not record the flow"),
                         fs.debug, diag);
  }
  auto response = web::Response::redirect(*url);
  response.addHeader("Set-Cookie", cookieName(flow.state) + "=" + cookie +
                                       cookieAttributes(s_.config.flow_ttl.count()));
  return response;
}

}  // namespace linkgate::gateway
