#include "erasure/reed_solomon.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>

#include "../alloc_counter.hpp"
#include "core/rng.hpp"

namespace stakecast::erasure {
namespace {

struct Shards {
  std::vector<Bytes> bufs;
  std::vector<std::uint8_t*> ptrs;
  Shards(std::size_t n, std::size_t len) : bufs(n, Bytes(len)) {
    for (auto& b : bufs) ptrs.push_back(b.data());
  }
};

// Encodes random data, erases `lost` shards chosen at random, reconstructs and compares.
void round_trip(std::size_t data, std::size_t parity, std::size_t len, DeterministicRng& rng, Workspace& ws,
                std::size_t lost, bool data_only) {
  auto code = ReedSolomon::create(data, parity);
  ASSERT_TRUE(code);
  Shards s(data + parity, len);
  for (std::size_t i = 0; i < data; ++i) rng.fill(s.bufs[i]);
  std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + static_cast<std::ptrdiff_t>(data));
  ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(data), len));
  const auto original = s.bufs;

  std::vector<std::size_t> order(data + parity);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
  std::vector<char> present(data + parity, 1);
  for (std::size_t i = 0; i < lost; ++i) {
    present[order[i]] = 0;
    std::fill(s.bufs[order[i]].begin(), s.bufs[order[i]].end(), 0xA5);
  }
  std::unique_ptr<bool[]> pres(new bool[present.size()]);
  for (std::size_t i = 0; i < present.size(); ++i) pres[i] = present[i] != 0;
  ASSERT_TRUE(
      code->reconstruct(s.ptrs, std::span<const bool>(pres.get(), present.size()), len, ws, data_only));
  for (std::size_t i = 0; i < data + parity; ++i) {
    if (data_only && i >= data && !present[i]) continue;
    ASSERT_EQ(s.bufs[i], original[i]) << "shard " << i << " data=" << data << " parity=" << parity;
  }
}

TEST(ReedSolomon, AnyLossUpToParityRebuildsExactPayload) {
  auto rng = DeterministicRng::from_u64(7);
  Workspace ws;
  const std::pair<std::size_t, std::size_t> params[] = {{32, 32}, {32, 16},  {1, 1},  {2, 1},
                                                        {7, 5},   {200, 55}, {254, 1}};
  for (auto [d, p] : params) {
    for (int trial = 0; trial < 6; ++trial) {
      std::size_t lost = trial == 0 ? p : rng.uniform(p + 1);
      round_trip(d, p, 64 + rng.uniform(200), rng, ws, lost, trial % 2 == 1);
    }
  }
}

TEST(ReedSolomon, RebuildsFromParityAloneOrFromOneParityShard) {
  // Only data shards missing takes the reduced path (the missing x missing block is inverted): every data
  // shard lost (sources all parity), and a single one lost.
  auto code = ReedSolomon::create(8, 8);
  ASSERT_TRUE(code);
  auto rng = DeterministicRng::from_u64(9);
  for (std::size_t first_lost : {std::size_t{0}, std::size_t{5}}) {
    const std::size_t lost = first_lost == 0 ? 8 : 1;
    Shards s(16, 40);
    for (std::size_t i = 0; i < 8; ++i) rng.fill(s.bufs[i]);
    std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + 8);
    ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(8), 40));
    const auto original = s.bufs;
    bool present[16];
    for (std::size_t i = 0; i < 16; ++i) present[i] = !(i >= first_lost && i < first_lost + lost);
    for (std::size_t i = first_lost; i < first_lost + lost; ++i)
      std::fill(s.bufs[i].begin(), s.bufs[i].end(), 0);
    Workspace ws;
    ASSERT_TRUE(code->reconstruct(s.ptrs, std::span<const bool>(present, 16), 40, ws, true));
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(s.bufs[i], original[i]) << i;
  }
}

TEST(ReedSolomon, WorkspaceReusedAcrossPatternsAndCodes) {
  auto rng = DeterministicRng::from_u64(8);
  Workspace ws;
  for (int i = 0; i < 20; ++i) round_trip(i % 2 ? 32 : 16, 16, 96, rng, ws, 1 + rng.uniform(16), false);
}

