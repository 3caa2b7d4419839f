// Deterministic random numbers and injectable entropy. No I/O; SystemEntropy draws from the OS through
// libsodium and is constructed only by shells (io/, apps/), never by protocol code.
//
// DeterministicRng is specified so that another implementation can reproduce its output exactly
// (relay committees must agree across nodes; docs/rng.md):
//   - state: a 32-byte key K and a 64-bit block counter c, starting at 0;
//   - block c is the ChaCha20 keystream block (RFC 8439, 20 rounds) with key K, 32-bit block counter
//     (c mod 2^32) and 96-bit nonce = LE32(c >> 32) || 8 zero bytes; bytes are consumed in order;
//   - next_u64(): the next 8 keystream bytes read little-endian;
//   - uniform(n), n > 0: draw x = next_u64() until x < 2^64 - (2^64 mod n); return x mod n;
//   - unit(): (next_u64() >> 11) * 2^-53, a double in [0, 1);
//   - from_label(label, material): K = SHA-256(LE32(len(label)) || label || material).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"

namespace stakecast {

// Source of randomness handed to machines as a constructor argument (STYLE.md 1).
class Entropy {
 public:
  virtual ~Entropy() = default;
  virtual void fill(MutBytes out) = 0;
};

class DeterministicRng {
 public:
  using Seed = std::array<std::uint8_t, 32>;

  explicit DeterministicRng(const Seed& key);
  static DeterministicRng from_label(std::string_view label, BytesView material);
  static DeterministicRng from_u64(std::uint64_t seed);  // key = LE64(seed) || 24 zero bytes

  void fill(MutBytes out);
  std::uint64_t next_u64();
  std::uint64_t uniform(std::uint64_t n);  // n must be > 0
  double unit();

 private:
  void refill();

  Seed key_;
  std::uint64_t block_ = 0;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t pos_ = 64;
};

// Reproducible entropy for tests and the simulator.
class SeededEntropy final : public Entropy {
 public:
  explicit SeededEntropy(std::uint64_t seed) : rng_(DeterministicRng::from_u64(seed)) {}
  void fill(MutBytes out) override { rng_.fill(out); }

 private:
  DeterministicRng rng_;
};

// OS randomness (libsodium randombytes_buf). Shells only.
class SystemEntropy final : public Entropy {
 public:
  SystemEntropy();
  void fill(MutBytes out) override;
};

}  // namespace stakecast
