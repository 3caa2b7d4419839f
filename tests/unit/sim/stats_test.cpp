#include "sim/stats.hpp"

#include <gtest/gtest.h>

namespace stakecast::sim {
namespace {

using std::chrono::milliseconds;
using A = std::vector<std::optional<Duration>>;

TEST(Stats, StakeTimeIsWhenEnoughStakeHasArrived) {
  const A arrival{milliseconds(20), milliseconds(0), std::nullopt, milliseconds(10)};
  const std::vector<Stake> stake{Stake{20}, Stake{50}, Stake{10}, Stake{20}};
  EXPECT_EQ(stake_time(arrival, stake, 0.5), milliseconds(0));  // exactly half
  EXPECT_EQ(stake_time(arrival, stake, 0.6), milliseconds(10));
  EXPECT_EQ(stake_time(arrival, stake, 0.8), milliseconds(20));
  EXPECT_EQ(stake_time(arrival, stake, 0.9), milliseconds(20));
  EXPECT_EQ(stake_time(arrival, stake, 0.91), std::nullopt);  // the last 10% never got it
  EXPECT_EQ(stake_time(arrival, stake, 1.0), std::nullopt);
}

TEST(Stats, NodePercentilesByNearestRank) {
  A arrival;
  for (int i = 10; i >= 1; --i) arrival.push_back(milliseconds(i));
  EXPECT_EQ(node_percentile(arrival, 0.5), milliseconds(5));
  EXPECT_EQ(node_percentile(arrival, 0.9), milliseconds(9));
  EXPECT_EQ(node_percentile(arrival, 0.99), milliseconds(10));
  EXPECT_EQ(node_percentile(arrival, 1.0), milliseconds(10));
  arrival[0] = std::nullopt;  // the slowest never arrives
  EXPECT_EQ(node_percentile(arrival, 0.9), milliseconds(9));
  EXPECT_EQ(node_percentile(arrival, 1.0), std::nullopt);
  EXPECT_EQ(node_percentile(A{}, 0.5), std::nullopt);
}

TEST(Stats, StakeBucketMeanIsTheWhitePapersPercentile) {
  // Stakes 50, 30, 20 at 10, 20, 30 ms. [0.49, 0.50): inside the first validator: 10 ms. [0.45, 0.55):
  // half 10 ms, half 20 ms. [0.99, 1.0): the last one. [0.7, 0.9): 0.1 at 20 ms, 0.1 at 30 ms.
  const std::vector<std::optional<Duration>> t{milliseconds(10), milliseconds(20), milliseconds(30)};
  const std::vector<Stake> s{Stake{50}, Stake{30}, Stake{20}};
  EXPECT_EQ(stake_bucket_mean(t, s, 0.49, 0.50), milliseconds(10));
  EXPECT_EQ(stake_bucket_mean(t, s, 0.45, 0.55), milliseconds(15));
  EXPECT_EQ(stake_bucket_mean(t, s, 0.99, 1.0), milliseconds(30));
  EXPECT_EQ(stake_bucket_mean(t, s, 0.7, 0.9), milliseconds(25));
  // Part of the bucket never had it.
  const std::vector<std::optional<Duration>> partial{milliseconds(10), milliseconds(20), std::nullopt};
  EXPECT_EQ(stake_bucket_mean(partial, s, 0.99, 1.0), std::nullopt);
  EXPECT_EQ(stake_bucket_mean(partial, s, 0.7, 0.9), std::nullopt);
  const Spread sp = spread(t, s, 0);
  EXPECT_EQ(sp.paper50, milliseconds(10));
  EXPECT_EQ(sp.paper100, milliseconds(30));
}

}  // namespace
}  // namespace stakecast::sim
