#include "crypto/hkdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstdlib>

namespace stakecast::crypto {
namespace {

// PERF: fetch the implementations once; fetching per call pays a provider lookup.
EVP_MAC* hmac() {
  static EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (m == nullptr) std::abort();  // our invariant: OpenSSL 3 has HMAC
  return m;
}
EVP_KDF* hkdf() {
  static EVP_KDF* k = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (k == nullptr) std::abort();  // our invariant: OpenSSL 3 has HKDF
  return k;
}

// OpenSSL's parameter API takes non-const pointers for octet strings it only reads, and wants a real
// pointer even for an empty one (Noise's split() derives from an empty input key).
std::uint8_t kEmpty = 0;
void* mut(BytesView b) { return b.empty() ? &kEmpty : const_cast<std::uint8_t*>(b.data()); }

}  // namespace

Hash256 hmac_sha256(BytesView key, BytesView data) {
  Hash256 out;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac());
  std::size_t len = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx, static_cast<const std::uint8_t*>(mut(key)), key.size(), params) != 1 ||
      EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1)
    std::abort();  // our invariant: HMAC-SHA256 over memory cannot fail
  EVP_MAC_CTX_free(ctx);
  return out;
}

void hkdf_sha256(BytesView salt, BytesView ikm, BytesView info, MutBytes out) {
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mut(ikm), ikm.size());
  // An absent salt means HashLen zeros (RFC 5869 2.2), which equals an empty HMAC key.
  if (!salt.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mut(salt), salt.size());
  if (!info.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, mut(info), info.size());
  params[n] = OSSL_PARAM_construct_end();
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(hkdf());
  if (ctx == nullptr || EVP_KDF_derive(ctx, out.data(), out.size(), params) != 1) std::abort();  // invariant
  EVP_KDF_CTX_free(ctx);
}

}  // namespace stakecast::crypto
