// frost::Participant: one group member's side of FROST signing sessions (RFC 9591 5.1-5.2; issue 7
// item 3). A coordination message opens an attempt of a session: the participant draws fresh nonces
// from its injected Entropy and sends its commitment (to the coordinator, or in broadcast mode to every
// signer of the attempt and the coordinator). Coordinated mode: the coordinator's signing package comes
// back and the participant signs it once. Broadcast mode (no package): once it holds the commitment of
// every signer of the attempt it builds the package itself, signs, sends its share to the same peers, and
// aggregates the shares it receives into the group signature (Signed event).
// SECURITY: nonces are consumed by the one signature of an attempt and wiped when a later attempt opens
// or the session closes; an attempt is never re-opened (replays are rejected as stale).
// Bounded: sessions (in total and per coordinator), signers, message size, early messages, remembered
// closed sessions. A rejected message returns a typed error and changes nothing. Sans-I/O: inputs
// on_message(from, payload, now), outputs poll_transmit()/poll_event(), timers next_deadline()/on_deadline().
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "core/rng.hpp"
#include "proto/frost/group.hpp"

namespace stakecast::frost {

struct ParticipantConfig {
  std::size_t max_sessions = 64;
  std::size_t max_sessions_per_coordinator = 8;
  std::size_t max_signers = 1024;       // signer set of one attempt
  std::size_t max_message = 64 * 1024;  // bytes to sign
  Duration max_attempt = 60s;           // longest attempt deadline a coordinator may ask
  Duration linger = 5s;                 // a session stays open this long past its attempt deadline
  std::size_t max_early = 4096;         // broadcast-mode messages that arrived before their opening
  std::size_t max_closed = 4096;        // closed sessions remembered to reject replayed openings
  std::size_t max_outgoing = 4096;
  std::size_t max_events = 1024;
};

class Participant {
 public:
  // Errors: not_a_member (self is not in the group), crypto::frost::Errc::bad_scalar / zero_scalar for the
  // share, invalid_group when the share does not match the member's public share.
  static Result<Participant> create(const ParticipantConfig& config, std::shared_ptr<const Group> group,
                                    ValidatorIndex self, const cf::Scalar& secret_share, Entropy& entropy);
  Participant(Participant&&) = default;
  Participant& operator=(Participant&&) = default;
  ~Participant();  // wipes the secret share

  // A FROST payload from validator `from` (authenticated by the direct path), with the signed message
  // that carried it (kept as evidence; may be null). Errors: codec::FrostWireErrc, crypto::frost::Errc
  // (bad_element, bad_scalar, commitment_mismatch, identity_result), and Errc: unknown_member,
  // unknown_session, stale, duplicate, duplicate_commitment, wrong_sender, not_a_signer, wrong_phase,
  // bad_package, bad_threshold, too_many_sessions, too_many_signers, message_too_large, invalid_share.
  Status on_message(ValidatorIndex from, BytesView payload, TimePoint now, prio::Payload envelope = nullptr);
  // Closes sessions past their deadline and linger. Never fails.
  Status on_deadline(TimePoint now);
  TimePoint next_deadline() const;

  std::optional<Outgoing> poll_transmit();
  std::optional<Event> poll_event();

  Identifier id() const { return id_; }
  ValidatorIndex validator() const { return self_; }
  std::size_t sessions() const { return sessions_.size(); }
  std::size_t early_messages() const { return early_.size(); }
  std::uint64_t dropped() const { return dropped_; }  // outgoing, events or early messages over bounds

 private:
  enum class Phase : std::uint8_t { committed, signed_share, done };
  using Key = std::pair<SessionId, ValidatorIndex>;  // (session, coordinator)
  struct Session {
    ValidatorIndex coordinator;
    FrostMode mode = FrostMode::coordinated;
    std::uint8_t attempt = 0;
    Slot slot;
    std::vector<Identifier> signers;
    Bytes message;
    TimePoint opened;
    TimePoint expires;
    Phase phase = Phase::committed;
    cf::SigningNonces nonces;
    cf::SigningCommitment mine;
    // Broadcast mode.
    std::map<Identifier, cf::SigningCommitment> commitments;
    std::map<Identifier, cf::Scalar> shares;  // verified once the package exists
    std::optional<cf::SigningPackage> package;
  };
  struct Early {
    ValidatorIndex from;
    Bytes payload;
    prio::Payload envelope;
    TimePoint at;
  };

  Participant(const ParticipantConfig& c, std::shared_ptr<const Group> g, ValidatorIndex self, Identifier id,
              const cf::Scalar& s, Entropy& e)
      : config_(c), group_(std::move(g)), self_(self), id_(id), secret_(s), entropy_(&e) {}

  Status on_coordination(ValidatorIndex from, BytesView payload, TimePoint now);
  Status on_package(ValidatorIndex from, BytesView payload, TimePoint now);
  Status on_commitment(ValidatorIndex from, BytesView payload, TimePoint now, const prio::Payload& envelope);
  Status on_share(ValidatorIndex from, BytesView payload, TimePoint now, const prio::Payload& envelope);
  // The broadcast-mode session `id` whose current attempt `attempt` has `signer` in its set.
  Result<std::map<Key, Session>::iterator> broadcast_session(const codec::FrostHeader& h);
  Status try_sign_broadcast(const SessionId& id, Session& s, TimePoint now);
  void keep_early(ValidatorIndex from, BytesView payload, const prio::Payload& envelope, TimePoint now);
  void try_aggregate(const SessionId& id, Session& s, TimePoint now);
  std::vector<ValidatorIndex> peers_of(const Session& s) const;  // signers (not self) and the coordinator
  void replay_early(const SessionId& id, TimePoint now);
  void close(std::map<Key, Session>::iterator it);
  void send(Outgoing o);
  void emit(Event e);

  ParticipantConfig config_;
  std::shared_ptr<const Group> group_;
  ValidatorIndex self_;
  Identifier id_ = 0;
  cf::Scalar secret_{};
  Entropy* entropy_;
  std::map<Key, Session> sessions_;
  std::map<Key, std::uint8_t> closed_;  // last attempt seen of closed sessions
  std::deque<Key> closed_order_;
  std::deque<Early> early_;
  std::deque<Outgoing> out_;
  std::deque<Event> events_;
  std::uint64_t dropped_ = 0;
};

}  // namespace stakecast::frost
