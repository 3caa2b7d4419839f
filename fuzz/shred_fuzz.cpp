// libFuzzer target: the shred parser and the receiver's slice decoder on arbitrary bytes.
// Invariants: no crash, no out-of-bounds read; a parsed shred re-writes to the same bytes.
#include <cstdint>
#include <cstring>

#include "codec/shred.hpp"
#include "proto/rotor/slice_decoder.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto v = codec::parse_shred(in);
  if (v) {
    Bytes out(size);
    codec::write_shred(v->header(), v->proof(), v->payload(), out);
    if (std::memcmp(out.data(), data, size) != 0) __builtin_trap();
  }
  static rotor::SliceDecoder decoder;
  static const crypto::Ed25519PublicKey key = [] {
    crypto::Ed25519Seed seed;
    seed.fill(0x42);
    return crypto::Ed25519Keypair::from_seed(seed).public_key();
  }();
  (void)decoder.on_shred(in, ValidatorIndex{1}, ValidatorIndex{0}, key);
  while (decoder.poll_event()) {
  }
  return 0;
}
