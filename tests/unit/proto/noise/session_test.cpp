#include "proto/noise/session.hpp"

#include <gtest/gtest.h>

#include "codec/libp2p_messages.hpp"

namespace stakecast::noise {
namespace {

crypto::Ed25519Keypair identity(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}

Bytes drain(Session& s, std::size_t chunk = 1000) {
  Bytes out, buf(chunk);
  while (std::size_t n = s.poll_transmit(buf)) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

// Moves bytes both ways until quiet, feeding them `piece` bytes at a time.
void pump(Session& a, Session& b, std::size_t piece = 1 << 20) {
  for (int round = 0; round < 10; ++round) {
    Bytes ab = drain(a), ba = drain(b);
    if (ab.empty() && ba.empty()) return;
    for (std::size_t i = 0; i < ab.size(); i += piece)
      ASSERT_TRUE(b.on_bytes(BytesView(ab).subspan(i, std::min(piece, ab.size() - i))));
    for (std::size_t i = 0; i < ba.size(); i += piece)
      ASSERT_TRUE(a.on_bytes(BytesView(ba).subspan(i, std::min(piece, ba.size() - i))));
  }
}

TEST(NoiseSession, HandshakeAuthenticatesBothSidesAndNegotiatesTheMuxer) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 20}) {
    SeededEntropy e1(1), e2(2);
    auto alice = identity(1), bob = identity(2);
    Session a(true, alice, e1, PeerId::from_ed25519(bob.public_key()));
    Session b(false, bob, e2);
    pump(a, b, piece);
    ASSERT_TRUE(a.handshake_complete() && b.handshake_complete()) << piece;
    EXPECT_EQ(*a.remote_peer(), PeerId::from_ed25519(bob.public_key()));
    EXPECT_EQ(*b.remote_peer(), PeerId::from_ed25519(alice.public_key()));
    EXPECT_EQ(a.early_muxer(), "/yamux/1.0.0");
    EXPECT_EQ(b.early_muxer(), "/yamux/1.0.0");
  }
}

TEST(NoiseSession, TransportCarriesLargeWritesInBoundedFrames) {
  SeededEntropy e1(1), e2(2);
  Session a(true, identity(1), e1), b(false, identity(2), e2);
  pump(a, b);
  Bytes big(200'000);
  DeterministicRng::from_u64(4).fill(big);
  ASSERT_TRUE(a.write(big));
  Bytes wire = drain(a);
  // 4 frames: 3 full (65535 bytes of ciphertext each) and the rest, each with a 2-byte length.
  EXPECT_EQ(wire.size(), big.size() + 4 * (2 + crypto::kAeadTag));
  EXPECT_EQ(load_be16(wire.data()), 65535);
  ASSERT_TRUE(b.on_bytes(wire));
  EXPECT_EQ(b.take_plaintext(), big);
  ASSERT_TRUE(b.write(as_bytes("pong")));
  ASSERT_TRUE(a.on_bytes(drain(b)));
  EXPECT_EQ(as_chars(a.take_plaintext()), "pong");
}

TEST(NoiseSession, DialedPeerIdMismatchIsRefused) {
  SeededEntropy e1(1), e2(2);
  Session a(true, identity(1), e1, PeerId::from_ed25519(identity(3).public_key()));
  Session b(false, identity(2), e2);
  ASSERT_TRUE(b.on_bytes(drain(a)));
  EXPECT_EQ(a.on_bytes(drain(b)).error(), Errc::peer_id_mismatch);
  EXPECT_TRUE(a.failed());
  EXPECT_FALSE(a.handshake_complete());
}

TEST(NoiseSession, TamperingAndGarbageFailTheSession) {
  SeededEntropy e1(1), e2(2);
  Session a(true, identity(1), e1), b(false, identity(2), e2);
  pump(a, b);
  ASSERT_TRUE(a.write(as_bytes("hello")));
  Bytes wire = drain(a);
  wire[5] ^= 1;
  EXPECT_EQ(b.on_bytes(wire).error(), Errc::decrypt_failed);
  EXPECT_EQ(b.write(as_bytes("x")).error(), Errc::decrypt_failed);  // stays failed

  SeededEntropy e3(3);
  Session c(false, identity(2), e3);
  EXPECT_EQ(c.on_bytes(Bytes{0x00, 0x03, 1, 2, 3}).error(), Errc::short_message);
  SeededEntropy e4(4);
  Session d(true, identity(1), e4);
  EXPECT_EQ(d.write(as_bytes("early")).error(), Errc::out_of_order);
}

TEST(NoiseSession, ForgedIdentitySignatureIsRejected) {
  // A responder whose payload signs a different static key: build it by hand from a real exchange.
  SeededEntropy e1(1), e2(2);
  Session a(true, identity(1), e1);
  HandshakeXX fake(false, crypto::X25519Keypair::generate(e2), crypto::X25519Keypair::generate(e2), {});
  Bytes m1 = drain(a), p;
  ASSERT_TRUE(fake.read_message(BytesView(m1).subspan(2), p));
  codec::NoisePayload payload;
  auto id = identity(2);
  payload.identity_key = PeerId::encode_ed25519_public_key(id.public_key());
  auto sig = id.sign(as_bytes("noise-libp2p-static-key:not-my-key"));
  payload.identity_sig.assign(sig.begin(), sig.end());
  Bytes m2;
  ASSERT_TRUE(fake.write_message(codec::encode(payload), m2));
  Bytes framed(2 + m2.size());
  store_be16(framed.data(), static_cast<std::uint16_t>(m2.size()));
  std::copy(m2.begin(), m2.end(), framed.begin() + 2);
  EXPECT_EQ(a.on_bytes(framed).error(), Errc::bad_payload);
}

}  // namespace
}  // namespace stakecast::noise

namespace stakecast::noise {
namespace {
// Regression (found by fuzz_noise under UBSan): polling a session with nothing queued copied from a null
// pointer.
TEST(NoiseSession, PollWithNothingQueuedIsANoOp) {
  SeededEntropy e(9);
  Session responder(false, identity(2), e);
  std::uint8_t buf[16];
  EXPECT_EQ(responder.poll_transmit(buf), 0u);
  EXPECT_FALSE(responder.wants_transmit());
}
}  // namespace
}  // namespace stakecast::noise
