// /api/me.
#include "simulator/api_handler.h"

#include <cctype>

#include "core/params.h"
#include "simulator/oauth_response.h"

namespace linkgate::sim {
namespace {

std::optional<std::string> presentedToken(const ApiSpec& api, const web::Request& request) {
  switch (api.token_in) {
    case TokenIn::kBearer: {
      auto authz = request.header("authorization");
      if (!authz || authz->size() < 7) return std::nullopt;
      std::string scheme = authz->substr(0, 7);
      for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (scheme != "bearer ") return std::nullopt;  // RFC 6750 §2.1, scheme case-insensitive
      return authz->substr(7);
    }
    case TokenIn::kHeader: return request.header(api.name);
    case TokenIn::kQuery: {
      auto query = Params::parse(request.raw_query);
      if (!query || query->count(api.name) != 1) return std::nullopt;
      return query->get(api.name);
    }
  }
  return std::nullopt;
}

web::Response apiError(const Profile& p, TimePoint now, const std::string& description) {
  TemplateValues values = baseValues(now, "", {}, nullptr, {}, p.authorize.scope_separator);
  values["error"] = "invalid_token";
  values["error_description"] = description;
  web::Response r = web::Response::json(p.api.error_status, renderTemplate(p.api.error_body, values));
  if (p.api.token_in == TokenIn::kBearer && p.api.error_status == 401) {
    r.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");  // RFC 6750 §3
  }
  r.setHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

web::Response handleApiMe(const SimContext& ctx, const RouteMatch& m, const web::Request& request) {
  const Profile& p = m.provider->profile;
  TimePoint now = ctx.clock.now();
  if (request.method != "GET") {
    return web::Response::json(405, Json{{"error", "invalid_request"},
                                         {"error_description", "api/me takes GET"}});
  }
  auto token = presentedToken(p.api, request);
  if (!token || token->empty()) {
    return apiError(p, now, "no access token presented as " + std::string(wireName(p.api.token_in)));
  }
  auto record = ctx.grants.findAccessToken(*token);
  if (!record || record->provider != p.slug) return apiError(p, now, "unknown access token");
  if (record->revoked_at && now >= *record->revoked_at) {
    return apiError(p, now, "access token revoked");
  }
  if (record->expires_at && now >= *record->expires_at) {
    return apiError(p, now, "access token expired");
  }
  TemplateValues values = baseValues(now, record->client_id, record->params,
                                     p.findUser(record->user_id), record->scopes,
                                     ctx.behaviours.effective(p).scope_separator);
  web::Response r = web::Response::json(200, renderTemplate(p.api.me, values));
  r.setHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace linkgate::sim
