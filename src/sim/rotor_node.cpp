#include "sim/rotor_node.hpp"

#include <map>
#include <string>

#include "codec/shred.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::sim {

RotorNode::RotorNode(rotor::Engine engine, const RotorNodeConfig& config)
    : engine_(std::move(engine)), config_(config) {
  const auto& m = engine_.metrics();
  seen_received_ = m.shreds_received;
  seen_slices_ = m.slices_completed;
  seen_leader_ = m.shreds_sent_as_leader;
}

Result<crypto::Hash256> RotorNode::broadcast_block(Slot slot, BytesView block, TimePoint now) {
  auto h = engine_.broadcast_block(slot, block, now);
  const bool waits =
      config_.leader_has_block == LeaderHasBlock::from_relays && config_.leader == config_.self;
  if (h && !waits && blocks_.size() < config_.max_records) blocks_.emplace(slot, now);
  drain(now);
  return h;
}

Result<rotor::MessageId> RotorNode::send(prio::Kind kind, Slot slot, BytesView payload, TimePoint now) {
  auto id = engine_.send(kind, slot, payload, false, now);
  drain(now);
  return id;
}

std::optional<TimePoint> RotorNode::block_done(Slot slot) const {
  auto it = blocks_.find(slot);
  if (it == blocks_.end()) return std::nullopt;
  return it->second;
}

std::optional<TimePoint> RotorNode::delivered(const rotor::MessageId& id) const {
  auto it = delivered_.find(id);
  if (it == delivered_.end()) return std::nullopt;
  return it->second;
}

void RotorNode::on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) {
  if (channel > static_cast<std::uint8_t>(rotor::Protocol::repair)) {
    ++ignored_;
    return;
  }
  if (config_.leader_has_block == LeaderHasBlock::from_relays && config_.leader == config_.self &&
      channel == static_cast<std::uint8_t>(rotor::Protocol::shred)) {
    count_return(bytes, now);  // a relay's echo (Rotor never sends shreds to the leader otherwise)
    return;
  }
  engine_.on_message(from, static_cast<rotor::Protocol>(channel), bytes, now);
  drain(now);
}

void RotorNode::on_deadline(TimePoint now) {
  engine_.on_deadline(now);
  drain(now);
}

bool RotorNode::echoing() const {
  return config_.leader_has_block == LeaderHasBlock::from_relays && config_.leader &&
         *config_.leader != config_.self;
}

void RotorNode::count_return(const Payload& bytes, TimePoint now) {
  auto v = codec::parse_shred(*bytes);
  if (!v) {
    ++ignored_;
    return;
  }
  const codec::ShredHeader& h = v->header();
  const Slot slot = h.slot;
  auto& got = returned_[{slot, h.slice.get()}];
  const bool fresh = got.insert(h.index.get()).second;
  if (fresh && got.size() == h.data_count) ++slices_back_[slot];
  if (h.last_slice) last_slice_[slot] = h.slice.get();
  auto last = last_slice_.find(slot);
  if (last != last_slice_.end() && slices_back_[slot] == last->second + 1 && !blocks_.count(slot) &&
      blocks_.size() < config_.max_records)
    blocks_.emplace(slot, now);
}

std::optional<Message> RotorNode::poll_transmit() {
  if (echo_) {
    std::optional<Message> m = std::move(echo_);
    echo_.reset();
    return m;
  }
  auto t = engine_.poll_transmit();
  if (!t) return std::nullopt;
  ++sent_since_;
  Message m{t->to, static_cast<std::uint8_t>(t->protocol), t->cls, std::move(t->bytes), 0};
  // A relay's first copy of each shred it forwards also goes back to the leader (same bytes).
  if (echoing() && t->protocol == rotor::Protocol::shred && m.to != *config_.leader &&
      m.bytes.get() != last_forwarded_.get()) {
    last_forwarded_ = m.bytes;
    if (auto v = codec::parse_shred(*m.bytes)) {
      const codec::ShredHeader& h = v->header();
      if (echoed_.emplace(h.slot.get(), h.slice.get(), h.index.get()).second) {
        echo_ = Message{*config_.leader, m.channel, m.cls, m.bytes, 0};
        ++sent_since_;
      }
    }
  }
  return m;
}

