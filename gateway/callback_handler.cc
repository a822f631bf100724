// GET /link/oauth2/callback/{provider} (SPEC §1.2): check the flow (state, cookie, provider,
// iss), use it once, redeem the provider code per the dialect, store the credential sealed and
// durable, then send the browser back to the integrator with a one-time gateway code.
#include "core/crypto.h"
#include "core/query_signature.h"
#include "gateway/credential_identity.h"
#include "gateway/dialect_engine.h"
#include "gateway/flow_cookie.h"
#include "gateway/flow_handlers.h"
#include "gateway/pages.h"
#include "gateway/flow_redirect.h"
#include "gateway/long_lived.h"
#include "gateway/oidc_flow.h"
#include "gateway/provider_call.h"
#include "gateway/provider_text.h"
#include "gateway/redirect_uri.h"
#include "gateway/request_checks.h"
#include "gateway/webhook_events.h"

namespace linkgate::gateway {
namespace {

bool isSlug(std::string_view s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

// For the diagnostics page: the account's redirect URIs as they match for this provider.
std::vector<std::string> registeredAfterSubstitution(Store& store, const std::string& account_id,
                                                     const std::string& slug) {
  std::vector<std::string> out;
  auto uris = store.listRedirectUris(account_id);
  if (!uris) return out;
  for (const auto& r : *uris) out.push_back(substituteProvider(r.url, slug));
  return out;
}

}  // namespace

web::Response FlowHandlers::callback(const web::Request& request, const std::string& provider,
                                     const GatewayError* refuse) {
  Diagnostics diag;
  diag.stage = "callback";
  auto page = [&](GatewayError error) { return errorPage(request, error); };
  if (!isSlug(provider) || s_.catalogue.find(provider) == nullptr) {
    return page(gwError(Code::kUnknownProvider, "unknown provider in the callback path"));
  }
  auto params = Params::parse(request.raw_query);
  if (!params) {
    return page(gwError(Code::kInvalidRequest, "the query string has a malformed % escape"));
  }
  auto state = cleanParam(*params, "state", 256);
  if (!state) return page(state.error());
  if (!*state) return page(gwError(Code::kUnknownFlow, "the callback carries no state"));
  // RFC 9700 §4.7.1: the browser that started the flow must be the one finishing it. A flow
  // sealed into its cookie (issue 10; a sealed text has a '.', a random cookie never does)
  // opens only for this state; any other flow is a row, bound by its cookie's hash.
  auto cookie = request.cookie(flowCookieName(**state));
  const bool sealed = cookie && cookie->find('.') != std::string::npos;
  Flow flow;
  if (sealed) {
    auto opened = s_.store.openSealedFlow(*cookie, **state);
    if (!opened) {
      return page(gwError(Code::kFlowCookieMismatch,
                          "the flow cookie was not sealed by this gateway for this state"));
    }
    flow = std::move(*opened);
  } else {
    auto found = s_.store.findFlowByState(**state);
    if (!found) return page(storeUnavailable());
    if (!*found && !cookie) {
      return page(gwError(Code::kFlowCookieMismatch,
                          "no flow cookie for this state: this browser did not start the flow, "
                          "or the state is unknown"));
    }
    if (!*found) return page(gwError(Code::kUnknownFlow, "unknown state: no such flow"));
    flow = std::move(**found);
    if (!cookie || !constantTimeEqual(sha256Hex(*cookie), flow.cookie_hash)) {
      return page(gwError(Code::kFlowCookieMismatch,
                          "this browser did not start the flow (flow cookie missing or wrong)"));
    }
  }
  const int64_t now = s_.now();
  if (flow.expires_at <= now) {
    return page(gwError(Code::kUnknownFlow, "this flow expired; start again"));
  }
  // Mix-up defence (RFC 9700 §4.4): the answer must come back on the flow's provider path.
  if (provider != flow.provider) {
    return page(gwError(Code::kProviderMismatch, "the callback came for another provider"));
  }
  const Dialect& dialect = *s_.catalogue.find(flow.provider);
  diag.provider = dialect.slug;
  diag.requested_redirect_uri = flow.redirect_uri;
  if (flow.debug) {  // only the diagnostics page (debug=true) shows them
    diag.registered_after_substitution =
        registeredAfterSubstitution(s_.store, flow.account_id, dialect.slug);
  }
  if (dialect.authorization.iss == IssCheck::kRequired) {
    // RFC 9207 §2.4: a missing or different iss means a possible mix-up: stop here.
    auto iss = cleanParam(*params, "iss", 2048);
    const auto& issuer = dialect.authorization.issuer;
    bool ok = iss && *iss && **iss == issuer;
    if (!ok && iss && *iss && s_.urls.base() && issuer.starts_with("https://")) {
      ok = **iss == *s_.urls.base() + "/" + dialect.slug + "/" + issuer.substr(8);
    }
    if (!ok) return page(gwError(Code::kIssMismatch, "iss is missing or not the provider's"));
  }
  // A signed callback (Shopify) must carry the provider's signature; a forged one is refused
  // like a wrong iss, before the flow is used, so it cannot burn the real one. Error callbacks
  // are neither signed nor carry the bound parameters.
  const bool provider_error = params->has("error");
  // Read once: the signature check needs its secret, the exchange its client.
  const auto app = s_.store.findAppCached(flow.app_id);
  if (!app) return page(storeUnavailable());
  // Deleting an app ends its flows (a sealed flow has no row the delete could remove).
  if (!*app) {
    return page(gwError(Code::kUnknownFlow, "the OAuth app of this flow was deleted; start again"));
  }
  // What the provider says reaches the redirect and the debug page sanitised, without these.
  FlowSecrets secrets;
  secrets.addClient((*app)->client_id, (*app)->client_secret);
  if (flow.provider_code_verifier) secrets.add(*flow.provider_code_verifier);
  if (auto c = params->get(dialect.authorization.callback_code_param)) secrets.add(*c);
  secrets.add(flow.state);
  if (const auto& sig = dialect.authorization.callback_hmac; !sig.empty() && !provider_error) {
    if (!querySignatureValid(*params, sig, (*app)->client_secret)) {
      return page(gwError(Code::kCallbackSignature, "the callback's " + sig +
                                                        " is missing or wrong: it was not signed "
                                                        "by " + dialect.display_name));
    }
  }
  for (const auto& [name, tmpl] : dialect.authorization.callback_expect) {
    if (provider_error) break;
    std::string expected = tmpl;
    for (const auto& [param, value] : flow.connection_params.items()) {
      if (!value.is_string()) continue;
      for (auto at = expected.find("{" + param + "}"); at != std::string::npos;
           at = expected.find("{" + param + "}")) {
        expected.replace(at, param.size() + 2, value.get<std::string>());
      }
    }
    if (params->count(name) != 1 || *params->get(name) != expected) {
      return page(gwError(Code::kCallbackSignature,
                          "the callback's " + name + " is not the one this flow started for"));
    }
  }
  // Use the flow exactly once: a double-submitting browser never redeems the code twice.
  auto consumed = sealed ? s_.store.consumeSealedFlow(flow.id, flow.expires_at, now)
                         : s_.store.consumeFlow(flow.id, now);
  if (!consumed) return page(storeUnavailable());
  if (!*consumed) {
    return page(gwError(Code::kUnknownFlow, "this flow was already used or expired"));
  }
  const std::string clear_cookie = flowCookieClear(s_.config.public_url, flow.state);
  auto finish = [&](web::Response r) {
    r.note.account = flow.account_id, r.note.app = flow.app_id, r.note.provider = flow.provider;
    r.addHeader("Set-Cookie", clear_cookie);
    return r;
  };
  auto fail = [&](GatewayError error) {
    return finish(redirectError(request, s_.config.public_url, flow.redirect_uri, flow.integrator_state, error,
                                flow.debug, diag));
  };
  if (auto dup = params->firstDuplicate()) {
    return fail(gwError(Code::kProviderExchangeFailed,
                        "the provider's callback repeated parameter '" + *dup + "'"));
  }
  if (auto error = params->get("error")) {
    GatewayError e = gwError(Code::kProviderDenied, "");
    const std::string code = sanitiseProviderText(*error, secrets, 64);
    if (isRfc6749AuthorizeError(code)) e.wire_override = code;
    auto description = params->get("error_description");
    e.description = description ? sanitiseProviderText(*description, secrets)
                                : "the provider answered error=" + code;
    diag.provider_answer = "error=" + code + (description ? ": " + e.description : "");
    return fail(e);
  }
  // Issue 15: the provider cannot be called now; the code stays unredeemed (C-1.2.12).
  if (refuse != nullptr) return fail(*refuse);
  auto code = params->get(dialect.authorization.callback_code_param);
  if (!code || code->empty() || hasControlChars(*code) || code->size() > 4096) {
    return fail(gwError(Code::kProviderExchangeFailed,
                        "the provider's callback carried no usable '" +
                            dialect.authorization.callback_code_param + "'"));
  }
  ConnectionValues values;
  for (const auto& [name, value] : flow.connection_params.items()) {
    if (value.is_string()) values[name] = value.get<std::string>();
  }
  // Values only the callback knows (Sentry's installation) join the connection params: the
  // token URL uses them now, the stored credential for its refreshes.
  auto reported = callbackConnectionParams(dialect, *params);
  if (!reported) return fail(gwError(Code::kProviderExchangeFailed, reported.error().message));
  for (const auto& [name, value] : *reported) {
    values[name] = value;
    flow.connection_params[name] = value;
  }
  TokenExchangeInput input;
  input.client_id = (*app)->client_id;
  input.client_secret = (*app)->client_secret;
  input.code = *code;
  input.redirect_uri = s_.callbackUrl(dialect.slug);
  input.code_verifier = flow.provider_code_verifier;
  input.scopes = flow.scopes;
  auto with_app = withAppParams(dialect, (*app)->metadata, values);
  if (!with_app) return fail(gwError(Code::kBadConnectionParam, with_app.error().message));
  input.params = std::move(*with_app);
  auto http_request = tokenExchangeRequest(dialect, s_.urls, input);
  if (!http_request) return fail(gwError(Code::kProviderExchangeFailed, http_request.error().message));
  http_request->connect_timeout = s_.config.provider_connect_timeout;
  http_request->total_timeout = s_.config.provider_total_timeout;
  auto http_response = callProvider(s_, dialect.slug, CallKind::kToken, *http_request);
  if (!http_response && isCircuitOpen(http_response.error())) {
    return fail(gwError(Code::kProviderUnavailable,
                        dialect.display_name + " is failing; the gateway pauses calls to it for "
                                               "a while; try again later"));
  }
  if (!http_response) {
    diag.provider_answer = http_response.error().id;
    return fail(gwError(Code::kProviderExchangeFailed,
                        dialect.display_name + " token endpoint failed: " +
                            http_response.error().id + " (" +
                            printableExcerpt(http_response.error().message) + ")"));
  }
  auto tokens = parseTokenResponse(dialect, *http_response, s_.clock.now(), flow.scopes);
  if (!tokens) {
    std::string why = tokens.error().message;
    if (auto said = providerErrorText(dialect.token_response, *http_response);
        said && tokens.error().id == "provider_error") {
      why = "provider token endpoint answered HTTP " + std::to_string(http_response->status);
      if (!said->error.empty()) why += " error=" + sanitiseProviderText(said->error, secrets, 64);
      if (!said->description.empty()) why += ": " + sanitiseProviderText(said->description, secrets);
    }
    diag.provider_answer =
        "token endpoint: HTTP " + std::to_string(http_response->status) + " — " + why;
    return fail(gwError(Code::kProviderExchangeFailed, dialect.display_name + ": " + why));
  }

  // SPEC §8: an OpenID Connect flow's id_token must validate, bound to this browser's nonce.
  auto oidc = checkExchangeIdToken(s_, dialect, flow.scopes, input.params, input.client_id,
                                   input.client_secret, *cookie, *http_response,
                                   tokens->access_token);
  if (!oidc) {
    return fail(gwError(Code::kProviderExchangeFailed,
                        dialect.display_name + ": " + oidc.error().message));
  }

  // Issue 13: a short-lived token is traded for the long-lived one before anything is stored.
  if (dialect.token_upgrade.on) {
    auto request = tokenUpgradeRequest(dialect, s_.urls, tokens->access_token, input.client_id,
                                       input.client_secret, input.params);
    if (!request) return fail(gwError(Code::kProviderExchangeFailed, request.error().message));
    request->connect_timeout = s_.config.provider_connect_timeout;
    request->total_timeout = s_.config.provider_total_timeout;
    secrets.add(tokens->access_token);
    const std::string what = dialect.display_name + " long-lived token exchange";
    auto answer = callProvider(s_, dialect.slug, CallKind::kToken, *request);
    if (!answer) {
      diag.provider_answer = answer.error().id;
      return fail(gwError(Code::kProviderExchangeFailed, what + " failed: " + answer.error().id));
    }
    if (auto upgraded = applyTokenUpgrade(dialect, *answer, s_.clock.now(), *tokens); !upgraded) {
      diag.provider_answer = "HTTP " + std::to_string(answer->status);
      return fail(gwError(Code::kProviderExchangeFailed,
                          what + ": " + sanitiseProviderText(upgraded.error().message, secrets)));
    }
  }

  // What the token answer does not say (Xero tenant, Atlassian site, ...): one more call each.
  Json discovered = Json::object();
  for (const auto& call : dialect.discovery) {
    auto request = discoveryRequest(dialect, s_.urls, call, tokens->access_token, input.params);
    if (!request) return fail(gwError(Code::kProviderExchangeFailed, request.error().message));
    request->connect_timeout = s_.config.provider_connect_timeout;
    request->total_timeout = s_.config.provider_total_timeout;
    const std::string what = dialect.display_name + " account lookup (GET " +
                             call.url.substr(0, call.url.find('?')) + ")";
    auto answer = callProvider(s_, dialect.slug, CallKind::kDiscovery, *request);
    if (!answer) {
      diag.provider_answer = answer.error().id;
      return fail(gwError(Code::kProviderExchangeFailed, what + " failed: " + answer.error().id));
    }
    auto fields = discoveryFields(call, *answer, tokens->access_token);
    if (!fields) {
      diag.provider_answer = "HTTP " + std::to_string(answer->status);
      return fail(gwError(Code::kProviderExchangeFailed, what + " " + fields.error().message));
    }
    for (const auto& [name, value] : fields->items()) discovered[name] = value;
  }

  Credential credential;
  credential.id = newUuid(s_.random);
  credential.account_id = flow.account_id;
  credential.app_id = flow.app_id;
  credential.provider = dialect.slug;
  credential.connection_params = flow.connection_params;
  credential.end_user = flow.end_user;
  credential.created_at = credential.updated_at = now;
  Json props = Json::object();
  for (const auto& [name, value] : flow.connection_params.items()) props[name] = value;
  const Json callback_fields = callbackExtraFields(dialect, *params);
  for (const auto& [name, value] : callback_fields.items()) props[name] = value;
  for (const auto& [name, value] : tokens->extra_fields.items()) props[name] = value;
  for (const auto& [name, value] : discovered.items()) props[name] = value;
  props["kind"] = dialect.slug + "_oauth2";
  props["access_token"] = tokens->access_token;
  if (tokens->refresh_token) props["refresh_token"] = *tokens->refresh_token;
  props["token_type"] = tokens->token_type;
  props["scope"] = joinScopes(tokens->scopes, ' ');
  if (tokens->expires_at) {
    props["expires_at"] = formatRfc3339(TimePoint(std::chrono::seconds(*tokens->expires_at)));
  }
  if (dialect.token_upgrade.on) props["long_lived"] = longLivedProperty(dialect, now);
  std::optional<std::string> account;
  if (*oidc) {
    props["id_token"] = (*oidc)->id_token;
    props["id_token_claims"] = (*oidc)->claims;
    account = (*oidc)->account;  // SPEC §8: iss + sub
  } else {
    // No id_token (openid not granted): the sub from where the catalogue says it also is.
    account = subjectWithoutIdToken(dialect, input.params, props);
  }
  // SPEC §9: the account id where the catalogue says it is (fields of the callback, the token
  // answer or a resource call), else an OIDC dialect's iss + sub.
  if (dialect.account.from != AccountFrom::kOidc && dialect.account.from != AccountFrom::kNone) {
    account = accountFromFields(dialect.account, props);
  }
  // Issue 13: which of several accounts behind the login this credential holds, and why.
  if (auto chosen = accountChoiceProperty(dialect.account, props)) props["provider_account"] = *chosen;
  credential.provider_account = credentialIdentity(props, account);
  bool relinked = false;  // webhooks: credential.updated instead of credential.created
  if (account) {
    // SPEC §9: the same provider account linked again updates its credential.
    auto existing = s_.store.findCredentialByProviderAccount(flow.account_id, flow.app_id,
                                                             credential.provider_account);
    if (!existing) return fail(gwError(Code::kInternal, "storage error"));
    if (*existing) {
      credential.id = (*existing)->id;
      credential.created_at = (*existing)->created_at;
      relinked = true;
      // A re-link that names no end user keeps the one the credential had.
      if (credential.end_user.id.empty()) credential.end_user = (*existing)->end_user;
    }
  }
  credential.properties = std::move(props);

  AuthCode auth_code;
  auth_code.code = randomToken(s_.random, 256);
  auth_code.credential_id = credential.id;
  auth_code.app_id = flow.app_id;
  auth_code.account_id = flow.account_id;
  auth_code.code_challenge = flow.code_challenge;
  auth_code.integrator_state = flow.integrator_state;
  auth_code.state_is_json = flow.state_is_json;
  auth_code.expires_at = now + s_.config.code_ttl.count();
  // SPEC §1.2: durably stored before the redirect is answered.
  // Issue #13: the event goes into the outbox in the same transaction.
  const auto event = credentialEvent(relinked ? kCredentialUpdated : kCredentialCreated,
                                     credential, s_.clock, s_.random);
  if (auto ok = s_.store.saveCredentialEmitting(credential, &auth_code, {event}); !ok) {
    return fail(gwError(Code::kStoreUnavailable, "the gateway could not store the credential"));
  }
  Params answer;
  answer.add("code", auth_code.code);
  return finish(redirectWith(s_.config.public_url, flow.redirect_uri, std::move(answer), flow.integrator_state));
}

}  // namespace linkgate::gateway
