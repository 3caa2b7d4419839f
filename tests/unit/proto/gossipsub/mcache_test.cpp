#include "proto/gossipsub/mcache.hpp"

#include <gtest/gtest.h>

namespace stakecast::gossipsub {
namespace {

MessageId id(std::uint8_t v) { return MessageId{v}; }
std::shared_ptr<const Bytes> body(std::size_t n) { return std::make_shared<const Bytes>(n, 0); }

TEST(GossipsubMcache, WindowsGossipAndHistory) {
  MessageCache c(5, 3, 1000, 1 << 20);
  for (std::uint8_t w = 0; w < 6; ++w) {
    EXPECT_TRUE(c.put(id(w), w % 2 ? "odd" : "even", body(10)));
    c.shift();
  }
  EXPECT_FALSE(c.put(id(5), "odd", body(10)));  // already cached
  // Windows hold ids 5,4,3,2,1 (history 5) after the last shift opened an empty one... 4 remain.
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.get(id(1)), nullptr);
  EXPECT_NE(c.get(id(2)), nullptr);
  // Gossip covers the newest 3 windows: the current (empty), 5 and 4.
  EXPECT_EQ(c.gossip_ids("odd"), std::vector<MessageId>{id(5)});
  EXPECT_EQ(c.gossip_ids("even"), std::vector<MessageId>{id(4)});
}

TEST(GossipsubMcache, IwantAnswersPerPeerAreLimited) {
  MessageCache c(5, 3, 1000, 1 << 20);
  ASSERT_TRUE(c.put(id(1), "t", body(4)));
  const PeerId a = PeerId::from_ed25519({});
  for (int i = 0; i < 3; ++i) EXPECT_NE(c.get_for_peer(id(1), a, 3), nullptr);
  EXPECT_EQ(c.get_for_peer(id(1), a, 3), nullptr);
  EXPECT_EQ(c.get_for_peer(id(9), a, 3), nullptr);
}

TEST(GossipsubMcache, BoundedInBytesAndMessages) {
  MessageCache c(5, 3, 3, 1000);
  for (std::uint8_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.put(id(i), "t", body(100)));
    c.shift();
  }
  EXPECT_TRUE(c.put(id(3), "t", body(100)));  // the oldest window goes
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.get(id(0)), nullptr);
  EXPECT_FALSE(c.put(id(4), "t", body(2000)));  // larger than the whole budget
  EXPECT_LE(c.bytes(), 1000u);
}

}  // namespace
}  // namespace stakecast::gossipsub
