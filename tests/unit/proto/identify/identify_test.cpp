#include "proto/identify/identify.hpp"

#include <gtest/gtest.h>

#include "core/varint.hpp"

namespace stakecast::identify {
namespace {

TEST(Identify, MessageRoundTripAcrossSplits) {
  std::array<std::uint8_t, 32> key;
  key.fill(3);
  const auto addr = *Multiaddr::parse("/ip4/127.0.0.1/tcp/4001");
  Bytes msg = make_message(key, "stakecast/0.1.0", {addr}, {"/ipfs/ping/1.0.0"}, addr);
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    Reader r;
    ASSERT_TRUE(r.on_bytes(BytesView(msg).first(cut)));
    ASSERT_TRUE(r.on_bytes(BytesView(msg).subspan(cut)));
    auto info = r.info();
    ASSERT_TRUE(info) << cut;
    EXPECT_EQ(info->peer, PeerId::from_ed25519(key));
    EXPECT_EQ(info->agent_version, "stakecast/0.1.0");
    EXPECT_EQ(info->protocol_version, kProtocolVersion);
    EXPECT_EQ(info->listen_addrs, std::vector<Multiaddr>{addr});
    EXPECT_EQ(info->observed_addr, addr);
    EXPECT_EQ(info->protocols, std::vector<std::string>{"/ipfs/ping/1.0.0"});
  }
}

TEST(Identify, MissingKeyOrOversizeIsRejected) {
  codec::IdentifyMessage m;
  m.agent_version = "no key";
  Bytes framed;
  codec::append_frame(framed, codec::encode(m));
  Reader r;
  EXPECT_FALSE(r.on_bytes(framed));
  Bytes huge;
  varint::append(huge, codec::kMaxIdentify + 1);
  Reader r2;
  EXPECT_EQ(r2.on_bytes(huge).error(), codec::FrameErrc::too_large);
}

}  // namespace
}  // namespace stakecast::identify
