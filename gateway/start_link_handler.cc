// GET /link/oauth2/start/{token} (SPEC §3, POST /v1/credentials/start-auth): use the start
// link once, then begin the flow it describes.
#include <algorithm>

#include "gateway/dialect_engine.h"
#include "gateway/flow_handlers.h"
#include "gateway/pages.h"
#include "gateway/flow_redirect.h"
#include "gateway/host_check.h"
#include "gateway/request_checks.h"

namespace linkgate::gateway {

web::Response FlowHandlers::startFromLink(const web::Request& request, const std::string& token) {
  web::Response::Note known;
  auto response = startFromLinkNoting(request, token, known);
  return withKnown(std::move(response), known);
}

web::Response FlowHandlers::startFromLinkNoting(const web::Request& request,
                                                const std::string& token,
                                                web::Response::Note& known) {
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
  known.account = (*link)->account_id;
  known.app = (*link)->app_id;
  auto app = s_.store.findApp((*link)->app_id);
  if (!app || !*app) {
    return errorPage(request, gwError(Code::kUnknownApp, "the link's OAuth app no longer exists"));
  }
  const Dialect* dialect = s_.catalogue.find((*app)->provider);
  if (dialect == nullptr) {
    return errorPage(request, gwError(Code::kUnknownProvider, "provider not in the catalogue"));
  }
  known.provider = dialect->slug;
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
    return redirectError(request, s_.config.public_url, fs.redirect_uri, fs.state,
                         gwError(Code::kBadConnectionParam, connection.error().message), false,
                         diag);
  }
  fs.params = std::move(*connection);
  fs.end_user = (*link)->end_user;  // SPEC §9: sealed with the start link
  return beginFlow(request, fs);
}

}  // namespace linkgate::gateway
