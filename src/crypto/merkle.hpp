// Binary SHA-256 Merkle trees with domain-separated nodes (ARCHITECTURE.md 4.1):
//   leaf  = SHA-256(0x00 || leaf bytes)
//   inner = SHA-256(0x01 || left || right)
//   pad   = SHA-256(0x02)            (fills the leaf level up to the next power of two)
// A proof for leaf i lists the sibling at each level, bottom up; its length is depth_for(leaves).
// No I/O.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "crypto/sha256.hpp"

namespace stakecast::crypto::merkle {

inline constexpr std::size_t kMaxLeaves = 256;
inline constexpr std::size_t kMaxDepth = 8;

// ceil(log2(leaves)); 0 for a single leaf. leaves must be in [1, kMaxLeaves].
std::size_t depth_for(std::size_t leaves);

Hash256 leaf_hash(BytesView leaf);
// Same as leaf_hash(prefix || body), without concatenating.
Hash256 leaf_hash(BytesView prefix, BytesView body);
Hash256 inner_hash(const Hash256& left, const Hash256& right);
const Hash256& pad_hash();

// A tree over precomputed leaf hashes. Storage is reused across build() calls.
class Tree {
 public:
  // leaves.size() must be in [1, kMaxLeaves] (caller invariant).
  void build(std::span<const Hash256> leaves);
  const Hash256& root() const { return nodes_[1]; }
  std::size_t depth() const { return depth_; }
  // Writes depth() sibling hashes for leaf `index` into out (out.size() ≥ depth()).
  void proof(std::size_t index, std::span<Hash256> out) const;

 private:
  std::vector<Hash256> nodes_;  // heap layout: node 1 is the root, leaves at [width, 2 * width)
  std::size_t depth_ = 0;
};

// Recomputes the root from a leaf hash, its index and its proof.
Hash256 root_from_proof(const Hash256& leaf, std::size_t index, std::span<const Hash256> proof);

}  // namespace stakecast::crypto::merkle
