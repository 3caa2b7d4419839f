#include "crypto/sha256.hpp"

#include <openssl/evp.h>

#include <cstdlib>

namespace stakecast::crypto {
namespace {

// PERF: fetch the implementation once; EVP_sha256() per call pays a provider lookup.
const EVP_MD* md() {
  static EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (m == nullptr) std::abort();  // our invariant: OpenSSL without SHA-256 is unusable
  return m;
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256& Sha256::update(BytesView data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
  return *this;
}

Hash256 Sha256::finish() {
  Hash256 h;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, h.data(), &len);
  EVP_DigestInit_ex2(ctx_, md(), nullptr);
  return h;
}

Hash256 sha256(BytesView data) {
  Hash256 h;
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), h.data(), &len, md(), nullptr);
  return h;
}

}  // namespace stakecast::crypto
