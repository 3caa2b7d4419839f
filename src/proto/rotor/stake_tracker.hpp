// The validator set per epoch (issue 5 item 1). Epochs are scheduled ahead with the slot at which they
// start; the current epoch changes exactly when a slot at or past that boundary is seen, never backwards.
// Each epoch's table is an immutable ValidatorSet, and the change is reported as one EpochChange value:
// the owner rebuilds everything derived from it (relay samplers, direct-path tables, ingress budgets) in
// the same call, so no input ever sees a mix of two epochs. No I/O.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>

#include "core/result.hpp"
#include "core/strong.hpp"
#include "proto/rotor/validator_set.hpp"

namespace stakecast::rotor {

enum class StakeTrackerErrc {
  out_of_order = 1,  // an epoch or first slot not after the last scheduled one
  null_set,
};
const char* describe(StakeTrackerErrc e);
STAKECAST_ERRC_FUNCS(StakeTrackerErrc, "stake_tracker")

struct EpochChange {
  std::optional<Epoch> from;
  Epoch to;
  Slot first_slot;
  std::shared_ptr<const ValidatorSet> set;
};

struct StakeTrackerConfig {
  std::size_t max_epochs = 4;  // scheduled + past epochs kept (late messages still verify)
};

class StakeTracker {
 public:
  explicit StakeTracker(const StakeTrackerConfig& config = {}) : config_(config) {}

  // Errors: every StakeTrackerErrc. The first scheduled epoch may start at any slot.
  Status schedule(Slot first_slot, std::shared_ptr<const ValidatorSet> set);
  // Advances to the latest scheduled epoch starting at or before `slot`; returns the change if any.
  std::optional<EpochChange> on_slot(Slot slot);

  std::shared_ptr<const ValidatorSet> current() const;
  std::optional<Epoch> current_epoch() const { return current_; }
  // The epoch in force at `slot` among those kept (also a scheduled future one); nullptr if none.
  std::shared_ptr<const ValidatorSet> for_slot(Slot slot) const;
  std::shared_ptr<const ValidatorSet> for_epoch(Epoch e) const;
  std::optional<Slot> first_slot(Epoch e) const;

 private:
  struct Entry {
    Slot first;
    std::shared_ptr<const ValidatorSet> set;
  };
  void prune();

  StakeTrackerConfig config_;
  std::map<Epoch, Entry> epochs_;
  std::optional<Epoch> current_;
  Slot seen_{0};
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::StakeTrackerErrc)
