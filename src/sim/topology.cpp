#include "sim/topology.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace stakecast::sim {

Result<Topology> Topology::build(const StakeTable& table, const PingData& pings, HopDelay hop,
                                 Diagnostic* diag) {
  Topology t;
  t.hop_ = hop;
  const std::size_t n = table.size();
  std::vector<int> server(n, -1);
  std::map<int, std::uint64_t> stake_at;  // fits: the table checks that the total does
  for (std::size_t i = 0; i < n; ++i) {
    const Validator& v = table.validators()[i];
    if (v.ping_server && pings.server(*v.ping_server) != nullptr) {
      server[i] = *v.ping_server;
      ++t.report_.from_table;
    } else if (v.latitude && v.longitude) {
      server[i] = *pings.nearest_server(*v.latitude, *v.longitude);
      ++t.report_.by_distance;
    } else {
      continue;
    }
    stake_at[server[i]] += v.stake.get();
  }
  if (stake_at.empty()) {
    if (diag != nullptr) *diag = Diagnostic{0, "no validator has a ping server or coordinates"};
    return SimErrc::bad_input;
  }
  // Validators without a location join the heaviest site: the likeliest place for unknown stake, and a
  // neutral one (it changes no other validator's latency). Ties to the lower server id.
  int heaviest = stake_at.begin()->first;
  for (const auto& [id, stake] : stake_at)
    if (stake > stake_at[heaviest]) heaviest = id;
  for (std::size_t i = 0; i < n; ++i) {
    if (server[i] >= 0) continue;
    server[i] = heaviest;
    ++t.report_.unlocated;
  }

  t.sites_ = server;
  std::sort(t.sites_.begin(), t.sites_.end());
  t.sites_.erase(std::unique(t.sites_.begin(), t.sites_.end()), t.sites_.end());
  t.report_.sites = t.sites_.size();
  t.site_.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    t.site_[i] = static_cast<std::uint32_t>(std::lower_bound(t.sites_.begin(), t.sites_.end(), server[i]) -
                                            t.sites_.begin());

  const std::size_t s = t.sites_.size();
  t.matrix_.resize(s * s);
  const double scale = hop == HopDelay::half_rtt ? 0.5e6 : 1e6;  // ms -> ns
  for (std::size_t a = 0; a < s; ++a) {
    for (std::size_t b = 0; b < s; ++b) {
      auto rtt = pings.rtt(t.sites_[a], t.sites_[b]);
      if (!rtt) {
        if (diag != nullptr)
          *diag = Diagnostic{0, "no RTT between servers " + std::to_string(t.sites_[a]) + " and " +
                                    std::to_string(t.sites_[b])};
        return SimErrc::bad_input;
      }
      if (rtt->source == RttSource::reverse) ++t.report_.reverse_pairs;
      if (rtt->source == RttSource::distance) ++t.report_.estimated_pairs;
      t.matrix_[a * s + b] = Duration(std::llround(rtt->ms * scale));
    }
  }
  return t;
}

Result<StakeTable> paper_validator_subset(const StakeTable& table, const PingData& pings,
                                          std::size_t* dropped) {
  const std::size_t n = table.size();
  std::vector<int> server(n, -1);
  std::vector<int> occupied;
  for (std::size_t i = 0; i < n; ++i) {
    const Validator& v = table.validators()[i];
    if (v.ping_server && pings.server(*v.ping_server) != nullptr)
      server[i] = *v.ping_server;
    else if (v.latitude && v.longitude)
      server[i] = *pings.nearest_server(*v.latitude, *v.longitude);
    if (server[i] >= 0) occupied.push_back(server[i]);
  }
  std::sort(occupied.begin(), occupied.end());
  occupied.erase(std::unique(occupied.begin(), occupied.end()), occupied.end());
  std::vector<bool> unmeasured(occupied.size(), false);
  for (std::size_t a = 0; a < occupied.size(); ++a)
    for (std::size_t b = 0; b < occupied.size(); ++b)
      if (a != b && !pings.measured_rtt_ms(occupied[a], occupied[b])) unmeasured[a] = unmeasured[b] = true;
  std::vector<Validator> kept;
  for (std::size_t i = 0; i < n; ++i) {
    if (server[i] < 0) continue;
    const auto at = std::lower_bound(occupied.begin(), occupied.end(), server[i]) - occupied.begin();
    if (unmeasured[static_cast<std::size_t>(at)]) continue;
    kept.push_back(table.validators()[i]);
  }
  if (dropped != nullptr) *dropped = n - kept.size();
  if (kept.empty()) return SimErrc::bad_input;
  return StakeTable::from_validators(std::move(kept));
}

}  // namespace stakecast::sim
