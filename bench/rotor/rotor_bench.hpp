// `stakecast-bench rotor`: the Rotor engine's figures from issue 5, each next to its bound or a baseline
// from the same run: amplification against kappa, time to deliver a block against
// kappa*B/leader_bw + shred/relay_bw*N in the in-memory network, receive-and-verify throughput against
// bare verification, and the direct / hybrid / Rotor latency-upload trade-off.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_rotor(const Options& options);

}  // namespace stakecast::bench
