#include "codec/direct_wire.hpp"

#include <gtest/gtest.h>

namespace stakecast::codec {
namespace {

DirectHeader header() {
  DirectHeader h;
  h.ack_requested = true;
  h.kind = 2;
  h.relays = 8;
  h.redundancy = 2;
  h.epoch = Epoch{7};
  h.sender = ValidatorIndex{1234};
  h.slot = Slot{99};
  h.nonce = 0xABCDEF0123456789ULL;
  return h;
}

std::array<std::uint8_t, 64> sig() {
  std::array<std::uint8_t, 64> s{};
  for (std::size_t i = 0; i < 64; ++i) s[i] = static_cast<std::uint8_t>(i * 3);
  return s;
}

TEST(DirectWire, RoundTripAndLayout) {
  const Bytes payload = {1, 2, 3, 4, 5};
  const Bytes wire = encode_direct(header(), payload, sig());
  ASSERT_EQ(wire.size(), kDirectHeaderSize + payload.size() + kSignatureSize);
  // Pinned layout (docs/rotor-wire.md).
  EXPECT_EQ(to_hex(BytesView(wire).first(kDirectHeaderSize)),
            "010101020802000007000000000000"
            "00d204000005000000630000000000000089674523"
            "01efcdab");
  auto v = parse_direct(wire, 1024);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->header.ack_requested);
  EXPECT_EQ(v->header.kind, 2);
  EXPECT_EQ(v->header.relays, 8);
  EXPECT_EQ(v->header.redundancy, 2);
  EXPECT_EQ(v->header.epoch, Epoch{7});
  EXPECT_EQ(v->header.sender, ValidatorIndex{1234});
  EXPECT_EQ(v->header.slot, Slot{99});
  EXPECT_EQ(v->header.nonce, 0xABCDEF0123456789ULL);
  EXPECT_EQ(Bytes(v->payload.begin(), v->payload.end()), payload);
  EXPECT_EQ(v->signature, sig());
  EXPECT_EQ(Bytes(v->signed_bytes.begin(), v->signed_bytes.end()), encode_direct_unsigned(header(), payload));
  EXPECT_EQ(v->wire.size(), wire.size());
  EXPECT_EQ(*peek_direct_type(wire), DirectType::message);
}

TEST(DirectWire, EveryTruncationAndExtensionIsRejected) {
  const Bytes wire = encode_direct(header(), Bytes(100, 7), sig());
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto r = parse_direct(BytesView(wire).first(n), 1024);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error(), DirectWireErrc::truncated) << n;
  }
  Bytes longer = wire;
  longer.push_back(0);
  EXPECT_EQ(parse_direct(longer, 1024).error(), DirectWireErrc::trailing_bytes);
}

TEST(DirectWire, TypedRejections) {
  const Bytes wire = encode_direct(header(), Bytes(100, 7), sig());
  EXPECT_EQ(parse_direct(wire, 99).error(), DirectWireErrc::payload_too_large);
  auto with = [&](std::size_t at, std::uint8_t value) {
    Bytes b = wire;
    b[at] = value;
    return parse_direct(b, 1024).error();
  };
  EXPECT_EQ(with(0, 2), DirectWireErrc::bad_version);
  EXPECT_EQ(with(1, 9), DirectWireErrc::bad_type);
  EXPECT_EQ(with(1, 2), DirectWireErrc::bad_type);  // an ack is not a message
  EXPECT_EQ(with(2, 3), DirectWireErrc::bad_flags);
  EXPECT_EQ(with(6, 1), DirectWireErrc::bad_flags);
  EXPECT_EQ(with(5, 0), DirectWireErrc::bad_hybrid);  // hybrid without redundancy
  EXPECT_EQ(with(5, 9), DirectWireErrc::bad_hybrid);  // redundancy above relays
  EXPECT_EQ(with(4, 0), DirectWireErrc::bad_hybrid);  // direct with redundancy
  // A huge declared length is rejected before anything is read past the header.
  Bytes b = wire;
  store_le32(b.data() + 20, 0xFFFFFFFF);
  EXPECT_EQ(parse_direct(b, SIZE_MAX).error(), DirectWireErrc::truncated);
}

TEST(DirectWire, Ack) {
  std::array<std::uint8_t, 32> id{};
  id[0] = 0xAA;
  id[31] = 0x55;
  const Bytes wire = encode_ack(id);
  ASSERT_EQ(wire.size(), kAckSize);
  EXPECT_EQ(*peek_direct_type(wire), DirectType::ack);
  auto a = parse_ack(wire);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, id);
  for (std::size_t n = 0; n < wire.size(); ++n) EXPECT_FALSE(parse_ack(BytesView(wire).first(n)));
  Bytes longer = wire;
  longer.push_back(1);
  EXPECT_EQ(parse_ack(longer).error(), DirectWireErrc::trailing_bytes);
  Bytes flagged = wire;
  flagged[2] = 1;
  EXPECT_EQ(parse_ack(flagged).error(), DirectWireErrc::bad_flags);
  EXPECT_EQ(parse_ack(encode_direct(header(), {}, sig())).error(), DirectWireErrc::bad_type);
}

}  // namespace
}  // namespace stakecast::codec
