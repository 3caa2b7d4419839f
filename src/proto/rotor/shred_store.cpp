#include "proto/rotor/shred_store.hpp"

namespace stakecast::rotor {

bool ShredStore::put(const codec::ShredHeader& h, prio::Payload wire) {
  if (!wire || wire->size() > config_.max_bytes || config_.max_slots == 0) return false;
  if (!slots_.count(h.slot)) {
    // A slot older than everything held, in a full store, is not worth evicting newer slots for.
    if (slots_.size() >= config_.max_slots && slots_.begin()->first > h.slot) return false;
    while (slots_.size() >= config_.max_slots) evict_lowest();
  }
  SlotShreds& slot = slots_[h.slot];
  auto [it, fresh] = slot.slices.try_emplace(h.slice.get());
  SliceShreds& s = it->second;
  if (fresh) {
    s.root = h.root;
    s.data_count = h.data_count;
    s.total_count = h.total_count;
  } else if (s.root != h.root) {
    return false;
  }
  if (s.shreds.count(h.index.get())) return false;
  while (bytes_ + wire->size() > config_.max_bytes && slots_.begin()->first < h.slot) evict_lowest();
  if (bytes_ + wire->size() > config_.max_bytes) return false;
  bytes_ += wire->size();
  s.shreds.emplace(h.index.get(), std::move(wire));
  return true;
}

std::vector<prio::Payload> ShredStore::pick(Slot slot, SliceIndex slice, const codec::ShredMask& want,
                                            std::size_t max) const {
  std::vector<prio::Payload> out;
  auto s = slots_.find(slot);
  if (s == slots_.end()) return out;
  auto sl = s->second.slices.find(slice.get());
  if (sl == s->second.slices.end()) return out;
  for (const auto& [index, wire] : sl->second.shreds) {
    if (out.size() >= max) break;
    if (index < want.size() && want.test(index)) out.push_back(wire);
  }
  return out;
}

std::optional<std::size_t> ShredStore::needed(Slot slot, SliceIndex slice,
                                              const codec::ShredMask& want) const {
  auto s = slots_.find(slot);
  if (s == slots_.end()) return std::nullopt;
  auto sl = s->second.slices.find(slice.get());
  if (sl == s->second.slices.end()) return std::nullopt;
  std::size_t wanted = 0;
  for (std::size_t i = 0; i < sl->second.total_count; ++i) wanted += want.test(i) ? 1 : 0;
  const std::size_t held_by_requester = sl->second.total_count - wanted;
  if (held_by_requester >= sl->second.data_count) return 1;
  return sl->second.data_count - held_by_requester;
}

std::optional<crypto::Hash256> ShredStore::root(Slot slot, SliceIndex slice) const {
  auto s = slots_.find(slot);
  if (s == slots_.end()) return std::nullopt;
  auto sl = s->second.slices.find(slice.get());
  if (sl == s->second.slices.end()) return std::nullopt;
  return sl->second.root;
}

void ShredStore::set_block(Slot slot, const crypto::Hash256& hash, std::vector<crypto::Hash256> roots) {
  auto it = slots_.find(slot);
  if (it == slots_.end()) return;  // nothing held for it (evicted): nothing to serve either
  it->second.block = hash;
  it->second.roots = std::move(roots);
}

const std::vector<crypto::Hash256>* ShredStore::roots(Slot slot, const crypto::Hash256& hash) const {
  auto it = slots_.find(slot);
  if (it == slots_.end() || it->second.block != hash) return nullptr;
  return &it->second.roots;
}

std::optional<crypto::Hash256> ShredStore::block_hash(Slot slot) const {
  auto it = slots_.find(slot);
  if (it == slots_.end()) return std::nullopt;
  return it->second.block;
}

void ShredStore::evict_lowest() {
  auto it = slots_.begin();
  for (const auto& [i, s] : it->second.slices)
    for (const auto& [j, w] : s.shreds) bytes_ -= w->size();
  slots_.erase(it);
}

void ShredStore::forget_before(Slot slot) {
  while (!slots_.empty() && slots_.begin()->first < slot) evict_lowest();
}

}  // namespace stakecast::rotor
