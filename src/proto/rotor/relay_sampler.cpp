#include "proto/rotor/relay_sampler.hpp"

#include <algorithm>
#include <numeric>

namespace stakecast::rotor {
namespace {

__extension__ using U128 = unsigned __int128;
constexpr std::uint32_t kNone = 0xFFFFFFFF;
constexpr unsigned kBlendShift = 40;  // fixed-point scale 2^40 for blended weights

// Smallest index v with cumulative[v] > x, where cumulative is inclusive and nondecreasing.
std::size_t pick(const std::vector<std::uint64_t>& cumulative, std::uint64_t x) {
  return static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                                  cumulative.begin());
}

std::vector<std::uint64_t> inclusive_sums(const std::vector<std::uint64_t>& w) {
  std::vector<std::uint64_t> c(w.size());
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i < w.size(); ++i) c[i] = acc += w[i];
  return c;
}

// One stake-weighted draw over `w` (total > 0).
ValidatorIndex draw_one(DeterministicRng& rng, const std::vector<std::uint64_t>& cumulative) {
  const std::uint64_t x = rng.uniform(cumulative.back());
  return ValidatorIndex{static_cast<std::uint32_t>(pick(cumulative, x))};
}

// Fenwick tree over weights for weighted shuffles without replacement: O(log n) per draw, and the
// descent finds exactly "smallest v with prefix(v) > x" over the remaining weights.
class Fenwick {
 public:
  explicit Fenwick(const std::vector<std::uint64_t>& w) : t_(w.size() + 1, 0) {
    for (std::size_t i = 0; i < w.size(); ++i) add(i, w[i]);
    while ((top_ << 1) <= w.size()) top_ <<= 1;
  }
  Fenwick(std::vector<std::uint64_t>&& raw, std::size_t top) : t_(std::move(raw)), top_(top) {}
  const std::vector<std::uint64_t>& raw() const { return t_; }
  std::vector<std::uint64_t> release() { return std::move(t_); }
  std::size_t top() const { return top_; }
  void add(std::size_t i, std::uint64_t d) {
    for (std::size_t k = i + 1; k < t_.size(); k += k & (~k + 1)) t_[k] += d;
  }
  void sub(std::size_t i, std::uint64_t d) {
    for (std::size_t k = i + 1; k < t_.size(); k += k & (~k + 1)) t_[k] -= d;
  }
  std::size_t find(std::uint64_t x) const {
    std::size_t pos = 0;
    for (std::size_t step = top_; step > 0; step >>= 1) {
      if (pos + step < t_.size() && t_[pos + step] <= x) {
        pos += step;
        x -= t_[pos];
      }
    }
    return pos;  // 0-based index of the element
  }

 private:
  std::vector<std::uint64_t> t_;
  std::size_t top_ = 1;
};

}  // namespace

const char* describe(SamplerErrc e) {
  switch (e) {
    case SamplerErrc::invalid_config:
      return "invalid relay sampler configuration";
    case SamplerErrc::invalid_count:
      return "committee size out of range";
    case SamplerErrc::no_eligible_relays:
      return "no validator with positive weight to sample";
  }
  return "unknown relay sampler error";
}

std::optional<std::size_t> TurbineTree::position_of(ValidatorIndex v) const {
  auto it = std::find(order.begin(), order.end(), v);
  if (it == order.end()) return std::nullopt;
  return static_cast<std::size_t>(it - order.begin());
}

std::vector<ValidatorIndex> TurbineTree::children_of(ValidatorIndex v) const {
  std::vector<ValidatorIndex> out;
  auto p = position_of(v);
  if (!p || fanout == 0) return out;
  const std::size_t first = *p * fanout + 1;
  for (std::size_t c = first; c < first + fanout && c < order.size(); ++c) out.push_back(order[c]);
  return out;
}

std::optional<ValidatorIndex> TurbineTree::parent_of(ValidatorIndex v) const {
  auto p = position_of(v);
  if (!p || *p == 0 || fanout == 0) return std::nullopt;
  return order[(*p - 1) / fanout];
}

