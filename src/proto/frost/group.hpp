// What the FROST session machines (proto/frost: Participant, Coordinator) share: the signing group as
// the dealer or a DKG left it (suite, group key, threshold, each member's identifier, validator and public
// share), the session error codes, the messages the machines hand to their owner and the events they
// report. SPEC: RFC 9591 sections 5.1-5.3 (the rounds), 5.4 (share verification, cheater detection).
// No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "codec/frost_wire.hpp"
#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"
#include "crypto/frost/frost.hpp"
#include "proto/prio/classify.hpp"
#include "proto/prio/egress.hpp"

namespace stakecast::frost {

namespace cf = crypto::frost;
using cf::Identifier;
using codec::FrostMode;
using codec::SessionId;

// Session-level rejections. Structural errors come as codec::FrostWireErrc and invalid group elements or
// scalars as crypto::frost::Errc (bad_element, bad_scalar); a rejected message never changes any state.
enum class Errc {
  invalid_group = 1,     // group: threshold below 2 or above the member count, duplicate identifier or
                         // validator, identifier 0, invalid element
  unknown_member,        // an identifier or validator that is not in the group
  unknown_session,       // no open session with this id (from this coordinator)
  stale,                 // an attempt older than the session's current one, or a replayed opening
  duplicate,             // the same message again (ignored)
  duplicate_commitment,  // a second, different commitment from one signer in one attempt
  wrong_sender,          // the identifier in the message is not the sending validator's
  not_a_signer,          // the signer is not in this attempt's signer set (or package)
  wrong_phase,           // e.g. a share before the package, a package in broadcast mode
  bad_package,           // package not within the attempt's signers, below the threshold, or
                         // without this signer's commitment as sent
  bad_threshold,         // session threshold below the group's
  too_many_sessions,     // the session table (global or per coordinator) is full
  too_many_signers,      // signer set above Config::max_signers
  message_too_large,     // message to sign above Config::max_message
  session_exists,        // open() with an id in use
  not_enough_signers,    // fewer eligible signers than the threshold
  invalid_share,         // a share that fails RFC 9591 5.4 (its signer is excluded, see Excluded)
  not_a_member,          // this node is not in the group (Participant construction)
  attempts_exhausted,    // the session used CoordinatorConfig::max_attempts without a signature
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "frost_session")

struct Member {
  Identifier id = 0;
  ValidatorIndex validator;
  cf::Element public_share{};
};

// Immutable after creation and shared by a node's machines.
class Group {
 public:
  // Validates every element (public shares and group key) with the suite. Errors: invalid_group.
  static Result<std::shared_ptr<const Group>> create(cf::SuiteId suite, const cf::Element& group_public_key,
                                                     std::size_t threshold, std::vector<Member> members);

  const cf::Suite& suite() const { return *suite_; }
  const cf::Element& public_key() const { return key_; }
  std::size_t threshold() const { return threshold_; }
  std::size_t size() const { return members_.size(); }
  const std::vector<Member>& members() const { return members_; }  // by identifier
  const Member* by_id(Identifier id) const;
  const Member* by_validator(ValidatorIndex v) const;
  // The member behind a message from validator `from` that claims identifier `claimed`.
  // Errors: unknown_member, wrong_sender.
  Result<const Member*> sender(ValidatorIndex from, Identifier claimed) const;

 private:
  Group() = default;
  const cf::Suite* suite_ = nullptr;
  cf::Element key_{};
  std::size_t threshold_ = 0;
  std::vector<Member> members_;
  std::map<ValidatorIndex, std::size_t> by_validator_;
};

// A message for the owner to sign and send on the direct path, Critical class (ARCHITECTURE.md 4.3).
// `to` may contain this node's own validator: the owner then hands the payload back to its own machines.
struct Outgoing {
  std::vector<ValidatorIndex> to;
  prio::Kind kind = prio::Kind::coordination;
  Slot slot;
  Bytes payload;
};

enum class Reason : std::uint8_t {
  commitment_timeout,  // in the attempt's signer set, no commitment by the deadline
  share_timeout,       // in the signing package, no share by the deadline
  invalid_share,       // sent a share that fails verification (Evidence attached)
};
std::string_view to_string(Reason r);

// Everything a third party needs to re-check an invalid share with crypto::frost::verify_signature_share
// (given the group's public share of the signer), and the signed direct-path message that carried it.
struct Evidence {
  Identifier signer = 0;
  cf::Scalar share{};
  std::vector<cf::SigningCommitment> commitments;
  Bytes message;
  prio::Payload envelope;  // the sender-signed /stakecast/direct message (may be null if not given)
};

struct Exclusion {
  Identifier signer = 0;
  ValidatorIndex validator;
  Reason reason = Reason::commitment_timeout;
  std::uint8_t attempt = 0;
  std::optional<Evidence> evidence;
};

// A signer was excluded from further attempts of a session (coordinator).
struct Excluded {
  SessionId session{};
  Exclusion exclusion;
};

// The group signature of a session is ready (coordinator; participants too in broadcast mode).
struct Signed {
  bool by_coordinator = false;  // false: a participant's own aggregate (broadcast mode)
  SessionId session{};
  cf::Signature signature{};
  std::vector<Identifier> signers;  // the signing package that produced it
  std::uint8_t attempts = 0;
  std::vector<Exclusion> excluded;  // coordinator: every exclusion of the session
  TimePoint opened;
  TimePoint at;
};

// The session ended without a signature (coordinator): attempts exhausted or too few eligible signers.
struct Failed {
  SessionId session{};
  Errc reason = Errc::not_enough_signers;
  std::uint8_t attempts = 0;
  std::vector<Exclusion> excluded;
};

using Event = std::variant<Signed, Excluded, Failed>;

}  // namespace stakecast::frost

STAKECAST_ERRC_ENUM(stakecast::frost::Errc)
