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

// Known answers computed outside this code base (OpenSSL's ChaCha20 and SHA-256), per docs/rng.md.
TEST(DeterministicRng, KnownAnswersForSeedingAndBlockBoundaries) {
  // Block 1 of the all-zero key is RFC 8439 A.1 test vector #2: the counter advances across blocks.
  DeterministicRng z(DeterministicRng::Seed{});
  Bytes first(64), second(64);
  z.fill(first);
  z.fill(second);
  EXPECT_EQ(to_hex(second),
            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
            "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
  // from_u64(42): K = LE64(42) || 24 zero bytes.
  EXPECT_EQ(DeterministicRng::from_u64(42).next_u64(), 0x6ae30a5126e5761fULL);
  // from_label("relay", "slot-7"): K = SHA-256(05 00 00 00 || "relay" || "slot-7")
  //   = 05b6c633db9375ed1542f486c575ef8a295c3637f92da85cd54a85106d1b2deb.
  auto l = DeterministicRng::from_label("relay", as_bytes("slot-7"));
  Bytes out(16);
  l.fill(out);
  EXPECT_EQ(to_hex(out), "df7520131a90e07ccae470021941c4ca");
  DeterministicRng by_key(
      *array_from_hex<32>("05b6c633db9375ed1542f486c575ef8a295c3637f92da85cd54a85106d1b2deb"));
  Bytes again(16);
  by_key.fill(again);
  EXPECT_EQ(again, out);
}

// uniform(n) is exactly the documented rejection rule, re-implemented here over a twin stream, including
// moduli where rejection is frequent (2^63 + 1 rejects almost half of all draws).
TEST(DeterministicRng, UniformFollowsTheDocumentedRejectionRule) {
  auto a = DeterministicRng::from_u64(5);
  auto b = DeterministicRng::from_u64(5);
  const std::uint64_t moduli[] = {
      1, 2, 3, 6, 1000, (1ULL << 63) + 1, (1ULL << 63), ~0ULL, (1ULL << 62) * 3 + 7};
  for (int round = 0; round < 50; ++round) {
    for (std::uint64_t n : moduli) {
      // rem = 2^64 mod n = ((2^64 - 1) mod n + 1) mod n; accept x when rem == 0 or x < 2^64 - rem,
      // i.e. x <= (2^64 - 1) - rem.
      const std::uint64_t rem = (UINT64_MAX % n + 1) % n;
      std::uint64_t x = b.next_u64();
      while (rem != 0 && x > UINT64_MAX - rem) x = b.next_u64();
      ASSERT_EQ(a.uniform(n), x % n) << "n=" << n << " round " << round;
    }
  }
}

TEST(SystemEntropy, FillsFromTheOperatingSystem) {
  SystemEntropy e;
  Entropy& any = e;
  Bytes x(32, 0), y(32, 0);
  any.fill(x);
  any.fill(y);
  EXPECT_NE(x, Bytes(32, 0));
  EXPECT_NE(x, y);  // 2^-256 chance of a false failure
  Bytes empty;
  any.fill(empty);  // zero-length request is fine
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
