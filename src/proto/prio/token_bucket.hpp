// Token bucket driven by the caller's clock (`now` is an argument). Integer arithmetic in nano-bytes,
// so two runs with the same inputs agree exactly. No I/O.
#pragma once

#include <cstdint>

#include "core/time.hpp"

namespace stakecast::prio {

class TokenBucket {
 public:
  // Largest depth accepted: tokens are kept in units of 1e-9 byte inside a uint64.
  static constexpr std::uint64_t kMaxCapacity = 16ULL * 1000 * 1000 * 1000;
  static constexpr std::uint64_t kMaxRate = 1000ULL * 1000 * 1000 * 1000 * 1000;  // 1 PB/s

  TokenBucket() = default;
  // rate in bytes per second (clamped to kMaxRate), capacity in bytes (clamped to kMaxCapacity);
  // starts full.
  TokenBucket(std::uint64_t rate, std::uint64_t capacity, TimePoint now);

  // Takes `bytes` tokens if that many are available at `now`; otherwise takes nothing.
  bool try_take(std::uint64_t bytes, TimePoint now);
  // Tokens available at `now`, in whole bytes.
  std::uint64_t available(TimePoint now);
  // Changes rate and depth keeping the current fill ratio's absolute value (clamped to the new depth).
  void reconfigure(std::uint64_t rate, std::uint64_t capacity, TimePoint now);

  std::uint64_t rate() const { return rate_; }
  std::uint64_t capacity() const { return capacity_nb_ / kNano; }

 private:
  static constexpr std::uint64_t kNano = 1000 * 1000 * 1000;
  void refill(TimePoint now);

  std::uint64_t rate_ = 0;
  std::uint64_t capacity_nb_ = 0;
  std::uint64_t tokens_nb_ = 0;
  TimePoint last_{};
};

}  // namespace stakecast::prio
