#include "proto/rotor/shredder.hpp"

#include <cstring>

namespace stakecast::rotor {

const char* describe(ShredderErrc e) {
  switch (e) {
    case ShredderErrc::bad_config:
      return "invalid shredder configuration";
    case ShredderErrc::slice_too_large:
      return "slice larger than the shredder's slice capacity";
    case ShredderErrc::empty_slice:
      return "slice is empty";
    case ShredderErrc::empty_block:
      return "block is empty";
  }
  return "unknown shredder error";
}

crypto::Hash256 block_hash(std::span<const crypto::Hash256> slice_roots) {
  std::vector<crypto::Hash256> leaves;
  leaves.reserve(slice_roots.size());
  for (const auto& r : slice_roots) leaves.push_back(crypto::merkle::leaf_hash(r));
  // Blocks may have more slices than one tree level holds; fold in chunks of kMaxLeaves.
  while (leaves.size() > crypto::merkle::kMaxLeaves) {
    std::vector<crypto::Hash256> up;
    crypto::merkle::Tree t;
    for (std::size_t i = 0; i < leaves.size(); i += crypto::merkle::kMaxLeaves) {
      const std::size_t n = std::min(crypto::merkle::kMaxLeaves, leaves.size() - i);
      t.build(std::span(leaves).subspan(i, n));
      up.push_back(t.root());
    }
    leaves = std::move(up);
  }
  crypto::merkle::Tree t;
  t.build(leaves);
  return t.root();
}

Shredder::Shredder(const ShredderConfig& c, crypto::Ed25519Keypair k, erasure::ReedSolomon rs)
    : config_(c), leader_(std::move(k)), rs_(std::move(rs)) {
  leaves_.resize(c.total_shreds);
  ptrs_.resize(c.total_shreds);
}

Result<Shredder> Shredder::create(const ShredderConfig& c, crypto::Ed25519Keypair leader) {
  if (c.data_shreds == 0 || c.total_shreds < c.data_shreds || c.max_shred_payload == 0 ||
      c.max_shred_payload > codec::kMaxShredPayload)
    return ShredderErrc::bad_config;
  auto rs = erasure::ReedSolomon::create(c.data_shreds, c.total_shreds - c.data_shreds);
  if (!rs) return ShredderErrc::bad_config;
  return Shredder(c, std::move(leader), std::move(*rs));
}

std::size_t Shredder::encode(BytesView data) {
  const std::size_t k = config_.data_shreds, n = config_.total_shreds;
  slice_len_ = static_cast<std::uint32_t>(data.size());
  shard_len_ = codec::shard_length(slice_len_, config_.data_shreds);
  shards_.resize(n * shard_len_);
  std::uint8_t* base = shards_.data();
  std::memcpy(base, data.data(), data.size());
  std::memset(base + data.size(), 0, k * shard_len_ - data.size());
  for (std::size_t i = 0; i < n; ++i) ptrs_[i] = base + i * shard_len_;
  std::span<const std::uint8_t* const> dp(const_cast<const std::uint8_t* const*>(ptrs_.data()), k);
  // Parameters were validated in create(); encode cannot fail here.
  (void)rs_.encode(dp, std::span(ptrs_).subspan(k), shard_len_);
  return shard_len_;
}

const crypto::Hash256& Shredder::merkle() {
  const std::uint8_t k = config_.data_shreds, n = config_.total_shreds;
  for (std::size_t i = 0; i < n; ++i) {
    auto prefix = codec::leaf_prefix(k, n, ShredIndex{static_cast<std::uint32_t>(i)}, slice_len_);
    leaves_[i] = crypto::merkle::leaf_hash(prefix, BytesView(ptrs_[i], shard_len_));
  }
  tree_.build(leaves_);
  return tree_.root();
}

crypto::Ed25519Signature Shredder::sign(Slot slot, SliceIndex slice, bool last_slice) const {
  return leader_.sign(codec::signed_message(slot, slice, last_slice, tree_.root()));
}

Result<SliceShreds> Shredder::make_slice(Slot slot, SliceIndex slice, bool last_slice, BytesView data) {
  if (data.size() > slice_capacity()) return ShredderErrc::slice_too_large;
  if (data.empty()) return ShredderErrc::empty_slice;
  encode(data);
  merkle();
  codec::ShredHeader h;
  h.slot = slot;
  h.slice = slice;
  h.last_slice = last_slice;
  h.data_count = config_.data_shreds;
  h.total_count = config_.total_shreds;
  h.slice_len = slice_len_;
  h.root = tree_.root();
  h.signature = sign(slot, slice, last_slice);

  SliceShreds out;
  out.slot = slot;
  out.slice = slice;
  out.last_slice = last_slice;
  out.root = h.root;
  out.count = config_.total_shreds;
  out.shred_size = codec::shred_wire_size(config_.total_shreds, shard_len_);
  out.buffer.resize(out.count * out.shred_size);
  crypto::Hash256 proof[crypto::merkle::kMaxDepth];
  const std::span<crypto::Hash256> pspan(proof, tree_.depth());
  for (std::size_t i = 0; i < out.count; ++i) {
    h.index = ShredIndex{static_cast<std::uint32_t>(i)};
    tree_.proof(i, pspan);
    codec::write_shred(h, pspan, BytesView(ptrs_[i], shard_len_),
                       MutBytes(out.buffer).subspan(i * out.shred_size, out.shred_size));
  }
  return out;
}

Result<ShreddedBlock> Shredder::shred_block(Slot slot, BytesView block) {
  if (block.empty()) return ShredderErrc::empty_block;
  ShreddedBlock out;
  const std::size_t cap = slice_capacity();
  std::vector<crypto::Hash256> roots;
  for (std::size_t off = 0, i = 0; off < block.size(); off += cap, ++i) {
    const std::size_t n = std::min(cap, block.size() - off);
    const bool last = off + n == block.size();
    STAKECAST_TRY(SliceShreds s,
                  make_slice(slot, SliceIndex{static_cast<std::uint32_t>(i)}, last, block.subspan(off, n)));
    roots.push_back(s.root);
    out.slices.push_back(std::move(s));
  }
  out.block_hash = block_hash(roots);
  return out;
}

}  // namespace stakecast::rotor
