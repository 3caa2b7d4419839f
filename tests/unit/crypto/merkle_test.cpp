#include "crypto/merkle.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto::merkle {
namespace {

std::vector<Hash256> leaves(std::size_t n) {
  std::vector<Hash256> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t b[2] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)};
    out.push_back(leaf_hash(b));
  }
  return out;
}

TEST(Merkle, DomainSeparationAndKnownShape) {
  Hash256 zero{};
  // inner(a, b) must differ from a leaf over the same 64 bytes.
  Bytes concat(64, 0);
  EXPECT_NE(inner_hash(zero, zero), leaf_hash(concat));
  EXPECT_NE(pad_hash(), leaf_hash({}));
  auto l = leaves(3);
  Tree t;
  t.build(l);
  EXPECT_EQ(t.depth(), 2u);
  EXPECT_EQ(t.root(), inner_hash(inner_hash(l[0], l[1]), inner_hash(l[2], pad_hash())));
  t.build(std::span(l).first(1));
  EXPECT_EQ(t.depth(), 0u);
  EXPECT_EQ(t.root(), l[0]);
}

// The documented hashes (ARCHITECTURE.md 4.1, docs/shred-format.md) as known answers computed with the
// OpenSSL command line: leaf = SHA-256(00 || x), inner = SHA-256(01 || l || r), pad = SHA-256(02).
TEST(Merkle, DomainSeparatedHashesKnownAnswers) {
  EXPECT_EQ(to_hex(leaf_hash(as_bytes("abc"))),
            "609f6e36d2405585188d5cfd761f407c7cc46a7d3f314c88270469dde315fcd1");
  EXPECT_EQ(to_hex(leaf_hash({})), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(to_hex(inner_hash(Hash256{}, Hash256{})),
            "ae0798d0ecaed2b778eddebf18f071a561c53658c05e76cedecc27cafbdbc577");
  EXPECT_EQ(to_hex(pad_hash()), "dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d986");
}

TEST(Merkle, EveryProofVerifiesAndWrongOnesDoNot) {
  for (std::size_t n : {1u, 2u, 3u, 32u, 64u, 65u, 255u, 256u}) {
    auto l = leaves(n);
    Tree t;
    t.build(l);
    ASSERT_EQ(t.depth(), depth_for(n));
    std::vector<Hash256> proof(t.depth());
    for (std::size_t i = 0; i < n; ++i) {
      t.proof(i, proof);
      ASSERT_EQ(root_from_proof(l[i], i, proof), t.root()) << n << " " << i;
      if (n > 1) {
        EXPECT_NE(root_from_proof(l[i], (i + 1) % n, proof), t.root());
        EXPECT_NE(root_from_proof(l[(i + 1) % n], i, proof), t.root());
      }
    }
  }
}

TEST(Merkle, DepthFor) {
  EXPECT_EQ(depth_for(1), 0u);
  EXPECT_EQ(depth_for(2), 1u);
  EXPECT_EQ(depth_for(33), 6u);
  EXPECT_EQ(depth_for(64), 6u);
  EXPECT_EQ(depth_for(256), 8u);
}

}  // namespace
}  // namespace stakecast::crypto::merkle

namespace stakecast::crypto::merkle {
namespace {
TEST(Merkle, PrefixedLeafEqualsConcatenation) {
  EXPECT_EQ(leaf_hash(as_bytes("ab"), as_bytes("cd")), leaf_hash(as_bytes("abcd")));
}
}  // namespace
}  // namespace stakecast::crypto::merkle
