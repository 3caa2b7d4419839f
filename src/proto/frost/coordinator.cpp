#include "proto/frost/coordinator.hpp"

#include <algorithm>
#include <limits>

namespace stakecast::frost {

Result<Coordinator> Coordinator::create(const CoordinatorConfig& config, std::shared_ptr<const Group> group,
                                        ValidatorIndex self) {
  if (!group || config.max_attempts == 0) return Errc::invalid_group;
  return Coordinator(config, std::move(group), self);
}

void Coordinator::send(Outgoing o) {
  if (out_.size() >= config_.max_outgoing) {
    ++dropped_;
    return;
  }
  out_.push_back(std::move(o));
}

void Coordinator::emit(Event e) {
  if (events_.size() >= config_.max_events) {
    ++dropped_;
    return;
  }
  events_.push_back(std::move(e));
}

std::optional<Outgoing> Coordinator::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  std::optional<Outgoing> o(std::in_place, std::move(out_.front()));
  out_.pop_front();
  return o;
}

std::optional<Event> Coordinator::poll_event() {
  if (events_.empty()) return std::nullopt;
  std::optional<Event> e(std::in_place, std::move(events_.front()));
  events_.pop_front();
  return e;
}

std::vector<ValidatorIndex> Coordinator::validators_of(const std::vector<Identifier>& ids) const {
  std::vector<ValidatorIndex> out;
  out.reserve(ids.size());
  for (auto id : ids) out.push_back(group_->by_id(id)->validator);
  return out;
}

Status Coordinator::open(const OpenRequest& r, TimePoint now) {
  if (sessions_.count(r.id)) return Errc::session_exists;
  if (sessions_.size() >= config_.max_sessions) return Errc::too_many_sessions;
  if (r.message.size() > config_.max_message) return Errc::message_too_large;
  Session s;
  if (r.candidates.empty()) {
    for (const auto& m : group_->members()) s.candidates.push_back(m.id);
  } else {
    std::set<Identifier> seen;
    for (auto id : r.candidates) {
      if (!group_->by_id(id)) return Errc::unknown_member;
      if (seen.insert(id).second) s.candidates.push_back(id);
    }
  }
  s.invite = std::max(r.invite, group_->threshold());
  if (s.invite > config_.max_signers) return Errc::too_many_signers;
  if (s.candidates.size() < group_->threshold()) return Errc::not_enough_signers;
  s.message = r.message;
  s.slot = r.slot;
  s.mode = r.mode;
  s.attempt_timeout = r.attempt_timeout;
  s.opened = now;
  auto it = sessions_.emplace(r.id, std::move(s)).first;
  if (!next_attempt(r.id, it->second, now)) return Errc::not_enough_signers;
  return {};
}

bool Coordinator::next_attempt(const SessionId& id, Session& s, TimePoint now) {
  std::vector<Identifier> set;
  for (auto c : s.candidates) {
    if (set.size() >= s.invite) break;
    if (!s.excluded_ids.count(c)) set.push_back(c);
  }
  const bool enough = set.size() >= group_->threshold();
  if (!enough || s.attempt >= config_.max_attempts) {
    Failed f;
    f.session = id;
    f.reason = enough ? Errc::attempts_exhausted : Errc::not_enough_signers;
    f.attempts = s.attempt;
    f.excluded = std::move(s.excluded);
    sessions_.erase(id);
    emit(std::move(f));
    return false;
  }
  std::sort(set.begin(), set.end());
  ++s.attempt;
  s.signers = set;
  s.deadline = now + s.attempt_timeout;
  s.phase = Phase::commit;
  s.commitments.clear();
  s.package.reset();
  s.shares.clear();
  s.early_shares.clear();

  codec::FrostCoordination m;
  m.header = {codec::FrostType::coordination, id, s.attempt};
  m.mode = s.mode;
  m.threshold = static_cast<std::uint16_t>(group_->threshold());
  m.deadline_ms = static_cast<std::uint32_t>(std::clamp<std::int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(s.attempt_timeout).count(), 1,
      std::numeric_limits<std::uint32_t>::max()));
  m.slot = s.slot;
  m.signers.assign(set.begin(), set.end());
  m.message = s.message;
  send(Outgoing{validators_of(set), prio::Kind::coordination, s.slot, codec::encode(m)});
  return true;
}

