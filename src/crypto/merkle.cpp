#include "crypto/merkle.hpp"

#include <cassert>

namespace stakecast::crypto::merkle {
namespace {
constexpr std::uint8_t kLeafTag = 0x00;
constexpr std::uint8_t kInnerTag = 0x01;
constexpr std::uint8_t kPadTag = 0x02;
}  // namespace

std::size_t depth_for(std::size_t leaves) {
  std::size_t d = 0;
  while ((std::size_t{1} << d) < leaves) ++d;
  return d;
}

Hash256 leaf_hash(BytesView leaf) { return leaf_hash({}, leaf); }

Hash256 leaf_hash(BytesView prefix, BytesView body) {
  Sha256 h;
  h.update(BytesView(&kLeafTag, 1)).update(prefix).update(body);
  return h.finish();
}

Hash256 inner_hash(const Hash256& left, const Hash256& right) {
  std::uint8_t buf[1 + 64];
  buf[0] = kInnerTag;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return sha256(buf);
}

const Hash256& pad_hash() {
  static const Hash256 pad = sha256(BytesView(&kPadTag, 1));
  return pad;
}

void Tree::build(std::span<const Hash256> leaves) {
  assert(!leaves.empty() && leaves.size() <= kMaxLeaves);
  depth_ = depth_for(leaves.size());
  const std::size_t width = std::size_t{1} << depth_;
  nodes_.resize(2 * width);
  std::copy(leaves.begin(), leaves.end(), nodes_.begin() + static_cast<std::ptrdiff_t>(width));
  std::fill(nodes_.begin() + static_cast<std::ptrdiff_t>(width + leaves.size()), nodes_.end(), pad_hash());
  for (std::size_t i = width - 1; i >= 1; --i) nodes_[i] = inner_hash(nodes_[2 * i], nodes_[2 * i + 1]);
}

void Tree::proof(std::size_t index, std::span<Hash256> out) const {
  std::size_t node = (std::size_t{1} << depth_) + index;
  for (std::size_t level = 0; level < depth_; ++level, node /= 2) out[level] = nodes_[node ^ 1];
}

Hash256 root_from_proof(const Hash256& leaf, std::size_t index, std::span<const Hash256> proof) {
  Hash256 acc = leaf;
  for (const auto& sibling : proof) {
    acc = (index & 1) ? inner_hash(sibling, acc) : inner_hash(acc, sibling);
    index >>= 1;
  }
  return acc;
}

}  // namespace stakecast::crypto::merkle
