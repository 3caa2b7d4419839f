// FROST signing sessions in the simulator (issue 7 item 7): every signer runs the real rotor::Engine
// (direct path, Critical class) and the real frost::Participant, one of them the frost::Coordinator, on
// the runner's link model with real latencies; a modelled CPU cost per FROST step (calibrated from
// `stakecast-bench frost`) makes signing work show up in the latency. Deterministic for a seed.
// The signers are the validators of the table given (callers pass the most-staked ones). No I/O.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "crypto/sha256.hpp"
#include "proto/frost/endpoint.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

// Modelled CPU per FROST step. Defaults 0 (free); calibrate from `stakecast-bench frost` medians.
struct FrostCpuModel {
  Duration package_per_signer{0};  // binding factor, commitment share and Lagrange coefficient, per signer
  Duration commit{0};              // round one: two nonces, two base multiplications
  Duration sign_share{0};          // round two once the package is built
  Duration verify_share{0};        // RFC 9591 5.4 against a built package
  Duration check_commitment{0};    // validating the two elements of a received commitment
  Duration message_verify{0};      // the direct path's Ed25519 check of each received message
  Duration message_sign{0};        // the direct path's Ed25519 signature of each message sent
};

// A dealt FROST group whose member i + 1 is validator i.
struct FrostKeys {
  std::shared_ptr<const frost::Group> group;
  std::vector<crypto::frost::Scalar> secrets;
};
// Trusted-dealer keys for n signers with threshold t (RFC 9591 appendix C). Errors: the dealer's.
Result<FrostKeys> deal_frost_keys(crypto::frost::SuiteId suite, std::size_t n, std::size_t t,
                                  std::uint64_t seed);

struct FrostRunConfig {
  frost::FrostMode mode = frost::FrostMode::coordinated;
  std::size_t invite = 0;  // signers asked per attempt; 0 = all
  ValidatorIndex coordinator{0};
  Duration attempt_timeout = std::chrono::seconds(1);
  std::vector<ValidatorIndex> crashed;  // crashed before the session opens
  RunnerConfig runner{};
  FrostCpuModel cpu{};
};

struct FrostRunResult {
  std::optional<Duration> latency;  // from open() to the coordinator's Signed; nullopt if none
  std::uint8_t attempts = 0;
  std::size_t signers = 0;   // in the package that signed
  std::size_t excluded = 0;  // signers excluded during the session
  bool verified = false;     // the signature checks against the group key
  std::uint64_t bytes_sent = 0, coordinator_bytes_sent = 0, messages = 0, events = 0;
  crypto::Hash256 trace{};
};

// One session among the validators of `table` (all of them signers, keys from `keys`, which must have
// table.size() members). Errors: invalid_config (size mismatch, coordinator outside the table), the
// runner's and the engine's.
Result<FrostRunResult> run_frost(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const FrostKeys& keys, const FrostRunConfig& config);

}  // namespace stakecast::sim
