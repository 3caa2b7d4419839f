// rotor::Engine: one node's dissemination machine (ARCHITECTURE.md 4; issue 5 items 3-6 and 8).
//   - leader: shreds a block (or slices as they are produced), draws each slice's relay committee and
//     sends shred i to relay i;
//   - relay: checks a shred from the slot's leader and, if it is the designated relay for that index,
//     forwards it to every validator except itself and the leader, in decreasing stake order with the
//     next leader first;
//   - receiver: collects, verifies and rebuilds slices (SliceDecoder), reports slices, blocks and
//     misbehaviour with evidence, and watches each slice's relays to score their reliability and report
//     withholding;
//   - repair: after a deadline, or on request, fetches missing shreds (and, given the block hash, the
//     verified list of slice roots) from peers drawn by stake, with bounded rounds; serves others' requests
//     from its ShredStore;
//   - direct and hybrid paths through DirectPath, chosen by the prio classification table.
// The engine sees validated messages, protocol ids and validator indices only, so a datagram transport
// can replace libp2p streams without touching it. Sans-I/O: inputs on_*(..., now), outputs
// poll_transmit()/poll_event(), timers next_deadline()/on_deadline(). Design notes: docs/rotor-engine.md.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <variant>
#include <vector>

#include "codec/repair_wire.hpp"
#include "codec/shred.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "crypto/ed25519.hpp"
#include "proto/prio/classify.hpp"
#include "proto/prio/ingress.hpp"
#include "proto/rotor/direct_path.hpp"
#include "proto/rotor/leader_schedule.hpp"
#include "proto/rotor/relay_sampler.hpp"
#include "proto/rotor/reliability.hpp"
#include "proto/rotor/shred_store.hpp"
#include "proto/rotor/shredder.hpp"
#include "proto/rotor/slice_decoder.hpp"
#include "proto/rotor/stake_tracker.hpp"
#include "proto/rotor/transmit.hpp"
#include "proto/rotor/validator_set.hpp"

