#include "proto/rotor/leader_schedule.hpp"

#include <gtest/gtest.h>

#include <map>

namespace stakecast::rotor {
namespace {

std::shared_ptr<const ValidatorSet> set(std::vector<std::uint64_t> stakes) {
  std::vector<Stake> s;
  std::vector<crypto::Ed25519PublicKey> k;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    s.push_back(Stake{stakes[i]});
    crypto::Ed25519PublicKey key{};
    key[0] = static_cast<std::uint8_t>(i);
    k.push_back(key);
  }
  return *ValidatorSet::create(Epoch{5}, s, k);
}

TEST(LeaderSchedule, NamedSlotsWinAndNextLeaderSkipsTheCurrentOne) {
  auto vs = set({10, 10, 10});
  LeaderSchedule s({.window = 1, .default_rule = false});
  EXPECT_FALSE(s.leader_of(Slot{1}, *vs));
  s.set(Slot{1}, ValidatorIndex{2});
  s.set(Slot{2}, ValidatorIndex{2});
  s.set(Slot{3}, ValidatorIndex{0});
  s.set(Slot{4}, ValidatorIndex{9});  // not in the set: no leader
  EXPECT_EQ(s.leader_of(Slot{1}, *vs), ValidatorIndex{2});
  EXPECT_EQ(s.next_leader(Slot{1}, *vs), ValidatorIndex{0});
  EXPECT_FALSE(s.leader_of(Slot{4}, *vs));
  s.forget_before(Slot{3});
  EXPECT_FALSE(s.leader_of(Slot{2}, *vs));
}

TEST(LeaderSchedule, DefaultRuleIsStakeWeightedPerWindowAndDeterministic) {
  auto vs = set({700, 200, 100});
  LeaderSchedule s({.window = 4});
  std::map<std::uint32_t, int> count;
  for (std::uint64_t slot = 0; slot < 4000; ++slot) {
    auto l = s.leader_of(Slot{slot}, *vs);
    ASSERT_TRUE(l);
    // Same leader through a window.
    EXPECT_EQ(l, s.leader_of(Slot{slot - slot % 4}, *vs));
    if (slot % 4 == 0) ++count[l->get()];
  }
  EXPECT_NEAR(count[0], 700, 60);
  EXPECT_NEAR(count[1], 200, 50);
  EXPECT_NEAR(count[2], 100, 40);
  EXPECT_EQ(LeaderSchedule::default_leader(Slot{123}, *vs, 4),
            LeaderSchedule::default_leader(Slot{120}, *vs, 4));
}

}  // namespace
}  // namespace stakecast::rotor
