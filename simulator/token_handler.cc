// Code exchange and refresh.
#include "simulator/token_handler.h"

#include <algorithm>
#include <chrono>

#include "core/clock.h"
#include "core/crypto.h"
#include "simulator/oauth_response.h"
#include "simulator/oidc_id_token.h"
#include "simulator/profile_tolerance.h"
#include "simulator/oidc_token.h"
#include "simulator/token_request.h"

namespace linkgate::sim {
namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool issuesRefresh(const IssuePolicy& policy, const AuthorizationRequest& req) {
  switch (policy.kind) {
    case IssueKind::kAlways: return true;
    case IssueKind::kNever: return false;
    case IssueKind::kScope: return contains(req.scopes, policy.scope);
    case IssueKind::kAuthorizeParam:
      for (const auto& [name, value] : policy.authorize_param) {
        auto it = req.authorize_params.find(name);
        if (it == req.authorize_params.end() || it->second != value) return false;
      }
      return true;
  }
  return false;
}

std::optional<Rejection> checkRequired(const StringMap& required, const Params& params) {
  for (const auto& [name, value] : required) {
    auto got = params.get(name);
    bool ok = value == "*" ? (got && !got->empty()) : got == value;
    if (!ok) {
      return Rejection{"invalid_request",
                       value == "*" ? name + " is required" : name + "=" + value + " is required"};
    }
  }
  return std::nullopt;
}

// Token placeholders of an issued answer.
void addTokenValues(TemplateValues& v, const Issue& issue, const std::string& refresh_token,
                    const Behaviour& b, TimePoint now, const TokenSpec& t) {
  v["access_token"] = issue.access.token;
  if (!refresh_token.empty()) v["refresh_token"] = refresh_token;
  v["token_type"] = issue.access.companion ? t.companion.token_type : t.token_type;
  if (issue.companion_access) {
    v["companion.access_token"] = issue.companion_access->token;
    v["companion.token_type"] = t.companion.token_type;
  }
  if (issue.companion_refresh) v["companion.refresh_token"] = issue.companion_refresh->token;
  int64_t ttl = b.access_token_ttl_seconds;
  switch (b.expires_in) {
    case ExpiresIn::kNumber:
      if (ttl > 0) v["expires_in"] = ttl;
      break;
    case ExpiresIn::kString:
      if (ttl > 0) v["expires_in"] = std::to_string(ttl);
      break;
    case ExpiresIn::kAbsent: break;
    case ExpiresIn::kZero: v["expires_in"] = 0; break;
  }
  if (ttl > 0) {
    v["expires_at"] = unixSeconds(now) + ttl;
    v["expires_at_rfc3339"] = formatRfc3339(now + std::chrono::seconds(ttl));  // Square
  }
}

// Template params of the authorization plus those matched at this endpoint.
std::map<std::string, std::string> mergeParams(std::map<std::string, std::string> a,
                                               const std::map<std::string, std::string>& b) {
  for (const auto& [k, v] : b) a[k] = v;
  return a;
}

// A code or token used at another tenant / region than it was issued for.
std::optional<Rejection> paramConflict(const std::map<std::string, std::string>& issued,
                                       const std::map<std::string, std::string>& here) {
  for (const auto& [k, v] : here) {
    auto it = issued.find(k);
    if (it != issued.end() && it->second != v) {
      return Rejection{"invalid_grant", "issued for another " + k};
    }
  }
  return std::nullopt;
}

std::optional<TimePoint> expiry(TimePoint now, int64_t ttl) {
  if (ttl <= 0) return std::nullopt;
  return now + std::chrono::seconds(ttl);
}

// A random RFC 4122 version-4 UUID: the id of one authorization ({authorization_id}).
std::string newAuthorizationId(RandomSource& random) {
  uint8_t b[16];
  random.fill(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0f];
  }
  return out;
}

// The access token for `record`: random with the profile's prefix, or (token.access_token_jwt,
// Xero) a signed JWT of the profile's claims for the record's user, scopes and authorization.
std::string newAccessToken(const SimContext& ctx, const Profile& p, const TokenRecord& record,
                           TimePoint now, int64_t ttl, ScopeSeparator separator) {
  const AccessTokenJwt& jwt = p.token.access_token_jwt;
  if (!jwt.on || ctx.id_tokens == nullptr || record.companion) {
    return (record.companion ? p.token.companion.access_token_prefix : p.token.access_token_prefix) +
           randomToken(ctx.random, 192);
  }
  TemplateValues values = baseValues(now, record.client_id, record.params,
                                     p.findUser(record.user_id), record.scopes, separator);
  values["authorization_id"] = record.authorization_id;
  Json claims = renderTemplate(jwt.claims, values);
  claims["iat"] = claims["nbf"] = unixSeconds(now);
  if (ttl > 0) claims["exp"] = unixSeconds(now) + ttl;
  claims["jti"] = randomToken(ctx.random, 128);
  auto signed_token = ctx.id_tokens->signClaims(p.slug, claims);
  return signed_token ? *signed_token : p.token.access_token_prefix + randomToken(ctx.random, 192);
}

