#include "proto/rotor/stake_tracker.hpp"

#include <gtest/gtest.h>

namespace stakecast::rotor {
namespace {

std::shared_ptr<const ValidatorSet> set(std::uint64_t epoch, std::vector<std::uint64_t> stakes) {
  std::vector<Stake> s;
  std::vector<crypto::Ed25519PublicKey> k;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    s.push_back(Stake{stakes[i]});
    crypto::Ed25519PublicKey key{};
    key[0] = static_cast<std::uint8_t>(i);
    k.push_back(key);
  }
  return *ValidatorSet::create(Epoch{epoch}, s, k);
}

TEST(StakeTracker, EpochChangesExactlyAtTheSlotBoundary) {
  StakeTracker t;
  ASSERT_TRUE(t.schedule(Slot{0}, set(0, {10, 5})));
  ASSERT_TRUE(t.schedule(Slot{100}, set(1, {7, 7, 1})));
  EXPECT_FALSE(t.current());
  auto c0 = t.on_slot(Slot{3});
  ASSERT_TRUE(c0);
  EXPECT_FALSE(c0->from);
  EXPECT_EQ(c0->to, Epoch{0});
  EXPECT_EQ(t.current()->size(), 2u);
  EXPECT_FALSE(t.on_slot(Slot{99}));
  EXPECT_EQ(t.current_epoch(), Epoch{0});
  // The next epoch is visible for its slots before it is current (shreds may arrive early).
  EXPECT_EQ(t.for_slot(Slot{100})->epoch(), Epoch{1});
  EXPECT_EQ(t.for_slot(Slot{99})->epoch(), Epoch{0});
  auto c1 = t.on_slot(Slot{100});
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->from, Epoch{0});
  EXPECT_EQ(c1->to, Epoch{1});
  EXPECT_EQ(c1->first_slot, Slot{100});
  EXPECT_EQ(c1->set->size(), 3u);
  EXPECT_EQ(t.current()->total_stake(), Stake{15});
  // Never backwards, even if an old slot is reported.
  EXPECT_FALSE(t.on_slot(Slot{50}));
  EXPECT_EQ(t.current_epoch(), Epoch{1});
}

TEST(StakeTracker, SkipsToTheLatestEpochAndPrunes) {
  StakeTracker t({.max_epochs = 2});
  for (std::uint64_t e = 0; e < 2; ++e) ASSERT_TRUE(t.schedule(Slot{e * 10}, set(e, {1})));
  ASSERT_TRUE(t.on_slot(Slot{0}));
  ASSERT_TRUE(t.schedule(Slot{20}, set(2, {1})));  // three epochs kept until the current moves
  auto c = t.on_slot(Slot{25});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->from, Epoch{0});
  EXPECT_EQ(c->to, Epoch{2});
  EXPECT_FALSE(t.for_epoch(Epoch{0}));
  EXPECT_TRUE(t.for_epoch(Epoch{1}));
  EXPECT_EQ(t.first_slot(Epoch{2}), Slot{20});
}

TEST(StakeTracker, RejectsOutOfOrderSchedules) {
  StakeTracker t;
  ASSERT_TRUE(t.schedule(Slot{10}, set(3, {1})));
  EXPECT_EQ(t.schedule(Slot{20}, set(3, {1})).error(), StakeTrackerErrc::out_of_order);
  EXPECT_EQ(t.schedule(Slot{10}, set(4, {1})).error(), StakeTrackerErrc::out_of_order);
  EXPECT_EQ(t.schedule(Slot{20}, nullptr).error(), StakeTrackerErrc::null_set);
  EXPECT_FALSE(t.on_slot(Slot{9}));
  EXPECT_FALSE(t.for_slot(Slot{9}));
}

}  // namespace
}  // namespace stakecast::rotor
