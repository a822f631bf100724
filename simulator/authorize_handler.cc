// Authorization endpoint and consent decision.
#include "simulator/authorize_handler.h"

#include <algorithm>
#include <regex>

#include "core/crypto.h"
#include "core/params.h"
#include "core/query_signature.h"
#include "simulator/any_user.h"
#include "simulator/consent_page.h"
#include "simulator/oauth_response.h"
#include "simulator/oidc_handler.h"
#include "simulator/oidc_id_token.h"
#include "simulator/profile_tolerance.h"
#include "simulator/template.h"

namespace linkgate::sim {
namespace {

constexpr auto kConsentLifetime = std::chrono::minutes(10);

bool isPkceChallenge(std::string_view s) {
  // RFC 7636 §4.2: the same alphabet and length as a verifier.
  return isValidPkceVerifier(s);
}

// The callback: 302 to the client's redirect URI with the given parameters, plus state and iss.
web::Response callback(const SimContext& ctx, const Provider& p, const AuthorizationRequest& req,
                       Params params) {
  if (req.state) params.add("state", *req.state);
  Behaviour b = ctx.behaviours.effective(p.profile);
  // RFC 9207 §2: iss is the issuer of the provider's metadata; an OIDC profile's discovery
  // document names the mapped issuer, so the callback does too.
  std::string issuer = p.oidc ? mappedIssuer(req.base, p, req.params) : issuerOf(p, req.params);
  if (auto iss = b.issValue(issuer, p.profile.authorize.send_iss)) {
    params.add("iss", *iss);  // RFC 9207 §2
  }
  return web::Response::redirect(appendQuery(req.redirect_uri, params.toQuery()));
}

web::Response errorRedirect(const SimContext& ctx, const Provider& p,
                            const AuthorizationRequest& req, const std::string& error,
                            const std::string& description) {
  // RFC 6749 §4.1.2.1: errors after the redirect URI is verified go back to the client.
  return callback(ctx, p, req, Params{{"error", error}, {"error_description", description}});
}

web::Response approve(const SimContext& ctx, const Provider& p, const AuthorizationRequest& req,
                      const User& user) {
  Behaviour b = ctx.behaviours.effective(p.profile);
  TimePoint now = ctx.clock.now();
  CodeGrant grant{randomToken(ctx.random, 160), req, user.at("id"),
                  now + std::chrono::seconds(b.code_ttl_seconds)};
  Params params{{p.profile.authorize.code_param, grant.code}};
  TemplateValues values = baseValues(now, req.client_id, req.params, &user, req.scopes,
                                     b.scope_separator);
  ctx.grants.addCode(std::move(grant));
  web::Response r = callback(ctx, p, req, std::move(params));
  // Callback extras come after code/state/iss (realmId, shop, ...), rendered per user.
  if (!p.profile.authorize.callback_extras.empty()) {
    Params extras;
    for (const auto& [name, tmpl] : p.profile.authorize.callback_extras.items()) {
      extras.add(name, renderText(tmpl.get<std::string>(), values));
    }
    r.setHeader("Location", appendQuery(*r.header("location"), extras.toQuery()));
  }
  if (const auto& param = p.profile.authorize.callback_hmac) {
    // Signs everything the client will receive, the redirect URI's own parameters included.
    const std::string location = *r.header("location");
    const auto q = location.find('?');
    auto query = Params::parse(q == std::string::npos ? "" : location.substr(q + 1));
    auto client = ctx.clients.find(p.profile.slug, req.client_id);
    if (query && client) {
      Params signature{{*param, querySignature(*query, *param, client->client_secret)}};
      r.setHeader("Location", appendQuery(location, signature.toQuery()));
    }
  }
  return r;
}

// A scope the provider accepts beyond the listed ones (authorize.open_scopes).
bool matchesOpenScope(const OpenScopes& open, const std::string& scope) {
  for (const auto& pattern : open.patterns) {
    if (std::regex_match(scope, std::regex(pattern, std::regex::ECMAScript))) return true;
  }
  return false;
}

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Scopes requested in `scope`, validated against the profile; error text on failure. The value
// is split after percent-decoding, so for `plus` a literal '+' (a space) is not a separator.
// A value holding a tolerated separator (authorize.tolerate.scope_separator, not in
// --strict-docs) is split by that one.
std::variant<std::vector<std::string>, std::string> grantedScopes(const AuthorizeSpec& a,
                                                                  ScopeSeparator separator,
                                                                  bool strict_docs,
                                                                  const Params& query) {
  if (separator == ScopeSeparator::kNone) return a.default_scopes;
  auto scope = query.get("scope");
  if (!scope || scope->empty()) {
    if (a.scope_required) return std::string("scope is required");
    return a.default_scopes;
  }
  std::string refusal_note;
  for (ScopeSeparator other : a.tolerate.scope_separator.accept) {
    const char c = other == ScopeSeparator::kComma ? ',' : ' ';
    if (scope->find(c) == std::string::npos) continue;
    if (!strict_docs) {
      separator = other;
      break;
    }
    refusal_note = std::string(" (a ") + (c == ',' ? "comma" : "space") +
                   "-separated list is refused in --strict-docs mode; the provider accepts it "
                   "otherwise)";
  }
  std::vector<std::string> out;
  for (const auto& s : splitScopes(*scope, separator)) {
    if (s.empty()) return std::string("empty scope (wrong separator?)");
    if (std::find(a.scopes.begin(), a.scopes.end(), s) == a.scopes.end() &&
        !matchesOpenScope(a.open_scopes, s)) {
      return "unknown scope \"" + s + "\": not one of this provider's scopes" +
             std::string(a.open_scopes.patterns.empty() ? "" : " nor of its open scope patterns") +
             refusal_note + " — see recipe";
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

}  // namespace

std::string appendQuery(const std::string& uri, const std::string& encoded) {
  if (encoded.empty()) return uri;
  size_t hash = uri.find('#');
  std::string base = uri.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : uri.substr(hash);
  char joiner = '?';
  if (base.find('?') != std::string::npos) {
    joiner = (base.back() == '?' || base.back() == '&') ? '\0' : '&';
  }
  std::string out = base;
  if (joiner) out += joiner;
  return out + encoded + fragment;
}

std::string issuerOf(const Provider& p, const std::map<std::string, std::string>& params) {
  if (p.profile.authorize.issuer) return *p.profile.authorize.issuer;
  std::string host_path = p.authorize.fill(params);
  return "https://" + host_path.substr(0, host_path.find('/'));
}

web::Response handleAuthorize(const SimContext& ctx, const RouteMatch& m,
                              const web::Request& request, bool deny_consent) {
  const Provider& p = *m.provider;
  const AuthorizeSpec& a = p.profile.authorize;
  if (request.method != "GET") {
    return errorPage(request, 405, "invalid_request", "the authorization endpoint takes GET");
  }
  auto parsed = Params::parse(request.raw_query);
  if (!parsed) return errorPage(request, 400, "invalid_request", "malformed query string");
  const Params& query = *parsed;
  // RFC 6749 §4.1.2.1: until client and redirect URI are verified, never redirect.
  if (query.count(a.client_id_param) != 1) {
    return errorPage(request, 400, "invalid_request",
                     "exactly one " + a.client_id_param + " parameter is required");
  }
  const std::string named = *query.get(a.client_id_param);
  auto client = a.application_id ? ctx.clients.findByApplicationId(p.profile.slug, named)
                                 : ctx.clients.find(p.profile.slug, named);
  if (!client) {
    return errorPage(request, 400, "invalid_client",
                     a.application_id ? "unknown " + a.client_id_param : "unknown client");
  }
  if (query.count("redirect_uri") > 1) {
    return errorPage(request, 400, "invalid_request", "repeated redirect_uri");
  }
  AuthorizationRequest req;
  req.provider = p.profile.slug;
  req.client_id = client->client_id;
  req.params = m.params;
  req.base = requestBase(request);
  if (auto uri = query.get("redirect_uri")) {
    if (std::find(client->redirect_uris.begin(), client->redirect_uris.end(), *uri) ==
        client->redirect_uris.end()) {
      return errorPage(request, 400, "invalid_request",
                       "redirect_uri is not registered for this client");
    }
    req.redirect_uri = *uri;
    req.redirect_uri_sent = true;
  } else if (a.redirect_uri_optional && client->redirect_uris.size() == 1) {
    req.redirect_uri = client->redirect_uris.front();
  } else {
    return errorPage(request, 400, "invalid_request", "redirect_uri is required");
  }
  req.state = query.get("state");
  for (const auto& [name, value] : query.items()) req.authorize_params.emplace(name, value);

  if (auto dup = query.firstDuplicate()) {
    return errorRedirect(ctx, p, req, "invalid_request", "repeated parameter " + *dup);
  }
  for (const auto& [name, value] : m.pattern->fixedQuery()) {
    if (query.get(name) != value) {
      return errorRedirect(ctx, p, req, "invalid_request", "parameter " + name + " must be " + value);
    }
  }
  Behaviour b = ctx.behaviours.effective(p.profile);
  auto response_type = query.get("response_type");
  const auto& lax = a.tolerate.response_type.accept;
  auto tolerated = [&](const std::string& v) { return !b.strict_docs && contains(lax, v); };
  auto refused = [&](const std::string& v, const std::string& what) {
    return ruleRefusal("authorization response_type", what, contains(lax, v), b.strict_docs);
  };
  if (a.response_type.empty()) {
    if (response_type && !response_type->empty() && !tolerated(*response_type)) {
      return errorRedirect(ctx, p, req, "unsupported_response_type",
                           refused(*response_type, "this provider takes no response_type"));
    }
  } else if (!response_type) {
    if (!tolerated("")) {
      return errorRedirect(ctx, p, req, "invalid_request",
                           refused("", "response_type is required"));
    }
  } else if (*response_type != a.response_type && !tolerated(*response_type)) {
    return errorRedirect(ctx, p, req, "unsupported_response_type",
                         refused(*response_type, "response_type must be " + a.response_type));
  }
  for (const auto& [name, value] : a.extra_params) {
    if (query.get(name) != value) {
      return errorRedirect(ctx, p, req, "invalid_request", name + "=" + value + " is required");
    }
  }
  auto scopes = grantedScopes(a, b.scope_separator, b.strict_docs, query);
  if (auto* err = std::get_if<std::string>(&scopes)) {
    return errorRedirect(ctx, p, req, "invalid_scope", *err);
  }
  req.scopes = std::get<std::vector<std::string>>(scopes);

  if (b.pkce != PkceMode::kNotSupported) {
    auto challenge = query.get("code_challenge");
    auto method = query.get("code_challenge_method");
    if (challenge) {
      std::string m_name = method.value_or("plain");  // RFC 7636 §4.3 default
      if (m_name != "S256" && m_name != "plain") {
        return errorRedirect(ctx, p, req, "invalid_request",
                             "code_challenge_method must be S256 or plain");
      }
      if (!isPkceChallenge(*challenge)) {
        return errorRedirect(ctx, p, req, "invalid_request", "malformed code_challenge");
      }
      req.code_challenge = *challenge;
      req.code_challenge_method = m_name;
    } else if (method) {
      return errorRedirect(ctx, p, req, "invalid_request",
                           "code_challenge_method without code_challenge");
    } else if (b.pkce == PkceMode::kRequired) {
      return errorRedirect(ctx, p, req, "invalid_request", "code_challenge is required (PKCE)");
    }
  }
  if (deny_consent) return errorRedirect(ctx, p, req, "access_denied", "the user denied access");
  if (ctx.auto_approve) return approve(ctx, p, req, p.profile.users.front());

  std::string id = randomToken(ctx.random, 128);
  ctx.grants.addConsent(PendingConsent{id, req, ctx.clock.now() + kConsentLifetime});
  return consentPage(p.profile, id, req.client_id, req.scopes, req.redirect_uri);
}

web::Response handleConsent(const SimContext& ctx, const RouteMatch& m,
                            const web::Request& request) {
  const Provider& p = *m.provider;
  if (request.method != "POST") {
    return errorPage(request, 405, "invalid_request", "the consent form is posted");
  }
  auto form = Params::parse(request.body);
  if (!form) return errorPage(request, 400, "invalid_request", "malformed form body");
  if (auto dup = form->firstDuplicate()) {
    return errorPage(request, 400, "invalid_request", "repeated field " + *dup);
  }
  auto consent = form->get("consent");
  auto decision = form->get("decision");
  if (!consent || !decision) {
    return errorPage(request, 400, "invalid_request", "consent and decision are required");
  }
  if (*decision != "approve" && *decision != "deny") {
    return errorPage(request, 400, "invalid_request", "decision must be approve or deny");
  }
  const User* user = nullptr;
  if (*decision == "approve") {
    if (auto typed = form->get("login_as"); typed && !typed->empty()) {
      // "Sign in as any user": a new identity with claims derived from the typed id or email.
      auto derived = deriveUser(p.profile, *typed);
      if (!derived) return errorPage(request, 400, "invalid_request", derived.error().message);
      user = &p.profile.any_users->add(std::move(*derived));
    } else {
      auto user_id = form->get("user");
      if (!user_id) return errorPage(request, 400, "invalid_request", "user is required");
      user = p.profile.findUser(*user_id);
      if (!user) return errorPage(request, 400, "invalid_request", "unknown user");
    }
  }
  auto pending = ctx.grants.takeConsent(*consent);
  if (!pending || pending->request.provider != p.profile.slug) {
    return errorPage(request, 400, "invalid_request", "unknown or already used consent");
  }
  if (ctx.clock.now() >= pending->expires_at) {
    return errorPage(request, 400, "invalid_request", "the consent has expired");
  }
  if (!user) return errorRedirect(ctx, p, pending->request, "access_denied", "the user denied access");
  return approve(ctx, p, pending->request, *user);
}

}  // namespace linkgate::sim
