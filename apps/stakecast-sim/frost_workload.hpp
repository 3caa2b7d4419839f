// `stakecast-sim --workload frost`: FROST signing latency (issue 7 item 7) over real stake and latencies.
// The signers are the --frost-signers most-staked validators (each a list, e.g. 100,1000); every run
// opens one session from a stake-weighted random coordinator among them; p50/p99 over runs.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/stake_table.hpp"
#include "sim/ping_data.hpp"
#include "sim/topology.hpp"

namespace stakecast::apps {

struct FrostWorkload {
  std::vector<std::size_t> signers{100, 1000};
  double threshold = 2.0 / 3.0;  // share of the signers that must sign (rounded up)
  double invite = 1.0;           // share of the signers asked per attempt (at least the threshold)
  std::string suite = "ed25519";
  std::string mode = "coordinated";
  unsigned runs = 20;
  double attempt_ms = 1000;
  // CPU model (microseconds), defaults from `stakecast-bench frost` (release, t = 67 of 100) on the
  // project machine; see README "Benchmarks".
  double package_per_signer_us = 0, commit_us = 0, sign_share_us = 0, verify_share_us = 0,
         check_commitment_us = 0, ed25519_verify_us = 0, ed25519_sign_us = 0;
};

void add_frost_workload_options(CLI::App& app, FrostWorkload& w);
// Prints a table and, with a json path, writes the runs. Returns the exit status.
int run_frost_workload(const FrostWorkload& w, const StakeTable& table, const sim::PingData& pings,
                       sim::HopDelay hop, std::uint64_t seed, const std::string& json_path);

}  // namespace stakecast::apps
