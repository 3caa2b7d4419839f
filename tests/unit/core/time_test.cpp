#include "core/time.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

// TimePoint has no clock: time only comes in as a value (ARCHITECTURE.md 3).
template <class T>
concept HasNow = requires {
  T::now();
}
|| requires(T t) { t.now(); };
static_assert(!HasNow<TimePoint>);
static_assert(HasNow<std::chrono::steady_clock>);  // the concept does detect a clock

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
