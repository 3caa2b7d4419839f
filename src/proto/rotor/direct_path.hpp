// Direct and hybrid paths (ARCHITECTURE.md 4.3; issue 5 items 5 and 6). A message is signed once by its
// sender and then travels verbatim, so every copy is self-authenticating:
//   - direct (Critical, small): the sender sends it to every validator; receivers verify, deduplicate by
//     message id and deliver; optional acknowledgements with bounded retries to the validators that have
//     not acknowledged, and a delivery report per message (who has it, when);
//   - hybrid (High, medium): the sender sends it straight to the heaviest validators holding a configured
//     share of the stake (one hop for most of the stake), and each of them relays it to its share of the
//     others so that every remaining validator is covered by `redundancy` relays (docs/hybrid-path.md).
// Wire format: codec/direct_wire.hpp (/stakecast/direct/1.0.0). Sans-I/O: inputs on_*(..., now),
// outputs poll_transmit()/poll_event(), timers next_deadline()/on_deadline().
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "codec/direct_wire.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "crypto/ed25519.hpp"
#include "proto/prio/message_cache.hpp"
#include "proto/rotor/misbehaviour.hpp"
#include "proto/rotor/relay_sampler.hpp"  // MessageId
#include "proto/rotor/transmit.hpp"
#include "proto/rotor/validator_set.hpp"

namespace stakecast::rotor {

enum class DirectErrc {
  not_a_validator = 1,  // this node has no index in the current epoch
  no_epoch,             // no validator set installed
  payload_too_large,
  too_many_tracked,  // max_tracked messages already await acknowledgements
  invalid_config,
};
const char* describe(DirectErrc e);
STAKECAST_ERRC_FUNCS(DirectErrc, "direct_path")

struct DirectConfig {
  std::size_t max_payload = 64 * 1024 + 1024;
  Duration ack_timeout = std::chrono::milliseconds(200);  // first retry; doubles after each
  std::uint32_t max_retries = 3;
  std::size_t max_tracked = 1024;       // messages awaiting acknowledgements
  std::size_t max_outgoing = 1u << 20;  // transmits not yet polled (dropped beyond, counted)
  std::size_t max_events = 1u << 16;    // events not yet polled (dropped beyond, counted)
  prio::MessageCacheConfig dedup{.max_entries = 1u << 18, .max_bytes = 0};  // ids only
  std::uint64_t max_slots_ahead = 512;  // accepted slots: [finalized, current + max_slots_ahead]
  // Hybrid: the relays are the heaviest validators (other than the sender) holding this share of the
  // others' stake, clamped to [hybrid_min_relays, hybrid_max_relays] (at most 255: a header byte).
  std::uint32_t hybrid_stake_permille = 667;
  std::uint8_t hybrid_min_relays = 4;
  std::uint8_t hybrid_max_relays = 32;
  std::uint8_t hybrid_redundancy = 2;
  std::size_t max_epochs = 3;  // validator sets kept
};

struct SendOptions {
  bool ack = false;     // track acknowledgements, retry, and report delivery
  bool hybrid = false;  // through relays instead of straight to everyone
  // Priority class of the copies; default Critical for direct, High for hybrid.
  std::optional<prio::Class> cls = std::nullopt;
  // Direct only: send to these validators (current epoch) instead of to every validator; this node and
  // indices outside the set are skipped. Acknowledgements are tracked for these only.
  std::vector<ValidatorIndex> to = {};
};

// Why an incoming message was dropped (counted in DirectMetrics::rejected).
enum class DirectReject : std::uint8_t {
  from_unstaked,
  malformed,
  unknown_epoch,
  unknown_sender,
  bad_signature,
  slot_too_old,
  slot_too_far,
  count_
};

struct DirectMetrics {
  std::uint64_t sent_messages = 0;
  std::uint64_t transmits = 0;
  std::uint64_t delivered = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t forwarded = 0;       // hybrid relay copies
  std::uint64_t hybrid_refused = 0;  // hybrid messages outside the relay bounds: delivered, not relayed
  std::uint64_t acks_sent = 0;
  std::uint64_t acks_received = 0;
  std::uint64_t acks_unknown = 0;
  std::uint64_t retries = 0;
  std::uint64_t dropped_outgoing = 0;
  std::uint64_t dropped_events = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(DirectReject::count_)> rejected{};
  std::uint64_t rejected_total() const;
};

struct Delivered {
  MessageId id{};
  ValidatorIndex sender;
  ValidatorIndex from;  // who handed it to us (the sender, or a hybrid relay)
  std::uint8_t kind = 0;
  Slot slot;
  Epoch epoch;
  prio::Payload wire;  // the signed message; payload() views into it
  std::size_t payload_offset = 0;
  std::size_t payload_size = 0;
  TimePoint at;
  BytesView payload() const { return BytesView(*wire).subspan(payload_offset, payload_size); }
};

struct DeliveryReport {
  MessageId id{};
  std::vector<std::pair<ValidatorIndex, TimePoint>> acked;  // who has it, and when we learned it
  std::vector<ValidatorIndex> missing;                      // never acknowledged
  std::uint32_t retries = 0;
  bool complete() const { return missing.empty(); }
};

using DirectEvent = std::variant<Delivered, DeliveryReport, Misbehaviour>;

class DirectPath {
 public:
  // Errors: invalid_config (hybrid redundancy 0, min relays 0 or above max, stake share above 1000).
  static Result<DirectPath> create(const DirectConfig& config, const crypto::Ed25519Keypair& key);