TEST(ReedSolomon, RejectsBadParametersAndShapes) {
  EXPECT_EQ(ReedSolomon::create(0, 4).error(), Errc::bad_params);
  EXPECT_EQ(ReedSolomon::create(200, 56).error(), Errc::bad_params);
  EXPECT_TRUE(ReedSolomon::create(255, 0));
  auto code = ReedSolomon::create(4, 2);
  ASSERT_TRUE(code);
  Shards s(6, 16);
  std::vector<const std::uint8_t*> three(s.ptrs.begin(), s.ptrs.begin() + 3);
  EXPECT_EQ(code->encode(three, std::span(s.ptrs).subspan(4), 16).error(), Errc::wrong_shard_count);
  bool present[6] = {true, false, true, false, true, false};
  Workspace ws;
  EXPECT_EQ(code->reconstruct(s.ptrs, present, 16, ws).error(), Errc::not_enough_shards);
  EXPECT_EQ(code->reconstruct(std::span(s.ptrs).first(5), std::span<const bool>(present, 5), 16, ws).error(),
            Errc::wrong_shard_count);
  EXPECT_EQ(code->reconstruct(s.ptrs, present, kMaxShardBytes + 1, ws).error(), Errc::shard_too_large);
}

TEST(CodecCache, ReturnsEquivalentCodesAndStaysBounded) {
  CodecCache cache(2);
  auto a = cache.get(32, 32);
  auto b = cache.get(16, 16);
  auto c = cache.get(8, 8);  // evicts (32, 32)
  ASSERT_TRUE(a && b && c);
  auto a2 = cache.get(32, 32);
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->total_shards(), 64u);
  EXPECT_EQ(cache.get(0, 1).error(), Errc::bad_params);
}

// GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d), written out here independently of ISA-L.
std::uint8_t ref_mul(std::uint8_t a, std::uint8_t b) {
  unsigned r = 0, x = a;
  for (unsigned y = b; y != 0; y >>= 1) {
    if (y & 1) r ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return static_cast<std::uint8_t>(r);
}
std::uint8_t ref_inv(std::uint8_t a) {
  for (unsigned b = 1; b < 256; ++b)
    if (ref_mul(a, static_cast<std::uint8_t>(b)) == 1) return static_cast<std::uint8_t>(b);
  return 0;
}

// The documented code (docs/shred-format.md): systematic, parity row i (i = data..total-1) has the Cauchy
// coefficients 1 / (i xor j) for data shard j. Computed by hand here, so a change of generator, field or
// shard order fails, and the shreds stay decodable by another implementation that follows the document.
TEST(ReedSolomon, ParityIsTheDocumentedCauchyCode) {
  auto rng = DeterministicRng::from_u64(21);
  for (auto [d, p] : {std::pair<std::size_t, std::size_t>{4, 3}, {32, 32}, {1, 5}, {200, 55}}) {
    auto code = ReedSolomon::create(d, p);
    ASSERT_TRUE(code);
    const std::size_t len = 19;
    Shards s(d + p, len);
    for (std::size_t i = 0; i < d; ++i) rng.fill(s.bufs[i]);
    std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + static_cast<std::ptrdiff_t>(d));
    ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(d), len));
    for (std::size_t i = d; i < d + p; ++i) {
      Bytes expect(len, 0);
      for (std::size_t j = 0; j < d; ++j) {
        const std::uint8_t c = ref_inv(static_cast<std::uint8_t>(i ^ j));
        for (std::size_t b = 0; b < len; ++b) expect[b] ^= ref_mul(c, s.bufs[j][b]);
      }
      ASSERT_EQ(s.bufs[i], expect) << d << ":" << p << " parity shard " << i;
    }
  }
}

