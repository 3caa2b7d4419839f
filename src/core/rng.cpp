#include "core/rng.hpp"

#include <sodium.h>

#include <cassert>
#include <cstring>
#include <stdexcept>

namespace stakecast {

DeterministicRng::DeterministicRng(const Seed& key) : key_(key) {}

DeterministicRng DeterministicRng::from_label(std::string_view label, BytesView material) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::uint8_t len[4];
  store_le32(len, static_cast<std::uint32_t>(label.size()));
  crypto_hash_sha256_update(&st, len, sizeof len);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(label.data()), label.size());
  crypto_hash_sha256_update(&st, material.data(), material.size());
  Seed k;
  crypto_hash_sha256_final(&st, k.data());
  return DeterministicRng(k);
}

DeterministicRng DeterministicRng::from_u64(std::uint64_t seed) {
  Seed k{};
  store_le64(k.data(), seed);
  return DeterministicRng(k);
}

void DeterministicRng::refill() {
  std::array<std::uint8_t, crypto_stream_chacha20_ietf_NONCEBYTES> nonce{};
  store_le32(nonce.data(), static_cast<std::uint32_t>(block_ >> 32));
  buf_.fill(0);
  crypto_stream_chacha20_ietf_xor_ic(buf_.data(), buf_.data(), buf_.size(), nonce.data(),
                                     static_cast<std::uint32_t>(block_), key_.data());
  ++block_;
  pos_ = 0;
}

void DeterministicRng::fill(MutBytes out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (pos_ == buf_.size()) refill();
    std::size_t n = std::min(out.size() - done, buf_.size() - pos_);
    std::memcpy(out.data() + done, buf_.data() + pos_, n);
    pos_ += n;
    done += n;
  }
}

std::uint64_t DeterministicRng::next_u64() {
  std::uint8_t b[8];
  fill(b);
  return load_le64(b);
}

std::uint64_t DeterministicRng::uniform(std::uint64_t n) {
  assert(n > 0);
  // zone = 2^64 - (2^64 mod n); (0 - n) % n == 2^64 mod n in unsigned arithmetic.
  const std::uint64_t rem = (0 - n) % n;
  const std::uint64_t zone = 0 - rem;  // wraps to 0 when rem == 0, meaning "accept everything"
  for (;;) {
    std::uint64_t x = next_u64();
    if (rem == 0 || x < zone) return x % n;
  }
}

double DeterministicRng::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

SystemEntropy::SystemEntropy() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

void SystemEntropy::fill(MutBytes out) {
  if (out.empty()) return;  // an empty span may have a null data(), which randombytes_buf must not get
  randombytes_buf(out.data(), out.size());
}

}  // namespace stakecast
