#include "proto/rotor/engine.hpp"

#include <algorithm>

#include "crypto/merkle.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::rotor {
namespace {

constexpr std::string_view kDisseminationTag = "stakecast/rotor/dissemination/v1";
constexpr std::string_view kRepairPeerTag = "stakecast/rotor/repair-peer/v1";

std::uint64_t slice_key(SliceIndex s) { return s.get(); }

}  // namespace

const char* describe(EngineErrc e) {
  switch (e) {
    case EngineErrc::invalid_config:
      return "invalid rotor engine configuration";
    case EngineErrc::no_epoch:
      return "no validator set covers the slot";
    case EngineErrc::not_a_validator:
      return "this node is not a validator in the slot's epoch";
    case EngineErrc::not_leader:
      return "this node does not lead the slot";
    case EngineErrc::no_committee:
      return "no relay committee could be drawn";
    case EngineErrc::not_supported:
      return "message class not carried by this engine";
  }
  return "unknown rotor engine error";
}

std::string_view to_string(ShredDrop d) {
  switch (d) {
    case ShredDrop::from_unstaked:
      return "from_unstaked";
    case ShredDrop::malformed:
      return "malformed";
    case ShredDrop::slot_too_far:
      return "slot_too_far";
    case ShredDrop::slot_too_old:
      return "slot_too_old";
    case ShredDrop::unknown_epoch:
      return "unknown_epoch";
    case ShredDrop::unknown_leader:
      return "unknown_leader";
    case ShredDrop::duplicate:
      return "duplicate";
    case ShredDrop::ignored:
      return "ignored";
    case ShredDrop::bad_signature:
      return "bad_signature";
    case ShredDrop::bad_merkle_proof:
      return "bad_merkle_proof";
    case ShredDrop::inconsistent:
      return "inconsistent";
    case ShredDrop::bad_encoding:
      return "bad_encoding";
    case ShredDrop::over_budget:
      return "over_budget";
    case ShredDrop::equivocation:
      return "equivocation";
    case ShredDrop::not_in_block:
      return "not_in_block";
    case ShredDrop::over_ingress_budget:
      return "over_ingress_budget";
    case ShredDrop::count_:
      break;
  }
  return "?";
}

std::string_view to_string(RepairReject r) {
  switch (r) {
    case RepairReject::from_unstaked:
      return "from_unstaked";
    case RepairReject::malformed:
      return "malformed";
    case RepairReject::unsolicited:
      return "unsolicited";
    case RepairReject::bad_roots:
      return "bad_roots";
    case RepairReject::foreign_shred:
      return "foreign_shred";
    case RepairReject::count_:
      break;
  }
  return "?";
}

std::uint64_t EngineMetrics::dropped_total() const {
  std::uint64_t n = 0;
  for (auto d : shreds_dropped) n += d;
  return n;
}

MessageId Engine::dissemination_id(Slot slot, const crypto::Ed25519PublicKey& leader) {
  std::uint8_t s[8];
  store_le64(s, slot.get());
  crypto::Sha256 h;
  h.update(as_bytes(kDisseminationTag)).update(s).update(leader);
  return h.finish();
}

Engine::Engine(const EngineConfig& c, const crypto::Ed25519Keypair& k, Shredder s, DirectPath d)
    : config_(c),
      key_(k),
      shredder_(std::move(s)),
      decoder_(c.decoder),
      direct_(std::move(d)),
      store_(c.store),
      schedule_(c.schedule),
      reliability_(c.reliability, 0) {}

Result<Engine> Engine::create(const EngineConfig& config, const crypto::Ed25519Keypair& key) {
  auto shredder = Shredder::create(config.shredder, key);
  if (!shredder) return EngineErrc::invalid_config;
  auto direct = DirectPath::create(config.direct, key);
  if (!direct) return EngineErrc::invalid_config;
  if (!RelaySampler::create(config.sampler, {})) return EngineErrc::invalid_config;
  auto classifier = prio::Classifier::create(config.classifier);
  if (!classifier) return EngineErrc::invalid_config;
  std::optional<prio::IngressBudgets> ingress;
  if (config.ingress_budgets) {
    auto b = prio::IngressBudgets::create(config.ingress, {}, TimePoint{});
    if (!b) return EngineErrc::invalid_config;
    ingress.emplace(std::move(*b));
  }
  if (config.repair.max_serve == 0 || config.repair.max_serve > config.repair.limits.max_shreds ||
      config.schedule.window == 0)
    return EngineErrc::invalid_config;
  Engine e(config, key, std::move(*shredder), std::move(*direct));
  e.classifier_ = *classifier;
  e.ingress_ = std::move(ingress);
  return e;
}

// ---------------------------------------------------------------------------------------------------
// Epochs and bookkeeping

Status Engine::add_epoch(Slot first_slot, std::shared_ptr<const ValidatorSet> set) {
  if (!set) return EngineErrc::no_epoch;
  auto sampler = RelaySampler::create(config_.sampler, set->stakes(), set->regions());
  if (!sampler) return EngineErrc::invalid_config;
  const bool make_current = !current_epoch_;
  if (make_current) STAKECAST_TRY_STATUS(rebuild_ingress(*set));
  STAKECAST_TRY_STATUS(direct_.add_validator_set(set, make_current));
  EpochCtx ctx{set, std::move(*sampler), set->index_of(key_.public_key())};
  if (make_current) {
    current_epoch_ = set->epoch();
    reliability_.reset(set->size());
  }
  epochs_.insert_or_assign(first_slot, std::move(ctx));
  // Bounded: keep the latest few epochs (late shreds of the previous one still verify).
  while (epochs_.size() > config_.direct.max_epochs) {
    if (current_epoch_ && epochs_.begin()->second.set->epoch() == *current_epoch_) break;
    epochs_.erase(epochs_.begin());
  }
  return {};
}

