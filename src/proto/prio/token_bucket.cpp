#include "proto/prio/token_bucket.hpp"

#include <algorithm>

namespace stakecast::prio {

TokenBucket::TokenBucket(std::uint64_t rate, std::uint64_t capacity, TimePoint now)
    : rate_(std::min(rate, kMaxRate)),
      capacity_nb_(std::min(capacity, kMaxCapacity) * kNano),
      tokens_nb_(capacity_nb_),
      last_(now) {}

void TokenBucket::refill(TimePoint now) {
  if (now <= last_) return;  // time never runs backwards for a bucket
  const auto dt = static_cast<std::uint64_t>((now - last_).count());
  last_ = now;
  const std::uint64_t missing = capacity_nb_ - tokens_nb_;
  if (rate_ == 0 || missing == 0) return;
  // rate * dt would overflow for long idle periods; anything past the time to fill is "full". Below
  // that, rate * dt <= missing + rate < 2^64 by the two clamps.
  if (dt >= missing / rate_ + 1) {
    tokens_nb_ = capacity_nb_;
    return;
  }
  tokens_nb_ = std::min(capacity_nb_, tokens_nb_ + rate_ * dt);
}

bool TokenBucket::try_take(std::uint64_t bytes, TimePoint now) {
  refill(now);
  if (bytes > kMaxCapacity) return false;
  const std::uint64_t need = bytes * kNano;
  if (need > tokens_nb_) return false;
  tokens_nb_ -= need;
  return true;
}

std::uint64_t TokenBucket::available(TimePoint now) {
  refill(now);
  return tokens_nb_ / kNano;
}

void TokenBucket::reconfigure(std::uint64_t rate, std::uint64_t capacity, TimePoint now) {
  refill(now);
  rate_ = std::min(rate, kMaxRate);
  capacity_nb_ = std::min(capacity, kMaxCapacity) * kNano;
  tokens_nb_ = std::min(tokens_nb_, capacity_nb_);
}

}  // namespace stakecast::prio
