#include "codec/frost_wire.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"

namespace stakecast::codec {
namespace {

FrostHeader header(FrostType t, std::uint8_t attempt = 3) {
  FrostHeader h;
  h.type = t;
  for (std::size_t i = 0; i < h.session.size(); ++i) h.session[i] = static_cast<std::uint8_t>(i);
  h.attempt = attempt;
  return h;
}

FrostCoordination coordination() {
  FrostCoordination m;
  m.header = header(FrostType::coordination);
  m.mode = FrostMode::broadcast;
  m.threshold = 3;
  m.deadline_ms = 750;
  m.slot = Slot{0x0102030405060708};
  m.signers = {1, 4, 9, 300};
  m.message = {'h', 'e', 'l', 'l', 'o'};
  return m;
}

FrostPackage package() {
  FrostPackage m;
  m.header = header(FrostType::package);
  for (std::uint16_t id : {std::uint16_t{2}, std::uint16_t{3}, std::uint16_t{70}}) {
    FrostPackageEntry e;
    e.signer = id;
    e.hiding.fill(static_cast<std::uint8_t>(id));
    e.binding.fill(static_cast<std::uint8_t>(id + 1));
    m.commitments.push_back(e);
  }
  return m;
}

const FrostLimits kLimits{.max_signers = 16, .max_message = 64};

TEST(FrostWire, CoordinationLayoutIsByteExactAndRoundTrips) {
  const Bytes wire = encode(coordination());
  ASSERT_EQ(wire.size(), kCoordinationFixedSize + 4 * 2 + 5);
  EXPECT_EQ(wire[0], kFrostVersion);
  EXPECT_EQ(wire[1], 1);
  EXPECT_EQ(wire[2], 0);    // session id byte 0
  EXPECT_EQ(wire[33], 31);  // session id byte 31
  EXPECT_EQ(wire[34], 3);   // attempt
  EXPECT_EQ(wire[35], 1);   // mode broadcast
  EXPECT_EQ(wire[36], 0);   // reserved
  EXPECT_EQ(load_le16(wire.data() + 37), 3);
  EXPECT_EQ(load_le16(wire.data() + 39), 4);
  EXPECT_EQ(load_le32(wire.data() + 41), 750u);
  EXPECT_EQ(load_le64(wire.data() + 45), 0x0102030405060708u);
  EXPECT_EQ(load_le32(wire.data() + 53), 5u);
  EXPECT_EQ(load_le16(wire.data() + 57 + 6), 300);
  EXPECT_EQ(wire.back(), 'o');
  auto m = parse_coordination(wire, kLimits);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->signers, coordination().signers);
  EXPECT_EQ(m->message, coordination().message);
  EXPECT_EQ(m->slot, coordination().slot);
  EXPECT_EQ(m->mode, FrostMode::broadcast);
  EXPECT_EQ(encode(*m), wire);
  auto h = peek_frost(wire);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->type, FrostType::coordination);
  EXPECT_EQ(h->attempt, 3);
}

TEST(FrostWire, CommitmentPackageAndShareRoundTrip) {
  FrostCommitment c;
  c.header = header(FrostType::commitment);
  c.signer = 7;
  c.hiding.fill(0xaa);
  c.binding.fill(0xbb);
  const Bytes cw = encode(c);
  ASSERT_EQ(cw.size(), kCommitmentSize);
  EXPECT_EQ(load_le16(cw.data() + 35), 7);
  EXPECT_EQ(cw[37], 0xaa);
  EXPECT_EQ(cw[69], 0xbb);
  auto c2 = parse_commitment(cw);
  ASSERT_TRUE(c2);
  EXPECT_EQ(encode(*c2), cw);

  const Bytes pw = encode(package());
  ASSERT_EQ(pw.size(), kFrostHeaderSize + 2 + 3 * kPackageEntrySize);
  auto p2 = parse_package(pw, kLimits);
  ASSERT_TRUE(p2);
  EXPECT_EQ(encode(*p2), pw);

  FrostShare s;
  s.header = header(FrostType::share);
  s.signer = 65535;
  s.share.fill(0x11);
  const Bytes sw = encode(s);
  ASSERT_EQ(sw.size(), kShareSize);
  auto s2 = parse_share(sw);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->signer, 65535);
  EXPECT_EQ(encode(*s2), sw);
}

