#include "crypto/ed25519.hpp"

#include <sodium.h>

#include <cstdlib>

namespace stakecast::crypto {
namespace {
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}
}  // namespace

Ed25519Keypair Ed25519Keypair::from_seed(const Ed25519Seed& seed) {
  ensure_sodium();
  Ed25519Keypair k;
  k.seed_ = seed;
  crypto_sign_seed_keypair(k.pk_.data(), k.sk_.data(), seed.data());
  return k;
}

Ed25519Keypair Ed25519Keypair::generate(Entropy& entropy) {
  Ed25519Seed seed;
  entropy.fill(seed);
  auto k = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return k;
}

Ed25519Keypair::Ed25519Keypair(const Ed25519Keypair&) = default;
Ed25519Keypair& Ed25519Keypair::operator=(const Ed25519Keypair&) = default;

Ed25519Keypair::~Ed25519Keypair() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(sk_.data(), sk_.size());
}

Ed25519Signature Ed25519Keypair::sign(BytesView message) const {
  Ed25519Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk_.data());
  return sig;
}

bool ed25519_verify(const Ed25519PublicKey& pk, BytesView message, const Ed25519Signature& sig) {
  ensure_sodium();
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.data()) == 0;
}

}  // namespace stakecast::crypto
