// Bounded message cache keyed by message id (ARCHITECTURE.md 4.4; issue 5 item 7): dedup for the
// direct path and storage for repair answers. Bounded in entries and bytes; when full it evicts the
// lowest slot first (oldest insertion first within a slot), and evict_below(slot) drops everything
// older once consensus finalizes. Messages for slots below the eviction floor are refused, so a late
// duplicate of an evicted message is not mistaken for a new one. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "core/bytes.hpp"
#include "core/strong.hpp"

namespace stakecast::prio {

using MessageId = std::array<std::uint8_t, 32>;

struct MessageCacheConfig {
  std::size_t max_entries = 1u << 16;
  std::size_t max_bytes = 256u * 1024 * 1024;
};

enum class CacheInsert {
  inserted,
  duplicate,  // the id is present; nothing changed
  too_old,    // slot below the floor, or the cache is full of newer slots
  too_large,  // payload larger than max_bytes
};

struct CacheMetrics {
  std::uint64_t inserted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t refused = 0;
  std::uint64_t evicted = 0;
};

class MessageCache {
 public:
  using Payload = std::shared_ptr<const Bytes>;

  explicit MessageCache(const MessageCacheConfig& config = {}) : config_(config) {}

  CacheInsert insert(const MessageId& id, Slot slot, Payload payload);
  CacheInsert insert(const MessageId& id, Slot slot, Bytes payload = {});
  bool contains(const MessageId& id) const { return entries_.count(id) != 0; }
  // nullptr when absent; the payload stays valid while the caller holds it.
  Payload find(const MessageId& id) const;
  // Drops every entry with slot < `slot` and raises the floor to `slot`. Returns the count dropped.
  std::size_t evict_below(Slot slot);

  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }
  Slot floor() const { return floor_; }
  const CacheMetrics& metrics() const { return metrics_; }

 private:
  struct Entry {
    Slot slot;
    std::uint64_t seq;
    Payload payload;
  };
  void evict_one();

  MessageCacheConfig config_;
  // NOTE: ordered maps, not hash maps: ids can be chosen by peers, and a peer must not be able to
  // grind ids into one hash bucket.
  std::map<MessageId, Entry> entries_;
  std::set<std::tuple<Slot, std::uint64_t, MessageId>> by_slot_;  // eviction order
  std::size_t bytes_ = 0;
  std::uint64_t seq_ = 0;
  Slot floor_{0};
  CacheMetrics metrics_;
};

}  // namespace stakecast::prio
