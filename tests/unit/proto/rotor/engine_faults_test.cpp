// Issue 5 item 9: the Rotor engine under crashes, Byzantine relays and an equivocating leader, repair,
// and determinism, through the in-memory network with virtual time and real crypto.
#include <gtest/gtest.h>

#include "engine_cluster.hpp"
#include "proto/rotor/engine.hpp"

namespace stakecast::rotor {
namespace {

using test::Cluster;

TEST(EngineFaults, ThirtyPercentOfRelayStakeCrashedEveryHonestNodeReconstructs) {
  EngineConfig cfg = test::small_shreds();
  cfg.repair.max_rounds = 0;  // Rotor alone, no repair
  Cluster c(40, cfg);
  const auto down = c.crash_stake(0.30, 0);
  ASSERT_GE(down.size(), 3u);
  std::map<std::uint64_t, crypto::Hash256> hashes;
  for (std::uint64_t slot = 10; slot < 14; ++slot) {
    const std::uint32_t leader = slot % 2 == 0 ? 0 : 35;
    c.lead(Slot{slot}, leader);
    auto h = c.net.node(leader).broadcast_block(Slot{slot}, test::test_block(30'000, slot), c.net.now());
    ASSERT_TRUE(h);
    hashes[slot] = *h;
    c.net.pump(leader);
  }
  c.net.run();
  c.collect();
  for (std::uint32_t i = 0; i < 40; ++i) {
    if (down.count(i)) continue;
    std::set<std::uint64_t> got;
    for (const auto& b : c.of<BlockDoneEvent>(i)) {
      EXPECT_EQ(b.block_hash, hashes[b.slot.get()]);
      got.insert(b.slot.get());
    }
    const std::size_t own = i == 0 || i == 35 ? 2 : 0;
    EXPECT_EQ(got.size(), 4 - own) << "node " << i;
    EXPECT_EQ(c.net.node(i).metrics().repair_shreds, 0u);
  }
}

TEST(EngineFaults, CorruptingAndWithholdingRelaysAreDetectedAndBlocksStillArrive) {
  for (bool audit : {false, true}) {
    EngineConfig cfg = test::small_shreds();
    cfg.repair.max_rounds = 0;
    cfg.audit_late_shreds = audit;
    Cluster c(40, cfg);
    const std::set<std::uint32_t> corrupt = {3, 8, 12}, withhold = {4, 9};
    for (auto b : corrupt)
      c.net.set_filter(b, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
        if (t.protocol != Protocol::shred) return t.bytes;
        Bytes x = *t.bytes;
        x.back() ^= 0x5A;  // payload byte: the Merkle path no longer holds
        return std::make_shared<const Bytes>(std::move(x));
      });
    for (auto b : withhold)
      c.net.set_filter(b, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
        if (t.protocol == Protocol::shred) return std::nullopt;
        return t.bytes;
      });
    std::set<std::uint32_t> relays;  // every validator drawn as a relay in these slots
    for (std::uint64_t slot = 20; slot < 24; ++slot) {
      c.lead(Slot{slot}, 0);
      ASSERT_TRUE(c.net.node(0).broadcast_block(Slot{slot}, test::test_block(16'000, slot), c.net.now()));
      c.net.pump(0);
      for (std::uint32_t s = 0; s < 2; ++s) {
        auto committee = c.net.node(1).committee(Slot{slot}, SliceIndex{s}, 64);
        ASSERT_TRUE(committee);
        for (auto v : *committee) relays.insert(v.get());
      }
    }
    for (auto b : corrupt) ASSERT_TRUE(relays.count(b)) << b;
    for (auto b : withhold) ASSERT_TRUE(relays.count(b)) << b;
    c.net.run();
    c.collect();
    std::map<std::uint32_t, int> corrupt_reported;
    for (std::uint32_t i = 1; i < 40; ++i) {
      if (corrupt.count(i) || withhold.count(i)) continue;
      EXPECT_EQ(c.of<BlockDoneEvent>(i).size(), 4u) << "node " << i;
      std::set<std::uint32_t> blamed_withholding;
      for (const auto& m : c.reports(i, Offence::withholding)) blamed_withholding.insert(m.peer.get());
      for (const auto& m : c.reports(i, Offence::bad_merkle_proof)) {
        EXPECT_TRUE(corrupt.count(m.peer.get())) << "honest relay " << m.peer << " blamed by " << i;
        EXPECT_FALSE(m.evidence.empty());
        ++corrupt_reported[m.peer.get()];
      }
      // Every honest receiver names both withholders and no honest relay.
      for (auto w : withhold) EXPECT_TRUE(blamed_withholding.count(w)) << w << " not reported by " << i;
      for (auto b : blamed_withholding)
        EXPECT_TRUE(withhold.count(b) || corrupt.count(b)) << "honest " << b << " blamed by " << i;
    }
    for (auto b : corrupt) {
      EXPECT_GT(corrupt_reported[b], 0) << b;
      if (audit) {
        EXPECT_GE(corrupt_reported[b], 34) << b;  // every honest receiver
      }
    }
  }
}

TEST(EngineFaults, EquivocatingLeaderIsDetectedByEveryHonestNodeThatSeesBothRoots) {
  Cluster c(30);
  c.lead(Slot{7}, 0);
  auto other = Shredder::create(test::small_shreds().shredder, test::node_key(0));
  ASSERT_TRUE(other);
  auto twin = other->shred_block(Slot{7}, test::test_block(12'000, 99));
  ASSERT_TRUE(twin);
  // The leader sends version B for odd shred indices, version A for even ones.
  c.net.set_filter(0, [&](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
    auto v = codec::parse_shred(*t.bytes);
    if (!v || v->header().index.get() % 2 == 0) return t.bytes;
    BytesView b = twin->slices[v->header().slice.get()].shred(v->header().index.get());
    return std::make_shared<const Bytes>(b.begin(), b.end());
  });
  ASSERT_TRUE(c.net.node(0).broadcast_block(Slot{7}, test::test_block(12'000, 98), c.net.now()));
  c.net.pump(0);
  c.net.run();
  c.collect();
  for (std::uint32_t i = 1; i < 30; ++i) {
    auto eq = c.reports(i, Offence::equivocation);
    ASSERT_FALSE(eq.empty()) << "node " << i;
    for (const auto& m : eq) {
      EXPECT_EQ(m.peer, ValidatorIndex{0});
      EXPECT_EQ(m.slot, Slot{7});
      // Evidence: two signed shred headers for the same slot and slice with different roots.
      auto a = codec::parse_shred(Bytes(m.evidence.begin(), m.evidence.end()));
      EXPECT_EQ(m.evidence.size(), codec::kShredFixedHeader);
      EXPECT_EQ(m.evidence2.size(), codec::kShredFixedHeader);
      EXPECT_NE(Bytes(m.evidence.begin() + 56, m.evidence.begin() + 88),
                Bytes(m.evidence2.begin() + 56, m.evidence2.begin() + 88));
      (void)a;
    }
  }
}

TEST(EngineFaults, RepairCompletesBlocksWithSixtyPercentOfRelayStakeCrashed) {
  Cluster c(40);
  const auto down = c.crash_stake(0.60, 0);
  std::map<std::uint64_t, crypto::Hash256> hashes;
  for (std::uint64_t slot = 30; slot < 33; ++slot) {
    c.lead(Slot{slot}, 0);
    auto h = c.net.node(0).broadcast_block(Slot{slot}, test::test_block(20'000, slot), c.net.now());
    ASSERT_TRUE(h);
    hashes[slot] = *h;
    c.net.pump(0);
  }
  c.net.run(TimePoint::from_ns(100'000'000));
  c.collect();
  // Rotor alone is not enough here: too few relays are alive.
  std::size_t before = 0;
  for (std::uint32_t i = 1; i < 40; ++i)
    if (!down.count(i)) before += c.of<BlockDoneEvent>(i).size();
  EXPECT_LT(before, 3u * (40 - 1 - down.size()));
  c.net.run();
  c.collect();
  std::uint64_t repaired = 0;
  for (std::uint32_t i = 1; i < 40; ++i) {
    if (down.count(i)) continue;
    std::set<std::uint64_t> got;
    for (const auto& b : c.of<BlockDoneEvent>(i)) {
      EXPECT_EQ(b.block_hash, hashes[b.slot.get()]);
      got.insert(b.slot.get());
    }
    EXPECT_EQ(got.size(), 3u) << "node " << i;
    repaired += c.net.node(i).metrics().repair_shreds;
    EXPECT_EQ(c.net.node(i).metrics().repair_gave_up, 0u);
  }
  EXPECT_GT(repaired, 0u);
  EXPECT_GT(c.net.node(0).metrics().repair_served, 0u);
}

TEST(EngineFaults, APartitionedNodeRepairsAWholeBlockFromItsHash) {
  Cluster c(12);
  const std::uint32_t asker = 11;
  // No shred reaches the asker: it learns of the block from consensus (the hash) only.
  for (std::uint32_t i = 0; i < 12; ++i)
    c.net.set_filter(i, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
      if (t.to == ValidatorIndex{asker} && t.protocol == Protocol::shred) return std::nullopt;
      return t.bytes;
    });
  c.lead(Slot{40}, 0);
  const Bytes block = test::test_block(60'000, 40);  // 8 slices
  auto h = c.net.node(0).broadcast_block(Slot{40}, block, c.net.now());
  ASSERT_TRUE(h);
  c.net.pump(0);
  c.net.run();
  c.collect();
  EXPECT_TRUE(c.of<BlockDoneEvent>(asker).empty());
  EXPECT_EQ(c.net.node(asker).metrics().shreds_received, 0u);
  ASSERT_TRUE(c.net.node(asker).request_repair(Slot{40}, *h, c.net.now()));
  c.net.pump(asker);
  c.net.run();
  c.collect();
  auto blocks = c.of<BlockDoneEvent>(asker);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].block_hash, *h);
  EXPECT_EQ(blocks[0].block, block);
  const auto& m = c.net.node(asker).metrics();
  EXPECT_GE(m.repair_shreds, 8u * 32u);  // gamma shreds for each of the 8 slices
  EXPECT_EQ(m.dropped(ShredDrop::not_in_block), 0u);
  EXPECT_LE(m.repair_rounds, 3u);
  EXPECT_EQ(c.net.node(asker).metrics().repair_gave_up, 0u);
}

TEST(EngineFaults, SameSeedSameTrace) {
  auto run = [](std::uint64_t first_slot) {
    Cluster c(25, test::small_shreds(), {.upload_bps = 50'000'000, .latency = std::chrono::milliseconds(3)});
    c.net.set_latency([](std::uint32_t a, std::uint32_t b) {
      return std::chrono::microseconds(500 + 97 * ((a * 7 + b * 13) % 40));
    });
    c.crash_stake(0.2, 0, 5);
    for (std::uint64_t slot = first_slot; slot < first_slot + 2; ++slot) {
      c.lead(Slot{slot}, 0);
      EXPECT_TRUE(c.net.node(0).broadcast_block(Slot{slot}, test::test_block(20'000, 5), c.net.now()));
      c.net.pump(0);
      EXPECT_TRUE(c.net.node(3).send(prio::Kind::vote, Slot{slot}, Bytes(64, 1), true, c.net.now()));
      c.net.pump(3);
    }
    c.net.run();
    c.collect();
    std::size_t blocks = 0;
    for (std::uint32_t i = 0; i < 25; ++i) blocks += c.of<BlockDoneEvent>(i).size();
    return std::make_pair(c.net.trace_hash(), blocks);
  };
  const auto a = run(50), b = run(50), other = run(52);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_GT(a.second, 0u);
  EXPECT_NE(a.first, other.first);
}

}  // namespace
}  // namespace stakecast::rotor
