// Per-peer ingress budgets (ARCHITECTURE.md 5; issue 5 item 7): every staked validator gets a token
// bucket whose rate is its share of `staked_rate` in proportion to stake (with a floor so that small
// validators can still vote); all unstaked peers draw from one shared pool. A message is admitted
// only if its sender's bucket covers its size, so a flood costs the flooder's budget, not everyone's.
// No I/O: `now` is an argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"
#include "proto/prio/token_bucket.hpp"

namespace stakecast::prio {

struct IngressConfig {
  std::uint64_t staked_rate = 1024ULL * 1024 * 1024;  // bytes/s shared by all staked validators
  std::uint64_t min_validator_rate = 256 * 1024;      // floor per staked validator, bytes/s
  std::uint64_t unstaked_rate = 4 * 1024 * 1024;      // bytes/s for all unstaked peers together
  Duration burst = std::chrono::milliseconds(200);    // bucket depth = rate x burst
  std::uint64_t min_burst_bytes = 256 * 1024;         // never shallower: the largest frame admitted
                                                      // in one piece must fit in a full bucket
  std::size_t min_message_cost = 64;                  // tiny messages still cost something
  std::size_t max_validators = 1u << 16;              // bound on the table a stake list may create
};

enum class Admission { admitted, over_budget };

struct IngressMetrics {
  std::uint64_t admitted_messages = 0;
  std::uint64_t admitted_bytes = 0;
  std::uint64_t rejected_staked = 0;
  std::uint64_t rejected_unstaked = 0;
};

class IngressBudgets {
 public:
  // Errors: invalid_config (burst <= 0, more stakes than max_validators).
  static Result<IngressBudgets> create(const IngressConfig& config, std::span<const Stake> stakes,
                                       TimePoint now);

  // Replaces the validator table (an epoch change); every bucket is rebuilt at once and starts full.
  // Errors: invalid_config when the list exceeds max_validators (the old table stays in force).
  Status set_stakes(std::span<const Stake> stakes, TimePoint now);

  // `from` is the sender's validator index in the current table, or nullopt for an unstaked peer.
  // Indices outside the table, and validators with zero stake, are charged to the unstaked pool.
  Admission admit(std::optional<ValidatorIndex> from, std::size_t bytes, TimePoint now);

  // Budget of a validator in bytes/s (the unstaked pool's rate for nullopt).
  std::uint64_t rate_of(std::optional<ValidatorIndex> from) const;
  const IngressMetrics& metrics() const { return metrics_; }

 private:
  explicit IngressBudgets(const IngressConfig& c) : config_(c) {}
  std::uint64_t depth(std::uint64_t rate) const;

  IngressConfig config_;
  std::vector<TokenBucket> validators_;  // by ValidatorIndex; rate 0 = unstaked
  TokenBucket unstaked_;
  IngressMetrics metrics_;
};

}  // namespace stakecast::prio
