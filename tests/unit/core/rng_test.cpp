#include "core/rng.hpp"

#include <gtest/gtest.h>

#include <map>

namespace stakecast {
namespace {

TEST(DeterministicRng, MatchesRfc8439KeystreamForZeroKey) {
  // RFC 8439 A.1 test vector #1: all-zero key, all-zero nonce, counter 0.
  DeterministicRng rng(DeterministicRng::Seed{});
  Bytes out(16);
  rng.fill(out);
  EXPECT_EQ(to_hex(out), "76b8e0ada0f13d90405d6ae55386bd28");
}

TEST(DeterministicRng, SameSeedSameStreamAcrossCallShapes) {
  auto a = DeterministicRng::from_label("relay", as_bytes("slot-7"));
  auto b = DeterministicRng::from_label("relay", as_bytes("slot-7"));
  Bytes big(200);
  a.fill(big);
  Bytes pieces;
  for (std::size_t n : {1, 7, 64, 100, 28}) {
    Bytes part(n);
    b.fill(part);
    append(pieces, part);
  }
  EXPECT_EQ(big, pieces);
  auto c = DeterministicRng::from_label("relay", as_bytes("slot-8"));
  EXPECT_NE(a.next_u64(), c.next_u64());
}

TEST(DeterministicRng, Next64IsLittleEndianOfKeystream) {
  DeterministicRng a(DeterministicRng::Seed{});
  EXPECT_EQ(a.next_u64(), 0x903df1a0ade0b876ULL);
}

TEST(DeterministicRng, UniformStaysInRangeAndCoversIt) {
  auto rng = DeterministicRng::from_u64(42);
  std::map<std::uint64_t, int> counts;
  for (int i = 0; i < 6000; ++i) {
    auto v = rng.uniform(6);
    ASSERT_LT(v, 6u);
    ++counts[v];
  }
  ASSERT_EQ(counts.size(), 6u);
  for (auto [v, c] : counts) EXPECT_GT(c, 800) << v;
  EXPECT_EQ(rng.uniform(1), 0u);
  for (int i = 0; i < 100; ++i) {
    double u = rng.unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(SeededEntropy, SameSeedSameBytesDifferentSeedDifferentBytes) {
  SeededEntropy e1(9), e2(9), e3(10);
  Bytes x(33), y(33), z(33);
  e1.fill(x);
  e2.fill(y);
  e3.fill(z);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}

}  // namespace
}  // namespace stakecast