namespace stakecast::rotor {

enum class EngineErrc {
  invalid_config = 1,
  no_epoch,         // no validator set covers the slot
  not_a_validator,  // this node has no index in that epoch
  not_leader,       // Rotor broadcast for a slot this node does not lead
  no_committee,     // the relay sampler could not draw (no eligible relay)
  not_supported,    // e.g. Low/gossip traffic, which belongs to gossipsub
};
const char* describe(EngineErrc e);
STAKECAST_ERRC_FUNCS(EngineErrc, "rotor_engine")

struct RepairConfig {
  Duration repair_after = std::chrono::milliseconds(200);     // after a slot's first shred
  Duration request_timeout = std::chrono::milliseconds(100);  // one round
  std::uint32_t max_rounds = 8;                               // per slot; each asks another peer
  std::size_t max_outstanding = 256;                          // requests in flight
  std::size_t max_repairing_slots = 64;
  std::uint32_t probe_slices = 4;  // unseen slice indices asked for past the highest seen, per round
  std::size_t max_serve = 64;      // shreds per answer
  codec::RepairLimits limits{};
};

struct EngineConfig {
  ShredderConfig shredder{};
  SliceDecoderConfig decoder{};
  SamplerConfig sampler{};
  DirectConfig direct{};
  RepairConfig repair{};
  ShredStoreConfig store{};
  LeaderScheduleConfig schedule{};
  ReliabilityConfig reliability{};
  prio::ClassifierConfig classifier{};
  // Per-peer ingress budgets (prio::IngressBudgets), proportional to the current epoch's stake, one
  // shared pool for unstaked peers; rebuilt with the relay samplers on every epoch change. Charged: every
  // direct message, every repair request or unsolicited repair answer, every shred not from its slot's
  // leader (a leader's upload to its relays does not follow its stake; the decoder's budgets bound it).
  // The bursts are deep (8 MiB) so that a small relay drawn for several slices in a row is not cut off;
  // the rates are what bound a flood. docs/rotor-engine.md, "Ingress budgets".
  bool ingress_budgets = true;
  prio::IngressConfig ingress{.min_validator_rate = 1024 * 1024, .min_burst_bytes = 8u << 20};
  std::uint64_t max_slots_ahead = 64;  // shreds for slots beyond current + this are refused
  Duration relay_deadline = std::chrono::milliseconds(100);  // on time = within this of a slice's first shred
  bool report_withholding = true;
  // Check the Merkle path of shreds that arrive after their slice is complete (about half of them at
  // kappa = 2). Off by default: late shreds are then dropped on a header comparison, and a corrupting
  // relay is caught only by receivers that got its shred before completing the slice.
  bool audit_late_shreds = false;
  std::size_t max_slices = 8192;  // per-slice bookkeeping (watch, forwarded set); lowest slots dropped
  std::size_t max_slots = 512;    // per-slot bookkeeping
  std::size_t max_outgoing = 1u << 22;
  std::size_t max_events = 1u << 16;
};

// Why an incoming shred did not advance anything (EngineMetrics::shreds_dropped).
enum class ShredDrop : std::uint8_t {
  from_unstaked,
  malformed,
  slot_too_far,
  slot_too_old,
  unknown_epoch,
  unknown_leader,
  duplicate,
  ignored,
  bad_signature,
  bad_merkle_proof,
  inconsistent,
  bad_encoding,
  over_budget,
  equivocation,
  not_in_block,         // a repaired shred whose root is not the verified block's
  over_ingress_budget,  // the sender's ingress budget (prio::IngressBudgets) was exhausted
  count_
};
std::string_view to_string(ShredDrop d);

// Why a repair message was refused (EngineMetrics::repair_rejects; repair_rejected is their sum).
enum class RepairReject : std::uint8_t {
  from_unstaked,
  malformed,      // does not parse within RepairLimits (codec::RepairWireErrc: a huge count, truncated, ...)
  unsolicited,    // an answer to no outstanding request of ours to that peer, or not matching it
  bad_roots,      // a roots answer whose list does not hash to the block asked for
  foreign_shred,  // a shred in an answer for another slot or slice than asked
  count_
};
std::string_view to_string(RepairReject r);

struct EngineMetrics {
  std::uint64_t shreds_received = 0;
  std::uint64_t shreds_accepted = 0;
  std::uint64_t slices_completed = 0;
  std::uint64_t blocks_completed = 0;
  std::uint64_t shreds_sent_as_leader = 0;
  std::uint64_t shreds_forwarded = 0;  // copies sent as a relay
  std::array<std::uint64_t, static_cast<std::size_t>(ShredDrop::count_)> shreds_dropped{};
  std::uint64_t withholding_reports = 0;
  std::uint64_t repair_rounds = 0;
  std::uint64_t repair_requests_sent = 0;
  std::uint64_t repair_responses = 0;  // answers received (shreds, roots, not found)
  std::uint64_t repair_shreds = 0;     // shreds accepted through repair
  std::uint64_t repair_timeouts = 0;
  std::uint64_t repair_gave_up = 0;    // slots abandoned after max_rounds
  std::uint64_t repair_served = 0;     // requests answered with data
  std::uint64_t repair_not_found = 0;  // requests answered "not found"
  std::uint64_t repair_rejected = 0;   // malformed, unsolicited or mismatched repair messages
  std::array<std::uint64_t, static_cast<std::size_t>(RepairReject::count_)> repair_rejects{};
  std::uint64_t rejected(RepairReject r) const { return repair_rejects[static_cast<std::size_t>(r)]; }
  // Messages refused by the ingress budgets, by Protocol (shred, direct, repair); the budgets' own
  // counters (staked / unstaked) are in ingress_metrics().
  std::array<std::uint64_t, 3> ingress_rejected{};
  std::uint64_t dropped_outgoing = 0;
  std::uint64_t dropped_events = 0;
  std::uint64_t dropped(ShredDrop d) const { return shreds_dropped[static_cast<std::size_t>(d)]; }
  std::uint64_t dropped_total() const;
};

using EngineEvent = std::variant<SliceDoneEvent, BlockDoneEvent, Delivered, DeliveryReport, Misbehaviour>;

class Engine {
 public:
  // Errors: invalid_config (shredder, sampler or direct-path configuration invalid).
  static Result<Engine> create(const EngineConfig& config, const crypto::Ed25519Keypair& key);

  // Epochs. add_epoch installs a validator set for the slots from `first_slot` on (also ahead of
  // time); apply() takes a StakeTracker change and makes it the current epoch for sending. Everything
  // derived (relay sampler, direct-path tables, ingress budgets, reliability scores) is rebuilt inside
  // the call.
  Status add_epoch(Slot first_slot, std::shared_ptr<const ValidatorSet> set);
  Status apply(const EpochChange& change);
  // The leader schedule as consensus knows it; unnamed slots follow the default rule (leader_schedule.hpp).
  void set_leader(Slot slot, ValidatorIndex leader);
  void on_slot(Slot current);
  void on_finalized(Slot finalized);

