#include "proto/rotor/shred_store.hpp"

#include <gtest/gtest.h>

namespace stakecast::rotor {
namespace {

codec::ShredHeader header(std::uint64_t slot, std::uint32_t slice, std::uint32_t index,
                          std::uint8_t root = 1) {
  codec::ShredHeader h;
  h.slot = Slot{slot};
  h.slice = SliceIndex{slice};
  h.index = ShredIndex{index};
  h.data_count = 4;
  h.total_count = 8;
  h.root.fill(root);
  return h;
}

prio::Payload wire(std::size_t n, std::uint8_t tag) { return std::make_shared<const Bytes>(n, tag); }

TEST(ShredStore, PicksWantedShredsAndCountsWhatIsNeeded) {
  ShredStore s;
  for (std::uint32_t i = 0; i < 8; ++i)
    ASSERT_TRUE(s.put(header(5, 0, i), wire(100, static_cast<std::uint8_t>(i))));
  EXPECT_FALSE(s.put(header(5, 0, 3), wire(100, 9)));     // duplicate index
  EXPECT_FALSE(s.put(header(5, 0, 4, 2), wire(100, 9)));  // another root: not served
  EXPECT_EQ(s.bytes(), 800u);
  codec::ShredMask want;
  for (std::size_t i = 0; i < 256; ++i) want.set(i);
  EXPECT_EQ(s.needed(Slot{5}, SliceIndex{0}, want), 4u);  // requester holds nothing: gamma
  want.reset(0);
  want.reset(1);
  want.reset(2);
  EXPECT_EQ(s.needed(Slot{5}, SliceIndex{0}, want), 1u);  // holds 3 of 4 needed
  auto got = s.pick(Slot{5}, SliceIndex{0}, want, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ((*got[0])[0], 3);
  EXPECT_EQ((*got[1])[0], 4);
  EXPECT_FALSE(s.needed(Slot{5}, SliceIndex{1}, want));
  EXPECT_TRUE(s.pick(Slot{6}, SliceIndex{0}, want, 10).empty());
  EXPECT_EQ(s.root(Slot{5}, SliceIndex{0})->at(0), 1);
}

TEST(ShredStore, BlockRootsAreServedOnlyForTheMatchingHash) {
  ShredStore s;
  ASSERT_TRUE(s.put(header(5, 0, 0), wire(10, 0)));
  crypto::Hash256 h{};
  h[0] = 7;
  s.set_block(Slot{5}, h, {header(5, 0, 0).root});
  ASSERT_TRUE(s.roots(Slot{5}, h));
  EXPECT_EQ(s.roots(Slot{5}, h)->size(), 1u);
  EXPECT_EQ(s.block_hash(Slot{5}), h);
  crypto::Hash256 other{};
  EXPECT_FALSE(s.roots(Slot{5}, other));
  s.set_block(Slot{9}, h, {});  // nothing held for slot 9: ignored
  EXPECT_FALSE(s.roots(Slot{9}, h));
}

TEST(ShredStore, BoundedBySlotsAndBytesEvictingTheLowestSlot) {
  ShredStore s({.max_bytes = 1000, .max_slots = 2});
  ASSERT_TRUE(s.put(header(1, 0, 0), wire(400, 1)));
  ASSERT_TRUE(s.put(header(2, 0, 0), wire(400, 2)));
  ASSERT_TRUE(s.put(header(3, 0, 0), wire(400, 3)));  // third slot evicts slot 1
  EXPECT_EQ(s.slots(), 2u);
  EXPECT_FALSE(s.root(Slot{1}, SliceIndex{0}));
  EXPECT_FALSE(s.put(header(0, 0, 0), wire(10, 0)));  // older than everything in a full store
  ASSERT_TRUE(s.put(header(3, 0, 1), wire(400, 3)));  // byte bound evicts slot 2
  EXPECT_FALSE(s.root(Slot{2}, SliceIndex{0}));
  EXPECT_EQ(s.bytes(), 800u);
  EXPECT_FALSE(s.put(header(3, 0, 2), wire(400, 3)));  // cannot evict its own slot
  s.forget_before(Slot{4});
  EXPECT_EQ(s.bytes(), 0u);
  EXPECT_EQ(s.slots(), 0u);
}

}  // namespace
}  // namespace stakecast::rotor
