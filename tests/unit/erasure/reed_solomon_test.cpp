#include "erasure/reed_solomon.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

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

}  // namespace
}  // namespace stakecast::erasure