// Shared front half of both grants: parse, authenticate, check grant_type and fixed params.
struct Front {
  std::optional<TokenRequest> request;
  std::optional<web::Response> error;
};

Front front(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
            const EndpointRules& rules, const std::string& grant_type, const StringMap& required,
            const std::function<web::Response(const Rejection&, ErrorOptions)>& error) {
  const Profile& p = m.provider->profile;
  auto parsed = parseTokenRequest(request, rules);
  if (auto* e = std::get_if<TokenRequestError>(&parsed)) {
    return {std::nullopt, error(e->rejection, ErrorOptions{e->status, std::nullopt})};
  }
  TokenRequest tr = std::get<TokenRequest>(std::move(parsed));
  auto client = ctx.clients.find(p.slug, tr.client_id);
  // Secrets compared in constant time; an unknown client and a wrong secret look alike.
  bool authenticated =
      client && tr.secret_decodes && constantTimeEqual(client->client_secret, tr.client_secret);
  if (!authenticated && client && tr.unencoded_secret &&
      constantTimeEqual(client->client_secret, *tr.unencoded_secret)) {
    // Basic credentials sent as they are, not form-encoded first (RFC 6749 §2.3.1).
    const bool tolerated = rules.tolerance && rules.tolerance->unencoded_basic.on;
    if (!tolerated || rules.strict_docs) {
      return {std::nullopt,
              error(Rejection{"invalid_client",
                              ruleRefusal("client authentication client_secret_basic",
                                          "credentials not form-encoded before base64 "
                                          "(RFC 6749 §2.3.1)",
                                          tolerated, rules.strict_docs)},
                    {})};
    }
    authenticated = true;
  }
  if (!authenticated) {
    return {std::nullopt, error(Rejection{"invalid_client", "client authentication failed"}, {})};
  }
  auto url_query = Params::parse(request.raw_query);
  for (const auto& [name, value] : m.pattern->fixedQuery()) {
    if (!url_query || url_query->get(name) != value) {
      return {std::nullopt,
              error(Rejection{"invalid_request", "parameter " + name + " must be " + value}, {})};
    }
  }
  auto gt = tr.params.get("grant_type");
  if (!gt) {
    const bool tolerated = rules.tolerance && rules.tolerance->grant_type_absent.on;
    if (!tolerated || rules.strict_docs) {
      return {std::nullopt,
              error(Rejection{"invalid_request",
                              ruleRefusal("token request grant_type", "grant_type is required",
                                          tolerated, rules.strict_docs)},
                    {})};
    }
    gt = grant_type;  // the provider takes the endpoint's grant (its docs mark it optional)
  }
  if (*gt != grant_type) {
    return {std::nullopt,
            error(Rejection{"unsupported_grant_type", "grant_type must be " + grant_type}, {})};
  }
  if (auto r = checkRequired(required, tr.params)) return {std::nullopt, error(*r, {})};
  return {std::move(tr), std::nullopt};
}

// The success answer, with the id_token when the provider issues one (SPEC §8).
web::Response answer(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                     const ResponseSpec& response, const TemplateValues& values,
                     const TokenRecord& access, bool refresh, IdTokenFault fault) {
  auto id_token = idTokenForAnswer(ctx, m, request, access, refresh, fault);
  if (!id_token) return tokenSuccess(response, request, values);
  Json body = renderTemplate(response.body, values);
  body["id_token"] = *id_token;
  return encodedBody(response.status, body, answersJson(response.format, request));
}

