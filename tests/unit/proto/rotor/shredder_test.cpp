#include "proto/rotor/shredder.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"

namespace stakecast::rotor {
namespace {

crypto::Ed25519Keypair leader_key() {
  crypto::Ed25519Seed seed;
  seed.fill(0x42);
  return crypto::Ed25519Keypair::from_seed(seed);
}

TEST(Shredder, ShredsEverySliceWithValidSignaturesAndProofs) {
  ShredderConfig cfg{4, 8, 256};
  auto sh = Shredder::create(cfg, leader_key());
  ASSERT_TRUE(sh);
  Bytes block(3000);
  DeterministicRng::from_u64(1).fill(block);
  auto out = sh->shred_block(Slot{5}, block);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->slices.size(), 3u);  // capacity 4 * 256 = 1024 bytes per slice
  std::vector<crypto::Hash256> roots;
  for (std::size_t s = 0; s < out->slices.size(); ++s) {
    const auto& slice = out->slices[s];
    EXPECT_EQ(slice.last_slice, s == 2);
    roots.push_back(slice.root);
    for (std::size_t i = 0; i < slice.count; ++i) {
      auto v = codec::parse_shred(slice.shred(i));
      ASSERT_TRUE(v);
      const auto& h = v->header();
      EXPECT_EQ(h.index.get(), i);
      EXPECT_EQ(h.root, slice.root);
      EXPECT_TRUE(crypto::ed25519_verify(leader_key().public_key(),
                                         codec::signed_message(h.slot, h.slice, h.last_slice, h.root),
                                         h.signature));
      auto leaf = crypto::merkle::leaf_hash(codec::leaf_prefix(4, 8, h.index, h.slice_len), v->payload());
      EXPECT_EQ(crypto::merkle::root_from_proof(leaf, i, v->proof()), slice.root);
    }
  }
  EXPECT_EQ(out->block_hash, block_hash(roots));
  // Data shred i of a slice carries bytes [i * L, (i + 1) * L) of the slice; the last slice is shorter.
  auto first = codec::parse_shred(out->slices[0].shred(1));
  EXPECT_EQ(first->header().slice_len, 1024u);
  EXPECT_TRUE(std::equal(block.begin() + 256, block.begin() + 512, first->payload().begin()));
  auto last = codec::parse_shred(out->slices[2].shred(0));
  EXPECT_EQ(last->header().slice_len, 3000u - 2048u);
  EXPECT_EQ(last->payload().size(), 238u);  // ceil(952 / 4)
}

TEST(Shredder, RejectsBadConfigAndInput) {
  EXPECT_EQ(Shredder::create({0, 8, 256}, leader_key()).error(), ShredderErrc::bad_config);
  EXPECT_EQ(Shredder::create({8, 4, 256}, leader_key()).error(), ShredderErrc::bad_config);
  EXPECT_EQ(Shredder::create({8, 16, 0}, leader_key()).error(), ShredderErrc::bad_config);
  auto sh = Shredder::create({2, 4, 16}, leader_key());
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->shred_block(Slot{1}, {}).error(), ShredderErrc::empty_block);
  Bytes big(sh->slice_capacity() + 1);
  EXPECT_EQ(sh->make_slice(Slot{1}, SliceIndex{0}, true, big).error(), ShredderErrc::slice_too_large);
}

TEST(Shredder, BlockHashDependsOnOrderAndFoldsLargeBlocks) {
  crypto::Hash256 a{}, b{};
  b[0] = 1;
  std::vector<crypto::Hash256> ab = {a, b}, ba = {b, a};
  EXPECT_NE(block_hash(ab), block_hash(ba));
  std::vector<crypto::Hash256> many(300, a);
  auto h1 = block_hash(many);
  many[299] = b;
  EXPECT_NE(block_hash(many), h1);
}

}  // namespace
}  // namespace stakecast::rotor
