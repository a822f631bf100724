// Signing keys and JWKS.
#include "simulator/oidc_keys.h"

#include "core/base64.h"
#include "core/crypto.h"

namespace linkgate::sim {

Result<SigningKey> OidcKeyRing::makeKey() const {
  auto key = JwsKey::generate(bits_);
  if (!key) return std::unexpected(key.error());
  Json jwk = key->publicJwk("");
  // RFC 7638 §3: the thumbprint hashes {"e","kty","n"} in this order without whitespace,
  // which is what nlohmann's sorted dump gives.
  Json members{{"e", jwk["e"]}, {"kty", "RSA"}, {"n", jwk["n"]}};
  std::string kid = base64UrlEncode(sha256(members.dump()));
  jwk["kid"] = kid;
  return SigningKey{kid, std::move(*key), std::move(jwk)};
}

Result<OidcKeyRing::Ring*> OidcKeyRing::ringLocked(const std::string& provider) {
  auto it = rings_.find(provider);
  if (it != rings_.end()) return &it->second;
  if (!shared_) {
    auto k = makeKey();
    if (!k) return std::unexpected(k.error());
    shared_ = std::move(*k);
  }
  return &rings_.emplace(provider, Ring{*shared_, {}}).first->second;
}

Result<SigningKey> OidcKeyRing::current(const std::string& provider) {
  std::lock_guard lock(mu_);
  auto ring = ringLocked(provider);
  if (!ring) return std::unexpected(ring.error());
  return (*ring)->current;
}

Result<Json> OidcKeyRing::jwks(const std::string& provider, TimePoint now) {
  std::lock_guard lock(mu_);
  auto ring = ringLocked(provider);
  if (!ring) return std::unexpected(ring.error());
  Json keys = Json::array({(*ring)->current.jwk});
  for (const auto& r : (*ring)->retired) {
    if (now < r.until) keys.push_back(r.key.jwk);
  }
  return Json{{"keys", keys}};
}

Result<SigningKey> OidcKeyRing::rotate(const std::string& provider, TimePoint now,
                                       int64_t grace_seconds) {
  std::lock_guard lock(mu_);
  auto ring = ringLocked(provider);
  if (!ring) return std::unexpected(ring.error());
  auto fresh = makeKey();
  if (!fresh) return std::unexpected(fresh.error());
  Ring& r = **ring;
  std::erase_if(r.retired, [&](const Retired& old) { return !(now < old.until); });
  r.retired.push_back(Retired{r.current, now + std::chrono::seconds(grace_seconds)});
  r.current = std::move(*fresh);
  return r.current;
}

void OidcKeyRing::reset() {
  std::lock_guard lock(mu_);
  rings_.clear();
}

}  // namespace linkgate::sim
