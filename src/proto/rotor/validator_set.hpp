// The validator table of one epoch as the dissemination machines see it (ARCHITECTURE.md 4.2; issue 5
// item 1): stake, Ed25519 key, region and addresses per ValidatorIndex, in stake-descending index order, with
// the totals derived once. Immutable after construction and shared by the machines of one node, so an epoch
// change swaps one pointer. Built from a StakeTable by the stake tracker. No I/O.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "core/strong.hpp"
#include "crypto/ed25519.hpp"
#include "proto/rotor/relay_sampler.hpp"

namespace stakecast::rotor {

enum class ValidatorSetErrc {
  empty = 1,          // no validator, or zero total stake
  size_mismatch,      // stakes, keys and regions of different lengths
  not_stake_ordered,  // index order must be stake descending
  duplicate_key,      // one key twice
  stake_overflow,     // total stake above 2^64 - 1
  too_many,           // more validators than kMaxValidators
};
const char* describe(ValidatorSetErrc e);
STAKECAST_ERRC_FUNCS(ValidatorSetErrc, "validator_set")

class ValidatorSet {
 public:
  static constexpr std::size_t kMaxValidators = 1u << 16;

  // `regions` may be empty (all kNoRegion). Errors: every ValidatorSetErrc.
  static Result<std::shared_ptr<const ValidatorSet>> create(Epoch epoch, std::vector<Stake> stakes,
                                                            std::vector<crypto::Ed25519PublicKey> keys,
                                                            std::vector<RegionId> regions = {});

  // The epoch's table from a StakeTable (same index order): regions are interned in index order of first
  // appearance; a validator without a region gets kNoRegion; addresses are kept. Errors: as create().
  static Result<std::shared_ptr<const ValidatorSet>> from_stake_table(Epoch epoch, const StakeTable& table);

  Epoch epoch() const { return epoch_; }
  std::size_t size() const { return stakes_.size(); }
  bool contains(ValidatorIndex v) const { return v.get() < stakes_.size(); }
  Stake stake(ValidatorIndex v) const { return stakes_[v.get()]; }
  const crypto::Ed25519PublicKey& key(ValidatorIndex v) const { return keys_[v.get()]; }
  RegionId region(ValidatorIndex v) const { return regions_[v.get()]; }
  Stake total_stake() const { return total_; }
  std::span<const Stake> stakes() const { return stakes_; }
  std::span<const RegionId> regions() const { return regions_; }
  std::optional<ValidatorIndex> index_of(const crypto::Ed25519PublicKey& key) const;
  // Region names by RegionId (filled by from_stake_table).
  const std::vector<std::string>& region_names() const { return region_names_; }
  // The validator's listen addresses (from_stake_table; empty for sets built by create()).
  std::span<const Multiaddr> addrs(ValidatorIndex v) const {
    return v.get() < addrs_.size() ? std::span<const Multiaddr>(addrs_[v.get()])
                                   : std::span<const Multiaddr>();
  }

 private:
  ValidatorSet() = default;
  Epoch epoch_;
  std::vector<Stake> stakes_;
  std::vector<crypto::Ed25519PublicKey> keys_;
  std::vector<RegionId> regions_;
  std::map<crypto::Ed25519PublicKey, ValidatorIndex> by_key_;
  std::vector<std::string> region_names_;
  std::vector<std::vector<Multiaddr>> addrs_;
  Stake total_{0};
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::ValidatorSetErrc)
