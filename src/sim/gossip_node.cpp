#include "sim/gossip_node.hpp"

#include "core/varint.hpp"
#include "sim/rotor_node.hpp"

namespace stakecast::sim {

std::shared_ptr<const GossipDirectory> make_gossip_directory(std::size_t validators) {
  auto d = std::make_shared<GossipDirectory>();
  for (std::uint32_t i = 0; i < validators; ++i) {
    d->peers.push_back(PeerId::from_ed25519(sim_key(ValidatorIndex{i}).public_key()));
    d->index.emplace(d->peers.back(), i);
  }
  return d;
}

Result<std::unique_ptr<GossipNode>> GossipNode::create(ValidatorIndex self,
                                                       std::shared_ptr<const GossipDirectory> dir,
                                                       const gossipsub::Config& config, std::uint64_t seed,
                                                       TimePoint now) {
  std::unique_ptr<GossipNode> n(new GossipNode(self, dir, seed));
  n->router_ =
      std::make_unique<gossipsub::Router>(dir->peers[self.get()], sim_key(self), config, n->entropy_, now);
  STAKECAST_TRY_STATUS(n->router_->subscribe(gossipsub::Topic(kBlockTopic), now));
  return n;
}

Status GossipNode::connect(ValidatorIndex peer, bool outbound, TimePoint now) {
  return router_->add_peer(dir_->peers[peer.get()], gossipsub::Protocol::meshsub_v12, outbound, "", now);
}

Status GossipNode::publish(BytesView block, TimePoint now) {
  STAKECAST_TRY(auto id, router_->publish(gossipsub::Topic(kBlockTopic), block, now));
  (void)id;
  if (!done_) done_ = now;
  drain(now);
  return {};
}

void GossipNode::on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) {
  if (channel != kGossipChannel || from.get() >= dir_->peers.size()) return;
  // One frame: varint length || RPC.
  const auto d = varint::decode(*bytes);
  if (d.status != varint::DecodeStatus::ok || d.value != bytes->size() - d.length) {
    ++rpc_errors_;
    return;
  }
  if (!router_->on_rpc(dir_->peers[from.get()], BytesView(*bytes).subspan(d.length), now)) ++rpc_errors_;
  drain(now);
}

void GossipNode::on_deadline(TimePoint now) {
  router_->on_deadline(now);
  drain(now);
}

void GossipNode::drain(TimePoint now) {
  while (auto e = router_->poll_event()) {
    if (const auto* r = std::get_if<gossipsub::Received>(&*e); r && r->subscribed && !done_) done_ = now;
  }
}

std::optional<Message> GossipNode::poll_transmit() {
  auto t = router_->poll_transmit();
  if (!t || !t->frame) return std::nullopt;
  auto it = dir_->index.find(t->to);
  if (it == dir_->index.end()) return std::nullopt;
  return Message{ValidatorIndex{it->second}, kGossipChannel, prio::Class::normal, std::move(t->frame), 0};
}

Status connect_gossip(std::vector<std::unique_ptr<Node>>& nodes, std::size_t dials, std::uint64_t seed,
                      TimePoint now) {
  const std::size_t n = nodes.size();
  std::uint8_t material[8];
  store_le64(material, seed);
  auto rng = DeterministicRng::from_label("stakecast/sim/gossip-graph", material);
  std::vector<std::vector<bool>> linked(n, std::vector<bool>(n, false));
  for (std::uint32_t i = 0; i < n; ++i) {
    std::size_t made = 0;
    for (std::size_t tries = 0; made < std::min(dials, n - 1) && tries < 64 * (dials + 1); ++tries) {
      const auto j = static_cast<std::uint32_t>(rng.uniform(n));
      if (j == i || linked[i][j]) continue;
      linked[i][j] = linked[j][i] = true;
      ++made;
      auto& a = dynamic_cast<GossipNode&>(*nodes[i]);
      auto& b = dynamic_cast<GossipNode&>(*nodes[j]);
      STAKECAST_TRY_STATUS(a.connect(ValidatorIndex{j}, true, now));
      STAKECAST_TRY_STATUS(b.connect(ValidatorIndex{i}, false, now));
    }
  }
  return {};
}

}  // namespace stakecast::sim
