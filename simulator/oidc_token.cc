// id_token for a token answer.
#include "simulator/oidc_token.h"

#include "simulator/oidc_handler.h"

namespace linkgate::sim {

std::optional<std::string> idTokenForAnswer(const SimContext& ctx, const RouteMatch& m,
                                            const web::Request& request,
                                            const TokenRecord& access, bool refresh,
                                            IdTokenFault fault) {
  const Profile& p = m.provider->profile;
  if (ctx.id_tokens == nullptr || !wantsIdToken(p, access.scopes, refresh)) return std::nullopt;
  IdTokenRequest r;
  r.provider = m.provider;
  r.base = requestBase(request);
  r.params = access.params;
  r.user = p.findUser(access.user_id);
  r.client_id = access.client_id;
  auto client = ctx.clients.find(p.slug, access.client_id);
  if (client) r.client_secret = client->client_secret;
  // A per_client param (Cognito's user pool in the issuer) is the client's, not the request's.
  for (const auto& [name, spec] : p.params) {
    if (!spec.per_client) continue;
    std::string value = spec.example;
    if (client) {
      if (auto own = client->params.find(name); own != client->params.end()) value = own->second;
    }
    r.params[name] = value;
  }
  r.scopes = access.scopes;
  r.separator = ctx.behaviours.effective(p).scope_separator;
  r.access_token = access.token;
  if (const auto& query = access.authorize_params) {
    if (auto nonce = query->find("nonce"); nonce != query->end()) r.nonce = nonce->second;
  }
  r.refresh = refresh;
  r.now = ctx.clock.now();
  auto token = ctx.id_tokens->issue(r, fault);
  if (!token) return std::nullopt;
  return *token;
}

}  // namespace linkgate::sim
