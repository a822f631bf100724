// id_token validation, rule by rule (OpenID Connect Core 1.0 §3.1.3.7).
#include "gateway/oidc_validator.h"

#include "core/crypto.h"
#include "core/jws.h"

namespace linkgate::gateway {
namespace {

std::unexpected<Error> bad(const std::string& why) {
  return fail("invalid_id_token", "id_token rejected: " + why);
}

bool isInt(const Json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_number_integer();
}

}  // namespace

Result<ValidIdToken> validateIdToken(std::string_view id_token, const IdTokenExpectations& e,
                                     JwksCache& keys) {
  auto jws = parseCompactJws(id_token);
  if (!jws) return bad("not a JWS compact serialisation (" + jws.error().message + ")");
  // §3.1.3.7 step 7 / RFC 8725 §3.1: the algorithm comes from our allow-list, not the token.
  const Json alg = jws->header.value("alg", Json());
  if (alg != e.alg) {
    std::string name = alg.is_string() ? alg.get<std::string>().substr(0, 16) : "missing";
    return bad("alg " + name + " is not allowed (this provider signs " + e.alg +
               "; OIDC Core §3.1.3.7 step 7)");
  }
  if (e.alg == "HS256") {
    // §3.1.3.7 step 8: keyed with the client secret's octets (§10.1).
    if (!verifyHs256(jws->signing_input, jws->signature, e.hmac_secret)) {
      return bad("the HMAC signature does not verify with the client secret (OIDC Core "
                 "§3.1.3.7 step 8)");
    }
  } else {
    const Json kid = jws->header.value("kid", Json());
    if (!kid.is_string() || kid.get<std::string>().empty()) {
      return bad("the JWS header names no kid (OIDC Core §10.1)");
    }
    auto key = keys.key(e.jwks_uri, kid.get<std::string>(), e.timeouts, e.provider);
    if (!key) {
      return bad("no key for its kid at the provider's JWKS: " + key.error().message +
                 " (OIDC Core §10.1.1)");
    }
    // §3.1.3.7 step 6
    if (!key->verifyRs256(jws->signing_input, jws->signature)) {
      return bad("the signature does not verify with the provider's key (OIDC Core §3.1.3.7 "
                 "step 6)");
    }
  }
  const Json& c = jws->payload;
  // step 2
  if (c.value("iss", Json()) != e.issuer) {
    return bad("iss is not the provider's issuer " + e.issuer + " (OIDC Core §3.1.3.7 step 2)");
  }
  // step 3: aud contains our client id; steps 4-5: azp when present (or several audiences).
  const Json aud = c.value("aud", Json());
  bool has_aud = aud == e.client_id;
  size_t audiences = aud.is_string() ? 1 : 0;
  if (aud.is_array()) {
    audiences = aud.size();
    for (const auto& a : aud) has_aud = has_aud || a == e.client_id;
  }
  if (!has_aud) return bad("aud does not contain this client's id (OIDC Core §3.1.3.7 step 3)");
  const Json azp = c.value("azp", Json());
  if ((audiences > 1 || !azp.is_null()) && azp != e.client_id) {
    return bad("azp is not this client's id (OIDC Core §3.1.3.7 steps 4-5)");
  }
  // step 9: exp; step 10: iat present and not in the future.
  if (!isInt(c, "exp") || !isInt(c, "iat")) {
    return bad("exp and iat must be integers (OIDC Core §2)");
  }
  if (e.now >= c["exp"].get<int64_t>() + e.leeway_seconds) {
    return bad("it expired (exp in the past; OIDC Core §3.1.3.7 step 9)");
  }
  // Step 10 leaves the iat window to the client: a token issued over a day ago is refused; an
  // iat ahead of our clock (a provider clock running ahead) is tolerated, exp bounds the token.
  const int64_t iat = c["iat"].get<int64_t>();
  if (iat < e.now - 86400 - e.leeway_seconds) {
    return bad("iat is more than a day old (OIDC Core §3.1.3.7 step 10)");
  }
  // step 11: the nonce binds the token to this flow's browser.
  if (e.nonce) {
    const Json nonce = c.value("nonce", Json());
    if (!nonce.is_string() || !constantTimeEqual(nonce.get<std::string>(), *e.nonce)) {
      return bad("nonce is not the one this flow sent (OIDC Core §3.1.3.7 step 11)");
    }
  }
  const Json sub = c.value("sub", Json());
  if (!sub.is_string() || sub.get<std::string>().empty() || sub.get<std::string>().size() > 255) {
    return bad("sub must be a non-empty string of at most 255 characters (OIDC Core §2)");
  }
  // §3.1.3.8: at_hash, when present, binds the access token.
  if (c.contains("at_hash")) {
    if (c["at_hash"] != leftHalfHash(e.access_token)) {
      return bad("at_hash does not match the access token (OIDC Core §3.1.3.8)");
    }
  }
  return ValidIdToken{c, sub.get<std::string>()};
}

}  // namespace linkgate::gateway
