#include "proto/prio/message_cache.hpp"

#include <tuple>

namespace stakecast::prio {

CacheInsert MessageCache::insert(const MessageId& id, Slot slot, Bytes payload) {
  return insert(id, slot, std::make_shared<const Bytes>(std::move(payload)));
}

CacheInsert MessageCache::insert(const MessageId& id, Slot slot, Payload payload) {
  if (entries_.count(id)) {
    ++metrics_.duplicates;
    return CacheInsert::duplicate;
  }
  const std::size_t size = payload ? payload->size() : 0;
  if (slot < floor_) {
    ++metrics_.refused;
    return CacheInsert::too_old;
  }
  if (size > config_.max_bytes || config_.max_entries == 0) {
    ++metrics_.refused;
    return CacheInsert::too_large;
  }
  auto full = [&] { return entries_.size() >= config_.max_entries || bytes_ + size > config_.max_bytes; };
  // Evict lower slots first; never evict an entry of a higher slot to make room for an older one.
  while (full()) {
    if (std::get<0>(*by_slot_.begin()) > slot) {
      ++metrics_.refused;
      return CacheInsert::too_old;
    }
    evict_one();
  }
  const std::uint64_t seq = seq_++;
  entries_.emplace(id, Entry{slot, seq, std::move(payload)});
  by_slot_.emplace(slot, seq, id);
  bytes_ += size;
  ++metrics_.inserted;
  return CacheInsert::inserted;
}

void MessageCache::evict_one() {
  auto it = by_slot_.begin();
  auto e = entries_.find(std::get<2>(*it));
  bytes_ -= e->second.payload ? e->second.payload->size() : 0;
  entries_.erase(e);
  by_slot_.erase(it);
  ++metrics_.evicted;
}

MessageCache::Payload MessageCache::find(const MessageId& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.payload;
}

std::size_t MessageCache::evict_below(Slot slot) {
  std::size_t n = 0;
  while (!by_slot_.empty() && std::get<0>(*by_slot_.begin()) < slot) {
    evict_one();
    ++n;
  }
  if (floor_ < slot) floor_ = slot;
  return n;
}

}  // namespace stakecast::prio
