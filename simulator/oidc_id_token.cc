// id_token claims, signing and the id_token faults.
#include "simulator/oidc_id_token.h"

#include <algorithm>

#include "core/base64.h"
#include "core/crypto.h"
#include "core/jws.h"
#include "simulator/oauth_response.h"

namespace linkgate::sim {

namespace {

// True when the request's params make this a multi-tenant issuer (Microsoft `common`).
bool multiTenant(const OidcSpec& spec, const std::map<std::string, std::string>& params) {
  if (!spec.tenant_issuer) return false;
  auto it = params.find(spec.tenant_issuer->param);
  return it != params.end() && std::find(spec.tenant_issuer->values.begin(),
                                         spec.tenant_issuer->values.end(),
                                         it->second) != spec.tenant_issuer->values.end();
}

}  // namespace

std::string mappedIssuer(const std::string& base, const Provider& p,
                         const std::map<std::string, std::string>& params) {
  if (!multiTenant(*p.profile.oidc, params)) {
    return base + "/" + p.profile.slug + "/" + p.oidc->issuer.fill(params);
  }
  auto templated = params;
  templated[p.profile.oidc->tenant_issuer->param] = "{tenantid}";
  return base + "/" + p.profile.slug + "/" + p.oidc->issuer.fill(templated);
}

std::string idTokenIssuer(const std::string& base, const Provider& p,
                          const std::map<std::string, std::string>& params, const Json& claims) {
  if (!multiTenant(*p.profile.oidc, params)) return mappedIssuer(base, p, params);
  auto tenant = params;
  const Json tid = claims.value(p.profile.oidc->tenant_issuer->claim, Json());
  tenant[p.profile.oidc->tenant_issuer->param] = tid.is_string() ? tid.get<std::string>() : "";
  return base + "/" + p.profile.slug + "/" + p.oidc->issuer.fill(tenant);
}

bool wantsIdToken(const Profile& p, const std::vector<std::string>& scopes, bool refresh) {
  if (!p.oidc) return false;
  if (refresh && !p.oidc->on_refresh) return false;
  if (p.oidc->id_token == IdTokenWhen::kAlways) return true;
  return std::find(scopes.begin(), scopes.end(), "openid") != scopes.end();
}

Result<SigningKey> IdTokenIssuer::strangerKey() {
  std::lock_guard lock(mu_);
  if (!stranger_) {
    OidcKeyRing lone;  // a key of its own, published nowhere
    auto k = lone.current("stranger");
    if (!k) return std::unexpected(k.error());
    stranger_ = std::move(*k);
  }
  return *stranger_;
}

Result<std::string> IdTokenIssuer::sign(Json header, const Json& claims, const Signer& signer,
                                        IdTokenFault fault) {
  if (fault == IdTokenFault::kAlgNone) {
    header["alg"] = "none";
    header["typ"] = "JWT";
    return base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump()) + ".";
  }
  std::string token = signer.hmac_secret
                          ? jwsSignHs256(std::move(header), claims, *signer.hmac_secret)
                          : jwsSignRs256(std::move(header), claims, signer.key->key);
  if (fault == IdTokenFault::kBadSignature) {
    size_t dot = token.rfind('.');
    auto sig = base64UrlDecode(std::string_view(token).substr(dot + 1));
    if (!sig || sig->empty()) return fail("sign_failed", "no signature made");
    (*sig)[sig->size() / 2] = static_cast<char>((*sig)[sig->size() / 2] ^ 0x01);
    token = token.substr(0, dot + 1) + base64UrlEncode(*sig);
  }
  return token;
}

Result<std::string> IdTokenIssuer::issue(const IdTokenRequest& r, IdTokenFault fault) {
  const Provider& p = *r.provider;
  const OidcSpec& spec = *p.profile.oidc;
  std::string last_key = p.profile.slug + " " + r.client_id;
  if (fault == IdTokenFault::kReplay) {
    std::lock_guard lock(mu_);
    auto it = last_.find(last_key);
    if (it != last_.end()) return it->second;
    // Nothing to replay yet: a token bound to a nonce no flow of this client sent.
  }
  TemplateValues values = baseValues(r.now, r.client_id, r.params, r.user, r.scopes, r.separator);
  Json claims = renderTemplate(spec.claims, values);
  if (!claims.is_object()) claims = Json::object();
  int64_t now = unixSeconds(r.now);
  claims["iss"] = idTokenIssuer(r.base, p, r.params, claims);
  claims["sub"] = renderText(spec.sub, values);
  claims["aud"] = r.client_id;
  claims["iat"] = now;
  claims["exp"] = now + spec.id_token_ttl_seconds;
  if (spec.auth_time && !r.refresh) claims["auth_time"] = now;
  // OIDC Core §12.2: a refreshed id_token carries no nonce.
  if (!r.refresh && (r.nonce || spec.nonce_when_absent)) {
    claims["nonce"] = r.nonce ? *r.nonce : *spec.nonce_when_absent;
  }
  claims["at_hash"] = leftHalfHash(r.access_token);

  const bool hmac = spec.signing_alg == "HS256";
  std::optional<Result<SigningKey>> key;  // RS256 only
  if (!hmac) key = keys_.current(p.profile.slug);
  std::string secret = r.client_secret;
  switch (fault) {
    case IdTokenFault::kWrongIss:
      claims["iss"] = r.base + "/" + p.profile.slug + "/issuer.invalid";
      break;
    case IdTokenFault::kWrongAud: claims["aud"] = "another-" + r.client_id; break;
    case IdTokenFault::kExpired: {
      int64_t earliest = now;
      if (clock_ != nullptr) earliest = std::min(now, unixSeconds(clock_->now() - clock_->offset()));
      claims["iat"] = earliest - spec.id_token_ttl_seconds - 3600;
      claims["exp"] = earliest - 3600;
      break;
    }
    // HS256 has no kid: the stranger is a key the client does not hold.
    case IdTokenFault::kUnknownKid:
      if (hmac) secret = "stranger-" + secret;
      else key = strangerKey();
      break;
    case IdTokenFault::kReplay: claims["nonce"] = "replayed-" + randomToken(random_, 128); break;
    case IdTokenFault::kOtherSub: claims["sub"] = "other-" + claims["sub"].get<std::string>(); break;
    case IdTokenFault::kNone:
    case IdTokenFault::kBadSignature:
    case IdTokenFault::kAlgNone: break;
  }
  if (key && !*key) return std::unexpected(key->error());
  // LINE's HS256 header is {"typ":"JWT","alg":"HS256"}: no kid.
  auto token = hmac ? sign(Json::object(), claims, Signer{nullptr, secret}, fault)
                    : sign(Json{{"kid", (*key)->kid}}, claims, Signer{&**key, std::nullopt},
                           fault);
  if (token && fault == IdTokenFault::kNone && !r.refresh) {
    std::lock_guard lock(mu_);
    last_[last_key] = *token;
  }
  return token;
}

Result<std::string> IdTokenIssuer::signClaims(const std::string& slug, const Json& claims) {
  Result<SigningKey> key = keys_.current(slug);
  if (!key) return std::unexpected(key.error());
  return sign(Json{{"kid", key->kid}, {"typ", "JWT"}}, claims, Signer{&*key, std::nullopt},
              IdTokenFault::kNone);
}

void IdTokenIssuer::reset() {
  std::lock_guard lock(mu_);
  last_.clear();
}

}  // namespace linkgate::sim
