#include "proto/prio/ingress.hpp"

#include <algorithm>

#include "proto/prio/errc.hpp"

namespace stakecast::prio {

Result<IngressBudgets> IngressBudgets::create(const IngressConfig& config, std::span<const Stake> stakes,
                                              TimePoint now) {
  if (config.burst <= Duration::zero()) return Errc::invalid_config;
  IngressBudgets b(config);
  b.unstaked_ = TokenBucket(config.unstaked_rate, b.depth(config.unstaked_rate), now);
  STAKECAST_TRY_STATUS(b.set_stakes(stakes, now));
  return b;
}

std::uint64_t IngressBudgets::depth(std::uint64_t rate) const {
  // rate x burst without overflow: burst is at most a few seconds in any sane config, rates at most
  // TokenBucket::kMaxRate; divide first when the product would not fit.
  const auto burst_ns = static_cast<std::uint64_t>(config_.burst.count());
  std::uint64_t d = rate > (UINT64_MAX / burst_ns) ? (rate / 1'000'000'000ULL) * burst_ns
                                                   : rate * burst_ns / 1'000'000'000ULL;
  return std::max(d, config_.min_burst_bytes);
}

Status IngressBudgets::set_stakes(std::span<const Stake> stakes, TimePoint now) {
  if (stakes.size() > config_.max_validators) return Errc::invalid_config;
  std::uint64_t total = 0;
  for (Stake s : stakes) total += s.get();
  std::vector<TokenBucket> next;
  next.reserve(stakes.size());
  for (Stake s : stakes) {
    std::uint64_t rate = 0;
    if (s.get() > 0 && total > 0) {
      // Exact integer share; the product needs 128 bits (stakes are in lamports, ~1e17).
      __extension__ using U128 = unsigned __int128;
      rate = static_cast<std::uint64_t>(U128{config_.staked_rate} * s.get() / total);
      rate = std::max(rate, config_.min_validator_rate);
    }
    next.emplace_back(rate, rate == 0 ? 0 : depth(rate), now);
  }
  validators_ = std::move(next);
  return {};
}

Admission IngressBudgets::admit(std::optional<ValidatorIndex> from, std::size_t bytes, TimePoint now) {
  const std::uint64_t cost = std::max(bytes, config_.min_message_cost);
  TokenBucket* bucket = &unstaked_;
  bool staked = false;
  if (from && from->get() < validators_.size() && validators_[from->get()].rate() > 0) {
    bucket = &validators_[from->get()];
    staked = true;
  }
  if (!bucket->try_take(cost, now)) {
    ++(staked ? metrics_.rejected_staked : metrics_.rejected_unstaked);
    return Admission::over_budget;
  }
  ++metrics_.admitted_messages;
  metrics_.admitted_bytes += bytes;
  return Admission::admitted;
}

std::uint64_t IngressBudgets::rate_of(std::optional<ValidatorIndex> from) const {
  if (from && from->get() < validators_.size() && validators_[from->get()].rate() > 0)
    return validators_[from->get()].rate();
  return unstaked_.rate();
}

}  // namespace stakecast::prio
