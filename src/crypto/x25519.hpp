// X25519 Diffie-Hellman over libsodium (RFC 7748). No I/O: secret keys come from the caller.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/result.hpp"
#include "core/rng.hpp"

namespace stakecast::crypto {

using X25519Secret = std::array<std::uint8_t, 32>;
using X25519Public = std::array<std::uint8_t, 32>;

struct X25519Keypair {
  X25519Secret secret{};
  X25519Public pub{};
  static X25519Keypair from_secret(const X25519Secret& secret);
  static X25519Keypair generate(Entropy& entropy);
  ~X25519Keypair();
};

// Shared secret; nullopt when the peer's key is of low order (an all-zero result).
std::optional<std::array<std::uint8_t, 32>> x25519(const X25519Secret& secret, const X25519Public& peer);

}  // namespace stakecast::crypto
