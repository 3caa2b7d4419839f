#include "sim/token_bucket.hpp"

#include <gtest/gtest.h>

namespace stakecast::sim {
namespace {

TimePoint ms(std::int64_t v) { return TimePoint::from_ns(v * 1'000'000); }

TEST(TokenBucket, SerializesWithoutBurst) {
  TokenBucket b(1'000'000, 0);  // 1 MB/s: 1000 bytes per ms
  EXPECT_EQ(b.reserve(ms(0), 1000), ms(1));
  EXPECT_EQ(b.reserve(ms(0), 1000), ms(2));  // queued behind the first
  EXPECT_EQ(b.reserve(ms(1), 500), ms(2) + Duration(500'000));
  // Idle time earns no credit without a burst.
  EXPECT_EQ(b.reserve(ms(10), 1000), ms(11));
  EXPECT_EQ(b.peek(ms(11), 2000), ms(13));
  EXPECT_EQ(b.reserve(ms(11), 2000), ms(13));
}

TEST(TokenBucket, BurstPassesAtOnceAndRefillsUpToDepth) {
  TokenBucket b(1'000'000, 3000);
  EXPECT_EQ(b.reserve(ms(100), 1000), ms(100));
  EXPECT_EQ(b.reserve(ms(100), 1000), ms(100));
  EXPECT_EQ(b.reserve(ms(100), 1000), ms(100));
  EXPECT_EQ(b.reserve(ms(100), 1000), ms(101));  // bucket empty: pays its own serialization
  // After 1 ms the debt is paid; 10 more ms refill only the 3000-byte depth.
  EXPECT_EQ(b.reserve(ms(111), 3000), ms(111));
  EXPECT_EQ(b.reserve(ms(111), 1), ms(111) + Duration(1000));
}

TEST(TokenBucket, UnlimitedAndRounding) {
  TokenBucket u;
  EXPECT_TRUE(u.unlimited());
  EXPECT_EQ(u.reserve(ms(5), 1u << 30), ms(5));
  TokenBucket slow(3, 0);
  EXPECT_EQ(slow.serialization(1), Duration(333'333'334));  // rounded up
  EXPECT_EQ(slow.serialization(3), Duration(1'000'000'000));
  TokenBucket one(1, 0);
  // Absurd sizes saturate instead of overflowing.
  EXPECT_GT(one.serialization(~std::uint64_t{0}), Duration(std::int64_t{1} << 61));
  EXPECT_GT(one.reserve(ms(0), ~std::uint64_t{0}), ms(0));
}

}  // namespace
}  // namespace stakecast::sim
