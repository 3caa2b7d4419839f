#include "proto/rotor/direct_path.hpp"

#include <algorithm>

#include "crypto/sha256.hpp"

namespace stakecast::rotor {
namespace {
constexpr std::string_view kIdTag = "stakecast/direct/id/v1";

Bytes tagged(std::string_view tag, BytesView body) {
  Bytes m;
  m.reserve(tag.size() + body.size());
  append(m, as_bytes(tag));
  append(m, body);
  return m;
}
}  // namespace

const char* describe(DirectErrc e) {
  switch (e) {
    case DirectErrc::not_a_validator:
      return "this node is not a validator in the current epoch";
    case DirectErrc::no_epoch:
      return "no validator set installed";
    case DirectErrc::payload_too_large:
      return "direct payload too large";
    case DirectErrc::too_many_tracked:
      return "too many messages awaiting acknowledgements";
    case DirectErrc::invalid_config:
      return "invalid direct path configuration";
  }
  return "unknown direct path error";
}

std::uint64_t DirectMetrics::rejected_total() const {
  std::uint64_t n = 0;
  for (auto r : rejected) n += r;
  return n;
}

Result<DirectPath> DirectPath::create(const DirectConfig& config, const crypto::Ed25519Keypair& key) {
  if (config.hybrid_min_relays == 0 || config.hybrid_min_relays > config.hybrid_max_relays ||
      config.hybrid_redundancy == 0 || config.hybrid_stake_permille > 1000 || config.max_epochs == 0 ||
      config.max_tracked == 0)
    return DirectErrc::invalid_config;
  return DirectPath(config, key);
}

MessageId DirectPath::message_id(BytesView signed_bytes) {
  crypto::Sha256 h;
  h.update(as_bytes(kIdTag)).update(signed_bytes);
  return h.finish();
}

Status DirectPath::add_validator_set(std::shared_ptr<const ValidatorSet> set, bool current) {
  if (!set) return DirectErrc::no_epoch;
  const Epoch e = set->epoch();
  auto self = set->index_of(key_.public_key());
  epochs_.insert_or_assign(e, EpochState{std::move(set), self});
  if (current) current_ = e;
  while (epochs_.size() > config_.max_epochs) {
    if (current_ && epochs_.begin()->first == *current_) break;
    epochs_.erase(epochs_.begin());
  }
  return {};
}

std::optional<ValidatorIndex> DirectPath::self() const {
  if (!current_) return std::nullopt;
  return epochs_.at(*current_).self;
}

void DirectPath::on_slot(Slot current) { slot_ = std::max(slot_, current); }

void DirectPath::on_finalized(Slot finalized) {
  if (finalized <= finalized_) return;
  finalized_ = finalized;
  dedup_.evict_below(finalized);
}

void DirectPath::transmit(ValidatorIndex to, prio::Class cls, const prio::Payload& bytes) {
  if (out_.size() >= config_.max_outgoing) {
    ++metrics_.dropped_outgoing;
    return;
  }
  ++metrics_.transmits;
  out_.push_back(Transmit{to, Protocol::direct, cls, bytes});
}

void DirectPath::event(DirectEvent e) {
  if (events_.size() >= config_.max_events) {
    ++metrics_.dropped_events;
    return;
  }
  events_.push_back(std::move(e));
}

std::optional<Transmit> DirectPath::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  Transmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

// NOTE: GCC 12 reports a false -Wmaybe-uninitialized when moving a variant of these structs out of the
// deque (GCC bug 105562 family); the moved-from element is fully constructed.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
std::optional<DirectEvent> DirectPath::poll_event() {
  if (events_.empty()) return std::nullopt;
  std::optional<DirectEvent> e(std::in_place, std::move(events_.front()));
  events_.pop_front();
  return e;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

std::vector<ValidatorIndex> DirectPath::hybrid_share(std::size_t validators,
                                                     std::span<const ValidatorIndex> committee,
                                                     ValidatorIndex sender, std::size_t position,
                                                     std::uint8_t redundancy) {
  std::vector<ValidatorIndex> out;
  const std::size_t r = committee.size();
  if (r == 0 || redundancy == 0 || position >= r) return out;
  const std::size_t step = r / redundancy;
  std::size_t q = 0;  // rank among the validators that are neither the sender nor a relay
  for (std::uint32_t v = 0; v < validators; ++v) {
    const ValidatorIndex vi{v};
    if (vi == sender || std::find(committee.begin(), committee.end(), vi) != committee.end()) continue;
    for (std::size_t t = 0; t < redundancy; ++t) {
      if ((q + t * step) % r == position) {
        out.push_back(vi);
        break;
      }
    }
    ++q;
  }
  return out;
}

std::vector<ValidatorIndex> DirectPath::hybrid_committee(std::size_t validators, ValidatorIndex sender,
                                                         std::uint8_t relays) {
  std::vector<ValidatorIndex> out;
  for (std::uint32_t v = 0; v < validators && out.size() < relays; ++v)
    if (ValidatorIndex{v} != sender) out.push_back(ValidatorIndex{v});
  return out;
}

std::uint8_t DirectPath::hybrid_relay_count(const ValidatorSet& set, ValidatorIndex sender,
                                            const DirectConfig& config) {
  const std::uint64_t others = set.total_stake().get() - (set.contains(sender) ? set.stake(sender).get() : 0);
  __extension__ using U128 = unsigned __int128;
  const auto want = static_cast<std::uint64_t>(U128{others} * config.hybrid_stake_permille / 1000);
  std::size_t k = 0;
  std::uint64_t covered = 0;
  for (std::uint32_t v = 0; v < set.size() && covered < want; ++v) {
    if (ValidatorIndex{v} == sender) continue;
    covered += set.stake(ValidatorIndex{v}).get();
    ++k;
  }
  k = std::clamp<std::size_t>(k, config.hybrid_min_relays, config.hybrid_max_relays);
  k = std::min<std::size_t>(k, set.size() > 0 ? set.size() - 1 : 0);
  return static_cast<std::uint8_t>(std::min<std::size_t>(k, 255));
}

Result<MessageId> DirectPath::send(std::uint8_t kind, Slot slot, BytesView payload, SendOptions options,
                                   TimePoint now) {
  if (!current_) return DirectErrc::no_epoch;
  EpochState& es = epochs_.at(*current_);
  if (!es.self) return DirectErrc::not_a_validator;
  if (payload.size() > config_.max_payload) return DirectErrc::payload_too_large;
  if (options.ack && tracked_.size() >= config_.max_tracked) return DirectErrc::too_many_tracked;
  if (options.hybrid && !options.to.empty()) return DirectErrc::invalid_config;
  const ValidatorIndex self = *es.self;

  codec::DirectHeader h;
  h.ack_requested = options.ack;
  h.kind = kind;
  h.relays = options.hybrid ? hybrid_relay_count(*es.set, self, config_) : 0;
  h.redundancy = h.relays == 0 ? 0 : std::min(config_.hybrid_redundancy, h.relays);
  h.epoch = *current_;
  h.sender = self;
  h.slot = slot;
  h.nonce = nonce_++;
  Bytes unsigned_bytes = codec::encode_direct_unsigned(h, payload);
  const auto sig = key_.sign(tagged(kSignTag, unsigned_bytes));
  const MessageId id = message_id(unsigned_bytes);
  append(unsigned_bytes, sig);
  auto wire = std::make_shared<const Bytes>(std::move(unsigned_bytes));
  (void)dedup_.insert(id, slot, Bytes{});  // our own echo is a duplicate
  ++metrics_.sent_messages;

  const std::size_t n = es.set->size();
  const prio::Class cls = options.cls.value_or(h.relays > 0 ? prio::Class::high : prio::Class::critical);
  std::vector<ValidatorIndex> targets;
  if (options.to.empty()) {
    for (std::uint32_t v = 0; v < n; ++v)
      if (ValidatorIndex{v} != self) targets.push_back(ValidatorIndex{v});
  } else {
    targets = std::move(options.to);
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    std::erase_if(targets, [&](ValidatorIndex v) { return v == self || v.get() >= n; });
  }
  if (h.relays > 0) {
    for (ValidatorIndex r : hybrid_committee(n, self, h.relays)) transmit(r, cls, wire);
  } else {
    for (ValidatorIndex v : targets) transmit(v, cls, wire);
  }

  if (options.ack) {
    Tracked t;
    t.wire = wire;
    t.epoch = *current_;
    for (ValidatorIndex v : targets) t.acks.emplace(v, std::nullopt);
    t.deadline = now + config_.ack_timeout;
    deadlines_.emplace(t.deadline, id);
    tracked_.emplace(id, std::move(t));
  }
  return id;
}

std::optional<ValidatorIndex> DirectPath::translate(std::optional<ValidatorIndex> from, Epoch to) const {
  if (!from || !current_) return std::nullopt;
  if (*current_ == to) return from;
  const auto& cur = *epochs_.at(*current_).set;
  auto it = epochs_.find(to);
  if (!cur.contains(*from) || it == epochs_.end()) return std::nullopt;
  return it->second.set->index_of(cur.key(*from));
}

void DirectPath::send_ack(ValidatorIndex to, const MessageId& id) {
  ++metrics_.acks_sent;
  transmit(to, prio::Class::critical, std::make_shared<const Bytes>(codec::encode_ack(id)));
}

void DirectPath::on_message(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now) {
  if (!from) {
    reject(DirectReject::from_unstaked);
    return;
  }
  auto type = codec::peek_direct_type(bytes);
  if (type && *type == codec::DirectType::ack) {
    on_ack(from, bytes, now);
    return;
  }
  auto m = codec::parse_direct(bytes, config_.max_payload);
  if (!m) {
    reject(DirectReject::malformed);
    event(Misbehaviour{*from, Offence::malformed, Slot{0}, Bytes(bytes.begin(), bytes.end()), {}});
    return;
  }
  const codec::DirectHeader& h = m->header;
  auto es_it = epochs_.find(h.epoch);
  if (es_it == epochs_.end()) {
    reject(DirectReject::unknown_epoch);
    return;
  }
  EpochState& es = es_it->second;
  if (!es.set->contains(h.sender)) {
    reject(DirectReject::unknown_sender);
    return;
  }
  if (h.slot < finalized_) {
    reject(DirectReject::slot_too_old);
    return;
  }
  if (h.slot.get() > slot_.get() + config_.max_slots_ahead) {
    reject(DirectReject::slot_too_far);
    return;
  }
  const MessageId id = message_id(m->signed_bytes);
  const auto from_in_epoch = translate(from, h.epoch);
  if (dedup_.contains(id)) {
    ++metrics_.duplicates;
    // A copy straight from the sender is a retry: our earlier ack may have been lost.
    if (h.ack_requested && from_in_epoch == h.sender && es.self != h.sender) send_ack(*from, id);
    return;
  }
  // PERF: one Ed25519 verification per distinct valid message; invalid copies cost one each and are
  // bounded by the peer's ingress budget (prio::IngressBudgets).
  if (!crypto::ed25519_verify(es.set->key(h.sender), tagged(kSignTag, m->signed_bytes), m->signature)) {
    reject(DirectReject::bad_signature);
    event(Misbehaviour{*from, Offence::bad_signature, h.slot, Bytes(bytes.begin(), bytes.end()), {}});
    return;
  }
  if (dedup_.insert(id, h.slot, Bytes{}) != prio::CacheInsert::inserted) {
    reject(DirectReject::slot_too_old);  // the cache is full of newer slots
    return;
  }
  auto wire = std::make_shared<const Bytes>(bytes.begin(), bytes.end());
  if (es.self != h.sender) {
    ++metrics_.delivered;
    Delivered d;
    d.id = id;
    d.sender = h.sender;
    d.from = *from;
    d.kind = h.kind;
    d.slot = h.slot;
    d.epoch = h.epoch;
    d.wire = wire;
    d.payload_offset = codec::kDirectHeaderSize;
    d.payload_size = m->payload.size();
    d.at = now;
    event(std::move(d));
    if (h.ack_requested) {
      // The ack goes to the sender (in the current epoch's numbering, which is what transmits use).
      if (auto to =
              current_ == h.epoch
                  ? std::optional<ValidatorIndex>(h.sender)
                  : (current_ ? epochs_.at(*current_).set->index_of(es.set->key(h.sender)) : std::nullopt))
        send_ack(*to, id);
    }
  }
  if (h.relays > 0) forward_hybrid(es, *m, wire);
}

void DirectPath::forward_hybrid(EpochState& es, const codec::DirectMessageView& m,
                                const prio::Payload& wire) {
  if (!es.self || *es.self == m.header.sender) return;
  // SECURITY: the sender picks `relays` and `redundancy`; with one relay it could make that validator send
  // its message to everyone for the price of one copy. Relays serve only messages within the cluster's
  // bounds: at least hybrid_min_relays relays, at most hybrid_redundancy copies per receiver.
  const std::size_t min_relays = std::min<std::size_t>(config_.hybrid_min_relays, es.set->size() - 1);
  if (m.header.relays < min_relays || m.header.redundancy > config_.hybrid_redundancy) {
    ++metrics_.hybrid_refused;
    return;
  }
  const std::vector<ValidatorIndex> committee =
      hybrid_committee(es.set->size(), m.header.sender, m.header.relays);
  std::vector<ValidatorIndex> targets;
  for (std::size_t pos = 0; pos < committee.size(); ++pos) {
    if (committee[pos] != *es.self) continue;
    auto share = hybrid_share(es.set->size(), committee, m.header.sender, pos, m.header.redundancy);
    targets.insert(targets.end(), share.begin(), share.end());
  }
  if (targets.empty()) return;
  // Decreasing stake = increasing index; a validator in two of our positions gets one copy.
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const bool same_epoch = current_ == m.header.epoch;
  for (ValidatorIndex v : targets) {
    auto to = same_epoch ? std::optional<ValidatorIndex>(v)
                         : (current_ ? epochs_.at(*current_).set->index_of(es.set->key(v)) : std::nullopt);
    if (!to) continue;
    ++metrics_.forwarded;
    transmit(*to, prio::Class::high, wire);
  }
}

void DirectPath::on_ack(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now) {
  auto a = codec::parse_ack(bytes);
  if (!a) {
    reject(DirectReject::malformed);
    return;
  }
  auto it = tracked_.find(a->id);
  if (it == tracked_.end()) {
    ++metrics_.acks_unknown;
    return;
  }
  auto who = translate(from, it->second.epoch);
  if (!who) {
    ++metrics_.acks_unknown;
    return;
  }
  auto slot = it->second.acks.find(*who);
  if (slot == it->second.acks.end()) {
    ++metrics_.acks_unknown;
    return;
  }
  ++metrics_.acks_received;
  if (!slot->second) slot->second = now;
  const bool all = std::all_of(it->second.acks.begin(), it->second.acks.end(),
                               [](const auto& kv) { return kv.second.has_value(); });
  if (all) finish(it);
}

void DirectPath::finish(std::map<MessageId, Tracked>::iterator it) {
  DeliveryReport r;
  r.id = it->first;
  r.retries = it->second.retries;
  for (const auto& [v, t] : it->second.acks) {
    if (t)
      r.acked.emplace_back(v, *t);
    else
      r.missing.push_back(v);
  }
  deadlines_.erase({it->second.deadline, it->first});
  tracked_.erase(it);
  event(std::move(r));
}

void DirectPath::on_deadline(TimePoint now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const MessageId id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = tracked_.find(id);
    if (it == tracked_.end()) continue;
    Tracked& t = it->second;
    if (t.retries >= config_.max_retries) {
      deadlines_.emplace(t.deadline, id);  // finish() erases it again
      finish(it);
      continue;
    }
    ++t.retries;
    ++metrics_.retries;
    // Retries go straight to the validators still missing, whatever the original path was.
    auto cur = current_ ? epochs_.find(*current_) : epochs_.end();
    for (const auto& [v, at] : t.acks) {
      if (at) continue;
      std::optional<ValidatorIndex> to = v;
      if (current_ != t.epoch) {
        auto orig = epochs_.find(t.epoch);
        to = (orig == epochs_.end() || cur == epochs_.end())
                 ? std::nullopt
                 : cur->second.set->index_of(orig->second.set->key(v));
      }
      if (to) transmit(*to, prio::Class::critical, t.wire);
    }
    t.deadline = now + config_.ack_timeout * (std::int64_t{1} << t.retries);
    deadlines_.emplace(t.deadline, id);
  }
}

TimePoint DirectPath::next_deadline() const {
  return deadlines_.empty() ? TimePoint::max() : deadlines_.begin()->first;
}

}  // namespace stakecast::rotor
