// The simulator's id_token signing keys, per provider: RSA 2048 made once (lazily, on first
// use, and shared by every provider until one rotates), a rotation that keeps the old key in
// the JWKS for a grace period (simulator clock), and the JWKS document. SPEC §8.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/jws_key.h"

namespace linkgate::sim {

struct SigningKey {
  std::string kid;  // RFC 7638 JWK thumbprint
  JwsKey key;
  Json jwk;  // the public JWK, with kid
};

// Thread-safe. Key generation (~100 ms) happens under the lock, once per key.
class OidcKeyRing {
 public:
  explicit OidcKeyRing(int bits = 2048) : bits_(bits) {}

  // The provider's current signing key. Fails only when OpenSSL cannot make a key.
  Result<SigningKey> current(const std::string& provider);
  // {"keys":[...]}: the current key and the retired ones still in their grace period at now.
  Result<Json> jwks(const std::string& provider, TimePoint now);
  // A new current key; the previous one stays in the JWKS until now + grace_seconds.
  Result<SigningKey> rotate(const std::string& provider, TimePoint now, int64_t grace_seconds);
  // Every provider back to the shared first key (POST /_sim/reset).
  void reset();

 private:
  struct Retired {
    SigningKey key;
    TimePoint until;
  };
  struct Ring {
    SigningKey current;
    std::vector<Retired> retired;
  };
  Result<SigningKey> makeKey() const;
  Result<Ring*> ringLocked(const std::string& provider);

  const int bits_;
  std::mutex mu_;
  std::optional<SigningKey> shared_;
  std::map<std::string, Ring> rings_;
};

}  // namespace linkgate::sim
