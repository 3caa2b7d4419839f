#include "proto/rotor/reliability.hpp"

#include <algorithm>

namespace stakecast::rotor {

void ReliabilityTracker::record(ValidatorIndex relay, bool on_time) {
  if (relay.get() >= scores_.size()) return;
  auto& r = scores_[relay.get()];
  const std::int64_t target = on_time ? kReliabilityOne : 0;
  // r += (x - r) / 2^shift, truncating toward zero.
  const std::int64_t delta = (target - std::int64_t{r}) / (std::int64_t{1} << config_.alpha_shift);
  r = static_cast<std::uint32_t>(std::int64_t{r} + delta);
}

void ReliabilityTracker::reset(std::size_t validators) {
  scores_.assign(validators, std::min(config_.initial, kReliabilityOne));
}

}  // namespace stakecast::rotor
