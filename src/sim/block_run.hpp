// One block dissemination run (issue 6 items 3-5): a leader broadcasts a block with one strategy over a
// stake table and a latency model, every validator's arrival time and bytes are collected, and the
// stake-weighted figures are derived. Rotor runs the real rotor::Engine on every validator; direct
// broadcast is sim::DirectBroadcast. No I/O.
#pragma once

#include <functional>
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
#include "sim/stats.hpp"
#include "sim/vote_node.hpp"

namespace stakecast::sim {

enum class Strategy : std::uint8_t {
  rotor_psp,  // Rotor, relays by partition sampling (PS-P)
  rotor_iid,  // Rotor, relays by independent stake-weighted draws
  direct,     // the leader sends the whole block to everyone
  turbine,    // the same engine and shreds, forwarded down a per-shred stake-weighted tree (Solana's Turbine)
  gossipsub,  // the real gossipsub::Router on a random peer graph; the block is one gossipsub message
};
std::string_view to_string(Strategy s);
// "rotor-psp", "rotor-iid", "direct", "turbine", "gossipsub"
std::optional<Strategy> strategy_from_name(std::string_view name);

struct BlockRunConfig {
  Strategy strategy = Strategy::rotor_psp;
  std::size_t block_bytes = 1u << 20;
  std::uint8_t data_shreds = 32;   // gamma
  std::uint8_t total_shreds = 64;  // Gamma; kappa = Gamma / gamma
  std::size_t shred_payload = 1024;
  std::uint32_t turbine_fanout = 200;
  ValidatorIndex leader{0};
  std::uint64_t block_seed = 1;  // block contents
  RunnerConfig runner{};
  // Upload per validator in bytes per second (0 = unlimited); empty: runner.link's for everyone.
  std::vector<std::uint64_t> upload_bps;
  RotorCpuModel cpu{};
  // Rotor only: when the leader counts as having its block (and votes); from_relays is the Alpenglow
  // paper simulator's convention (rotor_node.hpp). Other strategies: invalid_config unless at_broadcast.
  LeaderHasBlock leader_has_block = LeaderHasBlock::at_broadcast;
  // Faults (issue 6 item 1), none of them the leader: validators crashed before the broadcast, relays that
  // forward no shreds or flip a byte of each (sim::OutputFilter; Rotor and Turbine only), and a partition
  // (group per validator, messages between groups dropped; empty: none).
  std::vector<ValidatorIndex> crashed, withholding, corrupting;
  std::vector<std::uint32_t> partition;
  // Rotor engine memory per node: shreds kept for serving repair. Large runs lower it (repair is off in
  // a single-block run unless a node misses shreds).
  std::size_t store_bytes = 256u << 20;
  // Rotor engine repair starts this long after a slot's first shred. Late enough by default that a lossless
  // run measures dissemination alone (round 0 asks the leader directly, which would shortcut slow paths).
  Duration repair_after = std::chrono::seconds(10);
  DirectBroadcastConfig::Order direct_order = DirectBroadcastConfig::Order::by_receiver;
  // gossipsub: each node dials this many random others; the routers run this long (subscriptions, mesh
  // building over heartbeats) before the leader publishes, and the run stops this long after it
  // (heartbeats never stop). Times are reported from the publication.
  std::size_t gossip_dials = 20;
  Duration gossip_warmup = std::chrono::seconds(3);
  Duration gossip_horizon = std::chrono::seconds(20);
  Slot slot{1};  // the block's slot; Rotor committees and Turbine trees are seeded by slot and leader
  // Mixed workload (issue 6 item 3): after `slot`, one more block per entry from that leader, each
  // `slot_time` after the previous one (slot + 1, slot + 2, ...; at most 63 more); every slot has its own
  // vote round when `votes` is on. Rotor and Turbine only, leader_has_block at_broadcast.
  std::vector<ValidatorIndex> next_leaders;
  Duration slot_time = std::chrono::milliseconds(400);
  // The Alpenglow-style vote workload on top of the dissemination (stakes and slot are filled in).
  bool votes = false;
  VoteConfig vote{};
  // Called every `progress_every` events with the events so far and the virtual time (progress bars).
  std::function<void(std::uint64_t events, TimePoint now)> progress{};
  std::uint64_t progress_every = 1u << 18;
};

struct VoteRunResult {
  std::vector<VoteTimes> times;  // per validator, since the broadcast
  std::vector<std::optional<Duration>> notarized, finalized;
  std::vector<std::uint64_t> bytes_sent;  // votes and certificates, wire bytes (not in the block's figures)
  Spread notar, final;
  std::size_t fast = 0, slow = 0;  // validators finalized by the fast (80%) or the slow (2 x 60%) path first
};

// One slot of a mixed run: times since that slot's own broadcast.
struct SlotRun {
  Slot slot;
  ValidatorIndex leader;
  std::size_t complete = 0;  // validators other than its leader that had its block
  Spread block;
  std::optional<Spread> final;  // with votes
};

struct BlockRunResult {
  std::vector<std::optional<Duration>> arrival;  // per validator, since the broadcast; the leader's is 0
  // Per validator: the block's wire bytes (vote traffic excluded), messages received (all).
  std::vector<std::uint64_t> bytes_sent, bytes_received, messages_received;
  std::vector<bool> relay;   // forwarded shreds for others (Rotor relays, Turbine nodes with children)
  std::size_t complete = 0;  // validators other than the leader that had the block
  std::size_t live = 0;      // validators other than the leader that did not crash
  // Shreds that failed a check at any validator (malformed, signature, Merkle path, encoding, inconsistent
  // with their slice) and the Misbehaviour events the engines raised (Rotor and Turbine).
  std::uint64_t shreds_rejected = 0, misbehaviour = 0;
  Spread block;  // arrival: stake-weighted times and percentiles over validators other than the leader
  double amplification = 0;  // bytes sent by everyone / (block x (N - 1))
  double leader_upload = 0;  // bytes sent by the leader / block
  std::uint64_t events = 0, messages = 0;
  std::size_t peak_events = 0;
  crypto::Hash256 trace{};
  std::optional<VoteRunResult> votes;
  std::vector<SlotRun> slots;  // mixed workload: every slot, the first one included
};

// Errors: invalid_config (bad shred split, leader outside the table, empty block, leader_has_block other
// than at_broadcast for a strategy that is not Rotor, a faulty leader, withholding or corrupting relays for
// direct or gossipsub, a partition not of the table's size, a faulty index outside it), the engine's.
Result<BlockRunResult> run_block(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const BlockRunConfig& config);

}  // namespace stakecast::sim