Status Engine::apply(const EpochChange& change) {
  // All derived state switches inside this call: the new set and its sampler are installed, the ingress
  // budgets and direct-path tables follow, and reliability scores restart (indices changed meaning).
  // The steps that can fail come first, so a refused change leaves the old epoch wholly in force.
  if (!change.set) return EngineErrc::no_epoch;
  bool known = false;
  for (const auto& [first, ctx] : epochs_)
    if (ctx.set->epoch() == change.to) known = true;
  if (!known) STAKECAST_TRY_STATUS(add_epoch(change.first_slot, change.set));
  STAKECAST_TRY_STATUS(rebuild_ingress(*change.set));
  STAKECAST_TRY_STATUS(direct_.add_validator_set(change.set, true));
  current_epoch_ = change.to;
  reliability_.reset(change.set->size());
  for (auto& [slot, info] : slots_) info.relay_order.clear();
  return {};
}

const Engine::EpochCtx* Engine::ctx_for(Slot slot) const {
  auto it = epochs_.upper_bound(slot);
  if (it == epochs_.begin()) return nullptr;
  return &std::prev(it)->second;
}

Engine::EpochCtx* Engine::ctx_for(Slot slot) {
  auto it = epochs_.upper_bound(slot);
  if (it == epochs_.begin()) return nullptr;
  return &std::prev(it)->second;
}

std::optional<ValidatorIndex> Engine::self() const {
  for (const auto& [first, ctx] : epochs_)
    if (current_epoch_ && ctx.set->epoch() == *current_epoch_) return ctx.self;
  return std::nullopt;
}

std::optional<ValidatorIndex> Engine::to_epoch(std::optional<ValidatorIndex> from,
                                               const EpochCtx& ctx) const {
  if (!from || !current_epoch_) return std::nullopt;
  if (ctx.set->epoch() == *current_epoch_) return ctx.set->contains(*from) ? from : std::nullopt;
  for (const auto& [first, cur] : epochs_) {
    if (cur.set->epoch() != *current_epoch_) continue;
    if (!cur.set->contains(*from)) return std::nullopt;
    return ctx.set->index_of(cur.set->key(*from));
  }
  return std::nullopt;
}

std::optional<ValidatorIndex> Engine::to_current(ValidatorIndex v, const EpochCtx& ctx) const {
  if (!current_epoch_ || !ctx.set->contains(v)) return std::nullopt;
  if (ctx.set->epoch() == *current_epoch_) return v;
  for (const auto& [first, cur] : epochs_)
    if (cur.set->epoch() == *current_epoch_) return cur.set->index_of(ctx.set->key(v));
  return std::nullopt;
}

Status Engine::rebuild_ingress(const ValidatorSet& set) {
  if (!ingress_) return {};
  if (!ingress_->set_stakes(set.stakes(), last_input_)) return EngineErrc::invalid_config;
  return {};
}

std::uint64_t Engine::ingress_rate(std::optional<ValidatorIndex> from) const {
  return ingress_ ? ingress_->rate_of(from) : 0;
}

prio::IngressMetrics Engine::ingress_metrics() const {
  return ingress_ ? ingress_->metrics() : prio::IngressMetrics{};
}

bool Engine::admit(std::optional<ValidatorIndex> from, Protocol p, std::size_t bytes, TimePoint now) {
  if (!ingress_ || ingress_->admit(from, bytes, now) == prio::Admission::admitted) return true;
  ++metrics_.ingress_rejected[static_cast<std::size_t>(p)];
  return false;
}

bool Engine::solicited(std::optional<ValidatorIndex> from, BytesView bytes) const {
  if (!from) return false;
  const auto type = codec::peek_repair_type(bytes);
  const auto request = codec::peek_repair_request(bytes);
  if (!type || !request || *type == codec::RepairType::roots_request ||
      *type == codec::RepairType::shreds_request)
    return false;
  auto it = outstanding_.find(*request);
  return it != outstanding_.end() && it->second.peer == *from;
}

void Engine::set_leader(Slot slot, ValidatorIndex leader) { schedule_.set(slot, leader); }

std::optional<ValidatorIndex> Engine::leader_of(Slot slot) const {
  const EpochCtx* ctx = ctx_for(slot);
  if (!ctx) return std::nullopt;
  return schedule_.leader_of(slot, *ctx->set);
}

void Engine::on_slot(Slot current) {
  if (current > current_slot_) current_slot_ = current;
  direct_.on_slot(current);
}

void Engine::on_finalized(Slot finalized) {
  if (finalized <= floor_) return;
  floor_ = finalized;
  direct_.on_finalized(finalized);
  decoder_.forget_before(finalized);
  schedule_.forget_before(finalized);
  slices_.erase(slices_.begin(), slices_.lower_bound({finalized, 0}));
  slots_.erase(slots_.begin(), slots_.lower_bound(finalized));
  repairing_.erase(repairing_.begin(), repairing_.lower_bound(finalized));
  for (auto it = outstanding_.begin(); it != outstanding_.end();)
    it = it->second.slot < finalized ? outstanding_.erase(it) : std::next(it);
  // Timers of dropped state find nothing and are discarded when they fire.
}

Engine::SlotInfo& Engine::slot_info(Slot slot, TimePoint now) {
  auto [it, fresh] = slots_.try_emplace(slot);
  if (fresh) {
    it->second.first_seen = now;
    while (slots_.size() > config_.max_slots) slots_.erase(slots_.begin());
    it = slots_.find(slot);
    if (it == slots_.end()) it = slots_.try_emplace(slot).first;  // max_slots 0: keep just this one
  }
  return it->second;
}