  // Leader: shreds and sends a whole block; returns its hash (Merkle root over the slice roots).
  // Errors: no_epoch, not_a_validator, not_leader, no_committee, and the shredder's.
  Result<crypto::Hash256> broadcast_block(Slot slot, BytesView block, TimePoint now);
  // Leader, pipelined: one slice as soon as it is produced. Same errors.
  Status broadcast_slice(Slot slot, SliceIndex slice, bool last, BytesView data, TimePoint now);
  // Any consensus message: the classification table picks direct (Critical) or hybrid (High). Normal
  // (Rotor-sized) messages are blocks: use broadcast_block as the slot's leader. Errors: not_supported
  // for Rotor-sized and Low messages, and DirectPath's.
  Result<MessageId> send(prio::Kind kind, Slot slot, BytesView payload, bool ack, TimePoint now);
  Result<MessageId> send_direct(prio::Kind kind, Slot slot, BytesView payload, SendOptions options,
                                TimePoint now);
  // Asks peers for whatever of `slot` is missing now (and for the slice roots, given the block hash).
  Status request_repair(Slot slot, std::optional<crypto::Hash256> block, TimePoint now);

  // A message on one of the three protocols. `from` is the peer's index in the current epoch, nullopt
  // for a peer without stake.
  void on_message(std::optional<ValidatorIndex> from, Protocol protocol, BytesView bytes, TimePoint now);
  // The same for bytes the owner already holds in a shared buffer: shreds kept for repair and forwarded
  // copies share it instead of copying (the simulator delivers one buffer to every receiver).
  void on_message(std::optional<ValidatorIndex> from, Protocol protocol, const prio::Payload& bytes,
                  TimePoint now);
  void on_deadline(TimePoint now);
  TimePoint next_deadline() const;

  std::optional<Transmit> poll_transmit();
  std::optional<EngineEvent> poll_event();

  const EngineMetrics& metrics() const { return metrics_; }
  const DirectMetrics& direct_metrics() const { return direct_.metrics(); }
  const ReliabilityTracker& reliability() const { return reliability_; }
  // The ingress budget of a current-epoch validator in bytes/s (nullopt: the unstaked pool); 0 when
  // ingress budgets are off.
  std::uint64_t ingress_rate(std::optional<ValidatorIndex> from) const;
  prio::IngressMetrics ingress_metrics() const;
  std::optional<ValidatorIndex> self() const;
  std::optional<ValidatorIndex> leader_of(Slot slot) const;
  // The committee receivers expect for a slice (shred i -> relay i).
  Result<std::vector<ValidatorIndex>> committee(Slot slot, SliceIndex slice, std::uint8_t total);

  // SHA-256("stakecast/rotor/dissemination/v1" || LE64(slot) || leader key): the relay sampler's message
  // id for a slot's slices. Fixed by slot and leader, so a leader cannot grind block contents for relays.
  static MessageId dissemination_id(Slot slot, const crypto::Ed25519PublicKey& leader);

 private:
  struct EpochCtx {
    std::shared_ptr<const ValidatorSet> set;
    std::optional<RelaySampler> sampler;
    std::optional<ValidatorIndex> self;
  };
  struct SliceInfo {
    std::optional<codec::ShredHeader> trusted;  // header of the first verified shred (root, signature)
    std::vector<ValidatorIndex> committee;      // expected relays, if reproducible here
    std::bitset<256> arrived;                   // shred i came from committee[i]
    std::bitset<256> forwarded;                 // we forwarded index i (as its relay)
    std::bitset<256> observed;                  // blended committees: index i already scored
    TimePoint first_seen;                       // the slice's first shred here
    bool watch_started = false;
    bool watched = false;  // deadline pending
  };
  struct SlotInfo {
    TimePoint first_seen;
    std::uint32_t max_slice = 0;
    std::optional<std::uint32_t> last_slice;
    std::map<std::uint32_t, crypto::Hash256> roots;  // completed slices
    bool done = false;
    bool own = false;                         // we are its leader
    bool repair_over = false;                 // repair gave up: do not restart it on every late shred
    std::vector<ValidatorIndex> relay_order;  // cached forwarding order
  };
  struct RepairSlot {
    TimePoint due;
    std::optional<crypto::Hash256> block;
    std::optional<std::vector<crypto::Hash256>> roots;  // verified against `block`
    std::uint32_t rounds = 0;
  };
  enum class RequestKind : std::uint8_t { roots, shreds };
  struct Outstanding {
    RequestKind kind;
    Slot slot;
    SliceIndex slice;
    ValidatorIndex peer;  // current-epoch numbering
    TimePoint deadline;
    crypto::Hash256 block{};
  };
  enum class Timer : std::uint8_t { watch, repair, request };
  using TimerKey = std::tuple<TimePoint, Timer, std::uint64_t, std::uint64_t>;

  Engine(const EngineConfig& c, const crypto::Ed25519Keypair& k, Shredder s, DirectPath d);

