#include "crypto/x25519.hpp"

#include <sodium.h>

#include <cstdlib>

namespace stakecast::crypto {

X25519Keypair X25519Keypair::from_secret(const X25519Secret& secret) {
  if (sodium_init() < 0) std::abort();
  X25519Keypair k;
  k.secret = secret;
  crypto_scalarmult_base(k.pub.data(), secret.data());
  return k;
}

X25519Keypair X25519Keypair::generate(Entropy& entropy) {
  X25519Secret s;
  entropy.fill(s);
  auto k = from_secret(s);
  sodium_memzero(s.data(), s.size());
  return k;
}

X25519Keypair::~X25519Keypair() { sodium_memzero(secret.data(), secret.size()); }

std::optional<std::array<std::uint8_t, 32>> x25519(const X25519Secret& secret, const X25519Public& peer) {
  std::array<std::uint8_t, 32> out;
  if (crypto_scalarmult(out.data(), secret.data(), peer.data()) != 0) return std::nullopt;
  return out;
}

}  // namespace stakecast::crypto
