#include "proto/identify/identify.hpp"

#include <gtest/gtest.h>

#include "core/machine.hpp"
#include "core/varint.hpp"

namespace stakecast::identify {
namespace {

static_assert(Machine<Reader>);

const TimePoint t0 = TimePoint::from_ns(100);

std::array<std::uint8_t, 32> key(std::uint8_t b) {
  std::array<std::uint8_t, 32> k;
  k.fill(b);
  return k;
}

TEST(Identify, MessageRoundTripAcrossEverySplit) {
  const auto addr = *Multiaddr::parse("/ip4/127.0.0.1/tcp/4001");
  const auto addr6 = *Multiaddr::parse("/ip6/::1/tcp/4002");
  const Bytes msg = make_message(key(3), "stakecast/0.1.0", {addr, addr6}, {"/ipfs/ping/1.0.0"}, addr);
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    Reader r(t0, PeerId::from_ed25519(key(3)));
    ASSERT_TRUE(r.on_bytes(BytesView(msg).first(cut), t0));
    EXPECT_EQ(r.done(), cut == msg.size());
    ASSERT_TRUE(r.on_bytes(BytesView(msg).subspan(cut), t0));
    auto ev = r.poll_event();
    ASSERT_TRUE(ev) << cut;
    EXPECT_FALSE(r.poll_event());
    const Info& info = ev->info;
    EXPECT_EQ(info.peer, PeerId::from_ed25519(key(3)));
    EXPECT_EQ(info.agent_version, "stakecast/0.1.0");
    EXPECT_EQ(info.protocol_version, kProtocolVersion);
    EXPECT_EQ(info.listen_addrs, (std::vector<Multiaddr>{addr, addr6}));
    EXPECT_EQ(info.observed_addr, addr);
    EXPECT_EQ(info.protocols, std::vector<std::string>{"/ipfs/ping/1.0.0"});
    EXPECT_EQ(r.next_deadline(), TimePoint::max());
  }
}

TEST(Identify, UnparseableAddressesAreSkipped) {
  codec::IdentifyMessage m;
  m.public_key = PeerId::encode_ed25519_public_key(key(1));
  m.listen_addrs = {Bytes{0xff, 0xff}, Multiaddr::parse("/ip4/10.0.0.1/tcp/1")->to_bytes()};
  m.observed_addr = Bytes{0x04, 1};
  Bytes framed;
  codec::append_frame(framed, codec::encode(m));
  Reader r(t0);
  ASSERT_TRUE(r.on_bytes(framed, t0));
  auto ev = r.poll_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->info.listen_addrs.size(), 1u);
  EXPECT_FALSE(ev->info.observed_addr);
}

TEST(Identify, BadMessagesGiveTypedErrors) {
  codec::IdentifyMessage m;
  m.agent_version = "no key";
  Bytes framed;
  codec::append_frame(framed, codec::encode(m));
  Reader no_key(t0);
  EXPECT_EQ(no_key.on_bytes(framed, t0).error(), codec::MessageErrc::malformed);
  EXPECT_TRUE(no_key.failed());
  EXPECT_FALSE(no_key.poll_event());

  Bytes huge;
  varint::append(huge, codec::kMaxIdentify + 1);
  Reader big(t0);
  EXPECT_EQ(big.on_bytes(huge, t0).error(), codec::FrameErrc::too_large);  // before any body arrives
  Reader overlong(t0);
  EXPECT_EQ(overlong.on_bytes(Bytes(10, 0xff), t0).error(), codec::FrameErrc::bad_varint);
  Reader junk(t0);
  EXPECT_EQ(junk.on_bytes(Bytes{0x03, 0xff, 0xff, 0xff}, t0).error(), codec::MessageErrc::malformed);

  const Bytes msg = make_message(key(3), "a", {}, {}, std::nullopt);
  Reader wrong_peer(t0, PeerId::from_ed25519(key(4)));
  EXPECT_EQ(wrong_peer.on_bytes(msg, t0).error(), Errc::peer_mismatch);
  EXPECT_FALSE(wrong_peer.poll_event());

  Bytes with_tail = msg;
  with_tail.push_back(0);
  Reader tail(t0);
  EXPECT_EQ(tail.on_bytes(with_tail, t0).error(), Errc::trailing_bytes);
  EXPECT_FALSE(tail.poll_event());  // a message followed by garbage is not reported
  Reader later(t0);
  ASSERT_TRUE(later.on_bytes(msg, t0));
  EXPECT_EQ(later.on_bytes(Bytes{1}, t0).error(), Errc::trailing_bytes);
  EXPECT_EQ(later.on_bytes(msg, t0).error(), Errc::trailing_bytes);  // stays failed
}

TEST(Identify, TimesOutWithoutAMessage) {
  Config c;
  c.timeout = 5s;
  Reader r(t0, std::nullopt, c);
  EXPECT_EQ(r.next_deadline(), t0 + 5s);
  const Bytes msg = make_message(key(3), "a", {}, {}, std::nullopt);
  ASSERT_TRUE(r.on_bytes(BytesView(msg).first(3), t0 + 1s));
  EXPECT_TRUE(r.on_deadline(t0 + 4s));
  EXPECT_EQ(r.on_deadline(t0 + 5s).error(), Errc::timeout);
  EXPECT_EQ(r.next_deadline(), TimePoint::max());
  Reader quick(t0, std::nullopt, c);
  ASSERT_TRUE(quick.on_bytes(msg, t0));
  EXPECT_TRUE(quick.on_deadline(t0 + 1h));
}

}  // namespace
}  // namespace stakecast::identify
