#include "proto/prio/egress.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace stakecast::prio {
namespace {

Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return b;
}

EgressScheduler make(EgressConfig cfg = {}) {
  auto s = EgressScheduler::create(cfg);
  EXPECT_TRUE(s);
  return std::move(s).value();
}

TEST(Egress, CriticalOvertakesAQueuedEightMiBBlock) {
  auto s = make();
  const Bytes block = pattern(8 << 20, 1);
  const Bytes vote = pattern(200, 9);
  auto block_id = s.enqueue(Class::normal, StreamId{1}, block);
  ASSERT_TRUE(block_id);
  Bytes buf(64 * 1024);
  // The block starts to leave.
  std::size_t block_sent = 0;
  for (int i = 0; i < 3; ++i) {
    auto t = s.poll_transmit(buf);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->frame, *block_id);
    EXPECT_LE(t->len, s.config().chunk_size);
    block_sent += t->len;
  }
  auto vote_id = s.enqueue(Class::critical, StreamId{2}, vote);
  ASSERT_TRUE(vote_id);
  auto t = s.poll_transmit(buf);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->frame, *vote_id);
  EXPECT_EQ(t->cls, Class::critical);
  ASSERT_EQ(t->len, vote.size());
  EXPECT_TRUE(t->first() && t->last());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 200), vote);
  // The block's remaining bytes were all still queued when the vote left, and they follow intact.
  EXPECT_EQ(s.queued_bytes(Class::normal), block.size() - block_sent);
  EXPECT_GT(block.size() - block_sent, 8u << 19);
  Bytes rebuilt(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(block_sent));
  while (auto c = s.poll_transmit(buf)) {
    EXPECT_EQ(c->frame, *block_id);
    EXPECT_EQ(c->offset, rebuilt.size());
    rebuilt.insert(rebuilt.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(c->len));
  }
  EXPECT_EQ(rebuilt, block);
  EXPECT_TRUE(s.idle());
  EXPECT_EQ(s.metrics(Class::critical).sent_frames, 1u);
  EXPECT_EQ(s.metrics(Class::normal).sent_bytes, block.size());
}

TEST(Egress, ChunksRespectCallerBufferAndChunkSize) {
  EgressConfig cfg;
  cfg.chunk_size = 1000;
  auto s = make(cfg);
  ASSERT_TRUE(s.enqueue(Class::high, StreamId{1}, pattern(2500, 3)));
  Bytes buf(700);
  std::vector<std::size_t> lens;
  while (auto t = s.poll_transmit(buf)) lens.push_back(t->len);
  EXPECT_EQ(lens, (std::vector<std::size_t>{700, 700, 700, 400}));
  ASSERT_TRUE(s.enqueue(Class::high, StreamId{1}, pattern(2500, 3)));
  Bytes big(5000);
  lens.clear();
  while (auto t = s.poll_transmit(big)) lens.push_back(t->len);
  EXPECT_EQ(lens, (std::vector<std::size_t>{1000, 1000, 500}));
  EXPECT_FALSE(s.poll_transmit(MutBytes{}));
}

TEST(Egress, WeightedRoundRobinSharesBytesByWeight) {
  EgressConfig cfg;
  cfg.chunk_size = 1000;
  cfg.classes[1].weight = 4;  // high
  cfg.classes[2].weight = 2;  // normal
  cfg.classes[3].weight = 1;  // low
  auto s = make(cfg);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(s.enqueue(Class::high, StreamId{1}, pattern(1000, 1)));
    ASSERT_TRUE(s.enqueue(Class::normal, StreamId{2}, pattern(1000, 2)));
    ASSERT_TRUE(s.enqueue(Class::low, StreamId{3}, pattern(1000, 3)));
  }
  Bytes buf(4096);
  std::map<Class, std::size_t> bytes;
  for (int i = 0; i < 140; ++i) {  // 20 full rounds of 4 + 2 + 1 chunks
    auto t = s.poll_transmit(buf);
    ASSERT_TRUE(t);
    bytes[t->cls] += t->len;
  }
  EXPECT_EQ(bytes[Class::high], 80000u);
  EXPECT_EQ(bytes[Class::normal], 40000u);
  EXPECT_EQ(bytes[Class::low], 20000u);
}

TEST(Egress, LowerClassesDoNotStarveAndIdleClassesGiveWayAtOnce) {
  EgressConfig cfg;
  cfg.chunk_size = 100;
  auto s = make(cfg);
  ASSERT_TRUE(s.enqueue(Class::low, StreamId{3}, pattern(100, 3)));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(s.enqueue(Class::high, StreamId{1}, pattern(100, 1)));
  Bytes buf(100);
  int position = 0;
  for (int i = 0; i < 101; ++i) {
    auto t = s.poll_transmit(buf);
    ASSERT_TRUE(t);
    if (t->cls == Class::low) position = i;
  }
  // High has weight 8: Low goes out after at most one High quantum.
  EXPECT_GT(position, 0);
  EXPECT_LE(position, 8);
  // Only Low queued: served immediately, every poll.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(s.enqueue(Class::low, StreamId{3}, pattern(100, 3)));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.poll_transmit(buf)->cls, Class::low);
  EXPECT_TRUE(s.idle());
  EXPECT_FALSE(s.poll_transmit(buf));
}

