// The shreds this node holds for recent slots, kept to answer repair requests (ARCHITECTURE.md 4.4;
// issue 5 item 4): verified wire shreds per (slot, slice) for the first root seen, and each completed
// block's slice roots so that a requester can check them against the block hash. Bounded in bytes and
// slots; evicts the lowest slot first. Shreds are shared buffers, so holding one costs no copy. No I/O.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "codec/repair_wire.hpp"
#include "codec/shred.hpp"
#include "core/strong.hpp"
#include "proto/prio/egress.hpp"

namespace stakecast::rotor {

struct ShredStoreConfig {
  std::size_t max_bytes = 256u << 20;
  std::size_t max_slots = 64;
};

class ShredStore {
 public:
  explicit ShredStore(const ShredStoreConfig& config = {}) : config_(config) {}

  // Keeps a verified shred. Shreds of another root than the slice's first are not kept (an equivocating
  // leader's second version is evidence, not something to serve). Returns false if not stored.
  bool put(const codec::ShredHeader& h, prio::Payload wire);
  // Up to `max` held shreds whose index is set in `want`, lowest index first.
  std::vector<prio::Payload> pick(Slot slot, SliceIndex slice, const codec::ShredMask& want,
                                  std::size_t max) const;
  // Shreds needed by a requester who lacks exactly `want`: gamma - (Gamma - |want within Gamma|), at
  // least 1; nullopt if the slice is unknown here.
  std::optional<std::size_t> needed(Slot slot, SliceIndex slice, const codec::ShredMask& want) const;
  std::optional<crypto::Hash256> root(Slot slot, SliceIndex slice) const;

  void set_block(Slot slot, const crypto::Hash256& hash, std::vector<crypto::Hash256> roots);
  // The slice roots of the completed block `hash` at `slot`, if held.
  const std::vector<crypto::Hash256>* roots(Slot slot, const crypto::Hash256& hash) const;
  std::optional<crypto::Hash256> block_hash(Slot slot) const;

  void forget_before(Slot slot);
  std::size_t bytes() const { return bytes_; }
  std::size_t slots() const { return slots_.size(); }

 private:
  struct SliceShreds {
    crypto::Hash256 root{};
    std::uint8_t data_count = 0, total_count = 0;
    std::map<std::uint32_t, prio::Payload> shreds;
  };
  struct SlotShreds {
    std::map<std::uint32_t, SliceShreds> slices;
    std::optional<crypto::Hash256> block;
    std::vector<crypto::Hash256> roots;
  };
  void evict_lowest();

  ShredStoreConfig config_;
  std::map<Slot, SlotShreds> slots_;
  std::size_t bytes_ = 0;
};

}  // namespace stakecast::rotor
