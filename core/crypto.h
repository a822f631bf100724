// Cryptographic primitives on OpenSSL: tokens, hashes, MACs, PKCE, constant-time comparison.
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/random.h"

namespace linkgate {

// A URL-safe random token (base64url, no padding) carrying at least `bits` bits of randomness
// (rounded up to whole bytes).
std::string randomToken(RandomSource& random, int bits = 256);

std::string sha256(std::string_view data);                             // 32 raw bytes
std::string hmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string sha256Hex(std::string_view data);                          // 64 lower-case hex
std::string hexEncode(std::string_view bytes);                          // lower-case hex

// Compares in time that depends only on the lengths, never on where the bytes differ.
bool constantTimeEqual(std::string_view a, std::string_view b);

// RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
std::string pkceS256Challenge(std::string_view code_verifier);
// RFC 7636 §4.1: 43..128 characters of [A-Z a-z 0-9 - . _ ~].
bool isValidPkceVerifier(std::string_view code_verifier);

}  // namespace linkgate