web::Response codeGrant(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                        bool force_invalid_grant, IdTokenFault id_token_fault) {
  const Profile& p = m.provider->profile;
  const TokenSpec& t = p.token;
  TimePoint now = ctx.clock.now();
  Behaviour b = ctx.behaviours.effective(p);
  TemplateValues base = baseValues(now, "", m.params, nullptr, {}, b.scope_separator);
  auto error = [&](const Rejection& r, ErrorOptions o) {
    return oauthError(t.errors, t.response.format, request, r, base, o);
  };
  Front f = front(ctx, m, request,
                  {t.client_auth, t.encoding, t.methods, t.client_id_param, &t.tolerate,
                   b.strict_docs},
                  "authorization_code", t.extra_params, error);
  if (f.error) return *f.error;
  const TokenRequest& tr = *f.request;
  base["client_id"] = tr.client_id;
  auto code = tr.params.get("code");
  if (!code) return error({"invalid_request", "code is required"}, {});
  if (force_invalid_grant) return error({"invalid_grant", "simulated invalid_grant fault"}, {});

  auto decide = [&](const CodeGrant& g) -> std::variant<Issue, Rejection> {
    if (g.request.provider != p.slug || g.request.client_id != tr.client_id) {
      return Rejection{"invalid_grant", "the code was issued to another client"};
    }
    if (auto bad = paramConflict(g.request.params, m.params)) return *bad;
    for (const auto& [param, field] : t.url_params_from_user) {
      const User* user = p.findUser(g.user_id);
      auto sent = m.params.find(param);
      if (user == nullptr || sent == m.params.end() || !user->contains(field) ||
          sent->second != user->at(field)) {
        return Rejection{"invalid_grant", "the token URL's " + param +
                                              " is not the one this authorization was for"};
      }
    }
    auto redirect = t.redirect_uri_ignored ? std::nullopt : tr.params.get("redirect_uri");
    // RFC 6749 §4.1.3: required and equal iff it was in the authorization request.
    if (!t.redirect_uri_ignored && (t.redirect_uri_required || g.request.redirect_uri_sent) &&
        !redirect) {
      return Rejection{"invalid_request", "redirect_uri is required"};
    }
    if (redirect && *redirect != g.request.redirect_uri) {
      return Rejection{"invalid_grant", "redirect_uri does not match the authorization request"};
    }
    auto verifier = tr.params.get("code_verifier");
    if (b.pkce == PkceMode::kAcceptThenReject) {
      if (verifier) return Rejection{"invalid_grant", "code_verifier is not accepted"};
    } else if (b.pkce != PkceMode::kNotSupported) {
      if (!g.request.code_challenge.empty()) {
        if (!verifier) return Rejection{"invalid_grant", "code_verifier is required"};
        // RFC 7636 §4.6
        std::string expected = g.request.code_challenge_method == "S256"
                                   ? pkceS256Challenge(*verifier)
                                   : *verifier;
        if (!isValidPkceVerifier(*verifier) || !constantTimeEqual(expected, g.request.code_challenge)) {
          return Rejection{"invalid_grant", "code_verifier does not match the code_challenge"};
        }
      } else if (verifier) {
        return Rejection{"invalid_grant", "code_verifier sent but no code_challenge was"};
      }
    }
    Issue issue;
    issue.per_user_scope_limit = static_cast<size_t>(b.tokens_per_user_scope);
    issue.access = TokenRecord{t.access_token_prefix + randomToken(ctx.random, 192),
                               p.slug, tr.client_id, g.user_id, g.request.scopes,
                               mergeParams(g.request.params, m.params),
                               expiry(now, b.access_token_ttl_seconds), std::nullopt, g.code,
                               std::make_shared<const StringMap>(g.request.authorize_params),
                               false, false, newAuthorizationId(ctx.random), now};
    issue.access.token = newAccessToken(ctx, p, issue.access, now, b.access_token_ttl_seconds,
                                        b.scope_separator);
    if (issuesRefresh(p.refresh.issued, g.request)) {
      TokenRecord refresh = issue.access;
      refresh.token = randomToken(ctx.random, 192);
      refresh.expires_at = expiry(now, p.refresh.ttl_seconds);
      issue.refresh = refresh;
    }
    if (t.companion.on) {  // e.g. Slack's bot token beside the user token, same lineage
      TokenRecord companion = issue.access;
      companion.token = t.companion.access_token_prefix + randomToken(ctx.random, 192);
      companion.companion = true;
      issue.companion_access = companion;
      if (issue.refresh) {
        companion.token = randomToken(ctx.random, 192);
        companion.expires_at = issue.refresh->expires_at;
        issue.companion_refresh = companion;
      }
    }
    return issue;
  };
  auto outcome = ctx.grants.redeemCode(*code, now, decide);
  switch (outcome.status) {
    case CodeStatus::kUnknown: return error({"invalid_grant", "unknown authorization code"}, {});
    case CodeStatus::kReused:
      return error({"invalid_grant", "authorization code already used; its tokens are revoked"}, {});
    case CodeStatus::kExpired: return error({"invalid_grant", "authorization code expired"}, {});
    case CodeStatus::kRejected: return error(*outcome.rejection, {});
    case CodeStatus::kIssued: break;
  }
  const Issue& issue = *outcome.issued;
  TemplateValues values = baseValues(now, tr.client_id, issue.access.params,
                                     p.findUser(outcome.code->user_id), issue.access.scopes,
                                     b.scope_separator);
  addTokenValues(values, issue, issue.refresh ? issue.refresh->token : "", b, now, t);
  return answer(ctx, m, request, t.response, values, issue.access, false, id_token_fault);
}

