// Arrival statistics for simulated broadcasts (issue 6 item 5): stake-weighted times (when 60%, 80%,
// 100% of the stake had the data) and per-node percentiles. No I/O.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/strong.hpp"
#include "core/time.hpp"

namespace stakecast::sim {

// arrival[i] is when validator i had the data (nullopt: never). The earliest time by which validators
// holding at least `fraction` of the total stake had it; nullopt if they never did. fraction in (0, 1].
std::optional<Duration> stake_time(std::span<const std::optional<Duration>> arrival,
                                   std::span<const Stake> stake, double fraction);

// Nearest-rank percentile over the given arrivals (q in (0, 1]): the earliest time by which at least
// q x count of them had the data; nullopt if that many never did.
std::optional<Duration> node_percentile(std::span<const std::optional<Duration>> arrival, double q);

// The Alpenglow white paper's percentile (its simulation code): validators sorted by time, their stake
// laid end to end, and percentile p the stake-weighted mean time over the stake between (p - 1)% and p%.
// Its "median" is p = 50; its "last node" is p = 100, the mean over the last 1% of the stake rather than
// the maximum. Here: the stake-weighted mean over the stake in [lo, hi) (fractions, 0 <= lo < hi <= 1);
// nullopt if that stake never had the data.
std::optional<Duration> stake_bucket_mean(std::span<const std::optional<Duration>> arrival,
                                          std::span<const Stake> stake, double lo, double hi);

// The figures every run reports for one kind of arrival (block, notarization, finalization): stake-weighted
// times (50%, 60%, 80%, 100% of the stake, the `exclude`d validator counted at its time) and nearest-rank
// percentiles over the validators other than `exclude`.
struct Spread {
  std::optional<Duration> stake50, stake60, stake80, stake100;
  std::optional<Duration> p50, p90, p99, max;
  std::optional<Duration> paper50, paper100;  // stake_bucket_mean over [49%, 50%) and [99%, 100%)
};
Spread spread(std::span<const std::optional<Duration>> arrival, std::span<const Stake> stake,
              std::optional<std::size_t> exclude);

}  // namespace stakecast::sim