Status Coordinator::on_message(ValidatorIndex from, BytesView payload, TimePoint now,
                               prio::Payload envelope) {
  STAKECAST_TRY(codec::FrostHeader h, codec::peek_frost(payload));
  switch (h.type) {
    case codec::FrostType::commitment:
      return on_commitment(from, payload, now);
    case codec::FrostType::share:
      return on_share(from, payload, now, envelope);
    case codec::FrostType::coordination:
    case codec::FrostType::package:
      break;
  }
  return codec::FrostWireErrc::bad_type;  // coordinator-to-signer messages (e.g. our own, looped back)
}

Status Coordinator::on_commitment(ValidatorIndex from, BytesView payload, TimePoint now) {
  STAKECAST_TRY(codec::FrostCommitment m, codec::parse_commitment(payload));
  if (auto who = group_->sender(from, m.signer); !who) return Err(who.error());
  auto it = sessions_.find(m.header.session);
  if (it == sessions_.end()) return Errc::unknown_session;
  Session& s = it->second;
  if (m.header.attempt < s.attempt) return Errc::stale;
  if (m.header.attempt > s.attempt) return Errc::unknown_session;
  if (!std::binary_search(s.signers.begin(), s.signers.end(), m.signer)) return Errc::not_a_signer;
  STAKECAST_TRY(cf::Element hiding, group_->suite().deserialize_element(m.hiding));
  STAKECAST_TRY(cf::Element binding, group_->suite().deserialize_element(m.binding));
  for (const auto& c : s.commitments)
    if (c.id == m.signer)
      return c.hiding == hiding && c.binding == binding ? Errc::duplicate : Errc::duplicate_commitment;
  if (s.phase != Phase::commit) return Errc::wrong_phase;  // late: the package is already out
  s.commitments.push_back(cf::SigningCommitment{m.signer, hiding, binding});
  const std::size_t need = s.mode == FrostMode::coordinated ? group_->threshold() : s.signers.size();
  if (s.commitments.size() < need) return {};
  std::vector<cf::SigningCommitment> list = s.commitments;
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  make_package(it->first, s, std::move(list));
  if (s.phase != Phase::share) return {};
  auto early = std::move(s.early_shares);
  for (auto& [signer, share] : early) {
    auto here = sessions_.find(m.header.session);
    if (here == sessions_.end() || here->second.attempt != m.header.attempt ||
        here->second.phase != Phase::share)
      break;  // completed or restarted by an earlier share
    (void)accept_share(here, signer, share.first, share.second, now);
  }
  return {};
}

void Coordinator::make_package(const SessionId& id, Session& s, std::vector<cf::SigningCommitment> list) {
  auto package =
      cf::SigningPackage::create(group_->suite(), list, group_->public_key(), s.message, group_->threshold());
  if (!package) return;  // identity group commitment: negligible; the attempt times out
  s.package.emplace(std::move(*package));
  s.phase = Phase::share;
  if (s.mode == FrostMode::broadcast) return;  // every signer builds the same package
  codec::FrostPackage p;
  p.header = {codec::FrostType::package, id, s.attempt};
  std::vector<Identifier> ids;
  for (const auto& c : list) {
    p.commitments.push_back(codec::FrostPackageEntry{static_cast<std::uint16_t>(c.id), c.hiding, c.binding});
    ids.push_back(c.id);
  }
  send(Outgoing{validators_of(ids), prio::Kind::coordination, s.slot, codec::encode(p)});
}

