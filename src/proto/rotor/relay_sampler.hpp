// Relay committees for Rotor (ARCHITECTURE.md 4.2; issue 5 item 2): for each slice, relay i for shred i
// is drawn by a deterministic sampler over the epoch's validator weights, seeded from the message id,
// slot and slice with DeterministicRng::from_label. Strategies: stake-weighted IID, partition sampling
// (PS-P) and a Turbine-style tree for comparison; optional blending of stake with observed reliability
// and per-region caps. The algorithm is specified in docs/relay-sampling.md precisely enough to be
// reimplemented; a test pins its vector. Committees are cached per slice. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/strong.hpp"

namespace stakecast::rotor {

enum class SamplerErrc {
  invalid_config = 1,  // permille > 1000, fanout 0, tables of different lengths, too many validators
  invalid_count,       // committee size 0 or above kMaxCommittee
  no_eligible_relays,  // every validator has zero weight (or is excluded)
};
const char* describe(SamplerErrc e);
STAKECAST_ERRC_FUNCS(SamplerErrc, "relay_sampler")

enum class SamplingStrategy : std::uint8_t {
  iid,        // count independent stake-weighted draws
  partition,  // PS-P: large validators fill bins deterministically, one draw per remaining bin
  turbine,    // per-shred weighted shuffle laid out as a fanout-ary tree (comparison baseline)
};

// A small integer per validator naming its region (interned by the stake tracker). kNoRegion is never
// capped.
using RegionId = std::uint16_t;
inline constexpr RegionId kNoRegion = 0xFFFF;

// 32-byte message id: the block's dissemination id for Rotor, the message hash for hybrid messages.
using MessageId = std::array<std::uint8_t, 32>;

struct SliceKey {
  MessageId id{};
  Slot slot;
  SliceIndex slice;
  auto operator<=>(const SliceKey&) const = default;
};

// Reliability scores are fixed point: 0 = never on time, kReliabilityOne = always.
inline constexpr std::uint32_t kReliabilityOne = 65535;

struct SamplerConfig {
  SamplingStrategy strategy = SamplingStrategy::partition;
  std::uint32_t turbine_fanout = 200;
  // Optional blending of stake with locally observed reliability. Off by default: committees then
  // depend on public inputs only and reproduce on every node. When on, stake gets `stake_permille` of
  // the weight and reliability the rest (default 700: 0.7 stake + 0.3 reliability); 1000 = stake only.
  bool blend_reliability = false;
  std::uint32_t stake_permille = 700;
  // No region may hold more than floor(region_cap_permille x count / 1000) relays (at least 1) of a
  // committee. 1000 = no cap.
  std::uint32_t region_cap_permille = 1000;
  std::size_t cache_slices = 4096;  // committees kept, evicting the lowest slot first
  std::size_t max_validators = 1u << 16;
  // True when committees depend on this node's reliability scores (only the leader reproduces them).
  bool blended() const { return blend_reliability && stake_permille < 1000; }
};

inline constexpr std::uint32_t kMaxCommittee = 255;  // Reed-Solomon over GF(2^8): Gamma <= 255

// One shred's Turbine tree: order[0] is the root; the children of position p are positions
// fanout*p + 1 ... fanout*p + fanout (those that exist).
struct TurbineTree {
  std::vector<ValidatorIndex> order;
  std::uint32_t fanout = 0;
  std::optional<std::size_t> position_of(ValidatorIndex v) const;
  std::vector<ValidatorIndex> children_of(ValidatorIndex v) const;
  std::optional<ValidatorIndex> parent_of(ValidatorIndex v) const;
};

class RelaySampler {
 public:
  // `stakes` and `regions` are indexed by ValidatorIndex (regions may be empty: no regions known).
  // Errors: invalid_config.
  static Result<RelaySampler> create(const SamplerConfig& config, std::span<const Stake> stakes,
                                     std::span<const RegionId> regions = {});

  // The committee for one slice: element i relays shred i. `exclude` (the slice's leader) is never
  // drawn. Same inputs, same committee, on every node (when not blended()). Cached per slice:
  // once drawn, a slice's committee does not change even if reliability scores do.
  // Errors: invalid_count, no_eligible_relays.
  Result<std::vector<ValidatorIndex>> committee(const SliceKey& key, std::uint32_t count,
                                                std::optional<ValidatorIndex> exclude);
  // Turbine tree for shred `shred` of a slice. Not cached (one per shred). Errors: no_eligible_relays.
  Result<TurbineTree> turbine_tree(const SliceKey& key, ShredIndex shred,
                                   std::optional<ValidatorIndex> exclude) const;
  // The children of `self` in that tree, equal to turbine_tree(...).children_of(self), without drawing
  // the whole tree: the shuffle stops once `self` is placed past the positions that have children (most
  // validators, after ~N/fanout draws) or once its children are placed. The weights stay in a Fenwick
  // tree cached per `exclude` and restored after each call, so a call costs O(draws x log N).
  // Errors: no_eligible_relays.
  Result<std::vector<ValidatorIndex>> turbine_children(const SliceKey& key, ShredIndex shred,
                                                       std::optional<ValidatorIndex> exclude,
                                                       ValidatorIndex self);

  // Replaces the reliability scores (one per validator, 0..kReliabilityOne) used when blended(). Cached
  // committees are kept. Errors: invalid_config when the length is not the validator count.
  Status set_reliability(std::span<const std::uint32_t> scores);

  // The weight vector the draws use, for the given exclusion (docs/relay-sampling.md, "Weights").
  std::vector<std::uint64_t> weights(std::optional<ValidatorIndex> exclude) const;
  // The seeded generator for a slice: DeterministicRng::from_label(kSeedLabel, id || LE64 slot || LE32
  // slice).
  static DeterministicRng slice_rng(const SliceKey& key);
  static DeterministicRng shred_rng(const SliceKey& key, ShredIndex shred);
  static constexpr std::string_view kSeedLabel = "stakecast/rotor/relays/v1";
  static constexpr std::string_view kTurbineLabel = "stakecast/rotor/turbine/v1";

  std::size_t validator_count() const { return stakes_.size(); }
  std::size_t cached() const { return cache_.size(); }
  const SamplerConfig& config() const { return config_; }

 private:
  explicit RelaySampler(const SamplerConfig& c) : config_(c) {}
  std::vector<ValidatorIndex> draw(const SliceKey& key, std::uint32_t count,
                                   std::optional<ValidatorIndex> exclude, std::vector<std::uint64_t> w) const;

  SamplerConfig config_;
  std::vector<std::uint64_t> stakes_;
  std::vector<RegionId> regions_;
  std::vector<std::uint32_t> reliability_;
  using CacheKey = std::tuple<Slot, SliceIndex, MessageId, std::uint32_t, std::uint32_t>;
  std::map<CacheKey, std::vector<ValidatorIndex>> cache_;
  // turbine_children(): the weights for one `exclude` as a Fenwick tree (1-based), rebuilt when the
  // exclusion or the reliability scores change.
  struct TurbineWeights {
    bool valid = false;
    std::uint32_t exclude = 0;
    std::vector<std::uint64_t> w, tree;
    std::uint64_t total = 0;
    std::size_t top = 1;
  };
  TurbineWeights turbine_{};
  std::vector<std::uint32_t> drawn_;  // scratch
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::SamplerErrc)
