// An RSA key for JSON Web Signatures (RFC 7515) with RS256 (RFC 7518 §3.3, RSASSA-PKCS1-v1_5
// with SHA-256) on OpenSSL 3 EVP, and its JWK form (RFC 7517 §4, RFC 7518 §6.3).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace linkgate {

// Immutable once made; copies share the key. sign() and verify() are thread-safe.
class JwsKey {
 public:
  // A fresh private key of `bits` bits (2048 ≈ 50-200 ms: make it once, at start-up).
  static Result<JwsKey> generate(int bits = 2048);
  // A public key from a JWK with kty RSA, n and e (base64url). Error id "bad_jwk" when the
  // JWK is not an RSA key, n/e are not base64url, or the modulus is under 2048 bits.
  static Result<JwsKey> fromJwk(const Json& jwk);

  // {"kty":"RSA","use":"sig","alg":"RS256","kid":kid,"n":..,"e":..}: the public half only.
  Json publicJwk(const std::string& kid) const;
  bool hasPrivate() const { return private_; }
  int bits() const;

  // RS256 signature (raw bytes) of data; empty when the key has no private half.
  std::string signRs256(std::string_view data) const;
  // True iff signature is a valid RS256 signature of data under this key.
  bool verifyRs256(std::string_view data, std::string_view signature) const;

 private:
  JwsKey(std::shared_ptr<EVP_PKEY> key, bool has_private)
      : key_(std::move(key)), private_(has_private) {}
  std::shared_ptr<EVP_PKEY> key_;
  bool private_ = false;
};

}  // namespace linkgate
