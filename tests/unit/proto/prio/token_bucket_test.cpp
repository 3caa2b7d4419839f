#include "proto/prio/token_bucket.hpp"

#include <gtest/gtest.h>

namespace stakecast::prio {
namespace {

TimePoint at_ms(std::int64_t ms) { return TimePoint::from_ns(ms * 1'000'000); }

TEST(TokenBucket, StartsFullAndRefillsWithVirtualTime) {
  TokenBucket b(1000, 500, at_ms(0));  // 1000 B/s, depth 500 B
  EXPECT_EQ(b.available(at_ms(0)), 500u);
  EXPECT_TRUE(b.try_take(500, at_ms(0)));
  EXPECT_FALSE(b.try_take(1, at_ms(0)));
  EXPECT_EQ(b.available(at_ms(100)), 100u);  // 0.1 s at 1000 B/s
  EXPECT_FALSE(b.try_take(101, at_ms(100)));
  EXPECT_TRUE(b.try_take(100, at_ms(100)));
  // Long idle periods saturate at the depth, without overflow.
  EXPECT_EQ(b.available(at_ms(1'000'000'000)), 500u);
}

TEST(TokenBucket, SubByteRefillsAccumulate) {
  TokenBucket b(3, 10, at_ms(0));  // 3 B/s
  ASSERT_TRUE(b.try_take(10, at_ms(0)));
  // 1/3 s steps: each adds exactly one byte's worth of nano-tokens in total over three steps.
  EXPECT_EQ(b.available(TimePoint::from_ns(333'333'333)), 0u);
  EXPECT_EQ(b.available(TimePoint::from_ns(333'333'334)), 1u);
  EXPECT_EQ(b.available(TimePoint::from_ns(1'000'000'000)), 3u);
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
  TokenBucket b(1000, 100, at_ms(10));
  ASSERT_TRUE(b.try_take(100, at_ms(10)));
  EXPECT_EQ(b.available(at_ms(5)), 0u);
  EXPECT_EQ(b.available(at_ms(20)), 10u);
}

TEST(TokenBucket, ReconfigureClampsToNewDepth) {
  TokenBucket b(1000, 1000, at_ms(0));
  b.reconfigure(10, 100, at_ms(0));
  EXPECT_EQ(b.available(at_ms(0)), 100u);
  EXPECT_EQ(b.rate(), 10u);
  EXPECT_FALSE(b.try_take(TokenBucket::kMaxCapacity + 1, at_ms(0)));
}

TEST(TokenBucket, HugeRatesAreClampedAndDoNotOverflow) {
  TokenBucket b(~0ULL, TokenBucket::kMaxCapacity, at_ms(0));
  EXPECT_EQ(b.rate(), TokenBucket::kMaxRate);
  ASSERT_TRUE(b.try_take(TokenBucket::kMaxCapacity, at_ms(0)));
  EXPECT_EQ(b.available(TimePoint::from_ns(1)), 1'000'000u);
  EXPECT_EQ(b.available(at_ms(1'000'000)), TokenBucket::kMaxCapacity);
}

}  // namespace
}  // namespace stakecast::prio
