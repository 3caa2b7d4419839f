#include "proto/gossipsub/mcache.hpp"

#include <algorithm>

namespace stakecast::gossipsub {

MessageCache::MessageCache(std::size_t history_length, std::size_t history_gossip, std::size_t max_messages,
                           std::size_t max_bytes)
    : history_length_(std::max<std::size_t>(history_length, 1)),
      history_gossip_(std::min(history_gossip, history_length_)),
      max_messages_(max_messages),
      max_bytes_(max_bytes) {
  windows_.emplace_back();
}

bool MessageCache::put(const MessageId& id, Topic topic, std::shared_ptr<const Bytes> encoded) {
  if (entries_.contains(id)) return false;
  const std::size_t size = encoded->size() + id.size();
  // Make room by dropping whole old windows (never the current one).
  while ((entries_.size() + 1 > max_messages_ || bytes_ + size > max_bytes_) && windows_.size() > 1)
    drop_oldest_window();
  if (entries_.size() + 1 > max_messages_ || bytes_ + size > max_bytes_) return false;
  bytes_ += size;
  entries_.emplace(id, Entry{std::move(topic), std::move(encoded), {}});
  windows_.front().push_back(id);
  return true;
}

const MessageCache::Entry* MessageCache::get(const MessageId& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

std::shared_ptr<const Bytes> MessageCache::get_for_peer(const MessageId& id, const PeerId& peer,
                                                        std::size_t limit) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  std::size_t& n = it->second.iwant_answers[peer];
  if (n >= limit) return nullptr;
  ++n;
  return it->second.encoded;
}

std::vector<MessageId> MessageCache::gossip_ids(const Topic& topic) const {
  std::vector<MessageId> out;
  for (std::size_t w = std::min(history_gossip_, windows_.size()); w-- > 0;)
    for (const auto& id : windows_[w]) {
      auto it = entries_.find(id);
      if (it != entries_.end() && it->second.topic == topic) out.push_back(id);
    }
  return out;
}

void MessageCache::shift() {
  windows_.emplace_front();
  while (windows_.size() > history_length_) drop_oldest_window();
}

void MessageCache::drop_oldest_window() {
  for (const auto& id : windows_.back()) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    bytes_ -= it->second.encoded->size() + id.size();
    entries_.erase(it);
  }
  windows_.pop_back();
}

}  // namespace stakecast::gossipsub
