#include "proto/rotor/reliability.hpp"

#include <gtest/gtest.h>

namespace stakecast::rotor {
namespace {

TEST(Reliability, EwmaMovesTowardObservations) {
  ReliabilityTracker t({.alpha_shift = 3, .initial = kReliabilityOne}, 3);
  EXPECT_EQ(t.score(ValidatorIndex{1}), kReliabilityOne);
  t.record(ValidatorIndex{1}, false);
  EXPECT_EQ(t.score(ValidatorIndex{1}), kReliabilityOne - kReliabilityOne / 8);
  for (int i = 0; i < 100; ++i) t.record(ValidatorIndex{1}, false);
  EXPECT_LT(t.score(ValidatorIndex{1}), 10u);
  for (int i = 0; i < 100; ++i) t.record(ValidatorIndex{1}, true);
  EXPECT_GT(t.score(ValidatorIndex{1}), kReliabilityOne - 10);
  // Always on time stays at one; others untouched; out-of-range ignored.
  t.record(ValidatorIndex{0}, true);
  EXPECT_EQ(t.score(ValidatorIndex{0}), kReliabilityOne);
  t.record(ValidatorIndex{9}, false);
  EXPECT_EQ(t.score(ValidatorIndex{9}), 0u);
  EXPECT_EQ(t.scores().size(), 3u);
}

TEST(Reliability, ResetOnEpochChange) {
  ReliabilityTracker t({.alpha_shift = 1, .initial = 1000}, 2);
  t.record(ValidatorIndex{0}, true);
  EXPECT_EQ(t.score(ValidatorIndex{0}), 1000u + (kReliabilityOne - 1000) / 2);
  t.reset(4);
  EXPECT_EQ(t.scores().size(), 4u);
  EXPECT_EQ(t.score(ValidatorIndex{0}), 1000u);
}

}  // namespace
}  // namespace stakecast::rotor
