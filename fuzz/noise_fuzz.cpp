// libFuzzer target: Noise responder and initiator on arbitrary handshake bytes, and the libp2p payload,
// identify and public-key decoders.
#include <cstdint>

#include "codec/libp2p_messages.hpp"
#include "proto/noise/session.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  (void)codec::decode_noise_payload(in);
  (void)codec::decode_identify(in);
  (void)codec::decode_ed25519_public_key(in);
  static const auto id = [] {
    crypto::Ed25519Seed s;
    s.fill(4);
    return crypto::Ed25519Keypair::from_seed(s);
  }();
  SeededEntropy e(size);
  noise::Session responder(false, id, e);
  noise::Session initiator(true, id, e);
  std::uint8_t out[1024];
  for (noise::Session* s : {&responder, &initiator}) {
    (void)s->on_bytes(in);
    while (s->poll_transmit(out) > 0) {
    }
    (void)s->take_plaintext();
  }
  return 0;
}
