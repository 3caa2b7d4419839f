#include "codec/libp2p_messages.hpp"

#include <gtest/gtest.h>

#include "core/peer_id.hpp"

namespace stakecast::codec {
namespace {

TEST(Libp2pMessages, Ed25519PublicKeyMatchesPeerIdEncoding) {
  std::array<std::uint8_t, 32> key;
  key.fill(7);
  auto pb = PeerId::encode_ed25519_public_key(key);
  EXPECT_EQ(to_hex(BytesView(pb).first(4)), "08011220");
  auto back = decode_ed25519_public_key(pb);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, key);
  // secp256k1 (type 2) is valid protobuf but unsupported here.
  Bytes secp = {0x08, 0x02, 0x12, 0x01, 0x00};
  EXPECT_EQ(decode_ed25519_public_key(secp).error(), MessageErrc::unsupported_key);
  EXPECT_EQ(decode_ed25519_public_key(Bytes{0x08, 0x01, 0x12, 0x02, 1, 2}).error(), MessageErrc::malformed);
  EXPECT_EQ(decode_ed25519_public_key(Bytes{0xff, 0xff}).error(), MessageErrc::malformed);
}

TEST(Libp2pMessages, NoisePayloadRoundTripAndLimits) {
  NoisePayload p{Bytes{1, 2, 3}, Bytes(64, 9), {"/yamux/1.0.0"}};
  auto back = decode_noise_payload(encode(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->identity_key, p.identity_key);
  EXPECT_EQ(back->identity_sig, p.identity_sig);
  EXPECT_EQ(back->stream_muxers, p.stream_muxers);
  EXPECT_TRUE(decode_noise_payload({})->stream_muxers.empty());
  EXPECT_EQ(decode_noise_payload(Bytes(kMaxNoisePayload + 1, 0)).error(), MessageErrc::too_large);
  EXPECT_EQ(decode_noise_payload(Bytes{0x0a, 0x05, 1}).error(), MessageErrc::malformed);
}

TEST(Libp2pMessages, IdentifyRoundTripAndBounds) {
  IdentifyMessage m;
  m.protocol_version = "ipfs/0.1.0";
  m.agent_version = "stakecast/0.1.0";
  m.public_key = {8, 1};
  m.listen_addrs = {{4, 127, 0, 0, 1, 6, 0x0f, 0xa1}};
  m.observed_addr = Bytes{4, 10, 0, 0, 1};
  m.protocols = {"/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"};
  auto back = decode_identify(encode(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->agent_version, m.agent_version);
  EXPECT_EQ(back->protocol_version, m.protocol_version);
  EXPECT_EQ(back->listen_addrs, m.listen_addrs);
  EXPECT_EQ(back->observed_addr, m.observed_addr);
  EXPECT_EQ(back->protocols, m.protocols);
  IdentifyMessage many;
  for (std::size_t i = 0; i <= kMaxIdentifyEntries; ++i) many.protocols.push_back("/p");
  EXPECT_EQ(decode_identify(encode(many)).error(), MessageErrc::too_many_entries);
  EXPECT_EQ(decode_identify(Bytes(kMaxIdentify + 1, 0)).error(), MessageErrc::too_large);
}

}  // namespace
}  // namespace stakecast::codec
