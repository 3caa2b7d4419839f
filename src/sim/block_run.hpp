// One block dissemination run (issue 6 items 3-5): a leader broadcasts a block with one strategy over a
// stake table and a latency model, every validator's arrival time and bytes are collected, and the
// stake-weighted figures are derived. Rotor runs the real rotor::Engine on every validator; direct
// broadcast is sim::DirectBroadcast. No I/O.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "crypto/sha256.hpp"
#include "sim/direct_broadcast.hpp"
#include "sim/rotor_node.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

enum class Strategy : std::uint8_t {
  rotor_psp,  // Rotor, relays by partition sampling (PS-P)
  rotor_iid,  // Rotor, relays by independent stake-weighted draws
  direct,     // the leader sends the whole block to everyone
};
std::string_view to_string(Strategy s);
std::optional<Strategy> strategy_from_name(std::string_view name);  // "rotor-psp", "rotor-iid", "direct"

struct BlockRunConfig {
  Strategy strategy = Strategy::rotor_psp;
  std::size_t block_bytes = 1u << 20;
  std::uint8_t data_shreds = 32;   // gamma
  std::uint8_t total_shreds = 64;  // Gamma; kappa = Gamma / gamma
  std::size_t shred_payload = 1024;
  ValidatorIndex leader{0};
  std::uint64_t block_seed = 1;  // block contents
  RunnerConfig runner{};
  RotorCpuModel cpu{};
  // Rotor engine memory per node: shreds kept for serving repair. Large runs lower it (repair is off in
  // a single-block run unless a node misses shreds).
  std::size_t store_bytes = 256u << 20;
  DirectBroadcastConfig::Order direct_order = DirectBroadcastConfig::Order::by_receiver;
};

struct BlockRunResult {
  std::vector<std::optional<Duration>> arrival;  // per validator, since the broadcast; the leader's is 0
  std::vector<std::uint64_t> bytes_sent, bytes_received;
  std::size_t complete = 0;  // validators other than the leader that had the block
  std::optional<Duration> stake60, stake80, stake100;
  std::optional<Duration> p50, p90, p99, max;  // over validators other than the leader
  double amplification = 0;                    // bytes sent by everyone / (block x (N - 1))
  double leader_upload = 0;                    // bytes sent by the leader / block
  std::uint64_t events = 0, messages = 0;
  std::size_t peak_events = 0;
  crypto::Hash256 trace{};
};

// Errors: invalid_config (bad shred split, leader outside the table, empty block), the engine's.
Result<BlockRunResult> run_block(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const BlockRunConfig& config);

}  // namespace stakecast::sim
