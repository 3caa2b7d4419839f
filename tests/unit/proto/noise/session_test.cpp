#include "proto/noise/session.hpp"

#include <gtest/gtest.h>

#include "codec/libp2p_messages.hpp"
#include "core/machine.hpp"

namespace stakecast::noise {
namespace {

static_assert(ByteMachine<Session>);

const TimePoint t0 = TimePoint::from_ns(5'000);

crypto::Ed25519Keypair identity(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}
PeerId peer(std::uint8_t b) { return PeerId::from_ed25519(identity(b).public_key()); }

Bytes drain(Session& s, std::size_t chunk = 1000) {
  Bytes out, buf(chunk);
  while (std::size_t n = s.poll_transmit(buf)) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

Bytes take_plaintext(Session& s) {
  Bytes out(s.plaintext().begin(), s.plaintext().end());
  s.clear_plaintext();
  return out;
}

Bytes framed(BytesView body) {
  Bytes out(2);
  store_be16(out.data(), static_cast<std::uint16_t>(body.size()));
  append(out, body);
  return out;
}

// Moves bytes both ways until quiet, feeding them `piece` bytes at a time.
void pump(Session& a, Session& b, std::size_t piece = 1 << 20) {
  for (int round = 0; round < 10; ++round) {
    Bytes ab = drain(a), ba = drain(b);
    if (ab.empty() && ba.empty()) return;
    for (std::size_t i = 0; i < ab.size(); i += piece)
      ASSERT_TRUE(b.on_bytes(BytesView(ab).subspan(i, std::min(piece, ab.size() - i)), t0));
    for (std::size_t i = 0; i < ba.size(); i += piece)
      ASSERT_TRUE(a.on_bytes(BytesView(ba).subspan(i, std::min(piece, ba.size() - i)), t0));
  }
}

// A failed session stays failed with its first error and reports nothing else.
void expect_failed_with(Session& s, Errc e) {
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.error(), e);
  EXPECT_EQ(s.on_bytes(Bytes{0, 1, 2}, t0).error(), e);
  EXPECT_EQ(s.write(as_bytes("x")).error(), e);
  EXPECT_EQ(s.on_deadline(t0 + 1h).error(), e);
  EXPECT_EQ(s.next_deadline(), TimePoint::max());
  EXPECT_FALSE(s.poll_event());
  EXPECT_FALSE(s.handshake_complete());
}

TEST(NoiseSession, HandshakeAuthenticatesBothSidesAndNegotiatesTheMuxer) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 20}) {
    SeededEntropy e1(1), e2(2);
    Session a(Role::initiator, identity(1), e1, t0, peer(2));
    Session b(Role::responder, identity(2), e2, t0);
    pump(a, b, piece);
    ASSERT_TRUE(a.handshake_complete() && b.handshake_complete()) << piece;
    auto ea = a.poll_event(), eb = b.poll_event();
    ASSERT_TRUE(ea && eb);
    EXPECT_EQ(ea->kind, Event::Kind::handshake_complete);
    EXPECT_EQ(ea->peer, peer(2));
    EXPECT_EQ(eb->peer, peer(1));
    EXPECT_EQ(ea->early_muxer, "/yamux/1.0.0");
    EXPECT_EQ(eb->early_muxer, "/yamux/1.0.0");
    EXPECT_FALSE(a.poll_event());  // reported once
    EXPECT_EQ(*a.remote_peer(), peer(2));
    EXPECT_EQ(a.next_deadline(), TimePoint::max());
  }
}

TEST(NoiseSession, NoCommonMuxerMeansNoEarlyMuxer) {
  SeededEntropy e1(1), e2(2);
  SessionConfig none;
  none.stream_muxers = {};
  Session a(Role::initiator, identity(1), e1, t0, std::nullopt, none);
  Session b(Role::responder, identity(2), e2, t0);
  pump(a, b);
  ASSERT_TRUE(a.handshake_complete() && b.handshake_complete());
  EXPECT_EQ(a.poll_event()->early_muxer, std::nullopt);
  EXPECT_EQ(b.poll_event()->early_muxer, std::nullopt);  // the initiator listed none
}