// Exhaustive for small codes: every set of present shards rebuilds every shard (or every data shard in
// data_only mode) when it has at least `data` members, and is not_enough_shards otherwise.
TEST(ReedSolomon, EveryPresentSetOfAtLeastDataShardsRebuilds) {
  auto rng = DeterministicRng::from_u64(22);
  const std::pair<std::size_t, std::size_t> params[] = {{1, 0}, {1, 1}, {1, 4}, {2, 2}, {3, 5},
                                                        {4, 4}, {6, 3}, {5, 1}, {8, 8}};
  Workspace ws;
  for (auto [d, p] : params) {
    const std::size_t n = d + p, len = 33;
    auto code = ReedSolomon::create(d, p);
    ASSERT_TRUE(code) << d << ":" << p;
    Shards s(n, len);
    for (std::size_t i = 0; i < d; ++i) rng.fill(s.bufs[i]);
    std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + static_cast<std::ptrdiff_t>(d));
    ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(d), len));
    const auto original = s.bufs;
    std::size_t checked = 0;
    for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
      const auto have = static_cast<std::size_t>(std::popcount(mask));
      // For 8:8 only the sets of exactly `data` shards (all 12,870 of them); below `data` everywhere.
      if (n == 16 && have != d) continue;
      std::array<bool, 16> present{};
      for (std::size_t i = 0; i < n; ++i) present[i] = ((mask >> i) & 1) != 0;
      for (bool data_only : {false, true}) {
        for (std::size_t i = 0; i < n; ++i)
          if (!present[i]) std::fill(s.bufs[i].begin(), s.bufs[i].end(), 0xA5);
        auto r = code->reconstruct(s.ptrs, std::span<const bool>(present.data(), n), len, ws, data_only);
        if (have < d) {
          ASSERT_EQ(r.error(), Errc::not_enough_shards) << d << ":" << p << " mask " << mask;
        } else {
          ASSERT_TRUE(r) << d << ":" << p << " mask " << mask;
          for (std::size_t i = 0; i < n; ++i) {
            if (data_only && i >= d && !present[i]) continue;
            ASSERT_EQ(s.bufs[i], original[i]) << d << ":" << p << " mask " << mask << " shard " << i;
          }
          ++checked;
        }
        s.bufs = original;
      }
    }
    EXPECT_GT(checked, 0u);
  }
}

// The extremes of data + parity <= 255: one data shard and 254 parity (any single shard rebuilds all),
// 128:127 losing every parity shard, the first 127 data shards, or 127 at random, and 255:0.
TEST(ReedSolomon, ExtremeSplitsAtTheShardLimit) {
  auto rng = DeterministicRng::from_u64(23);
  Workspace ws;
  {
    auto code = ReedSolomon::create(1, 254);
    ASSERT_TRUE(code);
    Shards s(255, 10);
    rng.fill(s.bufs[0]);
    std::vector<const std::uint8_t*> dptr{s.ptrs[0]};
    ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(1), 10));
    const auto original = s.bufs;
    for (std::size_t keep = 0; keep < 255; ++keep) {
      std::unique_ptr<bool[]> present(new bool[255]());
      present[keep] = true;
      for (std::size_t i = 0; i < 255; ++i)
        if (i != keep) std::fill(s.bufs[i].begin(), s.bufs[i].end(), 0);
      ASSERT_TRUE(code->reconstruct(s.ptrs, std::span<const bool>(present.get(), 255), 10, ws)) << keep;
      ASSERT_EQ(s.bufs, original) << keep;
    }
  }
  {
    auto code = ReedSolomon::create(128, 127);
    ASSERT_TRUE(code);
    Shards s(255, 64);
    for (std::size_t i = 0; i < 128; ++i) rng.fill(s.bufs[i]);
    std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + 128);
    ASSERT_TRUE(code->encode(dptr, std::span(s.ptrs).subspan(128), 64));
    const auto original = s.bufs;
    std::vector<std::size_t> order(255);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
    for (int kind = 0; kind < 3; ++kind) {
      std::unique_ptr<bool[]> present(new bool[255]);
      for (std::size_t i = 0; i < 255; ++i) present[i] = kind == 0 ? i < 128 : kind == 1 ? i >= 127 : true;
      if (kind == 2)
        for (std::size_t i = 0; i < 127; ++i) present[order[i]] = false;
      for (std::size_t i = 0; i < 255; ++i)
        if (!present[i]) std::fill(s.bufs[i].begin(), s.bufs[i].end(), 0);
      ASSERT_TRUE(code->reconstruct(s.ptrs, std::span<const bool>(present.get(), 255), 64, ws)) << kind;
      ASSERT_EQ(s.bufs, original) << kind;
    }
  }
  {
    auto code = ReedSolomon::create(255, 0);
    ASSERT_TRUE(code);
    Shards s(255, 8);
    std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.end());
    EXPECT_TRUE(code->encode(dptr, std::span<std::uint8_t* const>(), 8));
    std::unique_ptr<bool[]> present(new bool[255]);
    std::fill_n(present.get(), 255, true);
    EXPECT_TRUE(code->reconstruct(s.ptrs, std::span<const bool>(present.get(), 255), 8, ws));
    present[200] = false;
    EXPECT_EQ(code->reconstruct(s.ptrs, std::span<const bool>(present.get(), 255), 8, ws).error(),
              Errc::not_enough_shards);
  }
  EXPECT_EQ(ReedSolomon::create(1, 255).error(), Errc::bad_params);
  EXPECT_EQ(ReedSolomon::create(256, 0).error(), Errc::bad_params);
  EXPECT_EQ(ReedSolomon::create(0, 0).error(), Errc::bad_params);
  EXPECT_EQ(ReedSolomon::create(SIZE_MAX, 2).error(), Errc::bad_params);  // data + parity wraps
}

