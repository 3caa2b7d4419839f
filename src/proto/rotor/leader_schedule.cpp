#include "proto/rotor/leader_schedule.hpp"

#include "core/rng.hpp"

namespace stakecast::rotor {

void LeaderSchedule::set(Slot slot, ValidatorIndex leader) {
  named_[slot] = leader;
  while (named_.size() > config_.max_explicit) named_.erase(named_.begin());
}

ValidatorIndex LeaderSchedule::default_leader(Slot slot, const ValidatorSet& set, std::uint32_t window) {
  std::uint8_t m[16];
  store_le64(m, set.epoch().get());
  store_le64(m + 8, slot.get() / (window == 0 ? 1 : window));
  auto rng = DeterministicRng::from_label("stakecast/leader-schedule/v1", m);
  std::uint64_t x = rng.uniform(set.total_stake().get());
  for (std::uint32_t v = 0; v < set.size(); ++v) {
    const std::uint64_t s = set.stake(ValidatorIndex{v}).get();
    if (x < s) return ValidatorIndex{v};
    x -= s;
  }
  return ValidatorIndex{0};  // unreachable: x < total
}

std::optional<ValidatorIndex> LeaderSchedule::leader_of(Slot slot, const ValidatorSet& set) const {
  if (auto it = named_.find(slot); it != named_.end()) {
    if (!set.contains(it->second)) return std::nullopt;
    return it->second;
  }
  if (!config_.default_rule) return std::nullopt;
  return default_leader(slot, set, config_.window);
}

std::optional<ValidatorIndex> LeaderSchedule::next_leader(Slot slot, const ValidatorSet& set) const {
  const auto current = leader_of(slot, set);
  for (std::uint32_t d = 1; d <= config_.lookahead; ++d) {
    auto l = leader_of(Slot{slot.get() + d}, set);
    if (l && l != current) return l;
  }
  return std::nullopt;
}

void LeaderSchedule::forget_before(Slot slot) { named_.erase(named_.begin(), named_.lower_bound(slot)); }

}  // namespace stakecast::rotor
