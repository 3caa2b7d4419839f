// Who leads each slot, as far as dissemination needs to know: the key that must have signed a slot's
// shreds, the relays' forwarding order ("the next leader first"). Consensus supplies the schedule with
// set(); slots it has not named fall back to a documented default rule (docs/rotor-engine.md): windows of
// `window` consecutive slots, each led by a stake-weighted draw from
// DeterministicRng::from_label("stakecast/leader-schedule/v1", LE64(epoch) || LE64(slot / window)).
// No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "core/strong.hpp"
#include "proto/rotor/validator_set.hpp"

namespace stakecast::rotor {

struct LeaderScheduleConfig {
  std::uint32_t window = 4;         // slots per leader window for the default rule (must be > 0)
  std::size_t max_explicit = 8192;  // slots named by set(); the lowest are dropped beyond this
  std::uint32_t lookahead = 64;     // slots searched for the next leader
  bool default_rule = true;         // false: only slots named by set() have a leader
};

class LeaderSchedule {
 public:
  explicit LeaderSchedule(const LeaderScheduleConfig& config = {}) : config_(config) {}

  void set(Slot slot, ValidatorIndex leader);
  // The leader of `slot` in `set`'s epoch: the named one if any, else the default rule.
  std::optional<ValidatorIndex> leader_of(Slot slot, const ValidatorSet& set) const;
  // The first leader after `slot`'s leader within `lookahead` slots, if any differs.
  std::optional<ValidatorIndex> next_leader(Slot slot, const ValidatorSet& set) const;
  void forget_before(Slot slot);

  static ValidatorIndex default_leader(Slot slot, const ValidatorSet& set, std::uint32_t window);

 private:
  LeaderScheduleConfig config_;
  std::map<Slot, ValidatorIndex> named_;
};

}  // namespace stakecast::rotor
