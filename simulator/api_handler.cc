// /api/me and api.resources: one token check, two ways of presenting the token.
#include "simulator/api_handler.h"

#include <variant>

#include "core/ascii.h"
#include "core/params.h"
#include "core/percent.h"
#include "simulator/oauth_response.h"

namespace linkgate::sim {
namespace {

// The value after `prefix` in header `name`; the prefix compares case-insensitively, as an
// HTTP authentication scheme does (RFC 9110 §11.1).
std::optional<std::string> afterPrefix(const web::Request& request, std::string_view name,
                                       std::string_view prefix) {
  auto value = request.header(name);
  if (!value || value->size() < prefix.size()) return std::nullopt;
  if (!equalsIgnoreCase(value->substr(0, prefix.size()), prefix)) return std::nullopt;
  return value->substr(prefix.size());
}

std::optional<std::string> bearerToken(const web::Request& request) {
  return afterPrefix(request, "authorization", "Bearer ");  // RFC 6750 §2.1
}

std::optional<std::string> presentedAs(TokenIn way, const ApiSpec& api,
                                       const web::Request& request) {
  switch (way) {
    case TokenIn::kBearer: return bearerToken(request);
    case TokenIn::kHeader: return request.header(api.name);
    case TokenIn::kQuery: {
      auto query = Params::parse(request.raw_query);
      if (!query || query->count(api.name) != 1) return std::nullopt;
      return query->get(api.name);
    }
  }
  return std::nullopt;
}

// The documented way first, then (outside --strict-docs) the ways the real API also takes.
std::optional<std::string> presentedToken(const ApiSpec& api, const web::Request& request,
                                          bool strict_docs) {
  if (auto token = presentedAs(api.token_in, api, request)) return token;
  if (strict_docs) return std::nullopt;
  for (TokenIn way : api.tolerate.token_in.accept) {
    if (auto token = presentedAs(way, api, request)) return token;
  }
  return std::nullopt;
}

std::optional<std::string> presentedToken(const ResourceSpec& resource, const RouteMatch& m,
                                          const web::Request& request) {
  switch (resource.token_in) {
    case ResourceTokenIn::kBearer: return bearerToken(request);
    case ResourceTokenIn::kHeader: return afterPrefix(request, resource.name, resource.prefix);
    case ResourceTokenIn::kPath: {
      auto it = m.params.find(std::string(kTokenParam));
      if (it == m.params.end()) return std::nullopt;
      auto decoded = percentDecode(it->second);
      return decoded ? std::optional(*decoded) : std::nullopt;
    }
  }
  return std::nullopt;
}

web::Response apiError(const Profile& p, TimePoint now, const std::string& description,
                       bool bearer) {
  TemplateValues values = baseValues(now, "", {}, nullptr, {}, p.authorize.scope_separator);
  values["error"] = "invalid_token";
  values["error_description"] = description;
  web::Response r =
      web::Response::json(p.api.error_status, renderTemplate(p.api.error_body, values));
  if (bearer && p.api.error_status == 401) {
    r.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");  // RFC 6750 §3
  }
  r.setHeader("Cache-Control", "no-store");
  return r;
}

web::Response wrongMethod(const std::string& what) {
  return web::Response::json(405, Json{{"error", "invalid_request"},
                                       {"error_description", what + " takes GET"}});
}

// The record of `token` when this provider issued it and it is valid now (simulator clock) at
// the request's template params; else the api.error answer.
using Checked = std::variant<TokenRecord, web::Response>;
Checked validToken(const SimContext& ctx, const Profile& p, const std::optional<std::string>& token,
                   std::string_view how, bool bearer,
                   const std::map<std::string, std::string>& here) {
  TimePoint now = ctx.clock.now();
  if (!token || token->empty()) {
    return apiError(p, now, "no access token presented as " + std::string(how), bearer);
  }
  auto record = ctx.grants.findAccessToken(*token);
  if (!record || record->provider != p.slug) {
    return apiError(p, now, "unknown access token", bearer);
  }
  if (record->revoked_at && now >= *record->revoked_at) {
    return apiError(p, now, "access token revoked", bearer);
  }
  if (record->expires_at && now >= *record->expires_at) {
    return apiError(p, now, "access token expired", bearer);
  }
  for (const auto& [name, value] : here) {  // a demo-environment token at the production host
    auto it = record->params.find(name);
    if (it != record->params.end() && it->second != value) {
      return apiError(p, now, "access token issued for another " + name, bearer);
    }
  }
  return *record;
}

web::Response rendered(const SimContext& ctx, const Profile& p, const TokenRecord& record,
                       const Json& tmpl, TemplateValues extra = {}) {
  TemplateValues values = baseValues(ctx.clock.now(), record.client_id, record.params,
                                     p.findUser(record.user_id), record.scopes,
                                     ctx.behaviours.effective(p).scope_separator);
  values["authorization_id"] = record.authorization_id;
  for (auto& [name, value] : extra) values[name] = std::move(value);
  web::Response r = web::Response::json(200, renderTemplate(tmpl, values));
  r.setHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

web::Response handleApiMe(const SimContext& ctx, const RouteMatch& m, const web::Request& request) {
  const Profile& p = m.provider->profile;
  if (request.method != "GET") return wrongMethod("api/me");
  const bool strict = ctx.behaviours.effective(p).strict_docs;
  auto valid = validToken(ctx, p, presentedToken(p.api, request, strict),
                          wireName(p.api.token_in), p.api.token_in == TokenIn::kBearer, {});
  if (auto* error = std::get_if<web::Response>(&valid)) return std::move(*error);
  return rendered(ctx, p, std::get<TokenRecord>(valid), p.api.me);
}

web::Response handleResource(const SimContext& ctx, const RouteMatch& m,
                             const web::Request& request) {
  const Profile& p = m.provider->profile;
  const ResourceSpec& resource = p.api.resources.at(m.resource);
  if (request.method != "GET") return wrongMethod(resource.url);
  std::map<std::string, std::string> here = m.params;
  here.erase(std::string(kTokenParam));
  auto token = presentedToken(resource, m, request);
  auto valid = validToken(ctx, p, token, wireName(resource.token_in),
                          resource.token_in == ResourceTokenIn::kBearer, here);
  if (auto* error = std::get_if<web::Response>(&valid)) return std::move(*error);
  const TokenRecord& record = std::get<TokenRecord>(valid);
  TemplateValues extra{{"access_token", *token}};
  if (record.expires_at) {  // what is left of the token's life (HubSpot's token info)
    extra["expires_in"] = std::chrono::duration_cast<std::chrono::seconds>(
                              *record.expires_at - ctx.clock.now()).count();
  }
  return rendered(ctx, p, record, resource.body, std::move(extra));
}

}  // namespace linkgate::sim
