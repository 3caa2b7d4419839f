// `stakecast-bench frost`: per-operation FROST costs for t = 67 of n = 100 in both suites, against a
// plain libsodium Ed25519 sign and verify measured in the same run.
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_frost(const Options& options);

}  // namespace stakecast::bench
