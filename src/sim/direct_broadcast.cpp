#include "sim/direct_broadcast.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

namespace stakecast::sim {

Result<DirectBroadcast> DirectBroadcast::create(ValidatorIndex self, const DirectBroadcastConfig& config) {
  if (self.get() >= config.validators || config.max_block_bytes == 0 || config.max_chunks == 0 ||
      config.max_slots == 0)
    return SimErrc::invalid_config;
  return DirectBroadcast(self, config);
}

DirectBroadcast::DirectBroadcast(ValidatorIndex self, const DirectBroadcastConfig& config)
    : self_(self), config_(config) {
  receivers_.reserve(config_.validators);
  for (std::uint32_t i = 0; i < config_.validators; ++i)
    if (i != self_.get()) receivers_.push_back(ValidatorIndex{i});
}

Status DirectBroadcast::broadcast(Slot slot, BytesView block, TimePoint now) {
  if (block.empty() || block.size() > config_.max_block_bytes) return SimErrc::invalid_config;
  const std::size_t chunk = config_.chunk_bytes == 0 ? block.size() : config_.chunk_bytes;
  const std::size_t count = (block.size() + chunk - 1) / chunk;
  if (count > config_.max_chunks) return SimErrc::invalid_config;
  Outgoing o;
  o.chunks.reserve(count);
  for (std::size_t c = 0; c < count; ++c) {
    const std::size_t off = c * chunk;
    const std::size_t len = std::min(chunk, block.size() - off);
    Bytes m(kDirectHeaderBytes + len);
    m[0] = 1;
    store_le64(&m[1], slot.get());
    store_le32(&m[9], static_cast<std::uint32_t>(block.size()));
    store_le32(&m[13], static_cast<std::uint32_t>(chunk));
    store_le32(&m[17], static_cast<std::uint32_t>(c));
    std::memcpy(&m[kDirectHeaderBytes], block.data() + off, len);
    o.chunks.push_back(std::make_shared<const Bytes>(std::move(m)));
  }
  if (!receivers_.empty()) out_.push_back(std::move(o));
  Incoming& mine = in_[slot];
  mine.leader = self_;
  mine.done = now;
  if (config_.keep_blocks) mine.data.assign(block.begin(), block.end());
  return {};
}

std::optional<Message> DirectBroadcast::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  Outgoing& o = out_.front();
  Message m;
  m.to = receivers_[o.receiver];
  m.channel = kDirectBroadcastChannel;
  m.cls = prio::Class::normal;
  m.bytes = o.chunks[o.chunk];
  const bool by_receiver = config_.order == DirectBroadcastConfig::Order::by_receiver;
  std::size_t& inner = by_receiver ? o.chunk : o.receiver;
  std::size_t& outer = by_receiver ? o.receiver : o.chunk;
  const std::size_t inner_n = by_receiver ? o.chunks.size() : receivers_.size();
  const std::size_t outer_n = by_receiver ? receivers_.size() : o.chunks.size();
  if (++inner == inner_n) {
    inner = 0;
    if (++outer == outer_n) out_.pop_front();
  }
  return m;
}

void DirectBroadcast::on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes,
                                 TimePoint now) {
  if (channel != kDirectBroadcastChannel || !bytes || bytes->size() < kDirectHeaderBytes ||
      (*bytes)[0] != 1) {
    ++metrics_.rejected;
    return;
  }
  const std::uint8_t* p = bytes->data();
  const Slot slot{load_le64(p + 1)};
  const std::uint32_t block_size = load_le32(p + 9);
  const std::uint32_t chunk_size = load_le32(p + 13);
  const std::uint32_t index = load_le32(p + 17);
  if (block_size == 0 || block_size > config_.max_block_bytes || chunk_size == 0 || chunk_size > block_size) {
    ++metrics_.rejected;
    return;
  }
  const std::uint64_t chunks = (std::uint64_t{block_size} + chunk_size - 1) / chunk_size;
  const std::uint64_t off = std::uint64_t{index} * chunk_size;
  if (chunks > config_.max_chunks || index >= chunks ||
      bytes->size() - kDirectHeaderBytes != std::min<std::uint64_t>(chunk_size, block_size - off)) {
    ++metrics_.rejected;
    return;
  }
  auto it = in_.find(slot);
  if (it == in_.end()) {
    if (in_.size() >= config_.max_slots) {
      if (slot < in_.begin()->first) {
        ++metrics_.rejected;  // older than everything kept
        return;
      }
      in_.erase(in_.begin());
    }
    Incoming fresh;
    fresh.leader = from;
    fresh.block_size = block_size;
    fresh.chunk_size = chunk_size;
    fresh.chunks = static_cast<std::uint32_t>(chunks);
    fresh.got.assign(chunks, false);
    if (config_.keep_blocks) fresh.data.assign(block_size, 0);
    it = in_.emplace(slot, std::move(fresh)).first;
  }
  Incoming& s = it->second;
  if (s.leader != from || s.block_size != block_size || s.chunk_size != chunk_size) {
    ++metrics_.rejected;
    return;
  }
  if (s.done || s.got[index]) {
    ++metrics_.duplicates;
    return;
  }
  ++metrics_.chunks_received;
  s.got[index] = true;
  if (config_.keep_blocks)
    std::memcpy(s.data.data() + off, p + kDirectHeaderBytes, bytes->size() - kDirectHeaderBytes);
  if (++s.have == s.chunks) {
    s.done = now;
    ++metrics_.blocks_completed;
    s.got = {};
  }
}

std::optional<TimePoint> DirectBroadcast::completed_at(Slot slot) const {
  auto it = in_.find(slot);
  return it == in_.end() ? std::nullopt : it->second.done;
}

const Bytes* DirectBroadcast::block(Slot slot) const {
  auto it = in_.find(slot);
  if (it == in_.end() || !it->second.done || !config_.keep_blocks) return nullptr;
  return &it->second.data;
}

}  // namespace stakecast::sim
