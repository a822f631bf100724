// Hashes, MACs, random tokens, constant-time comparison and PKCE on OpenSSL 3.
#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/base64.h"

namespace linkgate {
namespace {

const unsigned char* bytesOf(std::string_view s) {
  static const unsigned char kEmpty = 0;  // OpenSSL wants a non-null pointer even for length 0
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "linkgate: OpenSSL %s failed; aborting\n", what);
  std::abort();
}

// Issue 10: EVP_sha256() makes every digest fetch its implementation again (OpenSSL 3 implicit
// fetch, about as costly as hashing a short input); the fetched one is kept for the process.
const EVP_MD* sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

}  // namespace

std::string randomToken(RandomSource& random, int bits) {
  const size_t bytes = bits <= 8 ? 1 : (static_cast<size_t>(bits) + 7) / 8;
  return base64UrlEncode(random.bytes(bytes));
}

std::string sha256(std::string_view data) {
  // One digest context per thread, re-initialised per hash (EVP_Digest makes and frees one).
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytesOf(data), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    die("EVP_Digest");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(sha256Md(), bytesOf(key), static_cast<int>(key.size()), bytesOf(data), data.size(),
           md, &len) == nullptr) {
    die("HMAC");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string hexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string sha256Hex(std::string_view data) { return hexEncode(sha256(data)); }

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(bytesOf(a), bytesOf(b), a.size()) == 0;
}

std::string pkceS256Challenge(std::string_view code_verifier) {
  return base64UrlEncode(sha256(code_verifier));
}

bool isValidPkceVerifier(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (char c : v) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
    if (!ok) return false;
  }
  return true;
}

}  // namespace linkgate