  // Installs a validator set (an epoch's table); the highest `max_epochs` are kept. `current` makes it
  // the epoch used for sending.
  Status add_validator_set(std::shared_ptr<const ValidatorSet> set, bool current);
  // Consensus progress: the current slot bounds how far ahead messages may be; finalized slots are
  // closed (late copies rejected, their dedup entries freed).
  void on_slot(Slot current);
  void on_finalized(Slot finalized);

  // Signs and sends. Errors: no_epoch, not_a_validator, payload_too_large, too_many_tracked, and
  // invalid_config for a hybrid message with explicit targets.
  Result<MessageId> send(std::uint8_t kind, Slot slot, BytesView payload, SendOptions options, TimePoint now);

  // Bytes received on /stakecast/direct/1.0.0. `from` is the peer's index in the current epoch, nullopt
  // for a peer without stake.
  void on_message(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now);
  void on_deadline(TimePoint now);
  TimePoint next_deadline() const;

  std::optional<Transmit> poll_transmit();
  std::optional<DirectEvent> poll_event();

  const DirectMetrics& metrics() const { return metrics_; }
  std::optional<ValidatorIndex> self() const;
  std::size_t tracked() const { return tracked_.size(); }

  // The hybrid relays for `sender`: the first `relays` validators in index order other than the sender.
  static std::vector<ValidatorIndex> hybrid_committee(std::size_t validators, ValidatorIndex sender,
                                                      std::uint8_t relays);
  // How many relays `sender` uses in `set` under `config` (the stake rule above).
  static std::uint8_t hybrid_relay_count(const ValidatorSet& set, ValidatorIndex sender,
                                         const DirectConfig& config);
  // The validators relay position `position` of a hybrid committee forwards to (docs/hybrid-path.md).
  static std::vector<ValidatorIndex> hybrid_share(std::size_t validators,
                                                  std::span<const ValidatorIndex> committee,
                                                  ValidatorIndex sender, std::size_t position,
                                                  std::uint8_t redundancy);
  // SHA-256("stakecast/direct/id/v1" || header || payload).
  static MessageId message_id(BytesView signed_bytes);
  static constexpr std::string_view kSignTag = "stakecast/direct/v1";

 private:
  struct EpochState {
    std::shared_ptr<const ValidatorSet> set;
    std::optional<ValidatorIndex> self;
  };
  struct Tracked {
    prio::Payload wire;
    Epoch epoch;
    std::map<ValidatorIndex, std::optional<TimePoint>> acks;  // every target, acked or not
    std::uint32_t retries = 0;
    TimePoint deadline;
  };

  DirectPath(const DirectConfig& c, const crypto::Ed25519Keypair& k) : config_(c), key_(k), dedup_(c.dedup) {}
  void reject(DirectReject why) { ++metrics_.rejected[static_cast<std::size_t>(why)]; }
  void transmit(ValidatorIndex to, prio::Class cls, const prio::Payload& bytes);
  void event(DirectEvent e);
  void on_ack(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now);
  void send_ack(ValidatorIndex to, const MessageId& id);
  void forward_hybrid(EpochState& es, const codec::DirectMessageView& m, const prio::Payload& wire);
  void finish(std::map<MessageId, Tracked>::iterator it);
  std::optional<ValidatorIndex> translate(std::optional<ValidatorIndex> from, Epoch to) const;

  DirectConfig config_;
  crypto::Ed25519Keypair key_;
  std::map<Epoch, EpochState> epochs_;
  std::optional<Epoch> current_;
  prio::MessageCache dedup_;
  Slot slot_{0};
  Slot finalized_{0};
  std::uint64_t nonce_ = 0;
  std::map<MessageId, Tracked> tracked_;
  std::set<std::pair<TimePoint, MessageId>> deadlines_;
  std::deque<Transmit> out_;
  std::deque<DirectEvent> events_;
  DirectMetrics metrics_;
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::DirectErrc)
