// Ed25519 signing keys and verification over libsodium (RFC 8032). Secret keys are wiped on
// destruction. No I/O: keys come from a seed or from injected Entropy.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/rng.hpp"

namespace stakecast::crypto {

using Ed25519Seed = std::array<std::uint8_t, 32>;
using Ed25519PublicKey = std::array<std::uint8_t, 32>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

class Ed25519Keypair {
 public:
  static Ed25519Keypair from_seed(const Ed25519Seed& seed);
  static Ed25519Keypair generate(Entropy& entropy);

  Ed25519Keypair(const Ed25519Keypair&);
  Ed25519Keypair& operator=(const Ed25519Keypair&);
  ~Ed25519Keypair();

  const Ed25519PublicKey& public_key() const { return pk_; }
  const Ed25519Seed& seed() const { return seed_; }
  Ed25519Signature sign(BytesView message) const;

 private:
  Ed25519Keypair() = default;
  Ed25519Seed seed_{};
  std::array<std::uint8_t, 64> sk_{};  // libsodium layout: seed || public key
  Ed25519PublicKey pk_{};
};

// Strict RFC 8032 verification (libsodium rejects non-canonical and small-order encodings).
bool ed25519_verify(const Ed25519PublicKey& pk, BytesView message, const Ed25519Signature& sig);

}  // namespace stakecast::crypto
