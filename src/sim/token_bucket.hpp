// Token bucket for the simulator's per-node upload and download links (issue 6 item 1): a link of
// `rate` bytes per second that may run ahead by at most `burst` bytes. With burst 0 it is a plain
// serializer: each message finishes size/rate after the previous one (or after it was offered).
// Exact integer nanoseconds, so runs are reproducible across machines. No I/O.
#pragma once

#include <cstdint>

#include "core/time.hpp"

namespace stakecast::sim {

class TokenBucket {
 public:
  // rate_bps = 0: unlimited (every message passes at once).
  explicit TokenBucket(std::uint64_t rate_bps = 0, std::uint64_t burst_bytes = 0);

  // Takes `bytes` offered at `now` (offers must come in non-decreasing time) and returns when their
  // last byte has passed.
  TimePoint reserve(TimePoint now, std::uint64_t bytes);
  // When `bytes` offered at `now` would have passed, without taking them.
  TimePoint peek(TimePoint now, std::uint64_t bytes) const;

  // Time to pass `bytes` at the sustained rate, rounded up to whole nanoseconds.
  Duration serialization(std::uint64_t bytes) const;
  std::uint64_t rate() const { return rate_; }
  std::uint64_t burst() const { return burst_; }
  bool unlimited() const { return rate_ == 0; }

 private:
  std::uint64_t rate_;
  std::uint64_t burst_;
  Duration burst_time_{0};
  // The bucket holds min(burst, rate x (t - empty_at_)) bytes at time t; it runs into debt (empty_at_
  // in the future) while a backlog drains.
  TimePoint empty_at_{std::numeric_limits<std::int64_t>::min() / 2};
};

}  // namespace stakecast::sim
