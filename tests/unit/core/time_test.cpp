#include "core/time.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

TEST(TimePoint, ArithmeticAndSaturation) {
  TimePoint t = TimePoint::from_ns(1000);
  EXPECT_EQ((t + 5ms).ns, 1000 + 5'000'000);
  EXPECT_EQ((t + 5ms) - t, Duration(5ms));
  EXPECT_EQ(TimePoint::max() + 1s, TimePoint::max());
  EXPECT_LT(t, TimePoint::max());
  EXPECT_DOUBLE_EQ((TimePoint{} + 1500us).ms(), 1.5);
}

}  // namespace
}  // namespace stakecast
