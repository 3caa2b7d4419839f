// libFuzzer target: the Noise session and the libp2p payload decoders. The first byte picks a mode:
//   0: the payload, identify and public-key decoders (a decoded payload re-encodes to the same struct);
//   1: a responder fed raw bytes, split where the second byte says;
//   2: an initiator whose peer sends a correctly encrypted message 2 carrying the fuzzer's bytes as its
//      payload (reaches the payload decoder and signature check behind the AEAD);
//   3: a real handshake and one transport frame whose byte stream is XORed with the fuzzer's bytes.
// Invariants: the returned status agrees with failed(), a failed session stays failed with no timer,
// and an authenticated session always knows its peer.
#include <algorithm>
#include <cstdint>

#include "codec/libp2p_messages.hpp"
#include "proto/noise/session.hpp"

using namespace stakecast;

namespace {
const TimePoint kNow = TimePoint::from_ns(1);

const crypto::Ed25519Keypair& id(std::uint8_t b) {
  static const auto keys = [] {
    std::array<crypto::Ed25519Keypair, 2> k = {crypto::Ed25519Keypair::from_seed(crypto::Ed25519Seed{1}),
                                               crypto::Ed25519Keypair::from_seed(crypto::Ed25519Seed{2})};
    return k;
  }();
  return keys[b];
}

Bytes drain(noise::Session& s) {
  Bytes out;
  std::uint8_t buf[700];
  while (std::size_t n = s.poll_transmit(buf)) out.insert(out.end(), buf, buf + n);
  return out;
}

// Feeds `in`, checks the invariants and returns what the session wants to send.
Bytes feed(noise::Session& s, BytesView in) {
  const bool was_failed = s.failed();
  const auto st = s.on_bytes(in, kNow);
  if (st.has_value() == s.failed()) __builtin_trap();
  if (was_failed && st.error() != s.error()) __builtin_trap();
  if (s.failed() && s.next_deadline() != TimePoint::max()) __builtin_trap();
  if (s.handshake_complete() && !s.remote_peer()) __builtin_trap();
  s.clear_plaintext();
  (void)s.poll_event();
  return drain(s);
}

void decoders(BytesView in) {
  if (auto p = codec::decode_noise_payload(in)) {
    auto again = codec::decode_noise_payload(codec::encode(*p));
    if (!again || again->identity_key != p->identity_key || again->identity_sig != p->identity_sig ||
        again->stream_muxers != p->stream_muxers)
      __builtin_trap();
  }
  (void)codec::decode_identify(in);
  (void)codec::decode_ed25519_public_key(in);
}

void raw_responder(BytesView in) {
  if (in.empty()) return;
  const std::size_t split = in[0] % in.size();
  in = in.subspan(1);
  SeededEntropy e(2);
  noise::Session r(noise::Role::responder, id(1), e, kNow);
  (void)feed(r, in.first(std::min(split, in.size())));
  (void)feed(r, in.subspan(std::min(split, in.size())));
}

void crafted_payload(BytesView payload) {
  if (payload.size() > noise::kMaxMessage - 200) return;
  SeededEntropy e1(1), e2(2);
  noise::Session a(noise::Role::initiator, id(0), e1, kNow);
  // Drawn in two statements: argument evaluation order is unspecified.
  const auto fake_s = crypto::X25519Keypair::generate(e2);
  const auto fake_e = crypto::X25519Keypair::generate(e2);
  noise::HandshakeXX fake(false, fake_s, fake_e, {});
  Bytes m1 = drain(a), p, m2;
  if (!fake.read_message(BytesView(m1).subspan(2), p) || !fake.write_message(payload, m2)) __builtin_trap();
  Bytes framed(2);
  store_be16(framed.data(), static_cast<std::uint16_t>(m2.size()));
  append(framed, m2);
  (void)feed(a, framed);
  // Accepted only with a verified identity (the seed corpus holds one payload signed by id(1)).
  if (!a.failed() && !a.remote_peer()) __builtin_trap();
}

void mutated_exchange(BytesView mask) {
  SeededEntropy e1(1), e2(2);
  noise::Session a(noise::Role::initiator, id(0), e1, kNow);
  noise::Session b(noise::Role::responder, id(1), e2, kNow);
  std::size_t at = 0;
  auto mutate = [&](Bytes bytes) {
    for (auto& x : bytes) x ^= at < mask.size() ? mask[at++] : 0;
    return bytes;
  };
  const Bytes m2 = feed(b, mutate(drain(a)));
  Bytes m3 = feed(a, mutate(m2));
  if (a.handshake_complete() && a.write(as_bytes("transport"))) append(m3, drain(a));
  (void)feed(b, mutate(m3));
  if (at == 0 || std::all_of(mask.begin(), mask.begin() + static_cast<std::ptrdiff_t>(at),
                             [](std::uint8_t x) { return x == 0; })) {
    if (!a.handshake_complete() || !b.handshake_complete() || b.failed()) __builtin_trap();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      decoders(in);
      break;
    case 1:
      raw_responder(in);
      break;
    case 2:
      crafted_payload(in);
      break;
    case 3:
      mutated_exchange(in);
      break;
  }
  return 0;
}
