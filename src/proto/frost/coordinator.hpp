// frost::Coordinator: runs FROST signing sessions for a group (RFC 9591 5.1-5.3 with 5.4 per share;
// issue 7 item 3). open() sends a coordination message (session id, attempt, mode, threshold, deadline,
// signer set, message) to the attempt's signers. Coordinated mode: the first `threshold` commitments to
// arrive make the signing package, sent to those signers; broadcast mode: every signer of the attempt
// sends its commitment to all of them (and here), and the package is the whole set. Each share is checked
// on arrival; when all verify, their sum is the group signature (Signed). An invalid share excludes its
// signer with evidence (Excluded) and starts the next attempt at once; at the attempt deadline the signers
// that did not answer are excluded and the next attempt asks the next eligible signers in the caller's
// preference order, at least the threshold of them. Bounded: sessions, signers, message size, attempts,
// queues. A rejected message returns a typed error and changes nothing. Sans-I/O: inputs open() and
// on_message(from, payload, now), outputs poll_transmit()/poll_event(), timers next_deadline()/on_deadline().
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "proto/frost/group.hpp"

namespace stakecast::frost {

struct CoordinatorConfig {
  std::size_t max_sessions = 64;
  std::size_t max_signers = 1024;
  std::size_t max_message = 64 * 1024;
  std::uint8_t max_attempts = 8;
  std::size_t max_outgoing = 4096;
  std::size_t max_events = 1024;
};

struct OpenRequest {
  SessionId id{};
  Bytes message;
  Slot slot;  // carried by the session's direct-path messages
  // Signers in order of preference (e.g. by stake); empty = every member in identifier order.
  std::vector<Identifier> candidates;
  // Signers asked per attempt (the first eligible ones); 0 = the group's threshold. Broadcast mode signs
  // with all of them, coordinated mode with the first `threshold` to commit.
  std::size_t invite = 0;
  FrostMode mode = FrostMode::coordinated;
  Duration attempt_timeout = std::chrono::milliseconds(500);
};

class Coordinator {
 public:
  // Errors: invalid_group (null group).
  static Result<Coordinator> create(const CoordinatorConfig& config, std::shared_ptr<const Group> group,
                                    ValidatorIndex self);

  // Starts a session with its first attempt. Errors: session_exists, too_many_sessions, too_many_signers,
  // message_too_large, unknown_member, not_enough_signers.
  Status open(const OpenRequest& request, TimePoint now);
  // A FROST payload from validator `from` (authenticated by the direct path), with the signed message that
  // carried it (kept as evidence; may be null). Errors: codec::FrostWireErrc, crypto::frost::Errc
  // (bad_element, bad_scalar), and Errc: unknown_member, unknown_session, stale, duplicate,
  // duplicate_commitment, wrong_sender, not_a_signer, wrong_phase, invalid_share.
  Status on_message(ValidatorIndex from, BytesView payload, TimePoint now, prio::Payload envelope = nullptr);
  // Ends attempts whose deadline passed (exclusions, next attempt or Failed). Never fails.
  Status on_deadline(TimePoint now);
  TimePoint next_deadline() const;

  std::optional<Outgoing> poll_transmit();
  std::optional<Event> poll_event();

  std::size_t sessions() const { return sessions_.size(); }
  // The mode of an open session (for routing a node's incoming commitments and shares).
  std::optional<FrostMode> mode_of(const SessionId& id) const;
  ValidatorIndex validator() const { return self_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  enum class Phase : std::uint8_t { commit, share };
  struct Session {
    Bytes message;
    Slot slot;
    FrostMode mode = FrostMode::coordinated;
    Duration attempt_timeout{};
    std::size_t invite = 0;
    std::vector<Identifier> candidates;
    std::vector<Exclusion> excluded;
    std::set<Identifier> excluded_ids;
    std::uint8_t attempt = 0;
    std::vector<Identifier> signers;  // this attempt's, sorted
    TimePoint deadline;
    TimePoint opened;
    Phase phase = Phase::commit;
    std::vector<cf::SigningCommitment> commitments;  // arrival order
    std::optional<cf::SigningPackage> package;
    std::map<Identifier, cf::Scalar> shares;  // verified
    // Broadcast mode: shares that arrived before the last commitment (a signer may have all commitments
    // before we do); checked when the package is built.
    std::map<Identifier, std::pair<cf::Scalar, prio::Payload>> early_shares;
  };

  Coordinator(const CoordinatorConfig& c, std::shared_ptr<const Group> g, ValidatorIndex self)
      : config_(c), group_(std::move(g)), self_(self) {}

  Status on_commitment(ValidatorIndex from, BytesView payload, TimePoint now);
  Status on_share(ValidatorIndex from, BytesView payload, TimePoint now, const prio::Payload& envelope);
  // Starts the next attempt, or ends the session (Failed) when none is possible. Returns false if ended.
  bool next_attempt(const SessionId& id, Session& s, TimePoint now);
  void make_package(const SessionId& id, Session& s, std::vector<cf::SigningCommitment> list);
  // Checks one share against the package; completes or restarts the session. May erase the session.
  Status accept_share(std::map<SessionId, Session>::iterator it, Identifier signer, const cf::Scalar& z,
                      const prio::Payload& envelope, TimePoint now);
  void exclude(const SessionId& id, Session& s, Identifier signer, Reason reason, std::optional<Evidence> ev);
  std::vector<ValidatorIndex> validators_of(const std::vector<Identifier>& ids) const;
  void send(Outgoing o);
  void emit(Event e);

  CoordinatorConfig config_;
  std::shared_ptr<const Group> group_;
  ValidatorIndex self_;
  std::map<SessionId, Session> sessions_;
  std::deque<Outgoing> out_;
  std::deque<Event> events_;
  std::uint64_t dropped_ = 0;
};

}  // namespace stakecast::frost