// Encode never allocates; reconstruct allocates nothing once its Workspace has seen a pattern as large as
// the current one, whatever the pattern (new patterns included); a CodecCache hit allocates nothing.
TEST(ReedSolomon, HotPathAllocatesNothing) {
  auto code = ReedSolomon::create(32, 32);
  ASSERT_TRUE(code);
  const std::size_t len = 1024;
  Shards s(64, len);
  auto rng = DeterministicRng::from_u64(24);
  for (std::size_t i = 0; i < 32; ++i) rng.fill(s.bufs[i]);
  std::vector<const std::uint8_t*> dptr(s.ptrs.begin(), s.ptrs.begin() + 32);
  const auto parity = std::span(s.ptrs).subspan(32);

  std::size_t before = test::allocations();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(code->encode(dptr, parity, len));
  EXPECT_EQ(test::allocations() - before, 0u) << "encode allocated";
  const auto original = s.bufs;

  Workspace ws;
  std::array<bool, 64> present{};
  auto run = [&](bool data_only) {
    auto r = code->reconstruct(s.ptrs, std::span<const bool>(present.data(), 64), len, ws, data_only);
    bool ok = r.has_value();
    for (std::size_t i = 0; i < 64 && ok; ++i)
      ok = (data_only && i >= 32 && !present[i]) ||
           std::equal(s.bufs[i].begin(), s.bufs[i].end(), original[i].begin());
    for (std::size_t i = 0; i < 64; ++i) std::copy(original[i].begin(), original[i].end(), s.bufs[i].begin());
    return ok;
  };
  // Warm up with the largest patterns of both kinds: 32 data shards lost, and 16 data + 16 parity lost.
  for (std::size_t i = 0; i < 64; ++i) present[i] = i >= 32;
  ASSERT_TRUE(run(true));
  for (std::size_t i = 0; i < 64; ++i) present[i] = i % 4 >= 2;
  ASSERT_TRUE(run(false));

  before = test::allocations();
  std::size_t ok = 0;
  std::array<std::size_t, 64> order{};
  std::iota(order.begin(), order.end(), 0);
  for (int trial = 0; trial < 60; ++trial) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
    const std::size_t lost = rng.uniform(33);
    present.fill(true);
    for (std::size_t i = 0; i < lost; ++i) present[order[i]] = false;
    ok += run(trial % 2 == 0) ? 1 : 0;
  }
  const std::size_t allocated = test::allocations() - before;
  EXPECT_EQ(ok, 60u);
  EXPECT_EQ(allocated, 0u) << "reconstruct allocated on a warm workspace";

  CodecCache cache;
  ASSERT_TRUE(cache.get(32, 32));
  before = test::allocations();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(cache.get(32, 32));
  EXPECT_EQ(test::allocations() - before, 0u) << "cache hit allocated";
  before = test::allocations();
  ASSERT_TRUE(cache.get(16, 8));
  EXPECT_GT(test::allocations() - before, 0u);  // a miss builds the tables: the counter does see allocations
}

}  // namespace
}  // namespace stakecast::erasure
