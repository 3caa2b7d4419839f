// Validators placed on the ping map (issue 6 item 2): each validator sits at a WonderProxy server and the
// one-way delay between two validators is derived from their servers' RTT, RTT/2 by default or the full
// RTT per hop (the Alpenglow paper's convention). Placement and missing-pair rules: docs/simulator.md.
// No I/O.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "sim/ping_data.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

enum class HopDelay : std::uint8_t {
  half_rtt,  // one-way = RTT / 2 (default)
  rtt,       // one-way = full RTT
};

struct PlacementReport {
  std::size_t from_table = 0;       // the table's ping_server (the derived Solana tables)
  std::size_t by_distance = 0;      // nearest server to the validator's coordinates (haversine)
  std::size_t unlocated = 0;        // no usable server or coordinates: placed at the site with most stake
  std::size_t sites = 0;            // distinct servers used
  std::size_t reverse_pairs = 0;    // site pairs whose RTT came from the reverse direction
  std::size_t estimated_pairs = 0;  // site pairs whose RTT came from the distance fit
};

class Topology final : public Latency {
 public:
  // Errors: bad_input when no validator can be located (`diag` says so) or a pair has no RTT at all.
  static Result<Topology> build(const StakeTable& table, const PingData& pings, HopDelay hop,
                                Diagnostic* diag = nullptr);

  Duration one_way(ValidatorIndex from, ValidatorIndex to) const override {
    return matrix_[site_[from.get()] * sites_.size() + site_[to.get()]];
  }
  std::size_t size() const { return site_.size(); }
  int server_of(ValidatorIndex v) const { return sites_[site_[v.get()]]; }
  const std::vector<int>& sites() const { return sites_; }  // server ids, ascending
  HopDelay hop() const { return hop_; }
  const PlacementReport& report() const { return report_; }

 private:
  std::vector<std::uint32_t> site_;  // validator -> index into sites_
  std::vector<int> sites_;
  std::vector<Duration> matrix_;  // sites x sites, one-way
  HopDelay hop_ = HopDelay::half_rtt;
  PlacementReport report_;
};

// The Alpenglow paper simulator's validator set (docs/sim-validation.md): where Topology::build places
// every validator (unlocated ones at the heaviest site, a missing pair from the reverse direction), the
// paper drops them: validators without a ping server or coordinates, and every validator at a server that
// lacks a measured RTT, in either direction, to another occupied server. Order is kept; `dropped` counts
// the removed. Errors: bad_input when none is left, the table's errors.
Result<StakeTable> paper_validator_subset(const StakeTable& table, const PingData& pings,
                                          std::size_t* dropped = nullptr);

}  // namespace stakecast::sim