// The full byte stream each side receives (handshake, then a transport frame in the same segment),
// split at every offset, gives the same result as one segment.
TEST(NoiseSession, SplitAtEveryOffsetEqualsOneShot) {
  auto run_reference = [](Bytes& to_responder, Bytes& to_initiator) {
    SeededEntropy e1(11), e2(12);
    Session a(Role::initiator, identity(1), e1, t0, peer(2));
    Session b(Role::responder, identity(2), e2, t0);
    to_responder = drain(a);
    ASSERT_TRUE(b.on_bytes(to_responder, t0));
    to_initiator = drain(b);
    ASSERT_TRUE(a.on_bytes(to_initiator, t0));
    ASSERT_TRUE(a.write(as_bytes("from the initiator")));
    Bytes more = drain(a);  // message 3 and a transport frame
    append(to_responder, more);
    ASSERT_TRUE(b.on_bytes(more, t0));
    ASSERT_TRUE(b.write(as_bytes("from the responder")));
    append(to_initiator, drain(b));
  };
  Bytes to_responder, to_initiator;
  run_reference(to_responder, to_initiator);
  for (std::size_t cut = 0; cut <= to_responder.size(); ++cut) {
    SeededEntropy e2(12);
    Session b(Role::responder, identity(2), e2, t0);
    ASSERT_TRUE(b.on_bytes(BytesView(to_responder).first(cut), t0));
    ASSERT_TRUE(b.on_bytes(BytesView(to_responder).subspan(cut), t0));
    ASSERT_TRUE(b.handshake_complete()) << cut;
    EXPECT_EQ(as_chars(take_plaintext(b)), "from the initiator") << cut;
  }
  for (std::size_t cut = 0; cut <= to_initiator.size(); ++cut) {
    SeededEntropy e1(11);
    Session a(Role::initiator, identity(1), e1, t0, peer(2));
    (void)drain(a);
    ASSERT_TRUE(a.on_bytes(BytesView(to_initiator).first(cut), t0));
    ASSERT_TRUE(a.on_bytes(BytesView(to_initiator).subspan(cut), t0));
    ASSERT_TRUE(a.handshake_complete()) << cut;
    EXPECT_EQ(as_chars(take_plaintext(a)), "from the responder") << cut;
  }
}

TEST(NoiseSession, FramesSealedInPlaceMatchWrittenOnes) {
  SeededEntropy e1(1), e2(2), e3(1), e4(2);
  Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
  Session a2(Role::initiator, identity(1), e3, t0), b2(Role::responder, identity(2), e4, t0);
  pump(a, b);
  pump(a2, b2);
  const BytesView msg = as_bytes("sealed where it lies");
  Bytes frame(2 + msg.size() + crypto::kAeadTag, 0);
  std::copy(msg.begin(), msg.end(), frame.begin() + 2);
  SeededEntropy e5(5);
  Session early(Role::initiator, identity(3), e5, t0);
  EXPECT_EQ(early.seal_frame(frame, msg.size()).error(), Errc::out_of_order);
  ASSERT_TRUE(a.write(msg));
  auto size = a2.seal_frame(frame, msg.size());
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, msg.size() + kFrameOverhead);
  EXPECT_EQ(frame, drain(a)) << "same keys and nonce: the same frame";
  ASSERT_TRUE(b.on_bytes(frame, t0));
  EXPECT_EQ(as_chars(take_plaintext(b)), "sealed where it lies");
}