  const EpochCtx* ctx_for(Slot slot) const;
  EpochCtx* ctx_for(Slot slot);
  std::optional<ValidatorIndex> to_epoch(std::optional<ValidatorIndex> from, const EpochCtx& ctx) const;
  std::optional<ValidatorIndex> to_current(ValidatorIndex v, const EpochCtx& ctx) const;
  void transmit(ValidatorIndex to, Protocol p, prio::Class cls, prio::Payload bytes);
  // `bytes` as a shared buffer: the input's own when `bytes` is all of it, else a copy.
  prio::Payload share(BytesView bytes) const;
  void event(EngineEvent e);
  void drop(ShredDrop why) { ++metrics_.shreds_dropped[static_cast<std::size_t>(why)]; }
  void reject(RepairReject why) {
    ++metrics_.repair_rejected;
    ++metrics_.repair_rejects[static_cast<std::size_t>(why)];
  }
  // Charges `bytes` to the sender's ingress budget; false (counted) when it is exhausted.
  bool admit(std::optional<ValidatorIndex> from, Protocol p, std::size_t bytes, TimePoint now);
  // A repair answer to one of our outstanding requests to `from` (bounded by our own requests: free).
  bool solicited(std::optional<ValidatorIndex> from, BytesView bytes) const;
  Status rebuild_ingress(const ValidatorSet& set);
  SlotInfo& slot_info(Slot slot, TimePoint now);
  SliceInfo& slice_info(Slot slot, SliceIndex slice, TimePoint now);
  Status send_slice(const EpochCtx& ctx, const SliceShreds& s, TimePoint now);

  // Shreds.
  void on_shred(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now, bool via_repair,
                const std::optional<crypto::Hash256>& expected_root);
  bool verified_copy(const codec::ShredView& v, const SliceInfo& info) const;
  void forward(EpochCtx& ctx, ValidatorIndex leader, const codec::ShredView& v, SliceInfo& info,
               BytesView bytes, TimePoint now);
  const std::vector<ValidatorIndex>& relay_order(const EpochCtx& ctx, Slot slot, ValidatorIndex leader);
  void watch(EpochCtx& ctx, ValidatorIndex leader, const codec::ShredHeader& h, SliceInfo& info,
             std::optional<ValidatorIndex> from_e, TimePoint now);
  // A genuine relay copy (not the leader's) of shred `h` from `from_e`: credit the relay.
  void observe(const EpochCtx& ctx, SliceInfo& info, const codec::ShredHeader& h, ValidatorIndex from_e,
               TimePoint now);
  void end_watch(Slot slot, SliceIndex slice);
  bool turbine() const { return config_.sampler.strategy == SamplingStrategy::turbine; }
  // Turbine: this node's children for one shred (cached for the last shred asked about).
  const std::vector<ValidatorIndex>& turbine_targets(EpochCtx& ctx, ValidatorIndex leader,
                                                     const codec::ShredHeader& h);
  void drain_decoder(TimePoint now);

  // Repair.
  void schedule_repair(Slot slot, TimePoint due);
  void repair_round(Slot slot, TimePoint now);
  std::optional<ValidatorIndex> repair_peer(const EpochCtx& ctx, Slot slot, std::uint32_t round) const;
  void on_repair(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now);
  void serve_roots(ValidatorIndex to, const codec::RootsRequest& q);
  void serve_shreds(ValidatorIndex to, const codec::ShredsRequest& q);
  void finish_request(std::uint64_t id, TimePoint now);

  EngineConfig config_;
  crypto::Ed25519Keypair key_;
  Shredder shredder_;
  SliceDecoder decoder_;
  DirectPath direct_;
  ShredStore store_;
  LeaderSchedule schedule_;
  ReliabilityTracker reliability_;
  prio::Classifier classifier_;
  std::optional<prio::IngressBudgets> ingress_;
  TimePoint last_input_{};  // latest `now` seen: budgets rebuilt on an epoch change start full from it

  std::map<Slot, EpochCtx> epochs_;  // by first slot
  std::optional<Epoch> current_epoch_;
  Slot current_slot_{0};
  Slot floor_{0};

  std::map<std::pair<Slot, std::uint32_t>, SliceInfo> slices_;
  std::map<Slot, SlotInfo> slots_;
  std::map<Slot, RepairSlot> repairing_;
  std::map<std::uint64_t, Outstanding> outstanding_;
  std::uint64_t next_request_ = 1;
  std::set<TimerKey> timers_;

  std::optional<std::tuple<Slot, std::uint32_t, std::uint32_t>> turbine_key_;
  std::vector<ValidatorIndex> turbine_kids_;

  const prio::Payload* input_ = nullptr;  // the shared buffer of the message being handled, if any

  std::deque<Transmit> out_;
  std::deque<EngineEvent> events_;
  EngineMetrics metrics_;
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::EngineErrc)