TEST(FrostWire, EveryTruncationAndTrailingByteIsRejected) {
  FrostShare s;
  s.header = header(FrostType::share);
  s.signer = 1;
  FrostCommitment c;
  c.header = header(FrostType::commitment);
  c.signer = 1;
  const std::vector<Bytes> wires = {encode(coordination()), encode(package()), encode(c), encode(s)};
  for (const Bytes& w : wires) {
    for (std::size_t n = 0; n < w.size(); ++n) {
      BytesView cut(w.data(), n);
      auto err = [&]() -> std::error_code {
        switch (static_cast<FrostType>(w[1])) {
          case FrostType::coordination:
            return parse_coordination(cut, kLimits).error();
          case FrostType::package:
            return parse_package(cut, kLimits).error();
          case FrostType::commitment:
            return parse_commitment(cut).error();
          case FrostType::share:
            return parse_share(cut).error();
        }
        return {};
      }();
      EXPECT_EQ(err, FrostWireErrc::truncated) << int(w[1]) << " at " << n;
    }
    Bytes longer = w;
    longer.push_back(0);
    EXPECT_FALSE(parse_coordination(longer, kLimits) && parse_package(longer, kLimits) &&
                 parse_commitment(longer) && parse_share(longer));
  }
  Bytes longer = encode(s);
  longer.push_back(0);
  EXPECT_EQ(parse_share(longer).error(), FrostWireErrc::trailing_bytes);
  Bytes lc = encode(coordination());
  lc.push_back(0);
  EXPECT_EQ(parse_coordination(lc, kLimits).error(), FrostWireErrc::trailing_bytes);
}

TEST(FrostWire, HeaderModeAndListViolationsAreTyped) {
  const Bytes wire = encode(coordination());
  auto with = [&](std::size_t at, std::uint8_t v) {
    Bytes b = wire;
    b[at] = v;
    return parse_coordination(b, kLimits).error();
  };
  EXPECT_EQ(with(0, 2), FrostWireErrc::bad_version);
  EXPECT_EQ(with(1, 0), FrostWireErrc::bad_type);
  EXPECT_EQ(with(1, 5), FrostWireErrc::bad_type);
  EXPECT_EQ(with(1, 2), FrostWireErrc::bad_type);  // a commitment is not a coordination
  EXPECT_EQ(with(35, 2), FrostWireErrc::bad_flags);
  EXPECT_EQ(with(36, 1), FrostWireErrc::bad_flags);
  EXPECT_EQ(with(37, 1), FrostWireErrc::bad_threshold);    // threshold 1
  EXPECT_EQ(with(37, 5), FrostWireErrc::bad_threshold);    // above the 4 signers
  EXPECT_EQ(with(57, 0), FrostWireErrc::bad_signer_list);  // identifier 0 (low byte 1 -> 0)
  EXPECT_EQ(with(59, 1), FrostWireErrc::bad_signer_list);  // 1, 1: duplicate
  EXPECT_EQ(with(61, 3), FrostWireErrc::bad_signer_list);  // 1, 4, 3: not increasing

  FrostCoordination big = coordination();
  big.signers.clear();
  for (std::uint16_t i = 1; i <= 17; ++i) big.signers.push_back(i);
  EXPECT_EQ(parse_coordination(encode(big), kLimits).error(), FrostWireErrc::too_many_signers);
  // The limit holds even when the message is truncated right after its fixed part (no allocation first).
  Bytes fixed = encode(big);
  fixed.resize(kCoordinationFixedSize);
  EXPECT_EQ(parse_coordination(fixed, kLimits).error(), FrostWireErrc::too_many_signers);
  FrostCoordination none = coordination();
  none.signers.clear();
  none.threshold = 0;
  EXPECT_EQ(parse_coordination(encode(none), kLimits).error(), FrostWireErrc::bad_signer_list);
  FrostCoordination longmsg = coordination();
  longmsg.message.assign(65, 'x');
  EXPECT_EQ(parse_coordination(encode(longmsg), kLimits).error(), FrostWireErrc::message_too_large);

  FrostPackage p = package();
  p.commitments[2].signer = 3;
  EXPECT_EQ(parse_package(encode(p), kLimits).error(), FrostWireErrc::bad_signer_list);
  p.commitments.clear();
  EXPECT_EQ(parse_package(encode(p), kLimits).error(), FrostWireErrc::bad_signer_list);
  FrostShare s;
  s.header = header(FrostType::share);
  EXPECT_EQ(parse_share(encode(s)).error(), FrostWireErrc::bad_signer_list);  // identifier 0
}

TEST(FrostWire, RandomBytesNeverCrashAndAcceptedOnesReEncodeExactly) {
  auto rng = DeterministicRng::from_u64(5);
  const Bytes seed = encode(coordination());
  for (int i = 0; i < 20000; ++i) {
    Bytes b = seed;
    const std::size_t flips = 1 + rng.uniform(4);
    for (std::size_t f = 0; f < flips; ++f)
      b[rng.uniform(b.size())] = static_cast<std::uint8_t>(rng.next_u64());
    if (rng.uniform(4) == 0) b.resize(rng.uniform(b.size() + 1));
    if (auto m = parse_coordination(b, kLimits)) {
      EXPECT_EQ(encode(*m), b);
    }
    if (auto m = parse_package(b, kLimits)) {
      EXPECT_EQ(encode(*m), b);
    }
  }
}

}  // namespace
}  // namespace stakecast::codec