Duration RotorNode::poll_cpu() {
  const auto& m = engine_.metrics();
  const RotorCpuModel& c = config_.cpu;
  // The runner polls every transmit of an input before asking for its cost.
  const Duration cost =
      c.per_shred_received * static_cast<std::int64_t>(m.shreds_received - seen_received_) +
      c.per_slice_completed * static_cast<std::int64_t>(m.slices_completed - seen_slices_) +
      c.per_leader_shred * static_cast<std::int64_t>(m.shreds_sent_as_leader - seen_leader_) +
      c.per_message_sent * static_cast<std::int64_t>(sent_since_);
  seen_received_ = m.shreds_received;
  seen_slices_ = m.slices_completed;
  seen_leader_ = m.shreds_sent_as_leader;
  sent_since_ = 0;
  return cost;
}

void RotorNode::drain(TimePoint now) {
  while (auto e = engine_.poll_event()) {
    if (std::holds_alternative<rotor::BlockDoneEvent>(*e)) {
      const Slot slot = std::get<rotor::BlockDoneEvent>(*e).slot;
      if (blocks_.size() < config_.max_records) blocks_.emplace(slot, now);
    } else if (std::holds_alternative<rotor::SliceDoneEvent>(*e)) {
      ++slices_done_;
    } else if (const auto* d = std::get_if<rotor::Delivered>(&*e)) {
      if (delivered_.size() < config_.max_records) delivered_.emplace(d->id, now);
    } else if (std::holds_alternative<rotor::Misbehaviour>(*e)) {
      ++misbehaviour_;
    }
  }
}

crypto::Ed25519Keypair sim_key(ValidatorIndex v) {
  std::uint8_t label[17 + 4] = {'s', 't', 'a', 'k', 'e', 'c', 'a', 's', 't',
                                '/', 's', 'i', 'm', '/', 'k', 'e', 'y'};
  store_le32(label + 17, v.get());
  return crypto::Ed25519Keypair::from_seed(crypto::sha256(label));
}

Result<std::shared_ptr<const rotor::ValidatorSet>> sim_validator_set(const StakeTable& table, Epoch epoch) {
  std::vector<Stake> stakes;
  std::vector<crypto::Ed25519PublicKey> keys;
  std::vector<rotor::RegionId> regions;
  std::map<std::string, rotor::RegionId> interned;
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    const Validator& v = table.validators()[i];
    stakes.push_back(v.stake);
    keys.push_back(sim_key(ValidatorIndex{i}).public_key());
    if (v.region.empty()) {
      regions.push_back(rotor::kNoRegion);
      continue;
    }
    auto [it, fresh] = interned.try_emplace(v.region, static_cast<rotor::RegionId>(interned.size()));
    if (fresh && interned.size() >= rotor::kNoRegion) return rotor::ValidatorSetErrc::too_many;
    regions.push_back(it->second);
  }
  return rotor::ValidatorSet::create(epoch, std::move(stakes), std::move(keys), std::move(regions));
}

Result<std::unique_ptr<RotorNode>> make_rotor_node(std::shared_ptr<const rotor::ValidatorSet> set,
                                                   const rotor::EngineConfig& engine,
                                                   const RotorNodeConfig& node, Slot slot,
                                                   ValidatorIndex leader, ValidatorIndex self) {
  STAKECAST_TRY(rotor::Engine e, rotor::Engine::create(engine, sim_key(self)));
  STAKECAST_TRY_STATUS(e.add_epoch(Slot{0}, set));
  e.on_slot(slot);
  e.set_leader(slot, leader);
  RotorNodeConfig c = node;
  c.self = self;
  if (c.leader_has_block == LeaderHasBlock::from_relays && !c.leader) c.leader = leader;
  return std::make_unique<RotorNode>(std::move(e), c);
}

Result<std::vector<std::unique_ptr<Node>>> make_rotor_nodes(std::shared_ptr<const rotor::ValidatorSet> set,
                                                            const rotor::EngineConfig& engine,
                                                            const RotorNodeConfig& node, Slot slot,
                                                            ValidatorIndex leader) {
  std::vector<std::unique_ptr<Node>> nodes;
  nodes.reserve(set->size());
  for (std::uint32_t i = 0; i < set->size(); ++i) {
    STAKECAST_TRY(auto n, make_rotor_node(set, engine, node, slot, leader, ValidatorIndex{i}));
    nodes.push_back(std::move(n));
  }
  return nodes;
}

}  // namespace stakecast::sim