Result<RelaySampler> RelaySampler::create(const SamplerConfig& config, std::span<const Stake> stakes,
                                          std::span<const RegionId> regions) {
  if (config.stake_permille > 1000 || config.region_cap_permille > 1000 || config.turbine_fanout == 0 ||
      stakes.size() > config.max_validators || (!regions.empty() && regions.size() != stakes.size()))
    return SamplerErrc::invalid_config;
  U128 total = 0;
  for (Stake s : stakes) total += s.get();
  if (total > U128{UINT64_MAX}) return SamplerErrc::invalid_config;
  RelaySampler r(config);
  r.stakes_.reserve(stakes.size());
  for (Stake s : stakes) r.stakes_.push_back(s.get());
  r.regions_.assign(regions.begin(), regions.end());
  if (r.regions_.empty()) r.regions_.assign(stakes.size(), kNoRegion);
  r.reliability_.assign(stakes.size(), kReliabilityOne);
  return r;
}

Status RelaySampler::set_reliability(std::span<const std::uint32_t> scores) {
  if (scores.size() != stakes_.size()) return SamplerErrc::invalid_config;
  for (std::size_t i = 0; i < scores.size(); ++i) reliability_[i] = std::min(scores[i], kReliabilityOne);
  turbine_.valid = false;
  return {};
}

DeterministicRng RelaySampler::slice_rng(const SliceKey& key) {
  std::array<std::uint8_t, 44> m{};
  std::copy(key.id.begin(), key.id.end(), m.begin());
  store_le64(m.data() + 32, key.slot.get());
  store_le32(m.data() + 40, key.slice.get());
  return DeterministicRng::from_label(kSeedLabel, m);
}

DeterministicRng RelaySampler::shred_rng(const SliceKey& key, ShredIndex shred) {
  std::array<std::uint8_t, 48> m{};
  std::copy(key.id.begin(), key.id.end(), m.begin());
  store_le64(m.data() + 32, key.slot.get());
  store_le32(m.data() + 40, key.slice.get());
  store_le32(m.data() + 44, shred.get());
  return DeterministicRng::from_label(kTurbineLabel, m);
}

std::vector<std::uint64_t> RelaySampler::weights(std::optional<ValidatorIndex> exclude) const {
  std::vector<std::uint64_t> w = stakes_;
  if (exclude && exclude->get() < w.size()) w[exclude->get()] = 0;
  if (!config_.blended()) return w;
  // Blend: w_v = p * floor(2^40 s_v / S) + (1000 - p) * floor(2^40 r_v / R) over staked, non-excluded
  // validators; reliability alone never makes an unstaked validator eligible.
  std::uint64_t s_total = 0;
  std::uint64_t r_total = 0;
  for (std::size_t v = 0; v < w.size(); ++v) {
    s_total += w[v];
    if (w[v] > 0) r_total += reliability_[v];
  }
  if (s_total == 0) return w;
  const std::uint64_t p = config_.stake_permille;
  for (std::size_t v = 0; v < w.size(); ++v) {
    if (w[v] == 0) continue;
    const auto s_part = static_cast<std::uint64_t>((U128{w[v]} << kBlendShift) / s_total);
    const std::uint64_t r_part = r_total == 0 ? 0 : (std::uint64_t{reliability_[v]} << kBlendShift) / r_total;
    w[v] = r_total == 0 ? s_part : p * s_part + (1000 - p) * r_part;
  }
  return w;
}

Result<std::vector<ValidatorIndex>> RelaySampler::committee(const SliceKey& key, std::uint32_t count,
                                                            std::optional<ValidatorIndex> exclude) {
  if (count == 0 || count > kMaxCommittee) return SamplerErrc::invalid_count;
  CacheKey ck{key.slot, key.slice, key.id, count, exclude ? exclude->get() : kNone};
  if (auto it = cache_.find(ck); it != cache_.end()) return it->second;
  std::vector<std::uint64_t> w = weights(exclude);
  if (std::all_of(w.begin(), w.end(), [](std::uint64_t x) { return x == 0; }))
    return SamplerErrc::no_eligible_relays;
  auto c = draw(key, count, exclude, std::move(w));
  if (config_.cache_slices > 0) {
    while (cache_.size() >= config_.cache_slices) cache_.erase(cache_.begin());  // lowest slot first
    cache_.emplace(ck, c);
  }
  return c;
}

