// `stakecast-sim --workload frost`: FROST signing latency (issue 7 item 7) over real stake and latencies.
// The signers are the --frost-signers most-staked validators (each a list, e.g. 100,1000); every run
// opens one session from a stake-weighted random coordinator among them; p50/p99 over runs.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
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
  // CPU model (microseconds); each unset value is the suite's measured cost (frost_cpu_measured).
  std::optional<double> package_per_signer_us, commit_us, sign_share_us, verify_share_us, check_commitment_us,
      ed25519_verify_us, ed25519_sign_us;
};

struct FrostCpuUs {
  double package_per_signer, commit, sign_share, verify_share, check_commitment, ed25519_verify, ed25519_sign;
};
// CPU medians of `stakecast-bench frost` (release build, t = 67 of n = 100) on the project machine,
// 2026-12-06: package / 67, commit, sign_share - package, verify_share, two elements validated
// (libsodium's point checks: about 45 us each for Ed25519 with its subgroup check, 4.8 us for
// ristretto255), and the direct path's Ed25519 verify and sign baselines.
FrostCpuUs frost_cpu_measured(const std::string& suite);

void add_frost_workload_options(CLI::App& app, FrostWorkload& w);
// Prints a table and, with a json path, writes the runs. Returns the exit status.
int run_frost_workload(const FrostWorkload& w, const StakeTable& table, const sim::PingData& pings,
                       sim::HopDelay hop, std::uint64_t seed, const std::string& json_path);

}  // namespace stakecast::apps
