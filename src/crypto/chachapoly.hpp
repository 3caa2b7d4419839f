// ChaCha20-Poly1305 AEAD (RFC 8439) through OpenSSL, which is about twice as fast as libsodium here
// (ARCHITECTURE.md 10). One object per key; contexts are reused across calls. No I/O.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"

struct evp_cipher_ctx_st;

namespace stakecast::crypto {

inline constexpr std::size_t kAeadTag = 16;

class ChaChaPoly {
 public:
  using Key = std::array<std::uint8_t, 32>;
  using Nonce = std::array<std::uint8_t, 12>;

  explicit ChaChaPoly(const Key& key);
  ~ChaChaPoly();
  ChaChaPoly(const ChaChaPoly&) = delete;
  ChaChaPoly& operator=(const ChaChaPoly&) = delete;

  // out.size() must be plaintext.size() + kAeadTag; out may alias plaintext.
  void seal(const Nonce& nonce, BytesView ad, BytesView plaintext, MutBytes out);
  // out.size() must be ciphertext.size() - kAeadTag; false if the tag does not verify.
  bool open(const Nonce& nonce, BytesView ad, BytesView ciphertext, MutBytes out);

 private:
  Key key_;
  evp_cipher_ctx_st* enc_;
  evp_cipher_ctx_st* dec_;
};

}  // namespace stakecast::crypto
