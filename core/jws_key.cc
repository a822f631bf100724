// RSA keys on OpenSSL 3 EVP: generation, JWK import/export, RS256 sign and verify.
#include "core/jws_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <vector>

#include "core/base64.h"

namespace linkgate {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

std::string bnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  BnPtr bn(raw);
  std::string out(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

BnPtr bnFrom(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

}  // namespace

Result<JwsKey> JwsKey::generate(int bits) {
  EVP_PKEY* raw = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (!raw) return fail("key_generation_failed", "RSA key generation failed");
  return JwsKey(std::shared_ptr<EVP_PKEY>(raw, PkeyFree{}), true);
}

Result<JwsKey> JwsKey::fromJwk(const Json& jwk) {
  if (!jwk.is_object() || jwk.value("kty", Json()) != "RSA") {
    return fail("bad_jwk", "not an RSA JWK (kty must be RSA)");
  }
  if (!jwk.contains("n") || !jwk["n"].is_string() || !jwk.contains("e") || !jwk["e"].is_string()) {
    return fail("bad_jwk", "an RSA JWK needs n and e as strings");
  }
  auto n = base64UrlDecode(jwk["n"].get<std::string>());
  auto e = base64UrlDecode(jwk["e"].get<std::string>());
  if (!n || !e || n->empty() || e->empty()) return fail("bad_jwk", "n or e is not base64url");
  BnPtr bn_n = bnFrom(*n), bn_e = bnFrom(*e);
  if (!bn_n || !bn_e) return fail("bad_jwk", "n or e unreadable");
  if (BN_num_bits(bn_n.get()) < 2048) return fail("bad_jwk", "RSA modulus under 2048 bits");
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) return fail("bad_jwk", "out of memory");
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* raw = nullptr;
  bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &raw, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok || !raw) return fail("bad_jwk", "not a usable RSA public key");
  return JwsKey(std::shared_ptr<EVP_PKEY>(raw, PkeyFree{}), false);
}

Json JwsKey::publicJwk(const std::string& kid) const {
  return Json{{"kty", "RSA"},
              {"use", "sig"},
              {"alg", "RS256"},
              {"kid", kid},
              {"n", base64UrlEncode(bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_N))},
              {"e", base64UrlEncode(bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_E))}};
}

int JwsKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

std::string JwsKey::signRs256(std::string_view data) const {
  if (!private_) return {};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig;
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, in, data.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) == 1) {
      sig.resize(len);
    } else {
      sig.clear();
    }
  }
  EVP_MD_CTX_free(ctx);
  return sig;
}

bool JwsKey::verifyRs256(std::string_view data, std::string_view signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace linkgate
