// Locally observed relay reliability (issue 5 item 2): per validator, an exponentially weighted moving
// average of "forwarded its shred on time" as seen by this node. The leader may blend it with stake when
// sampling relays (RelaySampler, SamplerConfig::blend_reliability). Fixed point, integer updates, so runs
// replay exactly. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/strong.hpp"
#include "proto/rotor/relay_sampler.hpp"

namespace stakecast::rotor {

struct ReliabilityConfig {
  std::uint32_t alpha_shift = 3;            // alpha = 2^-alpha_shift (1/8: about 8 slices of memory)
  std::uint32_t initial = kReliabilityOne;  // new validators start trusted
};

class ReliabilityTracker {
 public:
  ReliabilityTracker(const ReliabilityConfig& config, std::size_t validators)
      : config_(config), scores_(validators, std::min(config.initial, kReliabilityOne)) {}

  // One observation: `relay` was due to forward a shred to us and did (on time) or did not.
  // Indices outside the table are ignored.
  void record(ValidatorIndex relay, bool on_time);
  // A new validator table (epoch change): every score restarts at `initial`.
  void reset(std::size_t validators);

  std::uint32_t score(ValidatorIndex v) const { return v.get() < scores_.size() ? scores_[v.get()] : 0; }
  std::span<const std::uint32_t> scores() const { return scores_; }

 private:
  ReliabilityConfig config_;
  std::vector<std::uint32_t> scores_;
};

}  // namespace stakecast::rotor
