// GET /link/oauth2/start (SPEC §1.1): validate the integrator's request, then begin the flow.
#include <algorithm>

#include "gateway/dialect_engine.h"
#include "gateway/end_user.h"
#include "gateway/flow_handlers.h"
#include "gateway/pages.h"
#include "gateway/flow_redirect.h"
#include "gateway/host_check.h"
#include "gateway/redirect_uri.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

constexpr size_t kMaxStateBytes = 4096;     // SPEC §1.1
constexpr size_t kMaxRedirectUriBytes = 4096;
constexpr size_t kMaxParamBytes = 4096;

}  // namespace

web::Response FlowHandlers::start(const web::Request& request) {
  web::Response::Note known;
  auto response = startNoting(request, known);
  return withKnown(std::move(response), known);
}

web::Response FlowHandlers::startNoting(const web::Request& request, web::Response::Note& known) {
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
  // The app and its account's redirect URIs: the store's read-through cache (issue 10).
  auto config = s_.store.findStartConfig(lowerAscii(**client_id));
  if (!config) return page(storeUnavailable());
  if (!*config) return page(gwError(Code::kUnknownApp, "client_id names no OAuth app"));
  OAuthApp& app = (*config)->app;
  known.account = app.account_id;
  known.app = app.id;
  const Dialect* dialect = s_.catalogue.find(app.provider);
  if (dialect == nullptr) {
    return page(gwError(Code::kUnknownProvider, "the app's provider is not in the catalogue"));
  }
  diag.provider = dialect->slug;
  known.provider = dialect->slug;
  auto requested = cleanParam(*params, "redirect_uri", kMaxRedirectUriBytes);
  if (!requested) return page(requested.error());
  if (!*requested) return page(gwError(Code::kMissingParameter, "redirect_uri is required"));
  diag.requested_redirect_uri = **requested;
  std::vector<std::string> urls;
  for (const auto& r : (*config)->redirect_uris) {
    urls.push_back(r.url);
    // Only the diagnostics page (debug=true) shows them.
    if (debug) {
      diag.registered_after_substitution.push_back(substituteProvider(r.url, dialect->slug));
    }
  }
  auto target = matchRedirectUri(**requested, dialect->slug, urls);
  if (!target) {
    diag.hints.push_back("Register the exact redirect URI with POST /v1/redirect-uris, or "
                         "send one of the URIs listed here (matching is byte for byte).");
    return page(gwError(Code::kRedirectUriMismatch,
                        "redirect_uri does not match any registered redirect URI (contract C-2.3)"));
  }

  // From here on errors go back to the integrator (RFC 6749 §4.1.2.1).
  std::optional<std::string> state;
  auto fail = [&](GatewayError error) {
    return redirectError(request, s_.config.public_url, *target, state, error, debug, diag);
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
  fs.app = std::move(app);
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
  // SPEC §9: the integrator's end user, bound to the flow like state.
  auto end_user = checkEndUser(params->get("end_user_id"), params->get("end_user_email"),
                               params->get("end_user_display_name"));
  if (!end_user) return fail(end_user.error());
  fs.end_user = std::move(*end_user);
  return beginFlow(request, fs);
}

}  // namespace linkgate::gateway
