// `stakecast-bench frost`: per-operation FROST costs for t = 67 of n = 100 in both suites, against a
// plain libsodium Ed25519 sign and verify measured in the same run. Operations: commit, sign_share
// (package + share), package (binding factors, group commitment, Lagrange coefficients), verify_share (one
// share against a built package), aggregate_optimistic (sum + one signature check), aggregate_verify_all
// (package + every share checked + sum: the coordinator path the 10 ms target is about), find_cheater, and
// msm_201 (201-point variable-time multi-scalar multiplication, with its ratio to libsodium doing the same
// with 201 constant-time multiplications).
#pragma once

#include <nlohmann/json.hpp>

#include "common/bench_runner.hpp"

namespace stakecast::bench {

nlohmann::json run_frost(const Options& options);

}  // namespace stakecast::bench
