#include "sim/stats.hpp"

#include <algorithm>
#include <cmath>

namespace stakecast::sim {
namespace {

struct Arrivals {
  long double total = 0;  // stake of every validator, arrived or not
  std::vector<std::pair<Duration, std::uint64_t>>
      got;  // (arrival, stake) of those that arrived, earliest first
};

Arrivals by_arrival(std::span<const std::optional<Duration>> arrival, std::span<const Stake> stake) {
  Arrivals a;
  const std::size_t n = std::min(arrival.size(), stake.size());
  for (std::size_t i = 0; i < n; ++i) {
    a.total += static_cast<long double>(stake[i].get());
    if (arrival[i]) a.got.emplace_back(*arrival[i], stake[i].get());
  }
  std::sort(a.got.begin(), a.got.end());
  return a;
}

}  // namespace

std::optional<Duration> stake_time(std::span<const std::optional<Duration>> arrival,
                                   std::span<const Stake> stake, double fraction) {
  const auto [total, got] = by_arrival(arrival, stake);
  // A relative slack of 1e-12 so that 0.9 of 100 (0.9 is not exact in binary) is 90.
  const long double need = total * static_cast<long double>(fraction) * (1.0L - 1e-12L);
  long double have = 0;
  for (const auto& [t, s] : got) {
    have += static_cast<long double>(s);
    if (have >= need) return t;
  }
  return std::nullopt;
}

std::optional<Duration> node_percentile(std::span<const std::optional<Duration>> arrival, double q) {
  if (arrival.empty()) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(arrival.size())));
  std::vector<Duration> got;
  for (const auto& a : arrival)
    if (a) got.push_back(*a);
  const std::size_t k = std::max<std::size_t>(rank, 1);
  if (got.size() < k) return std::nullopt;
  std::nth_element(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(k - 1), got.end());
  return got[k - 1];
}

std::optional<Duration> stake_bucket_mean(std::span<const std::optional<Duration>> arrival,
                                          std::span<const Stake> stake, double lo, double hi) {
  const auto [total, got] = by_arrival(arrival, stake);
  const long double from = total * static_cast<long double>(lo), to = total * static_cast<long double>(hi);
  long double at = 0, weight = 0, sum = 0;
  for (const auto& [t, s] : got) {
    const long double a = std::max(at, from), b = std::min(at + static_cast<long double>(s), to);
    if (b > a) {
      weight += b - a;
      sum += (b - a) * static_cast<long double>(t.count());
    }
    at += static_cast<long double>(s);
    if (at >= to) break;
  }
  // All of [lo, hi) must be covered (up to rounding): otherwise part of that stake never had the data.
  if (weight <= 0 || weight < (to - from) * (1.0L - 1e-9L)) return std::nullopt;
  return Duration(static_cast<std::int64_t>(std::llround(sum / weight)));
}

Spread spread(std::span<const std::optional<Duration>> arrival, std::span<const Stake> stake,
              std::optional<std::size_t> exclude) {
  Spread s;
  s.stake50 = stake_time(arrival, stake, 0.5);
  s.stake60 = stake_time(arrival, stake, 0.6);
  s.stake80 = stake_time(arrival, stake, 0.8);
  s.stake100 = stake_time(arrival, stake, 1.0);
  std::vector<std::optional<Duration>> others;
  for (std::size_t i = 0; i < arrival.size(); ++i)
    if (!exclude || i != *exclude) others.push_back(arrival[i]);
  s.p50 = node_percentile(others, 0.5);
  s.p90 = node_percentile(others, 0.9);
  s.p99 = node_percentile(others, 0.99);
  s.max = node_percentile(others, 1.0);
  s.paper50 = stake_bucket_mean(arrival, stake, 0.49, 0.50);
  s.paper100 = stake_bucket_mean(arrival, stake, 0.99, 1.0);
  return s;
}

}  // namespace stakecast::sim
