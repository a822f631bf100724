// AES-256-GCM sealing of secrets at rest, under a ring of keys so the master key can rotate.
// Sealed text: "<key_id>.<base64url(nonce[12] || ciphertext || tag[16])>".
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/random.h"

namespace linkgate {

class KeyRing {
 public:
  explicit KeyRing(RandomSource& random) : random_(random) {}

  // Adds a 32-byte key under id ([A-Za-z0-9_-]{1,32}). The first key added is primary.
  // Fails "bad_key" on a wrong length, an empty or malformed id, or a duplicate id.
  Status addKey(std::string id, std::string key_bytes);
  Status setPrimary(std::string_view id);

  // Seals plaintext under the primary key; aad (e.g. a row id) is authenticated, not stored.
  // Fails "no_key" when the ring is empty.
  Result<std::string> seal(std::string_view plaintext, std::string_view aad = {}) const;
  // Opens a sealed text with the key its prefix names. Fails "unknown_key", "bad_sealed"
  // (malformed or truncated) or "auth_failed" (tampered, wrong key or wrong aad). Never throws.
  Result<std::string> open(std::string_view sealed, std::string_view aad = {}) const;

  const std::string& primaryId() const { return primary_; }

 private:
  RandomSource& random_;
  std::map<std::string, std::string, std::less<>> keys_;
  std::string primary_;
};

}  // namespace linkgate
