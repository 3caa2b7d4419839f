#include "proto/frost/participant.hpp"

#include <sodium.h>

#include <algorithm>

namespace stakecast::frost {
namespace {

codec::FrostLimits limits_of(const ParticipantConfig& c) {
  return {.max_signers = c.max_signers, .max_message = c.max_message};
}

Result<cf::SigningCommitment> validated(const cf::Suite& suite, Identifier id, const codec::Bytes32& hiding,
                                        const codec::Bytes32& binding) {
  STAKECAST_TRY(cf::Element h, suite.deserialize_element(hiding));
  STAKECAST_TRY(cf::Element b, suite.deserialize_element(binding));
  return cf::SigningCommitment{id, h, b};
}

bool contains(const std::vector<Identifier>& sorted, Identifier id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

}  // namespace

Result<Participant> Participant::create(const ParticipantConfig& config, std::shared_ptr<const Group> group,
                                        ValidatorIndex self, const cf::Scalar& secret_share,
                                        Entropy& entropy) {
  if (!group) return Errc::invalid_group;
  const Member* me = group->by_validator(self);
  if (!me) return Errc::not_a_member;
  STAKECAST_TRY(cf::Scalar s, cf::deserialize_scalar(secret_share));
  STAKECAST_TRY(cf::Element pub, group->suite().base_mul(s));
  if (pub != me->public_share) return Errc::invalid_group;
  return Participant(config, std::move(group), self, me->id, s, entropy);
}

Participant::~Participant() { sodium_memzero(secret_.data(), secret_.size()); }

void Participant::send(Outgoing o) {
  if (out_.size() >= config_.max_outgoing) {
    ++dropped_;
    return;
  }
  out_.push_back(std::move(o));
}

void Participant::emit(Event e) {
  if (events_.size() >= config_.max_events) {
    ++dropped_;
    return;
  }
  events_.push_back(std::move(e));
}

std::optional<Outgoing> Participant::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  std::optional<Outgoing> o(std::in_place, std::move(out_.front()));
  out_.pop_front();
  return o;
}

std::optional<Event> Participant::poll_event() {
  if (events_.empty()) return std::nullopt;
  std::optional<Event> e(std::in_place, std::move(events_.front()));
  events_.pop_front();
  return e;
}

Status Participant::on_message(ValidatorIndex from, BytesView payload, TimePoint now,
                               prio::Payload envelope) {
  STAKECAST_TRY(codec::FrostHeader h, codec::peek_frost(payload));
  switch (h.type) {
    case codec::FrostType::coordination:
      return on_coordination(from, payload, now);
    case codec::FrostType::package:
      return on_package(from, payload, now);
    case codec::FrostType::commitment:
      return on_commitment(from, payload, now, envelope);
    case codec::FrostType::share:
      return on_share(from, payload, now, envelope);
  }
  return codec::FrostWireErrc::bad_type;
}

Status Participant::on_coordination(ValidatorIndex from, BytesView payload, TimePoint now) {
  STAKECAST_TRY(codec::FrostCoordination m, codec::parse_coordination(payload, limits_of(config_)));
  if (m.threshold < group_->threshold()) return Errc::bad_threshold;
  for (auto id : m.signers)
    if (!group_->by_id(id)) return Errc::unknown_member;
  const std::vector<Identifier> signers(m.signers.begin(), m.signers.end());
  if (!contains(signers, id_)) return Errc::not_a_signer;
  const Key key{m.header.session, from};
  auto it = sessions_.find(key);
  if (it != sessions_.end()) {
    if (m.header.attempt == it->second.attempt) return Errc::duplicate;
    if (m.header.attempt < it->second.attempt) return Errc::stale;
  } else {
    if (auto c = closed_.find(key); c != closed_.end() && m.header.attempt <= c->second) return Errc::stale;
    if (sessions_.size() >= config_.max_sessions) return Errc::too_many_sessions;
    std::size_t mine = 0;
    for (const auto& [k, s] : sessions_) mine += s.coordinator == from ? 1 : 0;
    if (mine >= config_.max_sessions_per_coordinator) return Errc::too_many_sessions;
  }
  // Fresh nonces for this attempt (RFC 9591 5.1); the previous attempt's are wiped by the assignment.
  cf::SigningNonces nonces;
  STAKECAST_TRY(cf::SigningCommitment mine, cf::commit(group_->suite(), id_, secret_, *entropy_, nonces));

  Session fresh;
  fresh.coordinator = from;
  fresh.mode = m.mode;
  fresh.attempt = m.header.attempt;
  fresh.slot = m.slot;
  fresh.signers = signers;
  fresh.message = std::move(m.message);
  fresh.opened = it != sessions_.end() ? it->second.opened : now;
  const Duration attempt = std::min<Duration>(std::chrono::milliseconds(m.deadline_ms), config_.max_attempt);
  fresh.expires = now + attempt + config_.linger;
  fresh.nonces = std::move(nonces);
  fresh.mine = mine;
  if (it == sessions_.end())
    it = sessions_.emplace(key, std::move(fresh)).first;
  else
    it->second = std::move(fresh);
  Session& s = it->second;

  codec::FrostCommitment c;
  c.header = {codec::FrostType::commitment, m.header.session, s.attempt};
  c.signer = static_cast<std::uint16_t>(id_);
  c.hiding = mine.hiding;
  c.binding = mine.binding;
  Outgoing o;
  o.kind = prio::Kind::threshold_commitment;
  o.slot = s.slot;
  o.payload = codec::encode(c);
  if (s.mode == FrostMode::coordinated) {
    o.to = {from};
    send(std::move(o));
    return {};
  }
  o.to = peers_of(s);
  send(std::move(o));
  s.commitments.emplace(id_, mine);
  replay_early(m.header.session, now);
  auto again = sessions_.find(key);
  if (again != sessions_.end() && again->second.attempt == c.header.attempt)
    (void)try_sign_broadcast(m.header.session, again->second, now);
  return {};
}

std::vector<ValidatorIndex> Participant::peers_of(const Session& s) const {
  std::vector<ValidatorIndex> to;
  to.reserve(s.signers.size() + 1);
  for (auto id : s.signers)
    if (id != id_) to.push_back(group_->by_id(id)->validator);
  if (std::find(to.begin(), to.end(), s.coordinator) == to.end() && s.coordinator != self_)
    to.push_back(s.coordinator);
  else if (s.coordinator == self_)
    to.push_back(self_);  // the local coordinator machine
  return to;
}

Status Participant::on_package(ValidatorIndex from, BytesView payload, TimePoint now) {
  STAKECAST_TRY(codec::FrostPackage m, codec::parse_package(payload, limits_of(config_)));
  auto it = sessions_.find(Key{m.header.session, from});
  if (it == sessions_.end()) return Errc::unknown_session;
  Session& s = it->second;
  if (m.header.attempt < s.attempt) return Errc::stale;
  if (m.header.attempt > s.attempt) return Errc::unknown_session;
  if (s.mode != FrostMode::coordinated) return Errc::wrong_phase;
  if (s.phase != Phase::committed) return Errc::duplicate;
  if (m.commitments.size() < group_->threshold()) return Errc::bad_package;
  std::vector<cf::SigningCommitment> list;
  list.reserve(m.commitments.size());
  bool has_mine = false;
  for (const auto& e : m.commitments) {
    if (!contains(s.signers, e.signer)) return Errc::bad_package;
    if (e.signer == id_) {
      if (e.hiding != s.mine.hiding || e.binding != s.mine.binding) return Errc::bad_package;
      has_mine = true;
      list.push_back(s.mine);
      continue;
    }
    STAKECAST_TRY(cf::SigningCommitment c, validated(group_->suite(), e.signer, e.hiding, e.binding));
    list.push_back(c);
  }
  if (!has_mine) return Errc::bad_package;
  STAKECAST_TRY(cf::SigningPackage package,
                cf::SigningPackage::create(group_->suite(), list, group_->public_key(), s.message,
                                           group_->threshold()));
  STAKECAST_TRY(cf::Scalar z, package.sign(id_, secret_, s.nonces));
  s.phase = Phase::signed_share;
  codec::FrostShare sh;
  sh.header = {codec::FrostType::share, m.header.session, s.attempt};
  sh.signer = static_cast<std::uint16_t>(id_);
  sh.share = z;
  send(Outgoing{{from}, prio::Kind::signature_share, s.slot, codec::encode(sh)});
  (void)now;
  return {};
}

Result<std::map<Participant::Key, Participant::Session>::iterator> Participant::broadcast_session(
    const codec::FrostHeader& h) {
  auto it = sessions_.lower_bound(Key{h.session, ValidatorIndex{0}});
  bool older = false;  // only sessions at a later attempt know this one
  for (; it != sessions_.end() && it->first.first == h.session; ++it) {
    if (it->second.mode != FrostMode::broadcast) continue;
    if (it->second.attempt == h.attempt) return it;
    older = older || h.attempt < it->second.attempt;
  }
  if (older) return Errc::stale;
  return Errc::unknown_session;
}

// Keeps a broadcast-mode message that may belong to a session whose opening has not arrived yet.
void Participant::keep_early(ValidatorIndex from, BytesView payload, const prio::Payload& envelope,
                             TimePoint now) {
  if (early_.size() >= config_.max_early) {
    ++dropped_;
    return;
  }
  early_.push_back(Early{from, Bytes(payload.begin(), payload.end()), envelope, now});
}

Status Participant::on_commitment(ValidatorIndex from, BytesView payload, TimePoint now,
                                  const prio::Payload& envelope) {
  STAKECAST_TRY(codec::FrostCommitment m, codec::parse_commitment(payload));
  if (auto who = group_->sender(from, m.signer); !who) return Err(who.error());
  auto found = broadcast_session(m.header);
  if (!found) {
    if (found.error() == make_error_code(Errc::unknown_session)) keep_early(from, payload, envelope, now);
    return Err(found.error());
  }
  Session& s = (*found)->second;
  if (!contains(s.signers, m.signer)) return Errc::not_a_signer;
  STAKECAST_TRY(cf::SigningCommitment c, validated(group_->suite(), m.signer, m.hiding, m.binding));
  if (auto have = s.commitments.find(m.signer); have != s.commitments.end())
    return have->second.hiding == c.hiding && have->second.binding == c.binding ? Errc::duplicate
                                                                                : Errc::duplicate_commitment;
  s.commitments.emplace(m.signer, c);
  return try_sign_broadcast(m.header.session, s, now);
}

Status Participant::try_sign_broadcast(const SessionId& sid, Session& s, TimePoint now) {
  if (s.phase != Phase::committed || s.commitments.size() != s.signers.size()) return {};
  std::vector<cf::SigningCommitment> list;
  list.reserve(s.commitments.size());
  for (const auto& [id, c] : s.commitments) list.push_back(c);
  auto package =
      cf::SigningPackage::create(group_->suite(), list, group_->public_key(), s.message, group_->threshold());
  if (!package) return Err(package.error());
  auto z = package->sign(id_, secret_, s.nonces);
  if (!z) return Err(z.error());
  s.phase = Phase::signed_share;
  s.package.emplace(std::move(*package));
  // Shares that arrived before the package: keep only those that verify.
  std::erase_if(s.shares, [&](const auto& kv) {
    return !s.package->verify_share(kv.first, group_->by_id(kv.first)->public_share, kv.second);
  });
  s.shares.emplace(id_, *z);
  codec::FrostShare sh;
  sh.header = {codec::FrostType::share, sid, s.attempt};
  sh.signer = static_cast<std::uint16_t>(id_);
  sh.share = *z;
  send(Outgoing{peers_of(s), prio::Kind::signature_share, s.slot, codec::encode(sh)});
  try_aggregate(sid, s, now);
  return {};
}

Status Participant::on_share(ValidatorIndex from, BytesView payload, TimePoint now,
                             const prio::Payload& envelope) {
  STAKECAST_TRY(codec::FrostShare m, codec::parse_share(payload));
  STAKECAST_TRY(const Member* sender, group_->sender(from, m.signer));
  auto found = broadcast_session(m.header);
  if (!found) {
    if (found.error() == make_error_code(Errc::unknown_session)) keep_early(from, payload, envelope, now);
    return Err(found.error());
  }
  Session& s = (*found)->second;
  if (!contains(s.signers, m.signer)) return Errc::not_a_signer;
  STAKECAST_TRY(cf::Scalar z, cf::deserialize_scalar(m.share));
  if (s.shares.count(m.signer)) return Errc::duplicate;
  if (s.package) {
    if (!s.package->verify_share(m.signer, sender->public_share, z)) return Errc::invalid_share;
  } else if (s.shares.size() >= s.signers.size()) {
    return Errc::duplicate;
  }
  s.shares.emplace(m.signer, z);
  try_aggregate(m.header.session, s, now);
  return {};
}

void Participant::try_aggregate(const SessionId& id, Session& s, TimePoint now) {
  if (!s.package || s.phase == Phase::done || s.shares.size() != s.signers.size()) return;
  std::vector<cf::Scalar> zs;
  zs.reserve(s.shares.size());
  for (const auto& [signer, z] : s.shares) zs.push_back(z);  // identifier order = package order
  auto sig = s.package->sum(zs);
  if (!sig) return;
  s.phase = Phase::done;
  Signed e;
  e.session = id;
  e.signature = *sig;
  e.signers = s.signers;
  e.attempts = s.attempt;
  e.opened = s.opened;
  e.at = now;
  emit(std::move(e));
}

void Participant::replay_early(const SessionId& id, TimePoint now) {
  std::deque<Early> mine;
  for (auto it = early_.begin(); it != early_.end();) {
    auto h = codec::peek_frost(it->payload);
    if (h && h->session == id) {
      mine.push_back(std::move(*it));
      it = early_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& e : mine) (void)on_message(e.from, e.payload, now, e.envelope);
}

void Participant::close(std::map<Key, Session>::iterator it) {
  const Key key = it->first;
  closed_[key] = it->second.attempt;
  closed_order_.push_back(key);
  while (closed_order_.size() > config_.max_closed) {
    closed_.erase(closed_order_.front());
    closed_order_.pop_front();
  }
  sessions_.erase(it);  // wipes the nonces
}

Status Participant::on_deadline(TimePoint now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (it->second.expires <= now) close(it);
    it = next;
  }
  while (!early_.empty() && early_.front().at + config_.linger <= now) early_.pop_front();
  return {};
}

TimePoint Participant::next_deadline() const {
  TimePoint t = TimePoint::max();
  for (const auto& [k, s] : sessions_) t = std::min(t, s.expires);
  if (!early_.empty()) t = std::min(t, early_.front().at + config_.linger);
  return t;
}

}  // namespace stakecast::frost
