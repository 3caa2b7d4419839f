#include "crypto/chachapoly.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>

namespace stakecast::crypto {
namespace {
// PERF: fetch the implementation once; EVP_chacha20_poly1305() makes every context init pay a provider
// lookup, and Noise builds a fresh cipher for every key it mixes.
const EVP_CIPHER* cipher() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  if (c == nullptr) std::abort();  // our invariant: OpenSSL 3 has ChaCha20-Poly1305
  return c;
}
}  // namespace

ChaChaPoly::ChaChaPoly(const Key& key) : key_(key), enc_(EVP_CIPHER_CTX_new()), dec_(EVP_CIPHER_CTX_new()) {
  if (enc_ == nullptr || dec_ == nullptr ||
      EVP_EncryptInit_ex(enc_, cipher(), nullptr, nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex(dec_, cipher(), nullptr, nullptr, nullptr) != 1)
    std::abort();  // our invariant: OpenSSL 3 has ChaCha20-Poly1305
}

ChaChaPoly::~ChaChaPoly() {
  EVP_CIPHER_CTX_free(enc_);
  EVP_CIPHER_CTX_free(dec_);
  sodium_memzero(key_.data(), key_.size());
}

void ChaChaPoly::seal(const Nonce& nonce, BytesView ad, BytesView plaintext, MutBytes out) {
  int len = 0;
  EVP_EncryptInit_ex(enc_, nullptr, nullptr, key_.data(), nonce.data());
  if (!ad.empty()) EVP_EncryptUpdate(enc_, nullptr, &len, ad.data(), static_cast<int>(ad.size()));
  if (!plaintext.empty())
    EVP_EncryptUpdate(enc_, out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(enc_, out.data() + plaintext.size(), &len);
  EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_AEAD_GET_TAG, kAeadTag, out.data() + plaintext.size());
}

bool ChaChaPoly::open(const Nonce& nonce, BytesView ad, BytesView ciphertext, MutBytes out) {
  if (ciphertext.size() < kAeadTag) return false;
  const std::size_t n = ciphertext.size() - kAeadTag;
  int len = 0;
  EVP_DecryptInit_ex(dec_, nullptr, nullptr, key_.data(), nonce.data());
  if (!ad.empty()) EVP_DecryptUpdate(dec_, nullptr, &len, ad.data(), static_cast<int>(ad.size()));
  if (n > 0) EVP_DecryptUpdate(dec_, out.data(), &len, ciphertext.data(), static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_AEAD_SET_TAG, kAeadTag,
                      const_cast<std::uint8_t*>(ciphertext.data() + n));
  std::uint8_t final_block[16];
  return EVP_DecryptFinal_ex(dec_, final_block, &len) == 1;
}

}  // namespace stakecast::crypto
