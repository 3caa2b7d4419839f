#include "sim/token_bucket.hpp"

#include <algorithm>

namespace stakecast::sim {

namespace {

// ceil(bytes * 1e9 / rate) without overflow for any 64-bit byte count.
std::int64_t nanos_for(std::uint64_t bytes, std::uint64_t rate) {
  constexpr std::uint64_t kNs = 1'000'000'000ULL;
  constexpr std::uint64_t kCap = std::uint64_t{1} << 62;  // about 146 years: "never"
  const std::uint64_t whole = bytes / rate;
  if (whole >= kCap / kNs) return static_cast<std::int64_t>(kCap);
  const std::uint64_t rest = bytes % rate;  // < rate, so rest * 1e9 fits while rate < 1.8e10 B/s
  const std::uint64_t frac = (rest * kNs + rate - 1) / rate;
  const std::uint64_t ns = whole * kNs + frac;
  return static_cast<std::int64_t>(std::min(ns, kCap));
}

}  // namespace

TokenBucket::TokenBucket(std::uint64_t rate_bps, std::uint64_t burst_bytes)
    : rate_(std::min<std::uint64_t>(rate_bps, 10'000'000'000ULL)), burst_(burst_bytes) {
  if (rate_ != 0) burst_time_ = Duration(nanos_for(burst_, rate_));
}

Duration TokenBucket::serialization(std::uint64_t bytes) const {
  return rate_ == 0 ? Duration{0} : Duration(nanos_for(bytes, rate_));
}

TimePoint TokenBucket::peek(TimePoint now, std::uint64_t bytes) const {
  if (rate_ == 0) return now;
  const TimePoint base = std::max(empty_at_, now - burst_time_);
  return std::max(now, base + serialization(bytes));
}

TimePoint TokenBucket::reserve(TimePoint now, std::uint64_t bytes) {
  if (rate_ == 0) return now;
  const TimePoint base = std::max(empty_at_, now - burst_time_);
  empty_at_ = base + serialization(bytes);
  return std::max(now, empty_at_);
}

}  // namespace stakecast::sim
