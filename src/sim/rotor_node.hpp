// rotor::Engine inside the simulator (issue 6: "the very same engine objects as the real node"): a
// sim::Node adapter that passes messages and deadlines to the engine unchanged, turns its Transmits into
// sim Messages (channel = rotor::Protocol), records when slices, blocks and direct messages arrived, and
// charges a modelled CPU cost derived from what the engine did for each input. Plus a helper that builds
// one engine per validator of a StakeTable with synthetic keys. No I/O.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "crypto/ed25519.hpp"
#include "proto/rotor/engine.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

// Modelled CPU time per unit of engine work, from the engine's metrics after each input. Zero (the
// default) leaves CPU out; calibrate from `stakecast-bench rotor` / `erasure` on the target machine.
struct RotorCpuModel {
  Duration per_shred_received{0};   // parse, dedup, Merkle path (and the slice's signature, amortized)
  Duration per_slice_completed{0};  // Reed-Solomon decode, re-encode and root check
  Duration per_leader_shred{0};     // leader: encode, Merkle and signature, per shred it sends
  Duration per_message_sent{0};     // framing and encryption of one outgoing message
};

// The Alpenglow paper simulator's convention for the leader (docs/sim-validation.md): there, the leader
// "has" its block like everyone else, at the gamma-th earliest shred that came back through a relay, and
// votes only then. Our Rotor relays never send to the leader; with this on, a relay also sends every shred
// it forwards back to the leader (one extra copy, counted in its bytes), and the leader's block_done() is
// when, for every slice, gamma distinct shreds came back. Off (default): the leader has its block when it
// broadcasts it. Rotor only: in a Turbine tree every inner node forwards.
enum class LeaderHasBlock : std::uint8_t {
  at_broadcast,  // when it sends (what a real leader does)
  from_relays,   // when gamma shreds of every slice came back through relays (the paper's simulator)
};

struct RotorNodeConfig {
  RotorCpuModel cpu{};
  std::size_t max_records = 4096;  // slots / messages whose arrival time is kept
  LeaderHasBlock leader_has_block = LeaderHasBlock::at_broadcast;
  // from_relays: the slot's leader, to which forwarded shreds are echoed (relays), or this node's own
  // index when it is the leader (it counts what comes back).
  std::optional<ValidatorIndex> leader{};
  ValidatorIndex self{0};
};

class RotorNode final : public Node {
 public:
  RotorNode(rotor::Engine engine, const RotorNodeConfig& config = {});

  rotor::Engine& engine() { return engine_; }
  const rotor::Engine& engine() const { return engine_; }

  // Leader commands through the adapter, so that events they raise are recorded at `now`.
  Result<crypto::Hash256> broadcast_block(Slot slot, BytesView block, TimePoint now);
  Result<rotor::MessageId> send(prio::Kind kind, Slot slot, BytesView payload, TimePoint now);

  // When this node rebuilt the block of `slot` (for the leader: when it broadcast it, or with
  // LeaderHasBlock::from_relays when gamma shreds of every slice came back through relays).
  std::optional<TimePoint> block_done(Slot slot) const;
  std::optional<TimePoint> delivered(const rotor::MessageId& id) const;
  std::size_t slices_done() const { return slices_done_; }
  std::size_t misbehaviour_reports() const { return misbehaviour_; }
  std::uint64_t ignored_messages() const { return ignored_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override;
  void on_deadline(TimePoint now) override;
  TimePoint next_deadline() const override { return engine_.next_deadline(); }
  std::optional<Message> poll_transmit() override;
  Duration poll_cpu() override;

 private:
  void drain(TimePoint now);
  bool echoing() const;
  void count_return(const Payload& bytes, TimePoint now);

  rotor::Engine engine_;
  RotorNodeConfig config_;
  std::map<Slot, TimePoint> blocks_;
  std::map<rotor::MessageId, TimePoint> delivered_;
  std::size_t slices_done_ = 0, misbehaviour_ = 0;
  std::uint64_t ignored_ = 0;
  // LeaderHasBlock::from_relays. Relay: the next message is the echo of the shred just forwarded; the
  // shreds already echoed. Leader: distinct shred indices back per (slot, slice), the last slice index.
  std::optional<Message> echo_;
  Payload last_forwarded_;
  std::set<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> echoed_;
  std::map<std::pair<Slot, std::uint32_t>, std::set<std::uint32_t>> returned_;
  std::map<Slot, std::uint32_t> last_slice_;
  std::map<Slot, std::uint32_t> slices_back_;
  // Engine metrics at the last poll_cpu(), and messages polled since.
  std::uint64_t seen_received_ = 0, seen_slices_ = 0, seen_leader_ = 0, sent_since_ = 0;
};

// Deterministic per-validator keys for simulations: seed = SHA-256("stakecast/sim/key" || LE32(index)).
// Real identity keys have no secret half here, and the leader must sign.
crypto::Ed25519Keypair sim_key(ValidatorIndex v);

// The table's stakes and regions (same index order) with sim_key() keys. Errors: ValidatorSetErrc.
Result<std::shared_ptr<const rotor::ValidatorSet>> sim_validator_set(const StakeTable& table, Epoch epoch);

// The RotorNode of validator `self`, with `set` from slot 0, at `slot` with `leader` as its leader.
// Errors: the engine's invalid_config.
Result<std::unique_ptr<RotorNode>> make_rotor_node(std::shared_ptr<const rotor::ValidatorSet> set,
                                                   const rotor::EngineConfig& engine,
                                                   const RotorNodeConfig& node, Slot slot,
                                                   ValidatorIndex leader, ValidatorIndex self);
// One RotorNode per validator of `set`, as above.
Result<std::vector<std::unique_ptr<Node>>> make_rotor_nodes(std::shared_ptr<const rotor::ValidatorSet> set,
                                                            const rotor::EngineConfig& engine,
                                                            const RotorNodeConfig& node, Slot slot,
                                                            ValidatorIndex leader);

}  // namespace stakecast::sim
