// /v1/credentials*: start links, import/export, refresh and access tokens (SPEC §3).
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/crypto.h"
#include "gateway/api_handlers.h"
#include "gateway/api_json.h"
#include "gateway/credential_identity.h"
#include "gateway/dialect_engine.h"
#include "gateway/end_user.h"
#include "gateway/long_lived.h"
#include "gateway/oidc_refresh.h"
#include "gateway/pages.h"
#include "gateway/provider_call.h"
#include "gateway/provider_text.h"
#include "gateway/redirect_uri.h"
#include "gateway/request_checks.h"
#include "gateway/webhook_events.h"

namespace linkgate::gateway {
namespace {

constexpr int64_t kRefreshMargin = 300;  // SPEC §3: refreshed when expiring within 5 minutes
constexpr size_t kMaxStartStateBytes = 5 * 1024;

std::optional<int64_t> expiresAt(const Credential& c) {
  auto it = c.properties.find("expires_at");
  if (it == c.properties.end() || !it->is_string()) return std::nullopt;
  return parseRfc3339(it->get<std::string>());
}

ConnectionValues valuesOf(const Json& params) {
  ConnectionValues values;
  for (const auto& [name, value] : params.items()) {
    if (value.is_string()) values[name] = value.get<std::string>();
  }
  return values;
}

GwResult<Credential> ownedCredential(Store& store, const std::string& account,
                                     const std::string& id) {
  if (!isUuid(id)) return gwFail(Code::kInvalidUuid, "the credential id must be a UUID");
  auto found = store.findCredential(lowerAscii(id));
  if (!found) return std::unexpected(storeUnavailable());
  if (!*found || (*found)->account_id != account) {
    return gwFail(Code::kNotFound, "credential not found");
  }
  return **found;
}

}  // namespace

web::Response ApiHandlers::startAuth(const web::Request& request, const std::string& account) {
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  for (const auto& [name, value] : body->items()) {
    if (name != "oauth_app_id" && name != "redirect_uri" && name != "state" && name != "scope" &&
        name != "connection_params" && name != "end_user_id" && name != "end_user_email" &&
        name != "end_user_display_name") {
      return jsonError(gwError(Code::kInvalidRequest, "unknown field '" + name + "'"));
    }
  }
  auto str = [&](const char* name) -> std::optional<std::string> {
    auto it = body->find(name);
    if (it == body->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto app_id = str("oauth_app_id");
  if (!app_id) return jsonError(gwError(Code::kMissingParameter, "oauth_app_id is required"));
  if (!isUuid(*app_id)) {
    return jsonError(gwError(Code::kInvalidUuid, "oauth_app_id must be a UUID"));
  }
  auto app = s_.store.findApp(lowerAscii(*app_id));
  if (!app) return storageError();
  if (!*app || (*app)->account_id != account) {
    return jsonError(gwError(Code::kUnknownApp, "oauth_app_id names no OAuth app of this account"));
  }
  const Dialect* dialect = s_.catalogue.find((*app)->provider);
  if (dialect == nullptr) return jsonError(gwError(Code::kUnknownProvider, "not in catalogue"));
  auto redirect = str("redirect_uri");
  if (!redirect || hasControlChars(*redirect) || redirect->size() > 4096) {
    return jsonError(gwError(Code::kMissingParameter, "redirect_uri (a string) is required"));
  }
  auto registered = s_.store.listRedirectUris(account);
  if (!registered) return storageError();
  std::vector<std::string> urls;
  for (const auto& r : *registered) urls.push_back(r.url);
  auto target = matchRedirectUri(*redirect, dialect->slug, urls);
  if (!target) {
    return jsonError(gwError(Code::kRedirectUriMismatch,
                             "redirect_uri does not match any registered redirect URI"));
  }
  StartLink link;
  link.token = randomToken(s_.random, 256);
  link.account_id = account;
  link.app_id = (*app)->id;
  link.redirect_uri = *target;
  if (body->contains("state") && !(*body)["state"].is_null()) {
    link.state = dumpJson((*body)["state"]);
    if (link.state->size() > kMaxStartStateBytes) {
      return jsonError(gwError(Code::kInvalidRequest, "state is larger than 5 KB"));
    }
  }
  if (body->contains("scope")) {
    auto scope = str("scope");
    if (!scope || hasControlChars(*scope)) {
      return jsonError(gwError(Code::kInvalidRequest, "scope must be a space-separated string"));
    }
    link.scope = *scope;
  }
  if (body->contains("connection_params")) {
    if (!(*body)["connection_params"].is_object()) {
      return jsonError(gwError(Code::kInvalidRequest, "connection_params must be an object"));
    }
    link.connection_params = (*body)["connection_params"];
  }
  if (auto checked = checkConnectionValues(*dialect, valuesOf(link.connection_params)); !checked) {
    return jsonError(gwError(Code::kBadConnectionParam, checked.error().message));
  }
  auto end_user = endUserFromBody(*body);
  if (!end_user) return jsonError(end_user.error());
  link.end_user = std::move(*end_user);
  link.created_at = s_.now();
  link.expires_at = link.created_at + s_.config.start_link_ttl.count();
  if (auto stored = s_.store.insertStartLink(link); !stored) return storageError();
  // id: GET/DELETE /v1/start-links/{id} (issue 17); the token is shown this once.
  return jsonOk(201, Json{{"id", sha256Hex(link.token).substr(0, 16)},
                          {"start_url", s_.config.public_url + "/link/oauth2/start/" + link.token},
                          {"expires_at", rfc3339(link.expires_at)}});
}

web::Response ApiHandlers::importCredential(const web::Request& request,
                                            const std::string& account) {
  auto body = readJsonBody(request);
  if (!body) return jsonError(body.error());
  auto imported = importOne(*body, account);
  if (!imported) return jsonError(imported.error());
  return jsonOk(imported->created ? 201 : 200, credentialJson(imported->credential, false));
}

GwResult<ApiHandlers::Imported> ApiHandlers::importOne(const Json& body_json,
                                                       const std::string& account) {
  const Json* body = &body_json;
  // A line of GET /v1/credentials/export is accepted as it is: its id, provider, health and
  // timestamps are read (id, provider) or ignored (the rest, which the gateway owns).
  for (const auto& [name, value] : body->items()) {
    static const std::set<std::string, std::less<>> kFields = {
        "oauth_app_id", "properties", "provider_account_id", "connection_params", "id",
        "provider",     "health",     "created_at",          "updated_at",
        "end_user_id",  "end_user_email", "end_user_display_name"};
    if (!kFields.contains(name)) {
      return std::unexpected(gwError(Code::kInvalidRequest, "unknown field '" + name + "'"));
    }
  }
  auto app_it = body->find("oauth_app_id");
  if (app_it == body->end() || !app_it->is_string() || !isUuid(app_it->get<std::string>())) {
    return std::unexpected(gwError(Code::kInvalidUuid, "oauth_app_id (a UUID) is required"));
  }
  auto app = s_.store.findApp(lowerAscii(app_it->get<std::string>()));
  if (!app) return std::unexpected(storeUnavailable());
  if (!*app || (*app)->account_id != account) {
    return std::unexpected(gwError(Code::kUnknownApp, "oauth_app_id names no OAuth app of this account"));
  }
  if (auto it = body->find("provider"); it != body->end() && *it != (*app)->provider) {
    return std::unexpected(gwError(Code::kInvalidRequest,
                             "provider does not match the OAuth app's (" + (*app)->provider + ")"));
  }
  std::optional<std::string> named_id;
  if (auto it = body->find("id"); it != body->end()) {
    if (!it->is_string() || !isUuid(it->get<std::string>())) {
      return std::unexpected(gwError(Code::kInvalidUuid, "id must be a credential UUID"));
    }
    named_id = lowerAscii(it->get<std::string>());
  }
  std::optional<std::string> provider_account_id;
  if (auto it = body->find("provider_account_id"); it != body->end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
        it->get_ref<const std::string&>().size() > 1024) {
      return std::unexpected(gwError(Code::kInvalidRequest,
                               "provider_account_id must be a string of 1 to 1024 bytes"));
    }
    provider_account_id = it->get<std::string>();
  }
  auto end_user = endUserFromBody(*body);
  if (!end_user) return std::unexpected(end_user.error());
  auto props_it = body->find("properties");
  if (props_it == body->end() || !props_it->is_object()) {
    return std::unexpected(gwError(Code::kMissingParameter, "properties (an object) is required"));
  }
  Json props = *props_it;
  if (!props.contains("access_token") || !props["access_token"].is_string() ||
      props["access_token"].get<std::string>().empty()) {
    return std::unexpected(gwError(Code::kMissingParameter, "properties.access_token is required"));
  }
  if (props.contains("refresh_token") && !props["refresh_token"].is_string()) {
    return std::unexpected(gwError(Code::kInvalidRequest, "properties.refresh_token must be a string"));
  }
  if (props.contains("expires_at") &&
      (!props["expires_at"].is_string() || !parseRfc3339(props["expires_at"].get<std::string>()))) {
    return std::unexpected(gwError(Code::kInvalidRequest, "properties.expires_at must be RFC 3339"));
  }
  const Dialect* dialect = s_.catalogue.find((*app)->provider);
  props["kind"] = (*app)->provider + "_oauth2";
  if (!props.contains("token_type")) props["token_type"] = "Bearer";
  if (!props.contains("scope")) props["scope"] = "";
  Json params = Json::object();
  if (body->contains("connection_params")) {
    params = body->at("connection_params");
    if (!params.is_object() || !dialect ||
        !checkConnectionValues(*dialect, valuesOf(params))) {
      return std::unexpected(gwError(Code::kBadConnectionParam, "connection_params do not match"));
    }
  }
  // The same credential: the one the id names (an export line coming back), else the one of
  // the same provider account.
  std::optional<Credential> existing;
  if (named_id) {
    auto found = s_.store.findCredential(*named_id);
    if (!found) return std::unexpected(storeUnavailable());
    if (*found && (*found)->account_id == account) {
      if ((*found)->app_id != (*app)->id) {
        return std::unexpected(gwError(Code::kInvalidRequest,
                                 "id names a credential of another OAuth app"));
      }
      existing = **found;
    }
  }
  std::string identity = credentialIdentity(props, provider_account_id);
  if (!existing) {
    auto found = s_.store.findCredentialByProviderAccount(account, (*app)->id, identity);
    if (!found) return std::unexpected(storeUnavailable());
    if (*found) existing = **found;
  } else if (!provider_account_id && !identityFollowsTokens(existing->provider_account)) {
    identity = existing->provider_account;  // keeps the account id it was imported with
  }
  Credential c;
  const int64_t now = s_.now();
  if (existing) {
    c = *existing;
  } else {
    c.id = newUuid(s_.random);
    c.account_id = account;
    c.app_id = (*app)->id;
    c.provider = (*app)->provider;
    c.created_at = now;
  }
  c.properties = props;
  c.connection_params = params;
  c.provider_account = identity;
  // An import that names no end user keeps the credential's.
  if (!end_user->id.empty() || !existing) c.end_user = *end_user;
  c.health_status = "ok";
  c.health_detail.clear();
  c.updated_at = now;
  const auto event = credentialEvent(existing ? kCredentialUpdated : kCredentialCreated, c,
                                     s_.clock, s_.random);  // issue #13, same transaction
  if (auto stored = s_.store.saveCredentialEmitting(c, nullptr, {event}); !stored) {
    return std::unexpected(storeUnavailable());
  }
  return Imported{!existing, std::move(c)};
}

web::Response ApiHandlers::getCredential(const web::Request& request, const std::string& account,
                                         const std::string& id) {
  auto c = ownedCredential(s_.store, account, id);
  if (!c) return jsonError(c.error());
  return jsonOk(200, credentialJson(*c, revealSecrets(request)));
}

web::Response ApiHandlers::deleteCredential(const std::string& account, const std::string& id) {
  if (!isUuid(id)) return jsonError(gwError(Code::kInvalidUuid, "the id must be a UUID"));
  // Issue #13: credential.deleted describes the credential as it was; committed with the delete.
  auto before = s_.store.findCredential(lowerAscii(id));
  if (!before) return storageError();
  if (!*before || (*before)->account_id != account) {
    return jsonError(gwError(Code::kNotFound, "credential not found"));
  }
  Credential gone = **before;
  gone.updated_at = s_.now();
  auto deleted = s_.store.deleteCredentialEmitting(
      account, gone.id, {credentialEvent(kCredentialDeleted, gone, s_.clock, s_.random)});
  if (!deleted) return storageError();
  if (!*deleted) return jsonError(gwError(Code::kNotFound, "credential not found"));
  return noContent();
}

web::Response ApiHandlers::exportCredentials(const std::string& account) {
  auto all = s_.store.listCredentials(account);
  if (!all) return storageError();
  std::string lines;
  for (const auto& c : *all) lines += dumpJson(credentialJson(c, true)) + "\n";
  web::Response r;
  r.status = 200;
  r.body = std::move(lines);
  r.setHeader("Content-Type", "application/x-ndjson");
  r.setHeader("Cache-Control", "no-store");
  return r;
}

GwResult<Credential> ApiHandlers::refreshLocked(const Credential& credential,
                                                RefreshFailure* failure) {
  auto app = s_.store.findApp(credential.app_id);
  if (!app) return std::unexpected(storeUnavailable());
  if (!*app) {
    return gwFail(Code::kConflict, "the credential's OAuth app was deleted; delete the credential "
                                   "or import it again under an existing app");
  }
  const Dialect* dialect = s_.catalogue.find(credential.provider);
  if (dialect == nullptr) return gwFail(Code::kUnknownProvider, "provider not in catalogue");
  const std::string presented = renewalToken(*dialect, credential.properties);
  if (presented.empty()) {
    return gwFail(Code::kInvalidRequest, dialect->refresh.presents_access_token
                                             ? "this credential has no access token to renew"
                                             : "this credential has no refresh token");
  }
  // Issue 13: a provider that refuses to renew a young token (Instagram: 24 h) is not asked.
  if (const int64_t wait = secondsUntilRenewable(*dialect, credential.properties, s_.now());
      wait > 0) {
    return gwFail(Code::kConflict,
                  dialect->display_name + " renews a long-lived token only once it is " +
                      std::to_string(dialect->refresh.min_token_age_seconds) +
                      " s old; this one can be renewed in " + std::to_string(wait) +
                      " s (long_lived.renewable_after); nothing was sent, the credential is "
                      "unchanged");
  }
  RefreshInput input;
  input.client_id = (*app)->client_id;
  input.client_secret = (*app)->client_secret;
  input.refresh_token = presented;
  input.redirect_uri = s_.callbackUrl(dialect->slug);
  input.scopes = splitScopes(credential.properties.value("scope", ""), ScopeSeparator::kSpace);
  auto with_app = withAppParams(*dialect, (*app)->metadata, valuesOf(credential.connection_params));
  if (!with_app) return gwFail(Code::kBadConnectionParam, with_app.error().message);
  input.params = std::move(*with_app);
  auto request = refreshRequest(*dialect, s_.urls, input);
  if (!request) return gwFail(Code::kProviderExchangeFailed, request.error().message);
  request->connect_timeout = s_.config.provider_connect_timeout;
  request->total_timeout = s_.config.provider_total_timeout;
  auto response = callProvider(s_, dialect->slug, CallKind::kRefresh, *request);
  if (!response && isCircuitOpen(response.error())) {  // issue 15: nothing sent, nothing changed
    return gwFail(Code::kProviderUnavailable,
                  dialect->display_name + " is failing; the gateway pauses calls to it for a "
                                          "while; the credential is unchanged; try again later");
  }
  if (!response) {
    s_.metrics->refresh(dialect->slug, RefreshOutcome::kTransient);
    if (failure) *failure = transportFailure(response.error().id);
    return gwFail(Code::kProviderExchangeFailed,
                  dialect->display_name + " refresh failed: " + response.error().id);
  }
  auto tokens = parseRefreshResponse(*dialect, *response, s_.clock.now(), input.scopes);
  Credential updated = credential;
  updated.updated_at = s_.now();
  if (!tokens) {
    // Issue 15: the provider's words reach the answer, the stored health detail and the
    // webhook event, so a provider echoing the client secret or the refresh token leaks
    // neither (found by gateway_fault_matrix_test, refresh/echo_secret).
    FlowSecrets secrets;
    secrets.addClient(input.client_id, input.client_secret);
    secrets.add(input.refresh_token);
    tokens.error().message = sanitiseProviderText(tokens.error().message, secrets);
    auto code = providerErrorCode(dialect->refreshResponse(), *response);
    RefreshFailure f = answerFailure(*response, tokens.error(), code, s_.clock.now());
    if (failure) *failure = f;
    if (f.kind == RefreshFailureKind::kPermanent) {
      // SPEC §3: invalid_grant (or the provider's word for it) marks the credential unhealthy;
      // 429/5xx and "try later" codes are transient (refresh_outcome.h) and change nothing.
      updated.health_status = "error";
      updated.health_detail = tokens.error().message;
      // Issue #13: a permanent refresh failure is told to the integrator (same transaction).
      (void)s_.store.saveCredentialEmitting(
          updated, nullptr,
          {credentialEvent(kCredentialRefreshFailed, updated, s_.clock, s_.random)});
      s_.metrics->refresh(dialect->slug, RefreshOutcome::kPermanent);
      GatewayError e = gwError(Code::kProviderExchangeFailed, tokens.error().message);
      const auto& own = dialect->refreshResponse().invalid_grant_errors;
      e.wire_override = code && (*code == "invalid_grant" ||
                                 std::find(own.begin(), own.end(), *code) != own.end())
                            ? "invalid_grant"
                            : "server_error";
      return std::unexpected(e);
    }
    s_.metrics->refresh(dialect->slug, RefreshOutcome::kTransient);
    return gwFail(Code::kProviderExchangeFailed,
                  dialect->display_name + ": " + tokens.error().message);
  }
  // C-8.9: an id_token in the refresh answer must validate and name the credential's subject;
  // otherwise this refresh fails and nothing is stored (the provider's answer is not trusted).
  auto id_token = checkRefreshIdToken(s_, *dialect, input.params, input.client_id,
                                      input.client_secret, *response,
                                      tokens->access_token, credential.properties);
  if (!id_token) {
    s_.metrics->refresh(dialect->slug, RefreshOutcome::kTransient);
    const std::string why = dialect->display_name + ": " + id_token.error().message +
                            "; the credential's stored tokens are unchanged";
    if (failure) *failure = transportFailure(why);
    return gwFail(Code::kProviderExchangeFailed, why);
  }
  s_.metrics->refresh(dialect->slug, RefreshOutcome::kOk);
  Json& props = updated.properties;
  if (*id_token) {
    props["id_token"] = (*id_token)->id_token;
    props["id_token_claims"] = (*id_token)->claims;
  }
  props["access_token"] = tokens->access_token;
  // A rotated refresh token replaces the old one in the same write; none keeps the old one.
  if (tokens->refresh_token) props["refresh_token"] = *tokens->refresh_token;
  props["token_type"] = tokens->token_type;
  props["scope"] = joinScopes(tokens->scopes, ' ');
  if (tokens->expires_at) {
    props["expires_at"] = rfc3339(*tokens->expires_at);
  } else {
    props.erase("expires_at");
  }
  for (const auto& [name, value] : tokens->extra_fields.items()) props[name] = value;
  // A renewed long-lived token is a new one: its age starts again (issue 13).
  if (dialect->refresh.presents_access_token) {
    props["long_lived"] = longLivedProperty(*dialect, updated.updated_at);
  }
  updated.health_status = "ok";
  updated.health_detail.clear();
  // A rotated refresh token is the same provider account: the identity follows it.
  if (identityFollowsTokens(updated.provider_account)) {
    updated.provider_account = credentialIdentity(props, std::nullopt);
  }
  if (auto stored = s_.store.saveCredential(updated); !stored) {
    return gwFail(Code::kInternal, "the refreshed credential could not be stored");
  }
  return updated;
}

namespace {
// One mutex per credential id so concurrent callers of this process queue without holding a
// database connection.
std::shared_ptr<std::mutex> lockFor(std::mutex& mu,
                                    std::map<std::string, std::weak_ptr<std::mutex>>& locks,
                                    const std::string& id) {
  std::lock_guard guard(mu);
  auto& weak = locks[id];
  auto strong = weak.lock();
  if (!strong) {
    strong = std::make_shared<std::mutex>();
    weak = strong;
  }
  for (auto it = locks.begin(); it != locks.end();) {  // forget credentials nobody waits on
    it = it->second.expired() ? locks.erase(it) : std::next(it);
  }
  return strong;
}

}  // namespace

// Held while one caller refreshes a credential: first this process's mutex, then the store's
// lock, which every gateway instance on the same database shares (PostgreSQL: an advisory
// lock, released by the server if this process dies holding it). Released in reverse order.
struct RefreshGuard {
  std::shared_ptr<std::mutex> local;
  std::unique_lock<std::mutex> held;
  std::unique_ptr<StoreLock> shared;
};

GwResult<std::unique_ptr<RefreshGuard>> ApiHandlers::holdRefresh(const std::string& id) {
  auto guard = std::make_unique<RefreshGuard>();
  guard->local = lockFor(refresh_mu_, refresh_locks_, id);
  guard->held = std::unique_lock(*guard->local);
  auto shared = s_.store.lock("refresh:" + id);
  if (!shared) {
    return gwFail(Code::kStoreUnavailable, "another refresh of this credential is taking too "
                                           "long or the database is unavailable; try again");
  }
  guard->shared = std::move(*shared);
  return guard;
}

RefreshAttempt ApiHandlers::refreshIfDue(const std::string& id,
                                         const std::function<bool(const Credential&)>& due) {
  RefreshAttempt attempt;
  auto guard = holdRefresh(id);
  if (!guard) {
    attempt.failure = transportFailure(guard.error().description);
    return attempt;
  }
  auto fresh = s_.store.findCredential(id);  // another caller or instance may have refreshed it
  if (!fresh) {
    attempt.failure = transportFailure("store unavailable");
    return attempt;
  }
  if (!*fresh) {
    attempt.result = RefreshAttempt::Result::kGone;
    return attempt;
  }
  if (!due(**fresh)) {
    attempt.result = RefreshAttempt::Result::kNotDue;
    return attempt;
  }
  RefreshFailure failure;
  auto refreshed = refreshLocked(**fresh, &failure);
  if (refreshed) {
    attempt.result = RefreshAttempt::Result::kRefreshed;
  } else {
    if (failure.detail.empty()) {
      failure.detail = refreshed.error().description;
    }
    attempt.failure = failure;
  }
  return attempt;
}

web::Response ApiHandlers::refreshCredential(const std::string& account, const std::string& id) {
  auto c = ownedCredential(s_.store, account, id);
  if (!c) return jsonError(c.error());
  auto guard = holdRefresh(c->id);
  if (!guard) return jsonError(guard.error());
  auto fresh = ownedCredential(s_.store, account, id);
  if (!fresh) return jsonError(fresh.error());
  auto refreshed = refreshLocked(*fresh);
  if (!refreshed) return jsonError(refreshed.error());
  return jsonOk(200, credentialJson(*refreshed, true));
}

web::Response ApiHandlers::accessToken(const std::string& account, const std::string& id) {
  auto c = ownedCredential(s_.store, account, id);
  if (!c) return jsonError(c.error());
  auto needs_refresh = [&](const Credential& cred) {
    auto at = expiresAt(cred);
    return at && *at - s_.now() < kRefreshMargin && cred.properties.contains("refresh_token");
  };
  // Expired with nothing to refresh it by: an error, never a dead token (and the credential is
  // marked so GET /v1/credentials shows it needs a new link).
  if (auto at = expiresAt(*c); at && *at <= s_.now() && !c->properties.contains("refresh_token")) {
    Credential expired = *c;
    expired.health_status = "error";
    expired.health_detail = "the access token expired and there is no refresh token";
    expired.updated_at = s_.now();
    if (c->health_status != "error") (void)s_.store.saveCredential(expired);
    return jsonError(gwError(Code::kCredentialExpired,
                             "the access token expired at " + rfc3339(*at) +
                                 " and the credential has no refresh token; link the account again"));
  }
  Credential current = *c;
  if (needs_refresh(current)) {
    auto guard = holdRefresh(c->id);
    if (!guard) return jsonError(guard.error());
    auto fresh = ownedCredential(s_.store, account, id);  // another caller may have refreshed
    if (!fresh) return jsonError(fresh.error());
    current = *fresh;
    if (needs_refresh(current)) {
      auto refreshed = refreshLocked(current);
      if (!refreshed) return jsonError(refreshed.error());
      current = *refreshed;
    }
  }
  Json answer = {{"access_token", current.properties.value("access_token", "")},
                 {"token_type", current.properties.value("token_type", "Bearer")}};
  if (current.properties.contains("expires_at")) {
    answer["expires_at"] = current.properties["expires_at"];
  }
  return jsonOk(200, answer);
}

// ---- provider isolation (issue 15 item 1) ----
std::optional<std::string> ApiHandlers::providerCallFor(const std::string& account,
                                                        const std::string& id, bool refresh) {
  auto c = ownedCredential(s_.store, account, id);
  if (!c || !c->properties.contains("refresh_token")) return std::nullopt;
  if (!refresh) {
    auto at = expiresAt(*c);
    if (!at || *at - s_.now() >= kRefreshMargin) return std::nullopt;  // served as it is
  }
  return c->provider;
}

}  // namespace linkgate::gateway
