#include "proto/rotor/relay_sampler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace stakecast::rotor {
namespace {

using V = std::vector<std::uint32_t>;

// The vector of docs/relay-sampling.md, also produced by scripts/relay_sampling_ref.py (an independent
// Python implementation using another ChaCha20).
const std::vector<Stake> kStakes = {Stake{5000}, Stake{2500}, Stake{1200}, Stake{600}, Stake{300},
                                    Stake{200},  Stake{100},  Stake{60},   Stake{30},  Stake{10}};
const std::vector<RegionId> kRegions = {0, 0, 1, 0, 1, 2, 2, kNoRegion, 1, 0};

SliceKey vector_key() {
  SliceKey k;
  for (std::uint8_t i = 0; i < 32; ++i) k.id[i] = i;
  k.slot = Slot{42};
  k.slice = SliceIndex{3};
  return k;
}

V ints(const std::vector<ValidatorIndex>& c) {
  V out;
  for (auto v : c) out.push_back(v.get());
  return out;
}

RelaySampler make(SamplerConfig cfg, const std::vector<Stake>& stakes = kStakes,
                  const std::vector<RegionId>& regions = {}) {
  auto s = RelaySampler::create(cfg, stakes, regions);
  EXPECT_TRUE(s);
  return std::move(s).value();
}

TEST(RelaySampler, DocumentedVector) {
  // Seed key = SHA-256(LE32(25) || "stakecast/rotor/relays/v1" || id || LE64(42) || LE32(3)), as printed by
  // the reference script.
  auto rng = RelaySampler::slice_rng(vector_key());
  DeterministicRng expected(
      *array_from_hex<32>("80754c5afff2e9aecee6df70346fa7b9fa3b11055c42d3fded7c52c4b66f7ac1"));
  EXPECT_EQ(rng.next_u64(), expected.next_u64());

  const auto leader = ValidatorIndex{0};
  EXPECT_EQ(ints(*make({.strategy = SamplingStrategy::iid}).committee(vector_key(), 8, leader)),
            (V{3, 1, 4, 2, 2, 2, 7, 3}));
  EXPECT_EQ(ints(*make({.strategy = SamplingStrategy::partition}).committee(vector_key(), 8, leader)),
            (V{2, 1, 1, 3, 7, 1, 1, 2}));
  EXPECT_EQ(ints(*make({.strategy = SamplingStrategy::turbine}).committee(vector_key(), 8, leader)),
            (V{1, 2, 2, 2, 3, 1, 2, 4}));
  EXPECT_EQ(
      ints(*make({.strategy = SamplingStrategy::partition, .region_cap_permille = 250}, kStakes, kRegions)
                .committee(vector_key(), 8, leader)),
      (V{2, 1, 1, 2, 7, 5, 5, 7}));
  auto blended = make({.strategy = SamplingStrategy::iid, .blend_reliability = true});
  ASSERT_EQ(blended.config().stake_permille, 700u);  // the default blend: 0.7 stake + 0.3 reliability
  const std::vector<std::uint32_t> rel = {65535, 0, 65535, 30000, 65535, 65535, 65535, 65535, 65535, 65535};
  ASSERT_TRUE(blended.set_reliability(rel));
  EXPECT_EQ(ints(*blended.committee(vector_key(), 8, leader)), (V{8, 1, 4, 1, 1, 1, 4, 2}));
  auto tree = make({}).turbine_tree(vector_key(), ShredIndex{5}, leader);
  ASSERT_TRUE(tree);
  EXPECT_EQ(ints(tree->order), (V{1, 2, 6, 3, 5, 8, 4, 9, 7}));
}

TEST(RelaySampler, PartitionFillsDeterministicBinsForLargeValidators) {
  // 64 relays; validator 0 holds half the stake -> exactly 32 bins, validator 1 a quarter -> 16.
  std::vector<Stake> stakes = {Stake{4000}, Stake{2000}};
  for (int i = 0; i < 40; ++i) stakes.push_back(Stake{50});
  auto s = make({.strategy = SamplingStrategy::partition}, stakes);
  for (std::uint32_t slice = 0; slice < 20; ++slice) {
    SliceKey k;
    k.slot = Slot{7};
    k.slice = SliceIndex{slice};
    auto c = s.committee(k, 64, std::nullopt);
    ASSERT_TRUE(c);
    EXPECT_EQ(std::count(c->begin(), c->end(), ValidatorIndex{0}), 32);
    EXPECT_EQ(std::count(c->begin(), c->end(), ValidatorIndex{1}), 16);
    // The 16 remaining bins hold 40 small validators' 2000 stake: 125 stake each, one draw per bin, so a
    // validator of 50 stake can appear at most once per bin it overlaps (at most twice).
    std::map<std::uint32_t, int> small;
    for (auto v : *c)
      if (v.get() >= 2) ++small[v.get()];
    for (auto [v, n] : small) EXPECT_LE(n, 2) << v;
  }
}

TEST(RelaySampler, IidFrequenciesFollowStake) {
  std::vector<Stake> stakes = {Stake{600}, Stake{300}, Stake{100}};
  auto s = make({.strategy = SamplingStrategy::iid, .cache_slices = 0}, stakes);
  std::map<std::uint32_t, int> n;
  for (std::uint32_t slice = 0; slice < 200; ++slice) {
    SliceKey k;
    k.slice = SliceIndex{slice};
    auto c = s.committee(k, 50, std::nullopt);
    ASSERT_TRUE(c);
    for (auto v : *c) ++n[v.get()];
  }
  // 10,000 draws: 6000/3000/1000 expected; 5 sigma is < 250.
  EXPECT_NEAR(n[0], 6000, 250);
  EXPECT_NEAR(n[1], 3000, 250);
  EXPECT_NEAR(n[2], 1000, 160);
}

TEST(RelaySampler, LeaderIsNeverARelayAndZeroStakeNeverDrawn) {
  std::vector<Stake> stakes = {Stake{1000}, Stake{0}, Stake{10}, Stake{10}};
  for (auto strat : {SamplingStrategy::iid, SamplingStrategy::partition, SamplingStrategy::turbine}) {
    auto s = make({.strategy = strat}, stakes);
    for (std::uint32_t slice = 0; slice < 30; ++slice) {
      SliceKey k;
      k.slice = SliceIndex{slice};
      auto c = s.committee(k, 16, ValidatorIndex{0});
      ASSERT_TRUE(c);
      for (auto v : *c) EXPECT_TRUE(v == ValidatorIndex{2} || v == ValidatorIndex{3});
    }
  }
  auto only = make({}, std::vector<Stake>{Stake{5}});
  EXPECT_EQ(only.committee(SliceKey{}, 4, ValidatorIndex{0}).error(), SamplerErrc::no_eligible_relays);
  EXPECT_EQ(only.committee(SliceKey{}, 0, std::nullopt).error(), SamplerErrc::invalid_count);
  EXPECT_EQ(only.committee(SliceKey{}, 256, std::nullopt).error(), SamplerErrc::invalid_count);
}

TEST(RelaySampler, DifferentSlicesDifferentCommitteesSameInputsSameCommittee) {
  std::vector<Stake> stakes(100, Stake{10});
  auto a = make({.strategy = SamplingStrategy::partition}, stakes);
  auto b = make({.strategy = SamplingStrategy::partition}, stakes);
  SliceKey k1, k2, k3;
  k2.slice = SliceIndex{1};
  k3.slot = Slot{1};
  EXPECT_EQ(*a.committee(k1, 64, std::nullopt), *b.committee(k1, 64, std::nullopt));
  EXPECT_NE(*a.committee(k1, 64, std::nullopt), *a.committee(k2, 64, std::nullopt));
  EXPECT_NE(*a.committee(k1, 64, std::nullopt), *a.committee(k3, 64, std::nullopt));
  k1.id[31] = 1;
  EXPECT_NE(*a.committee(k1, 64, std::nullopt), *b.committee(SliceKey{}, 64, std::nullopt));
}

TEST(RelaySampler, CachedPerSliceEvenWhenReliabilityChanges) {
  auto s = make(
      {.strategy = SamplingStrategy::iid, .blend_reliability = true, .stake_permille = 0, .cache_slices = 2});
  const auto c1 = *s.committee(vector_key(), 32, std::nullopt);
  std::vector<std::uint32_t> rel(kStakes.size(), 0);
  rel[9] = kReliabilityOne;  // only validator 9 is reliable now
  ASSERT_TRUE(s.set_reliability(rel));
  EXPECT_EQ(*s.committee(vector_key(), 32, std::nullopt), c1);  // cached
  SliceKey fresh = vector_key();
  fresh.slice = SliceIndex{4};
  const auto c2 = *s.committee(fresh, 32, std::nullopt);
  for (auto v : c2) EXPECT_EQ(v, ValidatorIndex{9});  // pure reliability weighting
  EXPECT_EQ(s.cached(), 2u);
  SliceKey later = vector_key();
  later.slot = Slot{50};
  ASSERT_TRUE(s.committee(later, 32, std::nullopt));
  EXPECT_EQ(s.cached(), 2u);  // bounded; slot 42 entries evicted first
  EXPECT_NE(*s.committee(vector_key(), 32, std::nullopt), c1);
  EXPECT_EQ(s.set_reliability(std::vector<std::uint32_t>(3)).error(), SamplerErrc::invalid_config);
}

TEST(RelaySampler, RegionCapsHoldWhenFeasible) {
  // Region 0 has 90% of the stake; cap 25% of 16 relays = 4.
  std::vector<Stake> stakes;
  std::vector<RegionId> regions;
  for (int i = 0; i < 9; ++i) stakes.push_back(Stake{1000}), regions.push_back(0);
  for (int r = 1; r <= 5; ++r) stakes.push_back(Stake{20}), regions.push_back(static_cast<RegionId>(r));
  for (auto strat : {SamplingStrategy::iid, SamplingStrategy::partition}) {
    auto s = make({.strategy = strat, .region_cap_permille = 250}, stakes, regions);
    for (std::uint32_t slice = 0; slice < 20; ++slice) {
      SliceKey k;
      k.slice = SliceIndex{slice};
      auto c = s.committee(k, 16, std::nullopt);
      ASSERT_TRUE(c);
      std::map<RegionId, int> per;
      for (auto v : *c) ++per[regions[v.get()]];
      for (auto [r, n] : per) EXPECT_LE(n, 4) << "region " << r;
    }
  }
}

TEST(RelaySampler, TurbineTreeCoversEveryoneOnceWithConsistentLinks) {
  std::vector<Stake> stakes;
  for (int i = 0; i < 500; ++i) stakes.push_back(Stake{static_cast<std::uint64_t>(1000 - i)});
  stakes.push_back(Stake{0});
  auto s = make({.turbine_fanout = 20}, stakes);
  auto t = s.turbine_tree(SliceKey{}, ShredIndex{3}, ValidatorIndex{7});
  ASSERT_TRUE(t);
  std::set<std::uint32_t> seen;
  for (auto v : t->order) seen.insert(v.get());
  EXPECT_EQ(seen.size(), 500u);  // everyone but the leader
  EXPECT_FALSE(seen.count(7));
  EXPECT_EQ(t->order.back(), ValidatorIndex{500});  // zero stake goes last
  std::size_t reached = 1;
  for (auto v : t->order) {
    auto kids = t->children_of(v);
    EXPECT_LE(kids.size(), 20u);
    for (auto k : kids) EXPECT_EQ(t->parent_of(k), v);
    reached += kids.size();
  }
  EXPECT_EQ(reached, 500u);
  EXPECT_FALSE(t->parent_of(t->order[0]));
  // Heavier validators sit nearer the root on average.
  double top = 0, bottom = 0;
  for (std::uint32_t shred = 0; shred < 50; ++shred) {
    auto tr = *s.turbine_tree(SliceKey{}, ShredIndex{shred}, std::nullopt);
    top += static_cast<double>(*tr.position_of(ValidatorIndex{0}));
    bottom += static_cast<double>(*tr.position_of(ValidatorIndex{499}));
  }
  EXPECT_LT(top, bottom);
}

TEST(RelaySampler, TurbineChildrenEqualTheFullTreesChildren) {
  // Uneven stakes with zero-stake validators, several fanouts (with `few` the zero-stake tail holds
  // parents too), with and without an excluded leader: every validator's children, computed by the early
  // stopping shuffle, are those of the full tree, call after call (the cached weights are restored).
  std::vector<Stake> many, few;  // few: positive stakes run out before the parent positions do
  for (int i = 0; i < 300; ++i) many.push_back(Stake{static_cast<std::uint64_t>((i * 7919) % 1000 + 1)});
  for (int i = 0; i < 20; ++i) many.push_back(Stake{0});
  for (int i = 0; i < 10; ++i) few.push_back(Stake{static_cast<std::uint64_t>(100 - i)});
  for (int i = 0; i < 60; ++i) few.push_back(Stake{0});
  for (auto [fanout, stakes] :
       {std::pair{3u, few}, std::pair{3u, many}, std::pair{20u, many}, std::pair{200u, many}}) {
    auto s = make({.strategy = SamplingStrategy::turbine, .turbine_fanout = fanout}, stakes);
    for (std::optional<ValidatorIndex> ex :
         {std::optional<ValidatorIndex>{}, std::optional{ValidatorIndex{4}}}) {
      for (std::uint32_t shred = 0; shred < 3; ++shred) {
        auto full = s.turbine_tree(vector_key(), ShredIndex{shred}, ex);
        ASSERT_TRUE(full);
        for (std::uint32_t v = 0; v < stakes.size(); ++v) {
          auto kids = s.turbine_children(vector_key(), ShredIndex{shred}, ex, ValidatorIndex{v});
          ASSERT_TRUE(kids);
          EXPECT_EQ(*kids, full->children_of(ValidatorIndex{v})) << fanout << " " << shred << " " << v;
        }
      }
    }
  }
  auto none = make({.strategy = SamplingStrategy::turbine}, std::vector<Stake>{Stake{0}, Stake{0}});
  EXPECT_EQ(none.turbine_children(vector_key(), ShredIndex{0}, std::nullopt, ValidatorIndex{0}).error(),
            SamplerErrc::no_eligible_relays);
}

TEST(RelaySampler, RejectsBadConfig) {
  EXPECT_EQ(RelaySampler::create({.stake_permille = 1001}, kStakes).error(), SamplerErrc::invalid_config);
  EXPECT_EQ(RelaySampler::create({.turbine_fanout = 0}, kStakes).error(), SamplerErrc::invalid_config);
  EXPECT_EQ(RelaySampler::create({}, kStakes, std::vector<RegionId>{1, 2}).error(),
            SamplerErrc::invalid_config);
  std::vector<Stake> huge = {Stake{~0ULL}, Stake{1}};
  EXPECT_EQ(RelaySampler::create({}, huge).error(), SamplerErrc::invalid_config);
}

TEST(RelaySampler, LamportScaleStakesUse128BitPartitionArithmetic) {
  std::vector<Stake> stakes = {Stake{9'000'000'000'000'000'000ULL}, Stake{4'000'000'000'000'000'000ULL},
                               Stake{3'000'000'000'000'000'000ULL}};
  auto s = make({.strategy = SamplingStrategy::partition}, stakes);
  auto c = s.committee(SliceKey{}, 255, std::nullopt);
  ASSERT_TRUE(c);
  // 255 x 9/16 = 143.4 -> 143 deterministic bins, plus possibly one random one.
  const auto n0 = std::count(c->begin(), c->end(), ValidatorIndex{0});
  EXPECT_GE(n0, 143);
  EXPECT_LE(n0, 144);
}

}  // namespace
}  // namespace stakecast::rotor