web::Response refreshGrant(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                           bool force_invalid_grant, IdTokenFault id_token_fault) {
  const Profile& p = m.provider->profile;
  const RefreshSpec& r = p.refresh;
  TimePoint now = ctx.clock.now();
  Behaviour b = ctx.behaviours.effective(p);
  TemplateValues base = baseValues(now, "", m.params, nullptr, {}, b.scope_separator);
  auto error = [&](const Rejection& rej, ErrorOptions o) {
    o.http200 = b.refresh_errors_http200;  // defaults to the profile's style
    return oauthError(r.errors, r.response.format, request, rej, base, o);
  };
  Front f = front(ctx, m, request,
                  {r.client_auth, r.encoding, r.methods, p.token.client_id_param, &r.tolerate,
                   b.strict_docs},
                  r.grant_type, r.extra_params, error);
  if (f.error) return *f.error;
  const TokenRequest& tr = *f.request;
  base["client_id"] = tr.client_id;
  auto token = tr.params.get(r.token_param);
  if (!token) return error({"invalid_request", r.token_param + " is required"}, {});
  if (force_invalid_grant) return error({"invalid_grant", "simulated invalid_grant fault"}, {});
  std::optional<std::vector<std::string>> requested;
  auto scope = tr.params.get("scope");
  if (b.scope_separator != ScopeSeparator::kNone && scope && !scope->empty()) {
    requested = splitScopes(*scope, b.scope_separator);
  }

  // Providers without refresh tokens renew by exchanging the access token (D13).
  bool exchange = r.issued.kind == IssueKind::kNever;
  std::string refresh_out;
  auto decide = [&](const TokenRecord& old) -> std::variant<Issue, Rejection> {
    if (old.provider != p.slug || old.client_id != tr.client_id) {
      return Rejection{"invalid_grant", "the token was issued to another client"};
    }
    if (auto bad = paramConflict(old.params, m.params)) return *bad;
    std::vector<std::string> scopes = old.scopes;
    if (requested) {
      // RFC 6749 §6: the new scope must not exceed the original grant.
      for (const auto& s : *requested) {
        if (!contains(old.scopes, s)) {
          return Rejection{"invalid_scope", "scope \"" + s + "\" exceeds the original grant"};
        }
      }
      scopes = *requested;
    }
    Issue issue;
    issue.per_user_scope_limit = static_cast<size_t>(b.tokens_per_user_scope);
    issue.access = old;
    issue.access.scopes = scopes;
    issue.access.token = newAccessToken(ctx, p, issue.access, now, b.access_token_ttl_seconds,
                                        b.scope_separator);
    issue.access.expires_at = expiry(now, b.access_token_ttl_seconds);
    issue.access.revoked_at.reset();
    issue.access.issued_at = now;
    issue.access.long_lived = false;
    issue.access.params = mergeParams(old.params, m.params);
    if (exchange) return issue;
    refresh_out = old.token;
    if (b.rotation != Rotation::kNone) {
      TokenRecord fresh = old;
      fresh.token = randomToken(ctx.random, 192);
      fresh.scopes = scopes;
      fresh.expires_at = expiry(now, r.ttl_seconds);
      fresh.revoked_at.reset();
      issue.refresh = fresh;
      refresh_out = fresh.token;
      issue.revoke_old_at = b.rotation == Rotation::kStrict
                                ? now
                                : now + std::chrono::seconds(b.grace_seconds);
    }
    return issue;
  };
  auto outcome = ctx.grants.useRefreshToken(*token, now, decide, exchange);
  switch (outcome.status) {
    case RefreshStatus::kUnknown: return error({"invalid_grant", "unknown token"}, {});
    case RefreshStatus::kRevoked: return error({"invalid_grant", "token revoked"}, {});
    case RefreshStatus::kExpired: return error({"invalid_grant", "token expired"}, {});
    case RefreshStatus::kRejected: return error(*outcome.rejection, {});
    case RefreshStatus::kIssued: break;
  }
  const Issue& issue = *outcome.issued;
  TemplateValues values = baseValues(now, tr.client_id, issue.access.params,
                                     p.findUser(issue.access.user_id), issue.access.scopes,
                                     b.scope_separator);
  addTokenValues(values, issue, refresh_out, b, now, p.token);
  return answer(ctx, m, request, r.response, values, issue.access, true, id_token_fault);
}

}  // namespace

bool isRefreshRequest(const RouteMatch& m, const web::Request& request) {
  if (m.route == Route::kRefreshUrl) return true;
  if (m.provider->profile.endpoints.refresh) return false;
  return peekParam(request, "grant_type") == m.provider->profile.refresh.grant_type;
}

web::Response handleToken(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                          bool force_invalid_grant, IdTokenFault id_token_fault) {
  if (isRefreshRequest(m, request)) {
    return refreshGrant(ctx, m, request, force_invalid_grant, id_token_fault);
  }
  return codeGrant(ctx, m, request, force_invalid_grant, id_token_fault);
}

}  // namespace linkgate::sim
