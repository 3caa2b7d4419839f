#include "proto/rotor/engine.hpp"

#include <gtest/gtest.h>

#include "engine_cluster.hpp"

namespace stakecast::rotor {
namespace {

using test::Cluster;

TEST(Engine, EveryNodeReconstructsTheBlockWithAboutKappaAmplification) {
  Cluster c(30);
  c.lead(Slot{5}, 0);
  const Bytes block = test::test_block(40'000, 1);  // 5 slices of 8192 bytes
  auto hash = c.net.node(0).broadcast_block(Slot{5}, block, c.net.now());
  ASSERT_TRUE(hash);
  c.net.pump_all();
  c.net.run();
  c.collect();
  for (std::uint32_t i = 1; i < 30; ++i) {
    auto blocks = c.of<BlockDoneEvent>(i);
    ASSERT_EQ(blocks.size(), 1u) << i;
    EXPECT_EQ(blocks[0].slot, Slot{5});
    EXPECT_EQ(blocks[0].block_hash, *hash);
    EXPECT_EQ(blocks[0].block, block);
    EXPECT_EQ(c.of<SliceDoneEvent>(i).size(), 5u);
    EXPECT_TRUE(c.of<Misbehaviour>(i).empty()) << i;
    EXPECT_EQ(c.net.node(i).metrics().repair_requests_sent, 0u);
  }
  EXPECT_TRUE(c.of<BlockDoneEvent>(0).empty());
  // Leader upload: exactly Gamma shreds per slice, i.e. kappa x block in payload plus each shred's header
  // and Merkle path (large at these 256-byte test shreds).
  std::uint64_t expect = 0;
  for (std::size_t off = 0; off < block.size(); off += 8192) {
    const std::size_t len = std::min<std::size_t>(8192, block.size() - off);
    expect += 64 * codec::shred_wire_size(64, (len + 31) / 32);
  }
  EXPECT_EQ(c.net.bytes_sent(0), expect);
  EXPECT_GT(static_cast<double>(c.net.bytes_sent(0)), 2.0 * static_cast<double>(block.size()));
  EXPECT_EQ(c.net.node(0).metrics().shreds_sent_as_leader, 5u * 64u);
  std::uint64_t forwarded = 0;
  for (std::uint32_t i = 1; i < 30; ++i) forwarded += c.net.node(i).metrics().shreds_forwarded;
  EXPECT_EQ(forwarded, 5u * 64u * 28u);  // each shred once to everyone but its relay and the leader
}

TEST(Engine, RelaysForwardInDecreasingStakeOrderNextLeaderFirst) {
  Cluster c(12);
  c.lead(Slot{5}, 3);
  c.lead(Slot{6}, 3);
  c.lead(Slot{7}, 9);  // the next leader
  ASSERT_TRUE(
      c.net.node(3).broadcast_slice(Slot{5}, SliceIndex{0}, true, test::test_block(1000, 2), c.net.now()));
  // Deliver the leader's shreds to their relays by hand and look at what one relay sends.
  std::map<std::uint32_t, std::vector<Transmit>> to_relay;
  while (auto t = c.net.node(3).poll_transmit()) to_relay[t->to.get()].push_back(*t);
  auto committee = c.net.node(0).committee(Slot{5}, SliceIndex{0}, 64);
  ASSERT_TRUE(committee);
  const std::uint32_t relay = (*committee)[0].get();
  ASSERT_NE(relay, 3u);
  for (const auto& t : to_relay[relay])
    c.net.node(relay).on_message(ValidatorIndex{3}, t.protocol, *t.bytes, c.net.now());
  std::vector<std::uint32_t> order;
  while (auto t = c.net.node(relay).poll_transmit()) {
    if (t->protocol != Protocol::shred) continue;
    if (order.size() < 10) order.push_back(t->to.get());
  }
  std::vector<std::uint32_t> expect = {9};
  for (std::uint32_t v = 0; v < 12; ++v)
    if (v != 9 && v != 3 && v != relay) expect.push_back(v);
  expect.resize(std::min<std::size_t>(expect.size(), 10));
  EXPECT_EQ(order, expect);
}

TEST(Engine, PipelinedSlicesAndDirectAndHybridMessages) {
  Cluster c(20);
  c.lead(Slot{8}, 2);
  Bytes whole;
  for (std::uint32_t s = 0; s < 3; ++s) {
    Bytes part = test::test_block(3000 + s, 10 + s);
    append(whole, part);
    ASSERT_TRUE(c.net.node(2).broadcast_slice(Slot{8}, SliceIndex{s}, s == 2, part, c.net.now()));
    c.net.pump(2);
    c.net.run(c.net.now() + std::chrono::milliseconds(1));
  }
  auto vote = c.net.node(5).send(prio::Kind::vote, Slot{8}, Bytes(100, 7), false, c.net.now());
  auto header = c.net.node(6).send(prio::Kind::block_header, Slot{8}, Bytes(8000, 8), false, c.net.now());
  ASSERT_TRUE(vote && header);
  EXPECT_EQ(c.net.node(6).send(prio::Kind::block_data, Slot{8}, Bytes(100'000), false, c.net.now()).error(),
            EngineErrc::not_supported);
  c.net.pump_all();
  c.net.run();
  c.collect();
  for (std::uint32_t i = 0; i < 20; ++i) {
    if (i != 2) {
      ASSERT_EQ(c.of<BlockDoneEvent>(i).size(), 1u) << i;
      EXPECT_EQ(c.of<BlockDoneEvent>(i)[0].block, whole);
    }
    std::set<MessageId> got;
    for (const auto& d : c.of<Delivered>(i)) got.insert(d.id);
    EXPECT_EQ(got.count(*vote), i == 5 ? 0u : 1u) << i;
    EXPECT_EQ(got.count(*header), i == 6 ? 0u : 1u) << i;
  }
  // The hybrid sender uploaded about 8 copies, not 19.
  EXPECT_LE(c.net.node(6).direct_metrics().transmits, 8u);
}

TEST(Engine, CriticalVoteLeavesBeforeTheRestOfAnEightMiBBlock) {
  EngineConfig cfg;  // production shreds: 32 of 64, 32 KiB
  Cluster c(5, cfg, {.upload_bps = 125'000'000, .latency = std::chrono::milliseconds(1)});
  c.lead(Slot{3}, 0);
  ASSERT_TRUE(c.net.node(0).broadcast_block(Slot{3}, test::test_block(8 << 20, 3), c.net.now()));
  c.net.pump(0);
  c.net.run(TimePoint::from_ns(20'000'000));  // 20 ms in: ~2.5 MB of ~17 MB have left
  ASSERT_TRUE(c.net.node(0).send(prio::Kind::vote, Slot{3}, Bytes(120, 1), false, c.net.now()));
  c.net.pump(0);
  c.net.run();
  c.collect();
  for (std::uint32_t i = 1; i < 5; ++i) {
    auto votes = c.of<Delivered>(i);
    ASSERT_EQ(votes.size(), 1u);
    // Within a chunk (16 KiB at 1 Gbit/s = 0.13 ms) plus four votes and a millisecond of latency.
    EXPECT_LT(votes[0].at.ms(), 20.0 + 0.2 + 1.0 + 0.1) << i;
    ASSERT_EQ(c.of<BlockDoneEvent>(i).size(), 1u);
  }
  EXPECT_GT(c.net.now().ms(), 100.0);  // the block itself took > 100 ms to leave the leader
}

}  // namespace
}  // namespace stakecast::rotor

namespace stakecast::rotor {
namespace {

TEST(Engine, EpochChangeSwitchesCommitteesAtTheSlotBoundary) {
  test::Cluster c(10);
  // Epoch 2 from slot 100: same order, but validator 0 now holds nearly all the stake.
  std::vector<Stake> stakes = {Stake{1'000'000}};
  std::vector<crypto::Ed25519PublicKey> keys = {test::node_key(0).public_key()};
  for (std::uint32_t i = 1; i < 10; ++i) {
    stakes.push_back(Stake{100 - i});
    keys.push_back(test::node_key(i).public_key());
  }
  auto next = *ValidatorSet::create(Epoch{2}, stakes, keys);
  StakeTracker tracker;
  ASSERT_TRUE(tracker.schedule(Slot{0}, c.set));
  ASSERT_TRUE(tracker.schedule(Slot{100}, next));
  ASSERT_TRUE(tracker.on_slot(Slot{1}));
  for (std::uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(c.net.node(i).add_epoch(Slot{100}, next));
  c.lead(Slot{99}, 5);
  c.lead(Slot{100}, 5);
  const auto before = *c.net.node(1).committee(Slot{99}, SliceIndex{0}, 64);
  const auto after = *c.net.node(1).committee(Slot{100}, SliceIndex{0}, 64);
  // Validator 0 holds ~99.9% of the non-leader stake from slot 100: PS-P gives it 63 or 64 bins.
  EXPECT_GE(std::count(after.begin(), after.end(), ValidatorIndex{0}), 63);
  EXPECT_LT(std::count(before.begin(), before.end(), ValidatorIndex{0}), 40);
  // Ingress budgets follow the epoch in force for sending: scheduling epoch 2 ahead changed nothing.
  const std::uint64_t rate = EngineConfig{}.ingress.staked_rate;
  auto share = [&](const ValidatorSet& s, std::uint32_t v) {
    __extension__ using U128 = unsigned __int128;
    const auto r =
        static_cast<std::uint64_t>(U128{rate} * s.stake(ValidatorIndex{v}).get() / s.total_stake().get());
    return std::max(r, EngineConfig{}.ingress.min_validator_rate);
  };
  EXPECT_EQ(c.net.node(1).ingress_rate(ValidatorIndex{0}), share(*c.set, 0));
  EXPECT_EQ(c.net.node(1).ingress_rate(ValidatorIndex{9}), share(*c.set, 9));
  EXPECT_FALSE(tracker.on_slot(Slot{99}));
  auto change = tracker.on_slot(Slot{100});
  ASSERT_TRUE(change);
  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.net.node(i).apply(*change));
    c.net.node(i).on_slot(Slot{100});
  }
  // One call switched the committees above and the ingress budgets together.
  EXPECT_EQ(c.net.node(1).ingress_rate(ValidatorIndex{0}), share(*next, 0));
  EXPECT_EQ(c.net.node(1).ingress_rate(ValidatorIndex{9}), share(*next, 9));
  EXPECT_NE(share(*next, 0), share(*c.set, 0));
  EXPECT_NE(share(*next, 9), share(*c.set, 9));
  ASSERT_TRUE(c.net.node(5).broadcast_block(Slot{100}, test::test_block(3000, 100), c.net.now()));
  c.net.pump(5);
  c.net.run();
  c.collect();
  for (std::uint32_t i = 0; i < 10; ++i) {
    if (i == 5) continue;
    EXPECT_EQ(c.of<BlockDoneEvent>(i).size(), 1u) << i;
  }
  // Almost every shred went to validator 0 first.
  EXPECT_GE(c.net.node(0).metrics().shreds_forwarded, 63u * 8u);
}

}  // namespace
}  // namespace stakecast::rotor

namespace stakecast::rotor {
namespace {

TEST(Engine, BlendedSamplingDrawsASlowRelayLessOften) {
  EngineConfig cfg = test::small_shreds();
  cfg.sampler.blend_reliability = true;  // default weights: 0.7 stake + 0.3 observed reliability
  ASSERT_EQ(cfg.sampler.stake_permille, 700u);
  cfg.relay_deadline = std::chrono::milliseconds(100);
  test::Cluster c(20, cfg, {.latency = std::chrono::milliseconds(1)});
  // Validator 4 forwards everything 300 ms late.
  c.net.set_latency([](std::uint32_t from, std::uint32_t) {
    return from == 4 ? std::chrono::milliseconds(300) : std::chrono::milliseconds(1);
  });
  for (std::uint64_t slot = 10; slot < 18; ++slot) {
    const std::uint32_t leader = 1 + static_cast<std::uint32_t>(slot % 3);  // 1, 2, 3: node 0 only receives
    c.lead(Slot{slot}, leader);
    ASSERT_TRUE(c.net.node(leader).broadcast_block(Slot{slot}, test::test_block(16'000, slot), c.net.now()));
    c.net.pump(leader);
    c.net.run();
  }
  const auto& rel = c.net.node(0).reliability();
  EXPECT_LT(rel.score(ValidatorIndex{4}), kReliabilityOne / 4);
  EXPECT_GT(rel.score(ValidatorIndex{5}), kReliabilityOne * 3 / 4);
  // Node 0 now leads: its blended committees give validator 4 fewer shreds than stake alone would.
  c.lead(Slot{30}, 0);
  EngineConfig plain = test::small_shreds();
  auto reference = Engine::create(plain, test::node_key(0));
  ASSERT_TRUE(reference);
  ASSERT_TRUE(reference->add_epoch(Slot{0}, c.set));
  reference->set_leader(Slot{30}, ValidatorIndex{0});
  std::size_t blended = 0, by_stake = 0;
  for (std::uint32_t s = 0; s < 8; ++s) {
    auto b = c.net.node(0).committee(Slot{30}, SliceIndex{s}, 64);
    auto p = reference->committee(Slot{30}, SliceIndex{s}, 64);
    ASSERT_TRUE(b && p);
    blended += static_cast<std::size_t>(std::count(b->begin(), b->end(), ValidatorIndex{4}));
    by_stake += static_cast<std::size_t>(std::count(p->begin(), p->end(), ValidatorIndex{4}));
  }
  EXPECT_GT(by_stake, 0u);
  EXPECT_LT(blended, by_stake);
}

}  // namespace
}  // namespace stakecast::rotor
