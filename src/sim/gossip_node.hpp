// gossipsub inside the simulator (issue 6 item 4): a sim::Node adapter around the real sans-I/O
// gossipsub::Router. Every validator has a PeerId from its sim_key(); `connect_gossip` draws a random
// peer graph (each node dials `dials` others, so the mean degree is about 2 x dials) and the routers
// exchange subscriptions and build their meshes through their own heartbeats before the block is
// published. The block travels as one signed gossipsub message (as Ethereum blocks do); arrival is the
// router's Received event. Frames are the router's length-prefixed RPCs on channel kGossipChannel. No I/O.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/peer_id.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "proto/gossipsub/router.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

inline constexpr std::uint8_t kGossipChannel = 0x40;
inline constexpr std::string_view kBlockTopic = "stakecast/sim/blocks";

// PeerIds of all validators, by index, and the reverse map (shared by every node of a run).
struct GossipDirectory {
  std::vector<PeerId> peers;
  std::map<PeerId, std::uint32_t> index;
};
std::shared_ptr<const GossipDirectory> make_gossip_directory(std::size_t validators);

class GossipNode final : public Node {
 public:
  // Subscribes to kBlockTopic at `now`. Errors: the router's.
  static Result<std::unique_ptr<GossipNode>> create(ValidatorIndex self,
                                                    std::shared_ptr<const GossipDirectory> dir,
                                                    const gossipsub::Config& config, std::uint64_t seed,
                                                    TimePoint now);

  gossipsub::Router& router() { return *router_; }
  // Adds a peer (both ends call it; `outbound` on the dialer's). Errors: the router's.
  Status connect(ValidatorIndex peer, bool outbound, TimePoint now);
  // Publishes the block (the leader). Errors: the router's.
  Status publish(BytesView block, TimePoint now);
  // When this node received the block (for the publisher: when it published).
  std::optional<TimePoint> block_done() const { return done_; }
  std::uint64_t rpc_errors() const { return rpc_errors_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override;
  void on_deadline(TimePoint now) override;
  TimePoint next_deadline() const override { return router_->next_deadline(); }
  std::optional<Message> poll_transmit() override;

 private:
  GossipNode(ValidatorIndex self, std::shared_ptr<const GossipDirectory> dir, std::uint64_t seed)
      : self_(self), dir_(std::move(dir)), entropy_(seed) {}
  void drain(TimePoint now);

  ValidatorIndex self_;
  std::shared_ptr<const GossipDirectory> dir_;
  SeededEntropy entropy_;
  std::unique_ptr<gossipsub::Router> router_;
  std::optional<TimePoint> done_;
  std::uint64_t rpc_errors_ = 0;
};

// Connects every node to `dials` distinct random others (the dialer's link is outbound), from `seed`.
// Errors: the routers' (too_many_peers).
Status connect_gossip(std::vector<std::unique_ptr<Node>>& nodes, std::size_t dials, std::uint64_t seed,
                      TimePoint now);

}  // namespace stakecast::sim