std::vector<ValidatorIndex> RelaySampler::draw(const SliceKey& key, std::uint32_t count,
                                               std::optional<ValidatorIndex> /*exclude*/,
                                               std::vector<std::uint64_t> w) const {
  DeterministicRng rng = slice_rng(key);
  std::vector<ValidatorIndex> out;
  out.reserve(count);
  const std::vector<std::uint64_t> cumulative = inclusive_sums(w);
  const std::uint64_t total = cumulative.back();

  if (config_.strategy == SamplingStrategy::partition) {
    // Scaled stakes w_v * Gamma; bins hold `total` units each. Deterministic bins first, in index order.
    std::vector<std::uint64_t> rest(w.size());
    for (std::size_t v = 0; v < w.size(); ++v) {
      const U128 scaled = U128{w[v]} * count;
      const auto full = static_cast<std::uint64_t>(scaled / total);
      rest[v] = static_cast<std::uint64_t>(scaled % total);
      for (std::uint64_t k = 0; k < full; ++k) out.push_back(ValidatorIndex{static_cast<std::uint32_t>(v)});
    }
    // The remainders sum to exactly (count - deterministic) * total: cut that line into equal bins and
    // draw one point in each. The sums need 128 bits (up to 255 x 2^64).
    std::vector<U128> rest_cum(rest.size());
    U128 acc = 0;
    for (std::size_t v = 0; v < rest.size(); ++v) rest_cum[v] = acc += rest[v];
    const std::size_t bins = count - out.size();
    for (std::size_t j = 0; j < bins; ++j) {
      const U128 x = U128{j} * total + rng.uniform(total);
      const auto v =
          static_cast<std::size_t>(std::upper_bound(rest_cum.begin(), rest_cum.end(), x) - rest_cum.begin());
      out.push_back(ValidatorIndex{static_cast<std::uint32_t>(v)});
    }
    // Fisher-Yates so that shred i is not always carried by the largest validator.
    for (std::size_t i = out.size() - 1; i > 0; --i) {
      const auto j = static_cast<std::size_t>(rng.uniform(i + 1));
      std::swap(out[i], out[j]);
    }
  } else if (config_.strategy == SamplingStrategy::turbine) {
    // The relay of shred i is the root of its tree: the first draw of that shred's weighted shuffle.
    for (std::uint32_t i = 0; i < count; ++i) {
      DeterministicRng shred = shred_rng(key, ShredIndex{i});
      out.push_back(draw_one(shred, cumulative));
    }
  } else {
    for (std::uint32_t i = 0; i < count; ++i) out.push_back(draw_one(rng, cumulative));
  }

  // Region caps: walk the committee in order; a relay whose region is already at its cap is replaced by
  // a draw over the validators whose regions are below the cap (kept if there is none).
  if (config_.region_cap_permille < 1000) {
    const std::uint32_t cap = std::max<std::uint32_t>(1, config_.region_cap_permille * count / 1000);
    std::map<RegionId, std::uint32_t> used;
    for (auto& relay : out) {
      const RegionId r = regions_[relay.get()];
      if (r != kNoRegion && used[r] >= cap) {
        std::vector<std::uint64_t> open = w;
        for (std::size_t v = 0; v < open.size(); ++v)
          if (regions_[v] != kNoRegion && used[regions_[v]] >= cap) open[v] = 0;
        const std::vector<std::uint64_t> open_cum = inclusive_sums(open);
        if (open_cum.back() > 0) relay = draw_one(rng, open_cum);
      }
      const RegionId now_r = regions_[relay.get()];
      if (now_r != kNoRegion) ++used[now_r];
    }
  }
  return out;
}

