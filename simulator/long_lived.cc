// long_lived exchange and renewal.
#include "simulator/long_lived.h"

#include <algorithm>
#include <chrono>

#include "core/crypto.h"
#include "core/params.h"
#include "simulator/oauth_response.h"
#include "simulator/token_request.h"

namespace linkgate::sim {
namespace {

bool takes(const TokenTradeSpec& spec, const std::string& name) {
  return std::find(spec.client_params.begin(), spec.client_params.end(), name) !=
         spec.client_params.end();
}

std::string kindOf(bool long_lived) { return long_lived ? "long-lived" : "short-lived"; }

}  // namespace

const TokenTradeSpec* tradeFor(const RouteMatch& m, const web::Request& request) {
  const LongLivedSpec& l = m.provider->profile.long_lived;
  if (!l.on) return nullptr;
  if (m.route == Route::kExchangeUrl) return &l.exchange;
  if (m.route == Route::kRenewUrl) return &l.renew;
  if (m.route != Route::kToken && m.route != Route::kRefreshUrl) return nullptr;
  auto grant = peekParam(request, "grant_type");
  for (const TokenTradeSpec* spec : {&l.exchange, &l.renew}) {
    if (spec->on && !spec->url && grant == spec->grant_type) return spec;
  }
  return nullptr;
}

web::Response handleTrade(const SimContext& ctx, const RouteMatch& m, const web::Request& request,
                          const TokenTradeSpec& spec) {
  const Profile& p = m.provider->profile;
  const TimePoint now = ctx.clock.now();
  const TemplateValues base = baseValues(now, "", m.params, nullptr, {},
                                         p.authorize.scope_separator);
  auto error = [&](const std::string& code, const std::string& why, ErrorOptions o = {}) {
    return oauthError(p.token.errors, ResponseFormat::kJson, request, Rejection{code, why}, base,
                      o);
  };
  if (std::find(spec.methods.begin(), spec.methods.end(), request.method) == spec.methods.end()) {
    return error("invalid_request", "method " + request.method + " is not allowed here",
                 ErrorOptions{405, std::nullopt});
  }
  // Every parameter in the URL query, or (POST) a form body: never both.
  auto query = Params::parse(request.raw_query);
  if (!query) return error("invalid_request", "malformed query string");
  Params params = *query;
  if (!request.body.empty()) {
    auto form = Params::parse(request.body);
    if (!form || !query->items().empty()) {
      return error("invalid_request", "parameters go in the query string or a form body");
    }
    params = std::move(*form);
  }
  if (auto dup = params.firstDuplicate()) return error("invalid_request", "repeated parameter " + *dup);
  for (const auto& [name, value] : params.items()) {
    const bool known = name == "grant_type" || name == spec.token_param ||
                       ((name == "client_id" || name == "client_secret") && takes(spec, name));
    if (!known) return error("invalid_request", "parameter " + name + " is not taken by this call");
  }
  if (params.get("grant_type") != spec.grant_type) {
    return error("unsupported_grant_type", "grant_type must be " + spec.grant_type);
  }
  for (const std::string& name : spec.client_params) {
    if (!params.get(name) || params.get(name)->empty()) {
      return error(name == "client_secret" ? "invalid_client" : "invalid_request",
                   name + " is required");
    }
  }
  auto token = params.get(spec.token_param);
  if (!token || token->empty()) return error("invalid_request", spec.token_param + " is required");

  std::string client_id;
  auto decide = [&](const TokenRecord& old) -> std::variant<Issue, Rejection> {
    if (old.provider != p.slug || old.companion) {
      return Rejection{"invalid_grant", "not an access token of this provider"};
    }
    auto client = ctx.clients.find(p.slug, old.client_id);
    if (!client) return Rejection{"invalid_client", "the token's client is unknown"};
    if (auto id = params.get("client_id"); id && *id != old.client_id) {
      return Rejection{"invalid_client", "the token was issued to another client"};
    }
    if (auto secret = params.get("client_secret");
        secret && !constantTimeEqual(client->client_secret, *secret)) {
      return Rejection{"invalid_client", "client authentication failed"};
    }
    if (old.long_lived ? spec.accepts == TradeAccepts::kShortLived
                       : spec.accepts == TradeAccepts::kLongLived) {
      return Rejection{"invalid_request",
                       "this call takes a " + kindOf(spec.accepts == TradeAccepts::kLongLived) +
                           " token; this one is " + kindOf(old.long_lived)};
    }
    if (spec.min_age_seconds > 0 &&
        (!old.issued_at || now - *old.issued_at < std::chrono::seconds(spec.min_age_seconds))) {
      return Rejection{"invalid_request", "the token is younger than " +
                                              std::to_string(spec.min_age_seconds) +
                                              " s and cannot be renewed yet"};
    }
    for (const auto& [k, v] : m.params) {  // a token of another tenant / API version
      auto it = old.params.find(k);
      if (it != old.params.end() && it->second != v) {
        return Rejection{"invalid_grant", "issued for another " + k};
      }
    }
    client_id = old.client_id;
    Issue issue;
    issue.access = old;
    issue.access.token = p.token.access_token_prefix + randomToken(ctx.random, 192);
    issue.access.long_lived = true;
    issue.access.issued_at = now;
    issue.access.expires_at = now + std::chrono::seconds(p.long_lived.ttl_seconds);
    issue.access.revoked_at.reset();
    return issue;
  };
  auto outcome = ctx.grants.useRefreshToken(*token, now, decide, /*exchange=*/true);
  switch (outcome.status) {
    case RefreshStatus::kUnknown: return error("invalid_grant", "unknown access token");
    case RefreshStatus::kRevoked: return error("invalid_grant", "access token revoked");
    case RefreshStatus::kExpired: return error("invalid_grant", "access token expired");
    case RefreshStatus::kRejected:
      return error(outcome.rejection->error, outcome.rejection->description);
    case RefreshStatus::kIssued: break;
  }
  const TokenRecord& issued = outcome.issued->access;
  TemplateValues values = baseValues(now, client_id, issued.params, p.findUser(issued.user_id),
                                     issued.scopes, p.authorize.scope_separator);
  values["access_token"] = issued.token;
  values["token_type"] = "bearer";
  values["expires_in"] = p.long_lived.ttl_seconds;
  return tokenSuccess(spec.response, request, values);
}

}  // namespace linkgate::sim