TEST(Egress, BoundedQueuesApplyTheirDropPolicy) {
  EgressConfig cfg;
  cfg.classes[2] = ClassQueueConfig{2, 10000, DropPolicy::reject_new, 4};
  cfg.classes[3] = ClassQueueConfig{2, 10000, DropPolicy::drop_oldest, 1};
  auto s = make(cfg);
  ASSERT_TRUE(s.enqueue(Class::normal, StreamId{1}, pattern(10, 1)));
  ASSERT_TRUE(s.enqueue(Class::normal, StreamId{1}, pattern(10, 2)));
  EXPECT_EQ(s.enqueue(Class::normal, StreamId{1}, pattern(10, 3)).error(), Errc::queue_full);
  EXPECT_EQ(s.enqueue(Class::normal, StreamId{1}, pattern(10001, 3)).error(), Errc::frame_too_large);
  EXPECT_EQ(s.metrics(Class::normal).rejected_frames, 2u);
  EXPECT_EQ(s.enqueue(Class::normal, StreamId{1}, Bytes{}).error(), Errc::empty_frame);

  auto a = s.enqueue(Class::low, StreamId{3}, pattern(10, 1));
  auto b = s.enqueue(Class::low, StreamId{3}, pattern(10, 2));
  auto c = s.enqueue(Class::low, StreamId{3}, pattern(10, 3));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(s.queued_frames(Class::low), 2u);
  EXPECT_EQ(s.metrics(Class::low).dropped_frames, 1u);
  // Byte bound with drop_oldest: a large frame evicts as many as needed.
  ASSERT_TRUE(s.enqueue(Class::low, StreamId{3}, pattern(9995, 4)));
  EXPECT_EQ(s.queued_frames(Class::low), 1u);
  EXPECT_EQ(s.queued_bytes(Class::low), 9995u);
}

TEST(Egress, DropOldestNeverTruncatesAFrameInFlight) {
  EgressConfig cfg;
  cfg.chunk_size = 10;
  cfg.classes[0] = ClassQueueConfig{2, 1000, DropPolicy::drop_oldest, 1};
  auto s = make(cfg);
  auto first = s.enqueue(Class::critical, StreamId{1}, pattern(30, 1));
  Bytes buf(10);
  ASSERT_EQ(s.poll_transmit(buf)->frame, *first);  // 10 of 30 bytes out
  ASSERT_TRUE(s.enqueue(Class::critical, StreamId{1}, pattern(30, 2)));
  auto third = s.enqueue(Class::critical, StreamId{1}, pattern(30, 3));
  ASSERT_TRUE(third);
  // The second frame was evicted, not the one in flight.
  std::vector<std::uint64_t> order;
  while (auto t = s.poll_transmit(buf))
    if (t->first() || order.empty() || order.back() != t->frame.get()) order.push_back(t->frame.get());
  EXPECT_EQ(order, (std::vector<std::uint64_t>{first->get(), third->get()}));
  // Capacity 1 frame in flight + a full queue that cannot evict it -> refused.
  cfg.classes[0] = ClassQueueConfig{1, 1000, DropPolicy::drop_oldest, 1};
  auto t = make(cfg);
  ASSERT_TRUE(t.enqueue(Class::critical, StreamId{1}, pattern(30, 1)));
  ASSERT_TRUE(t.poll_transmit(buf));
  EXPECT_EQ(t.enqueue(Class::critical, StreamId{1}, pattern(30, 2)).error(), Errc::queue_full);
}

TEST(Egress, CancelStreamDropsUnstartedFramesOnly) {
  EgressConfig cfg;
  cfg.chunk_size = 10;
  auto s = make(cfg);
  ASSERT_TRUE(s.enqueue(Class::normal, StreamId{7}, pattern(20, 1)));
  ASSERT_TRUE(s.enqueue(Class::normal, StreamId{7}, pattern(20, 2)));
  ASSERT_TRUE(s.enqueue(Class::normal, StreamId{8}, pattern(20, 3)));
  Bytes buf(10);
  ASSERT_TRUE(s.poll_transmit(buf));
  EXPECT_EQ(s.cancel_stream(StreamId{7}), 1u);
  std::size_t total = 0;
  while (auto t = s.poll_transmit(buf)) total += t->len;
  EXPECT_EQ(total, 10u + 20u);
}

TEST(Egress, RejectsBadConfig) {
  EgressConfig cfg;
  cfg.chunk_size = 0;
  EXPECT_EQ(EgressScheduler::create(cfg).error(), Errc::invalid_config);
  cfg = {};
  cfg.classes[2].weight = 0;
  EXPECT_EQ(EgressScheduler::create(cfg).error(), Errc::invalid_config);
  cfg = {};
  cfg.classes[1].max_frames = 0;
  EXPECT_EQ(EgressScheduler::create(cfg).error(), Errc::invalid_config);
}

}  // namespace
}  // namespace stakecast::prio
