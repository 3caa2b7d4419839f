#include "proto/frost/endpoint.hpp"

#include <algorithm>

namespace stakecast::frost {

Endpoint::Endpoint(ValidatorIndex self, std::optional<Participant> participant,
                   std::optional<Coordinator> coordinator)
    : self_(self), participant_(std::move(participant)), coordinator_(std::move(coordinator)) {}

bool Endpoint::is_frost_kind(std::uint8_t kind) {
  return kind == static_cast<std::uint8_t>(prio::Kind::threshold_commitment) ||
         kind == static_cast<std::uint8_t>(prio::Kind::signature_share) ||
         kind == static_cast<std::uint8_t>(prio::Kind::coordination);
}

bool Endpoint::on_delivered(const rotor::Delivered& d, TimePoint now) {
  if (!is_frost_kind(d.kind) || !codec::peek_frost(d.payload())) return false;
  deliver(d.sender, d.payload(), now, d.wire);
  return true;
}

Status route(Participant* participant, Coordinator* coordinator, ValidatorIndex from, BytesView payload,
             TimePoint now, const prio::Payload& envelope) {
  STAKECAST_TRY(codec::FrostHeader h, codec::peek_frost(payload));
  const bool to_coordinator = h.type == codec::FrostType::commitment || h.type == codec::FrostType::share;
  Status from_coordinator = Errc::unknown_session;
  if (to_coordinator && coordinator) {
    from_coordinator = coordinator->on_message(from, payload, now, envelope);
    if (coordinator->mode_of(h.session) == FrostMode::coordinated) return from_coordinator;
  }
  if (!participant) return to_coordinator ? from_coordinator : Status(Errc::unknown_session);
  Status from_participant = participant->on_message(from, payload, now, envelope);
  if (!to_coordinator || !coordinator || from_participant) return from_participant;
  // Neither accepted it: report the coordinator's reason unless it did not know the session.
  return from_coordinator || from_coordinator.error() == make_error_code(Errc::unknown_session)
             ? from_participant
             : from_coordinator;
}

void Endpoint::deliver(ValidatorIndex from, BytesView payload, TimePoint now, const prio::Payload& envelope) {
  ++metrics_.received;
  auto st = route(participant(), coordinator(), from, payload, now, envelope);
  if (!st) {
    ++metrics_.rejected;
    metrics_.last_rejection = st.error();
  }
}

Status Endpoint::open(const OpenRequest& request, TimePoint now) {
  if (!coordinator_) return Errc::invalid_group;
  return coordinator_->open(request, now);
}

void Endpoint::on_deadline(TimePoint now) {
  if (participant_ && participant_->next_deadline() <= now) (void)participant_->on_deadline(now);
  if (coordinator_ && coordinator_->next_deadline() <= now) (void)coordinator_->on_deadline(now);
}

TimePoint Endpoint::next_deadline() const {
  TimePoint t = TimePoint::max();
  if (participant_) t = std::min(t, participant_->next_deadline());
  if (coordinator_) t = std::min(t, coordinator_->next_deadline());
  return t;
}

void Endpoint::flush(rotor::Engine& engine, TimePoint now) {
  for (;;) {
    std::optional<Outgoing> o;
    if (coordinator_) o = coordinator_->poll_transmit();
    if (!o && participant_) o = participant_->poll_transmit();
    if (!o) return;
    if (filter_ && !filter_(*o)) {
      ++metrics_.filtered;
      continue;
    }
    const bool to_self = std::find(o->to.begin(), o->to.end(), self_) != o->to.end();
    std::erase(o->to, self_);
    if (!o->to.empty()) {
      rotor::SendOptions opts;
      opts.cls = prio::Class::critical;
      opts.to = o->to;
      if (engine.send_direct(o->kind, o->slot, o->payload, std::move(opts), now))
        ++metrics_.sent;
      else
        ++metrics_.send_errors;
    }
    if (to_self) deliver(self_, o->payload, now, nullptr);
  }
}

std::optional<Event> Endpoint::poll_event() {
  if (coordinator_)
    if (auto e = coordinator_->poll_event()) return e;
  if (participant_) return participant_->poll_event();
  return std::nullopt;
}

}  // namespace stakecast::frost
