// AES-256-GCM sealing under a rotating key ring. Every failure to open is a value: unknown key,
// malformed text, or an authentication failure (tamper, wrong key, wrong aad).
#include "core/sealer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "core/base64.h"

namespace linkgate {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;  // NIST SP 800-38D §8.2: 96-bit IVs
constexpr size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Fetched once (issue 10): EVP_aes_256_gcm() makes each init fetch the implementation again.
const EVP_CIPHER* aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher != nullptr ? cipher : EVP_aes_256_gcm();
}

// Issue 10: one encryption context per thread, keyed once. While a thread seals under the same
// key, each seal only sets a new nonce (EVP_EncryptInit_ex with the IV alone keeps the AES key
// schedule); a context made, keyed and freed per seal was a third of the seal's cost.
struct SealContext {
  CipherCtx ctx{nullptr, &EVP_CIPHER_CTX_free};
  unsigned char key[kKeyBytes] = {};
  bool keyed = false;
  ~SealContext() { OPENSSL_cleanse(key, sizeof key); }
};

// This thread's context, initialised for `key` and `nonce`; nullptr when OpenSSL fails (the
// context is then keyed afresh next time).
EVP_CIPHER_CTX* sealContext(std::string_view key, const unsigned char* nonce) {
  thread_local SealContext t;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  if (t.keyed && CRYPTO_memcmp(t.key, k, kKeyBytes) == 0) {
    if (EVP_EncryptInit_ex(t.ctx.get(), nullptr, nullptr, nullptr, nonce) == 1) return t.ctx.get();
  }
  t.keyed = false;
  if (!t.ctx) t.ctx.reset(EVP_CIPHER_CTX_new());
  if (!t.ctx || EVP_EncryptInit_ex(t.ctx.get(), aes256Gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(t.ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(t.ctx.get(), nullptr, nullptr, k, nonce) != 1) {
    return nullptr;
  }
  std::memcpy(t.key, k, kKeyBytes);
  t.keyed = true;
  return t.ctx.get();
}

bool validKeyId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Status KeyRing::addKey(std::string id, std::string key_bytes) {
  if (!validKeyId(id)) return fail("bad_key", "key id must match [A-Za-z0-9_-]{1,32}");
  if (key_bytes.size() != kKeyBytes) return fail("bad_key", "key must be exactly 32 bytes");
  if (keys_.contains(id)) return fail("bad_key", "duplicate key id '" + id + "'");
  if (primary_.empty()) primary_ = id;
  keys_.emplace(std::move(id), std::move(key_bytes));
  return {};
}

Status KeyRing::setPrimary(std::string_view id) {
  if (!keys_.contains(id)) return fail("unknown_key", "no key with id '" + std::string(id) + "'");
  primary_ = std::string(id);
  return {};
}

Result<std::string> KeyRing::seal(std::string_view plaintext, std::string_view aad) const {
  const auto key = keys_.find(primary_);
  if (key == keys_.end()) return fail("no_key", "the key ring is empty");
  std::string raw = random_.bytes(kNonceBytes);
  raw.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* nonce = reinterpret_cast<unsigned char*>(raw.data());
  unsigned char* out = nonce + kNonceBytes;

  EVP_CIPHER_CTX* ctx = sealContext(key->second, nonce);
  int len = 0;
  int total = 0;
  bool ok = ctx != nullptr;
  if (ok && !aad.empty()) {
    ok = EVP_EncryptUpdate(ctx, nullptr, &len, u8(aad), static_cast<int>(aad.size()));
  }
  if (ok && !plaintext.empty()) {
    ok = EVP_EncryptUpdate(ctx, out, &len, u8(plaintext), static_cast<int>(plaintext.size()));
    total = len;
  }
  ok = ok && EVP_EncryptFinal_ex(ctx, out + total, &len) &&
       static_cast<size_t>(total + len) == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, out + plaintext.size());
  if (!ok) return fail("crypto_failed", "AES-GCM encryption failed");
  return key->first + "." + base64UrlEncode(raw);
}

Result<std::string> KeyRing::open(std::string_view sealed, std::string_view aad) const {
  const size_t dot = sealed.find('.');
  if (dot == std::string_view::npos) return fail("bad_sealed", "sealed text has no key id");
  const auto key = keys_.find(sealed.substr(0, dot));
  if (key == keys_.end()) return fail("unknown_key", "sealed under a key that is not in the ring");
  auto raw = base64UrlDecode(sealed.substr(dot + 1));
  if (!raw) return fail("bad_sealed", "sealed payload is not base64url");
  if (raw->size() < kNonceBytes + kTagBytes) return fail("bad_sealed", "sealed text is truncated");
  const size_t ct_size = raw->size() - kNonceBytes - kTagBytes;
  if (ct_size > static_cast<size_t>(INT32_MAX)) return fail("bad_sealed", "sealed text too long");
  const unsigned char* nonce = u8(*raw);
  const unsigned char* ct = nonce + kNonceBytes;
  std::string tag = raw->substr(kNonceBytes + ct_size);

  std::string plain(ct_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  int total = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), aes256Gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u8(key->second), nonce);
  if (ok && !aad.empty()) {
    ok = EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(aad), static_cast<int>(aad.size()));
  }
  if (ok && ct_size > 0) {
    ok = EVP_DecryptUpdate(ctx.get(), out, &len, ct, static_cast<int>(ct_size));
    total = len;
  }
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data());
  if (!ok) return fail("crypto_failed", "AES-GCM decryption could not run");
  if (EVP_DecryptFinal_ex(ctx.get(), out + total, &len) != 1) {
    return fail("auth_failed", "sealed text failed authentication");
  }
  return plain;
}

}  // namespace linkgate
