#include "proto/rotor/stake_tracker.hpp"

namespace stakecast::rotor {

const char* describe(StakeTrackerErrc e) {
  switch (e) {
    case StakeTrackerErrc::out_of_order:
      return "epoch scheduled out of order";
    case StakeTrackerErrc::null_set:
      return "no validator set";
  }
  return "unknown stake tracker error";
}

Status StakeTracker::schedule(Slot first_slot, std::shared_ptr<const ValidatorSet> set) {
  if (!set) return StakeTrackerErrc::null_set;
  const Epoch e = set->epoch();
  if (!epochs_.empty()) {
    const auto& [last_epoch, last] = *epochs_.rbegin();
    if (e <= last_epoch || first_slot <= last.first) return StakeTrackerErrc::out_of_order;
  }
  epochs_.emplace(e, Entry{first_slot, std::move(set)});
  prune();
  return {};
}

std::optional<EpochChange> StakeTracker::on_slot(Slot slot) {
  if (slot > seen_) seen_ = slot;
  std::optional<Epoch> target;
  for (const auto& [e, entry] : epochs_)
    if (entry.first <= seen_) target = e;
  if (!target || target == current_) return std::nullopt;
  if (current_ && *target < *current_) return std::nullopt;  // never backwards
  EpochChange change{current_, *target, epochs_.at(*target).first, epochs_.at(*target).set};
  current_ = target;
  prune();
  return change;
}

void StakeTracker::prune() {
  // Drop the oldest past epochs beyond the bound; never the current one or a future one.
  while (epochs_.size() > config_.max_epochs) {
    const Epoch oldest = epochs_.begin()->first;
    if (!current_ || oldest >= *current_) break;
    epochs_.erase(epochs_.begin());
  }
}

std::shared_ptr<const ValidatorSet> StakeTracker::current() const {
  return current_ ? epochs_.at(*current_).set : nullptr;
}

std::shared_ptr<const ValidatorSet> StakeTracker::for_slot(Slot slot) const {
  std::shared_ptr<const ValidatorSet> out;
  for (const auto& [e, entry] : epochs_)
    if (entry.first <= slot) out = entry.set;
  return out;
}

std::shared_ptr<const ValidatorSet> StakeTracker::for_epoch(Epoch e) const {
  auto it = epochs_.find(e);
  return it == epochs_.end() ? nullptr : it->second.set;
}

std::optional<Slot> StakeTracker::first_slot(Epoch e) const {
  auto it = epochs_.find(e);
  if (it == epochs_.end()) return std::nullopt;
  return it->second.first;
}

}  // namespace stakecast::rotor
