#include "proto/prio/message_cache.hpp"

#include <gtest/gtest.h>

namespace stakecast::prio {
namespace {

MessageId id(std::uint32_t n) {
  MessageId m{};
  store_le32(m.data(), n);
  return m;
}

TEST(MessageCache, DedupsById) {
  MessageCache c;
  EXPECT_EQ(c.insert(id(1), Slot{5}, Bytes{1, 2, 3}), CacheInsert::inserted);
  EXPECT_EQ(c.insert(id(1), Slot{5}, Bytes{9}), CacheInsert::duplicate);
  EXPECT_TRUE(c.contains(id(1)));
  ASSERT_TRUE(c.find(id(1)));
  EXPECT_EQ(*c.find(id(1)), (Bytes{1, 2, 3}));
  EXPECT_FALSE(c.find(id(2)));
  EXPECT_EQ(c.metrics().duplicates, 1u);
}

TEST(MessageCache, EvictsLowestSlotFirstWhenFullOfEntries) {
  MessageCache c({.max_entries = 3, .max_bytes = 1000});
  ASSERT_EQ(c.insert(id(1), Slot{7}, Bytes(1)), CacheInsert::inserted);
  ASSERT_EQ(c.insert(id(2), Slot{3}, Bytes(1)), CacheInsert::inserted);
  ASSERT_EQ(c.insert(id(3), Slot{9}, Bytes(1)), CacheInsert::inserted);
  ASSERT_EQ(c.insert(id(4), Slot{8}, Bytes(1)), CacheInsert::inserted);
  EXPECT_FALSE(c.contains(id(2)));  // slot 3 went first
  EXPECT_TRUE(c.contains(id(1)) && c.contains(id(3)) && c.contains(id(4)));
  // An entry older than everything in a full cache is refused rather than evicting newer ones.
  EXPECT_EQ(c.insert(id(5), Slot{2}, Bytes(1)), CacheInsert::too_old);
  // Within a slot, the oldest insertion goes first.
  ASSERT_EQ(c.insert(id(6), Slot{7}, Bytes(1)), CacheInsert::inserted);
  EXPECT_FALSE(c.contains(id(1)));
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.metrics().evicted, 2u);
}

TEST(MessageCache, BoundedInBytes) {
  MessageCache c({.max_entries = 100, .max_bytes = 100});
  ASSERT_EQ(c.insert(id(1), Slot{1}, Bytes(40)), CacheInsert::inserted);
  ASSERT_EQ(c.insert(id(2), Slot{2}, Bytes(40)), CacheInsert::inserted);
  ASSERT_EQ(c.insert(id(3), Slot{3}, Bytes(40)), CacheInsert::inserted);
  EXPECT_EQ(c.bytes(), 80u);
  EXPECT_FALSE(c.contains(id(1)));
  EXPECT_EQ(c.insert(id(4), Slot{4}, Bytes(101)), CacheInsert::too_large);
  ASSERT_EQ(c.insert(id(5), Slot{4}, Bytes(100)), CacheInsert::inserted);
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c.bytes(), 100u);
}

TEST(MessageCache, FinalizationRaisesTheFloor) {
  MessageCache c;
  for (std::uint32_t i = 0; i < 10; ++i) ASSERT_EQ(c.insert(id(i), Slot{i}, Bytes(1)), CacheInsert::inserted);
  EXPECT_EQ(c.evict_below(Slot{6}), 6u);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.floor(), Slot{6});
  // A late copy of an evicted message is refused, not re-admitted as new.
  EXPECT_EQ(c.insert(id(2), Slot{2}, Bytes(1)), CacheInsert::too_old);
  EXPECT_EQ(c.insert(id(20), Slot{6}, Bytes(1)), CacheInsert::inserted);
  // The floor never goes down.
  EXPECT_EQ(c.evict_below(Slot{3}), 0u);
  EXPECT_EQ(c.floor(), Slot{6});
}

TEST(MessageCache, PayloadOutlivesEviction) {
  MessageCache c({.max_entries = 1, .max_bytes = 100});
  ASSERT_EQ(c.insert(id(1), Slot{1}, Bytes{42}), CacheInsert::inserted);
  auto held = c.find(id(1));
  ASSERT_EQ(c.insert(id(2), Slot{2}, Bytes{43}), CacheInsert::inserted);
  EXPECT_FALSE(c.contains(id(1)));
  EXPECT_EQ(*held, Bytes{42});
}

}  // namespace
}  // namespace stakecast::prio
