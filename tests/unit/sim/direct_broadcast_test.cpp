#include "sim/direct_broadcast.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/rng.hpp"

namespace stakecast::sim {
namespace {

Bytes random_block(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  auto rng = DeterministicRng::from_u64(seed);
  rng.fill(b);
  return b;
}

Runner make(std::uint32_t n, DirectBroadcastConfig cfg, RunnerConfig rc, Duration latency) {
  cfg.validators = n;
  std::vector<std::unique_ptr<Node>> nodes;
  for (std::uint32_t i = 0; i < n; ++i)
    nodes.push_back(std::make_unique<DirectBroadcast>(*DirectBroadcast::create(ValidatorIndex{i}, cfg)));
  return *Runner::create(rc, std::move(nodes), std::make_shared<ConstantLatency>(latency));
}

DirectBroadcast& node(Runner& r, std::uint32_t i) { return r.node_as<DirectBroadcast>(ValidatorIndex{i}); }

TEST(DirectBroadcast, LeaderSendsWholeBlocksHeaviestFirst) {
  const std::uint32_t n = 20;
  DirectBroadcastConfig cfg;
  cfg.keep_blocks = true;
  RunnerConfig rc;
  rc.link.upload_bps = 10'000'000;
  Runner r = make(n, cfg, rc, std::chrono::milliseconds(10));
  const Bytes block = random_block(100'000, 1);
  const Slot slot{5};
  r.command(ValidatorIndex{3}, TimePoint{}, [&](Node& leader, TimePoint now) {
    ASSERT_TRUE(dynamic_cast<DirectBroadcast&>(leader).broadcast(slot, block, now));
  });
  ASSERT_TRUE(r.run());
  const Duration each = TokenBucket(10'000'000).serialization(block.size() + kDirectHeaderBytes);
  std::uint32_t k = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    ASSERT_TRUE(node(r, i).completed_at(slot)) << i;
    ASSERT_NE(node(r, i).block(slot), nullptr);
    EXPECT_EQ(*node(r, i).block(slot), block);
    if (i == 3) continue;
    ++k;  // receivers in index (= stake) order
    EXPECT_EQ(*node(r, i).completed_at(slot), TimePoint{} + k * each + std::chrono::milliseconds(10)) << i;
  }
  EXPECT_EQ(r.stats(ValidatorIndex{3}).bytes_sent, (n - 1) * (block.size() + kDirectHeaderBytes));
  EXPECT_EQ(r.stats(ValidatorIndex{4}).bytes_sent, 0u);
}

TEST(DirectBroadcast, ChunkRoundRobinFinishesEveryoneTogether) {
  const std::uint32_t n = 10;
  DirectBroadcastConfig cfg;
  cfg.chunk_bytes = 1000;
  cfg.order = DirectBroadcastConfig::Order::by_chunk;
  cfg.keep_blocks = true;
  RunnerConfig rc;
  rc.link.upload_bps = 1'000'000;
  Runner r = make(n, cfg, rc, std::chrono::milliseconds(1));
  const Bytes block = random_block(10'500, 2);  // 11 chunks, the last one 500 bytes
  r.command(ValidatorIndex{0}, TimePoint{}, [&](Node& leader, TimePoint now) {
    ASSERT_TRUE(dynamic_cast<DirectBroadcast&>(leader).broadcast(Slot{1}, block, now));
  });
  ASSERT_TRUE(r.run());
  TimePoint first = TimePoint::max(), last{};
  for (std::uint32_t i = 1; i < n; ++i) {
    ASSERT_NE(node(r, i).block(Slot{1}), nullptr);
    EXPECT_EQ(*node(r, i).block(Slot{1}), block);
    EXPECT_EQ(node(r, i).metrics().chunks_received, 11u);
    first = std::min(first, *node(r, i).completed_at(Slot{1}));
    last = std::max(last, *node(r, i).completed_at(Slot{1}));
  }
  // All finish within the last round of 500-byte chunks (9 x 521 bytes at 1 MB/s).
  EXPECT_LE(last - first, Duration(9 * 521'000));
  EXPECT_EQ(r.stats(ValidatorIndex{0}).bytes_sent, 9u * (block.size() + 11 * kDirectHeaderBytes));
}

Payload chunk(std::uint64_t slot, std::uint32_t block_size, std::uint32_t chunk_size, std::uint32_t index,
              std::size_t len, std::uint8_t version = 1) {
  Bytes m(kDirectHeaderBytes + len, 0x11);
  m[0] = version;
  store_le64(&m[1], slot);
  store_le32(&m[9], block_size);
  store_le32(&m[13], chunk_size);
  store_le32(&m[17], index);
  return std::make_shared<const Bytes>(std::move(m));
}

TEST(DirectBroadcast, RejectsMalformedAndInconsistentChunks) {
  DirectBroadcastConfig cfg;
  cfg.validators = 4;
  cfg.max_slots = 2;
  auto d = *DirectBroadcast::create(ValidatorIndex{1}, cfg);
  const ValidatorIndex leader{0};
  const TimePoint t{};
  const auto ch = kDirectBroadcastChannel;
  d.on_message(leader, ch, std::make_shared<const Bytes>(5, 1), t);          // short
  d.on_message(leader, ch, chunk(1, 2000, 1000, 0, 1000, 2), t);             // version
  d.on_message(leader, ch, chunk(1, 2000, 1000, 2, 1000), t);                // index beyond the block
  d.on_message(leader, ch, chunk(1, 2000, 1000, 1, 999), t);                 // wrong length
  d.on_message(leader, ch, chunk(1, 0, 1000, 0, 0), t);                      // empty block
  d.on_message(leader, ch, chunk(1, 2000, 3000, 0, 2000), t);                // chunk larger than block
  d.on_message(leader, 0x21, chunk(1, 2000, 1000, 0, 1000), t);              // other channel
  d.on_message(leader, ch, chunk(1, 128u << 20, 1u << 20, 0, 1u << 20), t);  // above max_block_bytes
  EXPECT_EQ(d.metrics().rejected, 8u);
  EXPECT_EQ(d.metrics().chunks_received, 0u);

  d.on_message(leader, ch, chunk(1, 2000, 1000, 0, 1000), t);
  d.on_message(leader, ch, chunk(1, 2000, 1000, 0, 1000), t);             // duplicate
  d.on_message(ValidatorIndex{2}, ch, chunk(1, 2000, 1000, 1, 1000), t);  // not the slot's sender
  d.on_message(leader, ch, chunk(1, 3000, 1000, 1, 1000), t);             // other block size
  EXPECT_EQ(d.metrics().duplicates, 1u);
  EXPECT_EQ(d.metrics().rejected, 10u);
  EXPECT_FALSE(d.completed_at(Slot{1}));
  d.on_message(leader, ch, chunk(1, 2000, 1000, 1, 1000), t + std::chrono::milliseconds(3));
  EXPECT_EQ(d.completed_at(Slot{1}), t + std::chrono::milliseconds(3));
  EXPECT_EQ(d.block(Slot{1}), nullptr);  // keep_blocks off

  // Bounded state: two slots kept; a slot older than all of them is refused.
  d.on_message(leader, ch, chunk(5, 10, 10, 0, 10), t);
  d.on_message(leader, ch, chunk(6, 10, 10, 0, 10), t);
  EXPECT_FALSE(d.completed_at(Slot{1}));
  d.on_message(leader, ch, chunk(2, 10, 10, 0, 10), t);
  EXPECT_FALSE(d.completed_at(Slot{2}));
  EXPECT_EQ(d.metrics().rejected, 11u);

  EXPECT_EQ(d.broadcast(Slot{9}, {}, t).error(), SimErrc::invalid_config);
  EXPECT_EQ(DirectBroadcast::create(ValidatorIndex{4}, cfg).error(), SimErrc::invalid_config);
}

}  // namespace
}  // namespace stakecast::sim
