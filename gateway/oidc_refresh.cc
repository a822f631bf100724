// Refresh-time id_token check (C-8.9).
#include "gateway/oidc_refresh.h"

#include "gateway/oidc_flow.h"

namespace linkgate::gateway {
namespace {

std::string storedClaim(const Json& stored, const char* name) {
  auto claims = stored.find("id_token_claims");
  if (claims == stored.end() || !claims->is_object()) return "";
  auto it = claims->find(name);
  return it != claims->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<std::optional<RefreshedIdToken>> validateRefreshIdToken(const Json& answer_body,
                                                               const IdTokenExpectations& expect,
                                                               JwksCache& keys,
                                                               const Json& stored) {
  const Json id_token = answer_body.is_object() ? answer_body.value("id_token", Json()) : Json();
  if (id_token.is_null()) return std::optional<RefreshedIdToken>();
  if (!id_token.is_string() || id_token.get<std::string>().empty()) {
    return fail("invalid_id_token", "the refresh answer's id_token is not a non-empty string");
  }
  IdTokenExpectations e = expect;
  e.nonce.reset();  // OIDC Core §12.2: a refreshed id_token need not carry a nonce
  auto valid = validateIdToken(id_token.get<std::string>(), e, keys);
  if (!valid) {
    return fail("invalid_id_token", "refresh answer: " + valid.error().message);
  }
  // §12.2: the same iss and sub as the id_token of the original authentication.
  const std::string sub = storedClaim(stored, "sub");
  if (!sub.empty() && valid->subject != sub) {
    return fail("invalid_id_token",
                "refresh answer: id_token rejected: its sub is not the subject this credential "
                "was linked for (OIDC Core §12.2)");
  }
  const std::string iss = storedClaim(stored, "iss");
  if (!iss.empty() && valid->claims.value("iss", "") != iss) {
    return fail("invalid_id_token",
                "refresh answer: id_token rejected: its iss is not the issuer of the credential's "
                "id_token (OIDC Core §12.2)");
  }
  return std::optional<RefreshedIdToken>(
      RefreshedIdToken{id_token.get<std::string>(), valid->claims});
}

Result<std::optional<RefreshedIdToken>> checkRefreshIdToken(Services& s, const Dialect& dialect,
                                                            const ConnectionValues& params,
                                                            const std::string& client_id,
                                                            const std::string& client_secret,
                                                            const HttpResponse& answer,
                                                            const std::string& access_token,
                                                            const Json& stored) {
  if (!dialect.oidc) return std::optional<RefreshedIdToken>();
  auto body = parseJsonObject(answer.body);
  if (!body || !body->contains("id_token")) return std::optional<RefreshedIdToken>();
  const Json id_token = body->value("id_token", Json());
  auto expect = oidcExpectations(s, dialect, params, client_id, client_secret, access_token,
                                 id_token.is_string() ? id_token.get<std::string>() : "");
  if (!expect) return std::unexpected(expect.error());
  return validateRefreshIdToken(*body, *expect, *s.jwks, stored);
}

}  // namespace linkgate::gateway