Engine::SliceInfo& Engine::slice_info(Slot slot, SliceIndex slice, TimePoint now) {
  auto key = std::make_pair(slot, slice.get());
  auto [it, fresh] = slices_.try_emplace(key);
  if (fresh && slices_.size() > config_.max_slices) {
    slices_.erase(slices_.begin());
    it = slices_.try_emplace(key).first;
  }
  if (fresh) it->second.first_seen = now;
  return it->second;
}

void Engine::transmit(ValidatorIndex to, Protocol p, prio::Class cls, prio::Payload bytes) {
  if (out_.size() >= config_.max_outgoing) {
    ++metrics_.dropped_outgoing;
    return;
  }
  out_.push_back(Transmit{to, p, cls, std::move(bytes)});
}

void Engine::event(EngineEvent e) {
  if (events_.size() >= config_.max_events) {
    ++metrics_.dropped_events;
    return;
  }
  events_.push_back(std::move(e));
}

std::optional<Transmit> Engine::poll_transmit() {
  // Direct-path traffic first: it is Critical or High. The owner's egress scheduler orders by class
  // anyway; this only keeps small messages from waiting behind a large poll loop.
  if (auto t = direct_.poll_transmit()) return t;
  if (out_.empty()) return std::nullopt;
  Transmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

// NOTE: see direct_path.cpp on GCC 12's false -Wmaybe-uninitialized for variants moved out of a deque.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
std::optional<EngineEvent> Engine::poll_event() {
  while (auto d = direct_.poll_event()) {
    std::visit([&](auto&& e) { event(EngineEvent(std::move(e))); }, std::move(*d));
  }
  if (events_.empty()) return std::nullopt;
  std::optional<EngineEvent> e(std::in_place, std::move(events_.front()));
  events_.pop_front();
  return e;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// ---------------------------------------------------------------------------------------------------
// Leader

Result<std::vector<ValidatorIndex>> Engine::committee(Slot slot, SliceIndex slice, std::uint8_t total) {
  EpochCtx* ctx = ctx_for(slot);
  if (!ctx) return EngineErrc::no_epoch;
  auto leader = schedule_.leader_of(slot, *ctx->set);
  if (!leader) return EngineErrc::not_leader;
  // Blending: the sampler weighs relays by this node's current scores (used for slices not yet drawn).
  if (config_.sampler.blended() && current_epoch_ && ctx->set->epoch() == *current_epoch_)
    (void)ctx->sampler->set_reliability(reliability_.scores());
  auto c = ctx->sampler->committee(SliceKey{dissemination_id(slot, ctx->set->key(*leader)), slot, slice},
                                   total, *leader);
  if (!c) return EngineErrc::no_committee;
  return c;
}

Status Engine::send_slice(const EpochCtx& ctx, const SliceShreds& s, TimePoint now) {
  auto relays = committee(s.slot, s.slice, static_cast<std::uint8_t>(s.count));
  if (!relays) return Err(relays.error());
  for (std::size_t i = 0; i < s.count; ++i) {
    auto wire = std::make_shared<const Bytes>(s.shred(i).begin(), s.shred(i).end());
    if (auto v = codec::parse_shred(*wire)) store_.put(v->header(), wire);
    if (auto to = to_current((*relays)[i], ctx)) {
      ++metrics_.shreds_sent_as_leader;
      transmit(*to, Protocol::shred, prio::Class::normal, std::move(wire));
    }
  }
  SlotInfo& info = slot_info(s.slot, now);
  info.own = true;
  info.roots[s.slice.get()] = s.root;
  info.max_slice = std::max(info.max_slice, s.slice.get());
  if (s.last_slice) info.last_slice = s.slice.get();
  return {};
}

Status Engine::broadcast_slice(Slot slot, SliceIndex slice, bool last, BytesView data, TimePoint now) {
  const EpochCtx* ctx = ctx_for(slot);
  if (!ctx) return EngineErrc::no_epoch;
  if (!ctx->self) return EngineErrc::not_a_validator;
  if (schedule_.leader_of(slot, *ctx->set) != ctx->self) return EngineErrc::not_leader;
  STAKECAST_TRY(SliceShreds s, shredder_.make_slice(slot, slice, last, data));
  STAKECAST_TRY_STATUS(send_slice(*ctx, s, now));
  if (last) {
    SlotInfo& info = slot_info(slot, now);
    if (info.roots.size() == std::size_t{slice.get()} + 1) {
      std::vector<crypto::Hash256> roots;
      for (const auto& [i, r] : info.roots) roots.push_back(r);
      store_.set_block(slot, block_hash(roots), roots);
    }
  }
  return {};
}

Result<crypto::Hash256> Engine::broadcast_block(Slot slot, BytesView block, TimePoint now) {
  const EpochCtx* ctx = ctx_for(slot);
  if (!ctx) return EngineErrc::no_epoch;
  if (!ctx->self) return EngineErrc::not_a_validator;
  if (schedule_.leader_of(slot, *ctx->set) != ctx->self) return EngineErrc::not_leader;
  STAKECAST_TRY(ShreddedBlock b, shredder_.shred_block(slot, block));
  std::vector<crypto::Hash256> roots;
  for (const auto& s : b.slices) {
    STAKECAST_TRY_STATUS(send_slice(*ctx, s, now));
    roots.push_back(s.root);
  }
  store_.set_block(slot, b.block_hash, std::move(roots));
  return b.block_hash;
}

Result<MessageId> Engine::send_direct(prio::Kind kind, Slot slot, BytesView payload, SendOptions options,
                                      TimePoint now) {
  // A message too large for the Critical class that the caller still sends directly travels as High, so
  // it cannot crowd votes out of the Critical queue.
  if (!options.cls && !options.hybrid &&
      classifier_.classify(kind, payload.size()).cls != prio::Class::critical)
    options.cls = prio::Class::high;
  return direct_.send(static_cast<std::uint8_t>(kind), slot, payload, options, now);
}

Result<MessageId> Engine::send(prio::Kind kind, Slot slot, BytesView payload, bool ack, TimePoint now) {
  const auto c = classifier_.classify(kind, payload.size());
  switch (c.path) {
    case prio::Path::direct:
      return send_direct(kind, slot, payload, {.ack = ack, .hybrid = false}, now);
    case prio::Path::hybrid:
      return send_direct(kind, slot, payload, {.ack = ack, .hybrid = true}, now);
    case prio::Path::rotor:
    case prio::Path::gossip:
      break;
  }
  return EngineErrc::not_supported;
}

// ---------------------------------------------------------------------------------------------------
// Incoming

void Engine::on_message(std::optional<ValidatorIndex> from, Protocol protocol, BytesView bytes,
                        TimePoint now) {
  if (now > last_input_) last_input_ = now;
  switch (protocol) {
    case Protocol::shred:
      on_shred(from, bytes, now, false, std::nullopt);  // charged there, once the slot's leader is known
      break;
    case Protocol::direct:
      if (!admit(from, protocol, bytes.size(), now)) return;
      direct_.on_message(from, bytes, now);
      break;
    case Protocol::repair:
      if (!solicited(from, bytes) && !admit(from, protocol, bytes.size(), now)) return;
      on_repair(from, bytes, now);
      break;
  }
}

void Engine::on_message(std::optional<ValidatorIndex> from, Protocol protocol, const prio::Payload& bytes,
                        TimePoint now) {
  if (!bytes) return;
  input_ = &bytes;
  on_message(from, protocol, BytesView(*bytes), now);
  input_ = nullptr;
}

prio::Payload Engine::share(BytesView bytes) const {
  if (input_ && *input_ && (*input_)->data() == bytes.data() && (*input_)->size() == bytes.size())
    return *input_;
  return std::make_shared<const Bytes>(bytes.begin(), bytes.end());
}

bool Engine::verified_copy(const codec::ShredView& v, const SliceInfo& info) const {
  // A shred whose signed tuple equals the slice's verified first shred and whose Merkle path leads to
  // that root is as good as verified, without a signature check.
  if (!info.trusted) return false;
  const auto& h = v.header();
  const auto& t = *info.trusted;
  if (h.root != t.root || h.signature != t.signature || h.last_slice != t.last_slice ||
      h.data_count != t.data_count || h.total_count != t.total_count || h.slice_len != t.slice_len)
    return false;
  return crypto::merkle::root_from_proof(codec::shred_leaf_hash(v), h.index.get(), v.proof()) == h.root;
}

void Engine::on_shred(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now, bool via_repair,
                      const std::optional<crypto::Hash256>& expected_root) {
  ++metrics_.shreds_received;
  if (!from) return drop(ShredDrop::from_unstaked);
  auto parsed = codec::parse_shred(bytes);
  if (!parsed) {
    // Bytes that name no leader cost the sender's budget, which also bounds the evidence copies.
    if (!via_repair && !admit(from, Protocol::shred, bytes.size(), now))
      return drop(ShredDrop::over_ingress_budget);
    drop(ShredDrop::malformed);
    event(Misbehaviour{*from, Offence::malformed, Slot{0}, Bytes(bytes.begin(), bytes.end()), {}});
    return;
  }
  const codec::ShredView& v = *parsed;
  const codec::ShredHeader& h = v.header();
  // Bounded work before any hashing: the slot window, the epoch and the leader.
  if (h.slot < floor_) return drop(ShredDrop::slot_too_old);
  if (h.slot.get() > current_slot_.get() + config_.max_slots_ahead) return drop(ShredDrop::slot_too_far);
  EpochCtx* ctx = ctx_for(h.slot);
  if (!ctx) return drop(ShredDrop::unknown_epoch);
  const auto leader = schedule_.leader_of(h.slot, *ctx->set);
  if (!leader) return drop(ShredDrop::unknown_leader);
  const auto from_e = to_epoch(from, *ctx);
  if (!from_e) return drop(ShredDrop::from_unstaked);
  if (expected_root && h.root != *expected_root) return drop(ShredDrop::not_in_block);
  if (ctx->self == leader) return drop(ShredDrop::ignored);  // our own block coming back
  // Relay copies cost the relay's budget; the leader's copies to its relays and repaired shreds (inside
  // an answer we asked for) do not.
  if (!via_repair && *from_e != *leader && !admit(from, Protocol::shred, bytes.size(), now))
    return drop(ShredDrop::over_ingress_budget);

  SlotInfo& sinfo = slot_info(h.slot, now);
  const ShredResult r = decoder_.on_shred(bytes, *from_e, *leader, ctx->set->key(*leader));
  SliceInfo* info = nullptr;
  bool valid = false;  // signature and Merkle path checked (by the decoder or against the trusted header)
  switch (r.outcome) {
    case ShredOutcome::okay:
    case ShredOutcome::completes:
      ++metrics_.shreds_accepted;
      if (via_repair) ++metrics_.repair_shreds;
      valid = true;
      info = &slice_info(h.slot, h.slice, now);
      if (!info->trusted) info->trusted = h;
      store_.put(h, share(bytes));
      break;
    case ShredOutcome::duplicate:
    case ShredOutcome::ignored: {
      drop(r.outcome == ShredOutcome::duplicate ? ShredDrop::duplicate : ShredDrop::ignored);
      info = &slice_info(h.slot, h.slice, now);
      // Late copies stay cheap: no hashing, except for the leader's copy to its relay, which must still be
      // forwarded and so is checked against the slice's verified header and root.
      if (*from_e == *leader) {
        valid = verified_copy(v, *info);
      } else if (turbine()) {
        // Turbine: a node that owes this index to its children forwards it even when its own slice is
        // already complete, so the copy is checked then (and only then).
        valid = !via_repair && h.index.get() < info->forwarded.size() &&
                !info->forwarded.test(h.index.get()) && !turbine_targets(*ctx, *leader, h).empty() &&
                verified_copy(v, *info);
      } else if (config_.audit_late_shreds && !via_repair && info->trusted) {
        // Audit mode: late shreds are checked too, so a corrupting relay is caught by every receiver.
        if (verified_copy(v, *info)) {
          observe(*ctx, *info, h, *from_e, now);
        } else {
          drop(ShredDrop::bad_merkle_proof);
          event(
              Misbehaviour{*from, Offence::bad_merkle_proof, h.slot, Bytes(bytes.begin(), bytes.end()), {}});
        }
      } else if (!via_repair && info->trusted && h.root == info->trusted->root &&
                 h.signature == info->trusted->signature) {
        // PERF: credit the relay as on time on the header alone; a relay that sends garbage with a correct
        // header gains a reliability score it could have earned by sending the real shred.
        observe(*ctx, *info, h, *from_e, now);
      }
      break;
    }
    case ShredOutcome::equivocation:
      drop(ShredDrop::equivocation);
      // Validly signed by the leader: forward the evidence if it came from the leader and its path holds.
      info = &slice_info(h.slot, h.slice, now);
      valid = *from_e == *leader &&
              crypto::merkle::root_from_proof(codec::shred_leaf_hash(v), h.index.get(), v.proof()) == h.root;
      break;
    case ShredOutcome::rejected:
      switch (r.reason) {
        case RejectReason::malformed:
          drop(ShredDrop::malformed);
          break;
        case RejectReason::bad_signature:
          drop(ShredDrop::bad_signature);
          break;
        case RejectReason::bad_merkle_proof:
          drop(ShredDrop::bad_merkle_proof);
          break;
        case RejectReason::inconsistent:
          drop(ShredDrop::inconsistent);
          break;
        case RejectReason::bad_encoding:
          drop(ShredDrop::bad_encoding);
          break;
        case RejectReason::over_budget:
        case RejectReason::none:
          drop(ShredDrop::over_budget);
          break;
      }
      break;
  }
  if (info && valid) {
    sinfo.max_slice = std::max(sinfo.max_slice, h.slice.get());
    if (h.last_slice) sinfo.last_slice = h.slice.get();
    if (!via_repair) {
      watch(*ctx, *leader, h, *info, from_e, now);
      // Rotor relays forward only what the leader sent them; in a Turbine tree every copy comes from the
      // parent, and the tree (not the sender) decides whether this node forwards.
      if (*from_e == *leader || turbine()) forward(*ctx, *leader, v, *info, bytes, now);
    }
    if (!sinfo.done && !sinfo.repair_over && !repairing_.count(h.slot))
      schedule_repair(h.slot, sinfo.first_seen + config_.repair.repair_after);
  }
  drain_decoder(now);
}

const std::vector<ValidatorIndex>& Engine::relay_order(const EpochCtx& ctx, Slot slot,
                                                       ValidatorIndex leader) {
  SlotInfo& info = slots_[slot];
  if (!info.relay_order.empty()) return info.relay_order;
  // Decreasing stake = increasing index, the next leader first; never ourselves or the leader.
  const auto next = schedule_.next_leader(slot, *ctx.set);
  if (next && *next != leader && *next != ctx.self) info.relay_order.push_back(*next);
  for (std::uint32_t v = 0; v < ctx.set->size(); ++v) {
    const ValidatorIndex vi{v};
    if (vi == leader || vi == ctx.self || vi == next) continue;
    info.relay_order.push_back(vi);
  }
  return info.relay_order;
}

void Engine::forward(EpochCtx& ctx, ValidatorIndex leader, const codec::ShredView& v, SliceInfo& info,
                     BytesView bytes, TimePoint /*now*/) {
  const auto& h = v.header();
  const std::uint32_t i = h.index.get();
  if (i >= info.forwarded.size() || info.forwarded.test(i) || !ctx.self) return;
  if (turbine()) {
    // Turbine: this node's children in the shred's tree (none for most nodes), each index once.
    const std::vector<ValidatorIndex>& kids = turbine_targets(ctx, leader, h);
    info.forwarded.set(i);
    if (kids.empty()) return;
    auto wire = share(bytes);
    for (ValidatorIndex to : kids) {
      auto cur = to_current(to, ctx);
      if (!cur) continue;
      ++metrics_.shreds_forwarded;
      transmit(*cur, Protocol::shred, prio::Class::normal, wire);
    }
    return;
  }
  // Forward only the indices we were drawn for, when committees are reproducible; a leader cannot make a
  // node it did not draw spend its upload on its block.
  if (!config_.sampler.blended()) {
    if (info.committee.empty()) {
      auto c = ctx.sampler->committee(
          SliceKey{dissemination_id(h.slot, ctx.set->key(leader)), h.slot, h.slice}, h.total_count, leader);
      if (c) info.committee = std::move(*c);
    }
    if (i >= info.committee.size() || info.committee[i] != *ctx.self) return;
  }
  info.forwarded.set(i);
  auto wire = share(bytes);
  for (ValidatorIndex to : relay_order(ctx, h.slot, leader)) {
    auto cur = to_current(to, ctx);
    if (!cur) continue;
    ++metrics_.shreds_forwarded;
    transmit(*cur, Protocol::shred, prio::Class::normal, wire);
  }
}

const std::vector<ValidatorIndex>& Engine::turbine_targets(EpochCtx& ctx, ValidatorIndex leader,
                                                           const codec::ShredHeader& h) {
  const auto key = std::make_tuple(h.slot, h.slice.get(), h.index.get());
  if (turbine_key_ == key) return turbine_kids_;
  turbine_key_ = key;
  turbine_kids_.clear();
  if (!ctx.self) return turbine_kids_;
  auto kids = ctx.sampler->turbine_children(
      SliceKey{dissemination_id(h.slot, ctx.set->key(leader)), h.slot, h.slice}, h.index, leader, *ctx.self);
  if (kids) turbine_kids_ = std::move(*kids);
  return turbine_kids_;
}

void Engine::observe(const EpochCtx& ctx, SliceInfo& info, const codec::ShredHeader& h, ValidatorIndex from_e,
                     TimePoint now) {
  const std::uint32_t i = h.index.get();
  if (i >= info.observed.size()) return;
  if (!config_.sampler.blended()) {
    // Reproducible committees: the watch knows who owed index i and scores everyone at its deadline.
    if (info.watched && i < info.committee.size() && info.committee[i] == from_e) info.arrived.set(i);
    return;
  }
  // Blended committees are the leader's own: here a relay is known only by forwarding. Score each relay
  // copy once, on time or late; a relay that forwards nothing cannot be attributed (docs/rotor-engine.md).
  if (info.observed.test(i)) return;
  info.observed.set(i);
  if (current_epoch_ && ctx.set->epoch() == *current_epoch_)
    reliability_.record(from_e, now - info.first_seen <= config_.relay_deadline);
}

void Engine::watch(EpochCtx& ctx, ValidatorIndex leader, const codec::ShredHeader& h, SliceInfo& info,
                   std::optional<ValidatorIndex> from_e, TimePoint now) {
  // Turbine copies come from tree parents that differ per shred: no committee to watch.
  if (turbine()) return;
  if (config_.sampler.blended()) {
    if (from_e && *from_e != leader) observe(ctx, info, h, *from_e, now);
    return;
  }
  if (!ctx.self) return;
  if (info.committee.empty()) {
    auto c = ctx.sampler->committee(SliceKey{dissemination_id(h.slot, ctx.set->key(leader)), h.slot, h.slice},
                                    h.total_count, leader);
    if (!c) return;
    info.committee = std::move(*c);
  }
  if (!info.watch_started) {
    info.watch_started = true;
    info.watched = true;
    // We relay our own indices: they count as arrived.
    for (std::size_t i = 0; i < info.committee.size(); ++i)
      if (info.committee[i] == *ctx.self) info.arrived.set(i);
    timers_.emplace(now + config_.relay_deadline, Timer::watch, h.slot.get(), slice_key(h.slice));
  }
  if (from_e && *from_e != leader) observe(ctx, info, h, *from_e, now);
}

void Engine::end_watch(Slot slot, SliceIndex slice) {
  auto it = slices_.find({slot, slice.get()});
  if (it == slices_.end() || !it->second.watched) return;
  SliceInfo& info = it->second;
  info.watched = false;
  const EpochCtx* ctx = ctx_for(slot);
  if (!ctx) return;
  const bool same_epoch = current_epoch_ && ctx->set->epoch() == *current_epoch_;
  std::set<ValidatorIndex> late;
  for (std::size_t i = 0; i < info.committee.size(); ++i) {
    const ValidatorIndex relay = info.committee[i];
    if (same_epoch) reliability_.record(relay, info.arrived.test(i));
    if (!info.arrived.test(i)) late.insert(relay);
  }
  if (!config_.report_withholding) return;
  for (ValidatorIndex relay : late) {
    auto cur = to_current(relay, *ctx);
    if (!cur) continue;
    ++metrics_.withholding_reports;
    event(Misbehaviour{*cur, Offence::withholding, slot, {}, {}});
  }
}

void Engine::drain_decoder(TimePoint now) {
  while (auto e = decoder_.poll_event()) {
    if (auto* s = std::get_if<SliceDoneEvent>(&*e)) {
      ++metrics_.slices_completed;
      SlotInfo& info = slot_info(s->slot, now);
      info.roots[s->slice.get()] = s->root;
      if (s->last_slice) info.last_slice = s->slice.get();
    } else if (auto* b = std::get_if<BlockDoneEvent>(&*e)) {
      ++metrics_.blocks_completed;
      SlotInfo& info = slot_info(b->slot, now);
      info.done = true;
      std::vector<crypto::Hash256> roots;
      for (const auto& [i, r] : info.roots) roots.push_back(r);
      store_.set_block(b->slot, b->block_hash, std::move(roots));
      repairing_.erase(b->slot);
      for (auto it = outstanding_.begin(); it != outstanding_.end();)
        it = it->second.slot == b->slot ? outstanding_.erase(it) : std::next(it);
    } else if (auto* m = std::get_if<Misbehaviour>(&*e)) {
      // The decoder names peers in the slot's epoch numbering; report them in the current one.
      const EpochCtx* ctx = ctx_for(m->slot);
      if (ctx) {
        if (auto cur = to_current(m->peer, *ctx)) m->peer = *cur;
      }
    }
    std::visit([&](auto&& x) { event(EngineEvent(std::move(x))); }, std::move(*e));
  }
}

// ---------------------------------------------------------------------------------------------------
// Timers

void Engine::on_deadline(TimePoint now) {
  if (now > last_input_) last_input_ = now;
  direct_.on_deadline(now);
  while (!timers_.empty() && std::get<0>(*timers_.begin()) <= now) {
    const auto [at, kind, a, b] = *timers_.begin();
    timers_.erase(timers_.begin());
    switch (kind) {
      case Timer::watch:
        end_watch(Slot{a}, SliceIndex{static_cast<std::uint32_t>(b)});
        break;
      case Timer::repair: {
        auto it = repairing_.find(Slot{a});
        if (it != repairing_.end() && it->second.due == at) repair_round(Slot{a}, now);
        break;
      }
      case Timer::request: {
        auto it = outstanding_.find(a);
        if (it != outstanding_.end() && it->second.deadline == at) {
          ++metrics_.repair_timeouts;
          finish_request(a, now);
        }
        break;
      }
    }
  }
}

TimePoint Engine::next_deadline() const {
  TimePoint t = direct_.next_deadline();
  if (!timers_.empty()) t = std::min(t, std::get<0>(*timers_.begin()));
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Repair

void Engine::schedule_repair(Slot slot, TimePoint due) {
  auto it = repairing_.find(slot);
  if (it == repairing_.end()) {
    if (repairing_.size() >= config_.repair.max_repairing_slots) return;
    it = repairing_.emplace(slot, RepairSlot{}).first;
  }
  it->second.due = due;
  timers_.emplace(due, Timer::repair, slot.get(), 0);
}

Status Engine::request_repair(Slot slot, std::optional<crypto::Hash256> block, TimePoint now) {
  if (!ctx_for(slot)) return EngineErrc::no_epoch;
  auto it = slots_.find(slot);
  if (it != slots_.end() && it->second.done) return {};
  schedule_repair(slot, now);
  auto r = repairing_.find(slot);
  if (r == repairing_.end()) return {};  // too many slots under repair: counted by the caller's retry
  if (block && r->second.block != block) {
    r->second.block = block;
    r->second.roots.reset();
  }
  r->second.rounds = 0;
  slot_info(slot, now).repair_over = false;
  return {};
}

std::optional<ValidatorIndex> Engine::repair_peer(const EpochCtx& ctx, Slot slot, std::uint32_t round) const {
  // The slot's leader has every shred: ask it first. Later rounds draw stake-weighted (never ourselves),
  // a fresh draw per round, which spreads retries across peers.
  if (round == 0) {
    auto leader = schedule_.leader_of(slot, *ctx.set);
    if (leader && leader != ctx.self) return leader;
  }
  std::uint8_t m[16];
  store_le64(m, slot.get());
  store_le32(m + 8, ctx.self ? ctx.self->get() : 0xFFFFFFFF);
  store_le32(m + 12, round);
  auto rng = DeterministicRng::from_label(kRepairPeerTag, m);
  std::uint64_t total = ctx.set->total_stake().get();
  if (ctx.self) total -= ctx.set->stake(*ctx.self).get();
  if (total == 0) return std::nullopt;
  std::uint64_t x = rng.uniform(total);
  for (std::uint32_t v = 0; v < ctx.set->size(); ++v) {
    const ValidatorIndex vi{v};
    if (vi == ctx.self) continue;
    const std::uint64_t s = ctx.set->stake(vi).get();
    if (x < s) return vi;
    x -= s;
  }
  return std::nullopt;
}

void Engine::repair_round(Slot slot, TimePoint now) {
  auto rit = repairing_.find(slot);
  if (rit == repairing_.end()) return;
  RepairSlot& rs = rit->second;
  auto sit = slots_.find(slot);
  if (sit != slots_.end() && sit->second.done) {
    repairing_.erase(rit);
    return;
  }
  const EpochCtx* ctx = ctx_for(slot);
  if (!ctx || rs.rounds >= config_.repair.max_rounds) {
    ++metrics_.repair_gave_up;
    repairing_.erase(rit);
    if (sit != slots_.end()) sit->second.repair_over = true;
    return;
  }
  // One round: drop what is still outstanding for this slot, then ask one peer for everything missing.
  for (auto it = outstanding_.begin(); it != outstanding_.end();)
    it = it->second.slot == slot ? outstanding_.erase(it) : std::next(it);
  const std::uint32_t round = rs.rounds++;
  ++metrics_.repair_rounds;
  auto peer_e = repair_peer(*ctx, slot, round);
  auto peer = peer_e ? to_current(*peer_e, *ctx) : std::nullopt;
  rs.due = now + config_.repair.request_timeout;
  timers_.emplace(rs.due, Timer::repair, slot.get(), 0);
  if (!peer) return;

  auto send_request = [&](RequestKind kind, SliceIndex slice, Bytes bytes, const crypto::Hash256& block) {
    if (outstanding_.size() >= config_.repair.max_outstanding) return;
    const std::uint64_t id = next_request_ - 1;
    Outstanding o{kind, slot, slice, *peer, now + config_.repair.request_timeout, block};
    outstanding_.emplace(id, o);
    timers_.emplace(o.deadline, Timer::request, id, 0);
    ++metrics_.repair_requests_sent;
    transmit(*peer, Protocol::repair, prio::Class::normal, std::make_shared<const Bytes>(std::move(bytes)));
  };

  if (rs.block && !rs.roots) {
    // Given the block hash, the slice roots come first: every repaired shred is then checked against them
    // (not_in_block otherwise), so a peer cannot complete the slot with another version of the block.
    codec::RootsRequest q{next_request_++, slot, *rs.block};
    send_request(RequestKind::roots, SliceIndex{0}, codec::encode(q), *rs.block);
    return;
  }
  // Slices to ask for: all of the verified block, or those seen so far plus a few past the highest.
  std::vector<std::uint32_t> wanted;
  const SlotInfo* info = sit != slots_.end() ? &sit->second : nullptr;
  std::uint32_t upto = 0;
  if (rs.roots) {
    upto = static_cast<std::uint32_t>(rs.roots->size());
  } else if (info && info->last_slice) {
    upto = *info->last_slice + 1;
  } else {
    upto = (info ? info->max_slice + 1 : 0) + config_.repair.probe_slices;
  }
  for (std::uint32_t s = 0; s < upto; ++s)
    if (!decoder_.slice_complete(slot, SliceIndex{s})) wanted.push_back(s);
  const crypto::Hash256 block = rs.block.value_or(crypto::Hash256{});
  for (std::uint32_t s : wanted) {
    codec::ShredsRequest q;
    q.request = next_request_++;
    q.slot = slot;
    q.block = block;
    q.slice = SliceIndex{s};
    q.want.set();
    for (ShredIndex i : decoder_.held(slot, SliceIndex{s})) q.want.reset(i.get());
    send_request(RequestKind::shreds, SliceIndex{s}, codec::encode(q), block);
  }
}

void Engine::finish_request(std::uint64_t id, TimePoint now) {
  auto it = outstanding_.find(id);
  if (it == outstanding_.end()) return;
  const Slot slot = it->second.slot;
  outstanding_.erase(it);
  // When a round's last request resolves without completing the block, start the next round now.
  for (const auto& [i, o] : outstanding_)
    if (o.slot == slot) return;
  auto r = repairing_.find(slot);
  if (r == repairing_.end()) return;
  auto s = slots_.find(slot);
  if (s != slots_.end() && s->second.done) return;
  r->second.due = now;
  timers_.emplace(now, Timer::repair, slot.get(), 0);
}

void Engine::serve_roots(ValidatorIndex to, const codec::RootsRequest& q) {
  const auto* roots = store_.roots(q.slot, q.block);
  if (!roots) {
    ++metrics_.repair_not_found;
    transmit(to, Protocol::repair, prio::Class::normal,
             std::make_shared<const Bytes>(codec::encode(codec::NotFound{q.request, q.slot})));
    return;
  }
  ++metrics_.repair_served;
  codec::RootsResponse a{q.request, q.slot, q.block, *roots};
  transmit(to, Protocol::repair, prio::Class::normal, std::make_shared<const Bytes>(codec::encode(a)));
}

void Engine::serve_shreds(ValidatorIndex to, const codec::ShredsRequest& q) {
  static const crypto::Hash256 kAny{};
  std::vector<prio::Payload> shreds;
  const auto ours = store_.block_hash(q.slot);
  if (q.block == kAny || !ours || *ours == q.block) {
    if (auto need = store_.needed(q.slot, q.slice, q.want))
      shreds = store_.pick(q.slot, q.slice, q.want, std::min(*need, config_.repair.max_serve));
  }
  if (shreds.empty()) {
    ++metrics_.repair_not_found;
    transmit(to, Protocol::repair, prio::Class::normal,
             std::make_shared<const Bytes>(codec::encode(codec::NotFound{q.request, q.slot})));
    return;
  }
  ++metrics_.repair_served;
  std::vector<BytesView> views;
  views.reserve(shreds.size());
  for (const auto& s : shreds) views.emplace_back(*s);
  transmit(to, Protocol::repair, prio::Class::normal,
           std::make_shared<const Bytes>(codec::encode_shreds_response(q.request, q.slot, q.slice, views)));
}

void Engine::on_repair(std::optional<ValidatorIndex> from, BytesView bytes, TimePoint now) {
  if (!from) return reject(RepairReject::from_unstaked);
  auto type = codec::peek_repair_type(bytes);
  if (!type) return reject(RepairReject::malformed);
  const auto& limits = config_.repair.limits;
  RepairReject why = RepairReject::malformed;
  switch (*type) {
    case codec::RepairType::roots_request: {
      auto q = codec::parse_roots_request(bytes);
      if (!q) break;
      serve_roots(*from, *q);
      return;
    }
    case codec::RepairType::shreds_request: {
      auto q = codec::parse_shreds_request(bytes);
      if (!q) break;
      serve_shreds(*from, *q);
      return;
    }
    case codec::RepairType::roots_response: {
      auto a = codec::parse_roots_response(bytes, limits);
      if (!a) break;
      auto it = outstanding_.find(a->request);
      if (it == outstanding_.end() || it->second.peer != *from || it->second.kind != RequestKind::roots ||
          it->second.slot != a->slot || it->second.block != a->block) {
        why = RepairReject::unsolicited;
        break;
      }
      ++metrics_.repair_responses;
      // Accept the list only if it hashes to the block we asked for.
      auto r = repairing_.find(a->slot);
      if (!a->roots.empty() && block_hash(a->roots) == a->block) {
        if (r != repairing_.end()) r->second.roots = a->roots;
      } else {
        reject(RepairReject::bad_roots);
      }
      finish_request(a->request, now);
      return;
    }
    case codec::RepairType::shreds_response: {
      auto a = codec::parse_shreds_response(bytes, limits);
      if (!a) break;
      auto it = outstanding_.find(a->request);
      if (it == outstanding_.end() || it->second.peer != *from || it->second.kind != RequestKind::shreds ||
          it->second.slot != a->slot || it->second.slice != a->slice) {
        why = RepairReject::unsolicited;
        break;
      }
      ++metrics_.repair_responses;
      std::optional<crypto::Hash256> expected;
      auto r = repairing_.find(a->slot);
      if (r != repairing_.end() && r->second.roots && a->slice.get() < r->second.roots->size())
        expected = (*r->second.roots)[a->slice.get()];
      const std::uint64_t id = a->request;
      for (BytesView s : a->shreds) {
        auto v = codec::parse_shred(s);
        if (!v || v->header().slot != a->slot || v->header().slice != a->slice) {
          reject(RepairReject::foreign_shred);
          continue;
        }
        on_shred(from, s, now, true, expected);
      }
      finish_request(id, now);
      return;
    }
    case codec::RepairType::not_found: {
      auto a = codec::parse_not_found(bytes);
      if (!a) break;
      auto it = outstanding_.find(a->request);
      if (it == outstanding_.end() || it->second.peer != *from) {
        why = RepairReject::unsolicited;
        break;
      }
      ++metrics_.repair_responses;
      finish_request(a->request, now);
      return;
    }
  }
  reject(why);
}

}  // namespace stakecast::rotor