TEST(NoiseSession, TransportCarriesLargeWritesInBoundedFrames) {
  SeededEntropy e1(1), e2(2);
  Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
  pump(a, b);
  Bytes big(200'000);
  DeterministicRng::from_u64(4).fill(big);
  ASSERT_TRUE(a.write(big));
  Bytes wire = drain(a);
  // 4 frames: 3 full (65535 bytes of ciphertext each) and the rest, each with a 2-byte length.
  EXPECT_EQ(wire.size(), big.size() + 4 * (2 + crypto::kAeadTag));
  EXPECT_EQ(load_be16(wire.data()), 65535);
  ASSERT_TRUE(b.on_bytes(wire, t0));
  EXPECT_EQ(take_plaintext(b), big);
  ASSERT_TRUE(b.write(as_bytes("pong")));
  ASSERT_TRUE(a.on_bytes(drain(b), t0));
  EXPECT_EQ(as_chars(take_plaintext(a)), "pong");
}

TEST(NoiseSession, DialedPeerIdMismatchIsRefused) {
  SeededEntropy e1(1), e2(2);
  Session a(Role::initiator, identity(1), e1, t0, peer(3));
  Session b(Role::responder, identity(2), e2, t0);
  ASSERT_TRUE(b.on_bytes(drain(a), t0));
  EXPECT_EQ(a.on_bytes(drain(b), t0).error(), Errc::peer_id_mismatch);
  expect_failed_with(a, Errc::peer_id_mismatch);
  EXPECT_TRUE(drain(a).empty());  // message 3 was never sent
}

TEST(NoiseSession, GarbageAfterEveryHandshakeStepFailsTheSession) {
  Bytes noise(120);
  DeterministicRng::from_u64(77).fill(noise);
  {  // responder, first message too short for an ephemeral key
    SeededEntropy e(3);
    Session b(Role::responder, identity(2), e, t0);
    EXPECT_EQ(b.on_bytes(Bytes{0x00, 0x03, 1, 2, 3}, t0).error(), Errc::short_message);
    expect_failed_with(b, Errc::short_message);
  }
  {  // responder, an all-zero (low-order) ephemeral key
    SeededEntropy e(3);
    Session b(Role::responder, identity(2), e, t0);
    EXPECT_EQ(b.on_bytes(framed(Bytes(32, 0)), t0).error(), Errc::bad_dh);
    expect_failed_with(b, Errc::bad_dh);
  }
  {  // initiator, garbage instead of message 2
    SeededEntropy e(4);
    Session a(Role::initiator, identity(1), e, t0);
    EXPECT_EQ(a.on_bytes(framed(noise), t0).error(), Errc::decrypt_failed);
    expect_failed_with(a, Errc::decrypt_failed);
  }
  {  // initiator, message 2 cut short
    SeededEntropy e(4);
    Session a(Role::initiator, identity(1), e, t0);
    EXPECT_EQ(a.on_bytes(framed(BytesView(noise).first(40)), t0).error(), Errc::short_message);
  }
  {  // responder, garbage instead of message 3
    SeededEntropy e1(1), e2(2);
    Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
    ASSERT_TRUE(b.on_bytes(drain(a), t0));
    EXPECT_EQ(b.on_bytes(framed(noise), t0).error(), Errc::decrypt_failed);
    expect_failed_with(b, Errc::decrypt_failed);
  }
  {  // after completion: a flipped bit, an empty frame, a frame shorter than its tag
    for (const Bytes& bad : {Bytes{}, Bytes(15, 1), noise}) {
      SeededEntropy e1(1), e2(2);
      Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
      pump(a, b);
      EXPECT_EQ(b.on_bytes(framed(bad), t0).error(), Errc::decrypt_failed) << bad.size();
      EXPECT_TRUE(b.failed());
      EXPECT_EQ(b.write(as_bytes("x")).error(), Errc::decrypt_failed);
    }
    SeededEntropy e1(1), e2(2);
    Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
    pump(a, b);
    ASSERT_TRUE(a.write(as_bytes("hello")));
    Bytes wire = drain(a);
    wire[5] ^= 1;
    EXPECT_EQ(b.on_bytes(wire, t0).error(), Errc::decrypt_failed);
  }
  {  // a replayed transport frame: the receiver's nonce has moved on
    SeededEntropy e1(1), e2(2);
    Session a(Role::initiator, identity(1), e1, t0), b(Role::responder, identity(2), e2, t0);
    pump(a, b);
    ASSERT_TRUE(a.write(as_bytes("once")));
    Bytes wire = drain(a);
    ASSERT_TRUE(b.on_bytes(wire, t0));
    EXPECT_EQ(b.on_bytes(wire, t0).error(), Errc::decrypt_failed);
  }
  {  // writing before the handshake is a local ordering error, not a failure
    SeededEntropy e(4);
    Session d(Role::initiator, identity(1), e, t0);
    EXPECT_EQ(d.write(as_bytes("early")).error(), Errc::out_of_order);
    EXPECT_FALSE(d.failed());
  }
}

TEST(NoiseSession, HandshakeTimesOut) {
  SeededEntropy e1(1), e2(2);
  SessionConfig c;
  c.handshake_timeout = 3s;
  Session a(Role::initiator, identity(1), e1, t0, std::nullopt, c);
  EXPECT_EQ(a.next_deadline(), t0 + 3s);
  EXPECT_TRUE(a.on_deadline(t0 + 2s));
  EXPECT_EQ(a.on_deadline(t0 + 3s).error(), Errc::handshake_timeout);
  expect_failed_with(a, Errc::handshake_timeout);

  Session b(Role::initiator, identity(1), e1, t0, std::nullopt, c);
  Session r(Role::responder, identity(2), e2, t0, std::nullopt, c);
  pump(b, r);
  EXPECT_TRUE(b.on_deadline(t0 + 1h));  // complete: no timer
  EXPECT_TRUE(r.on_deadline(t0 + 1h));
}

// Responder payloads crafted by hand on a real handshake: the initiator must refuse every bad one.
TEST(NoiseSession, BadIdentityPayloadsAreRejected) {
  auto responder_payload = [](Bytes payload) {
    SeededEntropy e1(1), e2(2);
    Session a(Role::initiator, identity(1), e1, t0);
    // Drawn in two statements: argument evaluation order is unspecified.
    const auto fake_s = crypto::X25519Keypair::generate(e2);
    const auto fake_e = crypto::X25519Keypair::generate(e2);
    HandshakeXX fake(false, fake_s, fake_e, {});
    Bytes m1 = drain(a), p;
    EXPECT_TRUE(fake.read_message(BytesView(m1).subspan(2), p));
    Bytes m2;
    EXPECT_TRUE(fake.write_message(payload, m2));
    auto st = a.on_bytes(framed(m2), t0);
    EXPECT_EQ(a.failed(), !st.has_value());
    return st.error();
  };
  auto id = identity(2);
  const Bytes key = PeerId::encode_ed25519_public_key(id.public_key());
  auto sign = [&](std::string_view m) {
    auto sig = id.sign(as_bytes(m));
    return Bytes(sig.begin(), sig.end());
  };
  // Signs a different static key.
  EXPECT_EQ(responder_payload(codec::encode(codec::NoisePayload{key, sign("noise-libp2p-static-key:x"), {}})),
            Errc::bad_payload);
  // A signature of the right size by another identity.
  auto other = identity(5).sign(as_bytes("noise-libp2p-static-key:"));
  EXPECT_EQ(responder_payload(codec::encode(codec::NoisePayload{key, Bytes(other.begin(), other.end()), {}})),
            Errc::bad_payload);
  EXPECT_EQ(responder_payload(codec::encode(codec::NoisePayload{key, Bytes(63, 1), {}})), Errc::bad_payload);
  EXPECT_EQ(responder_payload(
                codec::encode(codec::NoisePayload{Bytes{0x08, 0x02, 0x12, 0x01, 0x00}, Bytes(64, 1), {}})),
            Errc::bad_payload);                                              // secp256k1 key type
  EXPECT_EQ(responder_payload(Bytes{0xff, 0xff, 0xff}), Errc::bad_payload);  // not protobuf
  EXPECT_EQ(responder_payload({}), Errc::bad_payload);                       // no identity at all
}

TEST(NoiseSession, NonceExhaustionIsAnError) {
  SeededEntropy e(1);
  std::array<std::uint8_t, 32> k;
  k.fill(9);
  CipherState c;
  c.initialize_key(k);
  c.set_nonce(std::numeric_limits<std::uint64_t>::max() - 1);
  Bytes out;
  ASSERT_TRUE(c.encrypt_with_ad({}, as_bytes("last"), out));
  EXPECT_EQ(c.encrypt_with_ad({}, as_bytes("one too many"), out).error(), Errc::nonce_exhausted);
  CipherState d;
  d.initialize_key(k);
  d.set_nonce(std::numeric_limits<std::uint64_t>::max() - 1);
  Bytes plain;
  ASSERT_TRUE(d.decrypt_with_ad({}, out, plain));
  EXPECT_EQ(as_chars(plain), "last");
  EXPECT_EQ(d.decrypt_with_ad({}, out, plain).error(), Errc::nonce_exhausted);
}

// Regression (found by fuzz_noise under UBSan): polling a session with nothing queued copied from a null
// pointer.
TEST(NoiseSession, PollWithNothingQueuedIsANoOp) {
  SeededEntropy e(9);
  Session responder(Role::responder, identity(2), e, t0);
  std::uint8_t buf[16];
  EXPECT_EQ(responder.poll_transmit(buf), 0u);
  EXPECT_FALSE(responder.wants_transmit());
}

}  // namespace
}  // namespace stakecast::noise
