#include "proto/frost/group.hpp"

#include <algorithm>

namespace stakecast::frost {

const char* describe(Errc e) {
  switch (e) {
    case Errc::invalid_group:
      return "invalid FROST group";
    case Errc::unknown_member:
      return "not a member of the FROST group";
    case Errc::unknown_session:
      return "unknown FROST session";
    case Errc::stale:
      return "stale FROST attempt or replayed opening";
    case Errc::duplicate:
      return "duplicate FROST message";
    case Errc::duplicate_commitment:
      return "second, different commitment from one signer";
    case Errc::wrong_sender:
      return "FROST identifier does not belong to the sending validator";
    case Errc::not_a_signer:
      return "not a signer of this attempt";
    case Errc::wrong_phase:
      return "FROST message out of phase";
    case Errc::bad_package:
      return "invalid FROST signing package";
    case Errc::bad_threshold:
      return "FROST session threshold below the group's";
    case Errc::too_many_sessions:
      return "too many FROST sessions";
    case Errc::too_many_signers:
      return "FROST signer set too large";
    case Errc::message_too_large:
      return "FROST message to sign too large";
    case Errc::session_exists:
      return "FROST session id already in use";
    case Errc::not_enough_signers:
      return "fewer eligible FROST signers than the threshold";
    case Errc::invalid_share:
      return "invalid FROST signature share";
    case Errc::not_a_member:
      return "this node is not a member of the FROST group";
    case Errc::attempts_exhausted:
      return "FROST session ran out of attempts";
  }
  return "unknown FROST session error";
}

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::commitment_timeout:
      return "commitment_timeout";
    case Reason::share_timeout:
      return "share_timeout";
    case Reason::invalid_share:
      return "invalid_share";
  }
  return "unknown";
}

Result<std::shared_ptr<const Group>> Group::create(cf::SuiteId suite, const cf::Element& group_public_key,
                                                   std::size_t threshold, std::vector<Member> members) {
  const cf::Suite& s = cf::Suite::get(suite);
  if (threshold < 2 || threshold > members.size() || members.size() > cf::kMaxParticipants)
    return Errc::invalid_group;
  if (!s.deserialize_element(group_public_key)) return Errc::invalid_group;
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.id < b.id; });
  auto g = std::shared_ptr<Group>(new Group());
  g->suite_ = &s;
  g->key_ = group_public_key;
  g->threshold_ = threshold;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    if (m.id == 0 || m.id > cf::kMaxIdentifier || (i > 0 && members[i - 1].id == m.id))
      return Errc::invalid_group;
    if (!s.deserialize_element(m.public_share)) return Errc::invalid_group;
    if (!g->by_validator_.emplace(m.validator, i).second) return Errc::invalid_group;
  }
  g->members_ = std::move(members);
  return std::shared_ptr<const Group>(std::move(g));
}

const Member* Group::by_id(Identifier id) const {
  auto it = std::lower_bound(members_.begin(), members_.end(), id,
                             [](const Member& m, Identifier x) { return m.id < x; });
  return it != members_.end() && it->id == id ? &*it : nullptr;
}

const Member* Group::by_validator(ValidatorIndex v) const {
  auto it = by_validator_.find(v);
  return it == by_validator_.end() ? nullptr : &members_[it->second];
}

}  // namespace stakecast::frost

namespace stakecast::frost {

Result<const Member*> Group::sender(ValidatorIndex from, Identifier claimed) const {
  const Member* m = by_validator(from);
  if (!m) return Errc::unknown_member;
  if (m->id != claimed) return Errc::wrong_sender;
  return m;
}

}  // namespace stakecast::frost
