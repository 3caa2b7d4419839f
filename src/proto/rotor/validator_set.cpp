#include "proto/rotor/validator_set.hpp"

namespace stakecast::rotor {

const char* describe(ValidatorSetErrc e) {
  switch (e) {
    case ValidatorSetErrc::empty:
      return "validator set is empty or has no stake";
    case ValidatorSetErrc::size_mismatch:
      return "validator set columns differ in length";
    case ValidatorSetErrc::not_stake_ordered:
      return "validator set is not in stake-descending order";
    case ValidatorSetErrc::duplicate_key:
      return "validator set lists a key twice";
    case ValidatorSetErrc::stake_overflow:
      return "validator set total stake overflows";
    case ValidatorSetErrc::too_many:
      return "validator set too large";
  }
  return "unknown validator set error";
}

Result<std::shared_ptr<const ValidatorSet>> ValidatorSet::create(Epoch epoch, std::vector<Stake> stakes,
                                                                 std::vector<crypto::Ed25519PublicKey> keys,
                                                                 std::vector<RegionId> regions) {
  if (stakes.size() > kMaxValidators) return ValidatorSetErrc::too_many;
  if (keys.size() != stakes.size() || (!regions.empty() && regions.size() != stakes.size()))
    return ValidatorSetErrc::size_mismatch;
  if (regions.empty()) regions.assign(stakes.size(), kNoRegion);
  auto s = std::shared_ptr<ValidatorSet>(new ValidatorSet());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    if (i > 0 && stakes[i] > stakes[i - 1]) return ValidatorSetErrc::not_stake_ordered;
    if (total + stakes[i].get() < total) return ValidatorSetErrc::stake_overflow;
    total += stakes[i].get();
    if (!s->by_key_.emplace(keys[i], ValidatorIndex{static_cast<std::uint32_t>(i)}).second)
      return ValidatorSetErrc::duplicate_key;
  }
  if (total == 0) return ValidatorSetErrc::empty;
  s->epoch_ = epoch;
  s->stakes_ = std::move(stakes);
  s->keys_ = std::move(keys);
  s->regions_ = std::move(regions);
  s->total_ = Stake{total};
  return std::shared_ptr<const ValidatorSet>(std::move(s));
}

Result<std::shared_ptr<const ValidatorSet>> ValidatorSet::from_stake_table(Epoch epoch,
                                                                           const StakeTable& table) {
  std::vector<Stake> stakes;
  std::vector<crypto::Ed25519PublicKey> keys;
  std::vector<RegionId> regions;
  std::vector<std::string> names;
  std::vector<std::vector<Multiaddr>> addrs;
  std::map<std::string, RegionId> interned;
  for (const Validator& v : table.validators()) {
    addrs.push_back(v.addrs);
    stakes.push_back(v.stake);
    keys.push_back(v.identity_key);
    if (v.region.empty()) {
      regions.push_back(kNoRegion);
      continue;
    }
    auto [it, fresh] = interned.try_emplace(v.region, static_cast<RegionId>(names.size()));
    if (fresh) {
      if (names.size() >= kNoRegion) return ValidatorSetErrc::too_many;
      names.push_back(v.region);
    }
    regions.push_back(it->second);
  }
  STAKECAST_TRY(auto set, create(epoch, std::move(stakes), std::move(keys), std::move(regions)));
  std::const_pointer_cast<ValidatorSet>(set)->region_names_ = std::move(names);
  std::const_pointer_cast<ValidatorSet>(set)->addrs_ = std::move(addrs);
  return set;
}

std::optional<ValidatorIndex> ValidatorSet::index_of(const crypto::Ed25519PublicKey& key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

}  // namespace stakecast::rotor