Result<TurbineTree> RelaySampler::turbine_tree(const SliceKey& key, ShredIndex shred,
                                               std::optional<ValidatorIndex> exclude) const {
  std::vector<std::uint64_t> w = weights(exclude);
  Fenwick tree(w);
  std::uint64_t remaining = std::accumulate(w.begin(), w.end(), std::uint64_t{0});
  if (remaining == 0) return SamplerErrc::no_eligible_relays;
  DeterministicRng rng = shred_rng(key, shred);
  TurbineTree t;
  t.fanout = config_.turbine_fanout;
  t.order.reserve(w.size());
  // Weighted shuffle without replacement over positive weights.
  while (remaining > 0) {
    const std::size_t v = tree.find(rng.uniform(remaining));
    t.order.push_back(ValidatorIndex{static_cast<std::uint32_t>(v)});
    tree.sub(v, w[v]);
    remaining -= w[v];
  }
  // Zero-weight validators (not the excluded one) follow, uniformly shuffled.
  std::vector<ValidatorIndex> zero;
  for (std::size_t v = 0; v < w.size(); ++v)
    if (w[v] == 0 && !(exclude && exclude->get() == v))
      zero.push_back(ValidatorIndex{static_cast<std::uint32_t>(v)});
  for (std::size_t i = zero.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.uniform(i));
    std::swap(zero[i - 1], zero[j]);
  }
  t.order.insert(t.order.end(), zero.begin(), zero.end());
  return t;
}

Result<std::vector<ValidatorIndex>> RelaySampler::turbine_children(const SliceKey& key, ShredIndex shred,
                                                                   std::optional<ValidatorIndex> exclude,
                                                                   ValidatorIndex self) {
  const std::uint32_t ex = exclude ? exclude->get() : kNone;
  TurbineWeights& t = turbine_;
  if (!t.valid || t.exclude != ex) {
    t.w = weights(exclude);
    const Fenwick f(t.w);
    t.tree = f.raw();
    t.top = f.top();
    t.total = std::accumulate(t.w.begin(), t.w.end(), std::uint64_t{0});
    t.exclude = ex;
    t.valid = true;
  }
  if (t.total == 0) return SamplerErrc::no_eligible_relays;
  std::vector<ValidatorIndex> out;
  const std::size_t n = t.w.size();
  if (self.get() >= n || self.get() == ex) return out;
  const std::size_t m = n - (ex < n ? 1 : 0);  // tree size
  const std::size_t f = config_.turbine_fanout;
  // Positions 0 .. parents-1 have children: f*p + 1 < m.
  const std::size_t parents = m >= 2 ? (m - 2) / f + 1 : 0;
  Fenwick tree(std::move(t.tree), t.top);
  DeterministicRng rng = shred_rng(key, shred);
  drawn_.clear();
  std::optional<std::size_t> pos;
  std::size_t need = parents;
  std::uint64_t remaining = t.total;
  while (remaining > 0 && drawn_.size() < need) {
    const std::size_t v = tree.find(rng.uniform(remaining));
    drawn_.push_back(static_cast<std::uint32_t>(v));
    tree.sub(v, t.w[v]);
    remaining -= t.w[v];
    if (v == self.get()) {
      pos = drawn_.size() - 1;
      if (*pos >= parents) break;
      need = std::min(m, f * *pos + f + 1);
    }
  }
  for (std::uint32_t v : drawn_) tree.add(v, t.w[v]);
  t.tree = tree.release();
  if (pos && *pos >= parents) return out;
  if (!pos && drawn_.size() >= parents) return out;  // placed past every position with children
  if (pos && drawn_.size() >= need) {
    for (std::size_t c = f * *pos + 1; c < need; ++c) out.push_back(ValidatorIndex{drawn_[c]});
    return out;
  }
  // The positive weights ran out first (zero-weight validators near the top of a tiny tree): draw it all.
  STAKECAST_TRY(TurbineTree full, turbine_tree(key, shred, exclude));
  return full.children_of(self);
}

}  // namespace stakecast::rotor
