// The gossipsub message cache: the last `history_length` heartbeat windows of messages, answered to IWANT
// from all of them and advertised in IHAVE from the newest `history_gossip`, with a per-peer count of
// IWANT answers (gossip_retransmission). Bounded in messages and bytes: the oldest windows go first.
// SPEC: libp2p/specs pubsub/gossipsub/gossipsub-v1.0.md "Message Cache". No I/O.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "core/peer_id.hpp"
#include "proto/gossipsub/config.hpp"

namespace stakecast::gossipsub {

class MessageCache {
 public:
  struct Entry {
    Topic topic;
    std::shared_ptr<const Bytes> encoded;  // the protobuf Message, as forwarded
    std::map<PeerId, std::size_t> iwant_answers;
  };

  MessageCache(std::size_t history_length, std::size_t history_gossip, std::size_t max_messages,
               std::size_t max_bytes);

  // Returns false if the id is already cached.
  bool put(const MessageId& id, Topic topic, std::shared_ptr<const Bytes> encoded);
  const Entry* get(const MessageId& id) const;
  // For IWANT: the message, if cached and answered fewer than `limit` times to this peer (counts it).
  std::shared_ptr<const Bytes> get_for_peer(const MessageId& id, const PeerId& peer, std::size_t limit);
  // Ids in the gossip windows for a topic, oldest first.
  std::vector<MessageId> gossip_ids(const Topic& topic) const;
  // Starts a new window and drops the oldest beyond history_length.
  void shift();
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  void drop_oldest_window();

  std::size_t history_length_, history_gossip_, max_messages_, max_bytes_;
  std::map<MessageId, Entry> entries_;
  std::deque<std::vector<MessageId>> windows_;  // front = newest
  std::size_t bytes_ = 0;
};

}  // namespace stakecast::gossipsub
