#include "core/bounded.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

TEST(BoundedQueue, RejectNewWhenFull) {
  BoundedQueue<int> q(2);
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  EXPECT_FALSE(q.push(3));
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_TRUE(q.empty());
}

TEST(BoundedQueue, DropOldestKeepsNewest) {
  BoundedQueue<int> q(2, DropPolicy::drop_oldest);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push(i));
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.dropped(), 3u);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.pop(), 4);
}

TEST(BoundedQueue, ZeroCapacityStoresNothing) {
  BoundedQueue<int> q(0, DropPolicy::drop_oldest);
  EXPECT_FALSE(q.push(1));
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace stakecast