void Coordinator::exclude(const SessionId& id, Session& s, Identifier signer, Reason reason,
                          std::optional<Evidence> ev) {
  if (!s.excluded_ids.insert(signer).second) return;
  Exclusion x;
  x.signer = signer;
  x.validator = group_->by_id(signer)->validator;
  x.reason = reason;
  x.attempt = s.attempt;
  x.evidence = std::move(ev);
  s.excluded.push_back(x);
  emit(Excluded{id, std::move(x)});
}

Status Coordinator::on_share(ValidatorIndex from, BytesView payload, TimePoint now,
                             const prio::Payload& envelope) {
  STAKECAST_TRY(codec::FrostShare m, codec::parse_share(payload));
  if (auto who = group_->sender(from, m.signer); !who) return Err(who.error());
  auto it = sessions_.find(m.header.session);
  if (it == sessions_.end()) return Errc::unknown_session;
  Session& s = it->second;
  if (m.header.attempt < s.attempt) return Errc::stale;
  if (m.header.attempt > s.attempt) return Errc::unknown_session;
  if (!std::binary_search(s.signers.begin(), s.signers.end(), m.signer)) return Errc::not_a_signer;
  STAKECAST_TRY(cf::Scalar z, cf::deserialize_scalar(m.share));
  if (s.phase != Phase::share) {
    if (s.mode != FrostMode::broadcast) return Errc::wrong_phase;
    if (!s.early_shares.emplace(m.signer, std::pair{z, envelope}).second) return Errc::duplicate;
    return {};
  }
  return accept_share(it, m.signer, z, envelope, now);
}

Status Coordinator::accept_share(std::map<SessionId, Session>::iterator it, Identifier signer,
                                 const cf::Scalar& z, const prio::Payload& envelope, TimePoint now) {
  Session& s = it->second;
  if (!s.package->position(signer)) return Errc::not_a_signer;
  if (s.shares.count(signer)) return Errc::duplicate;
  if (!s.package->verify_share(signer, group_->by_id(signer)->public_share, z)) {
    Evidence ev;
    ev.signer = signer;
    ev.share = z;
    ev.commitments.assign(s.package->commitments().begin(), s.package->commitments().end());
    ev.message = s.message;
    ev.envelope = envelope;
    exclude(it->first, s, signer, Reason::invalid_share, std::move(ev));
    next_attempt(it->first, s, now);  // this package can no longer produce a signature
    return Errc::invalid_share;
  }
  s.shares.emplace(signer, z);
  if (s.shares.size() < s.package->commitments().size()) return {};
  std::vector<cf::Scalar> zs;
  zs.reserve(s.shares.size());
  for (const auto& [id, share] : s.shares) zs.push_back(share);  // identifier order = package order
  auto sig = s.package->sum(zs);
  Signed e;
  e.by_coordinator = true;
  e.session = it->first;
  e.signature = *sig;
  for (const auto& c : s.package->commitments()) e.signers.push_back(c.id);
  e.attempts = s.attempt;
  e.excluded = std::move(s.excluded);
  e.opened = s.opened;
  e.at = now;
  sessions_.erase(it);
  emit(std::move(e));
  return {};
}

Status Coordinator::on_deadline(TimePoint now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    Session& s = it->second;
    if (s.deadline <= now) {
      if (s.phase == Phase::commit) {
        for (auto id : s.signers) {
          const bool committed = std::any_of(s.commitments.begin(), s.commitments.end(),
                                             [&](const auto& c) { return c.id == id; });
          if (!committed) exclude(it->first, s, id, Reason::commitment_timeout, std::nullopt);
        }
      } else {
        for (const auto& c : s.package->commitments())
          if (!s.shares.count(c.id)) exclude(it->first, s, c.id, Reason::share_timeout, std::nullopt);
      }
      next_attempt(it->first, s, now);  // may erase `it`
    }
    it = next;
  }
  return {};
}

std::optional<FrostMode> Coordinator::mode_of(const SessionId& id) const {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.mode;
}

TimePoint Coordinator::next_deadline() const {
  TimePoint t = TimePoint::max();
  for (const auto& [id, s] : sessions_) t = std::min(t, s.deadline);
  return t;
}

}  // namespace stakecast::frost
