#include "sim/block_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/data_files.hpp"
#include "sim/faults.hpp"
#include "sim/stats.hpp"
#include "sim/topology.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

struct World {
  StakeTable sui;
  std::shared_ptr<const Topology> topo;
};
const World& world() {
  static const World w = [] {
    auto pings = *load_ping_data(kFiles.ping_servers(), kFiles.pings());
    auto sui = *load_stake_table(kFiles.sui(), StakeFormat::sui);
    auto topo = std::make_shared<const Topology>(*Topology::build(sui, pings, HopDelay::half_rtt));
    return World{std::move(sui), std::move(topo)};
  }();
  return w;
}

TEST(BlockRun, DirectWithoutLimitsMatchesTheLatencyMatrix) {
  const World& w = world();
  BlockRunConfig c;
  c.strategy = Strategy::direct;
  c.block_bytes = 20'000;
  c.leader = ValidatorIndex{5};
  auto r = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->complete, w.sui.size() - 1);
  std::vector<std::optional<Duration>> expect;
  std::vector<Stake> stakes;
  for (std::uint32_t i = 0; i < w.sui.size(); ++i) {
    expect.push_back(i == 5 ? Duration{0} : w.topo->one_way(c.leader, ValidatorIndex{i}));
    stakes.push_back(w.sui.validators()[i].stake);
    EXPECT_EQ(r->arrival[i], expect.back()) << i;
  }
  EXPECT_EQ(r->block.stake80, stake_time(expect, stakes, 0.8));
  EXPECT_EQ(r->block.stake100, *std::max_element(expect.begin(), expect.end()));
  EXPECT_EQ(r->block.max, r->block.stake100);
  EXPECT_NEAR(r->leader_upload, 105.0 * (20'000 + kDirectHeaderBytes) / 20'000, 1e-9);
  EXPECT_NEAR(r->amplification, (20'000.0 + kDirectHeaderBytes) / 20'000, 1e-9);
}

TEST(BlockRun, RotorStrategiesDeliverToEveryone) {
  const World& w = world();
  for (Strategy s : {Strategy::rotor_psp, Strategy::rotor_iid}) {
    BlockRunConfig c;
    c.strategy = s;
    c.block_bytes = 40'000;                  // two slices of 32 x 1 KiB
    c.runner.link.upload_bps = 125'000'000;  // 1 Gbit/s
    auto r = run_block(w.sui, w.topo, c);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->complete, w.sui.size() - 1) << to_string(s);
    EXPECT_GT(r->amplification, 2.0);
    EXPECT_LT(r->amplification, 3.5);
    ASSERT_TRUE(r->block.stake60 && r->block.stake80 && r->block.stake100 && r->block.p50 && r->block.max);
    EXPECT_LE(*r->block.stake60, *r->block.stake80);
    EXPECT_LE(*r->block.stake80, *r->block.stake100);
    EXPECT_LE(*r->block.p50, *r->block.max);
    // The same configuration replays exactly.
    auto again = run_block(w.sui, w.topo, c);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->trace, r->trace);
    EXPECT_EQ(again->arrival, r->arrival);
  }
}

TEST(BlockRun, TurbineForwardsDownTheTreeWithoutLatencyOrBandwidthCost) {
  // Sui (~100 validators) with fanout 8: root, 8 children, 64 grandchildren, the rest a fourth layer. Only
  // nodes with children forward, each index once to each child: every validator gets every shred exactly
  // once (amplification Gamma/gamma plus shred overhead, like Rotor), and the tree adds hops.
  const World& w = world();
  BlockRunConfig c;
  c.strategy = Strategy::turbine;
  c.turbine_fanout = 8;
  c.block_bytes = 40'000;
  auto r = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->complete, w.sui.size() - 1);
  EXPECT_GT(r->amplification, 2.0);
  EXPECT_LT(r->amplification, 3.5);
  // Each validator other than the leader receives each of the 2 x 64 shreds once.
  for (std::uint32_t i = 1; i < w.sui.size(); ++i) EXPECT_EQ(r->messages_received[i], 128u) << i;
  auto again = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trace, r->trace);
  BlockRunConfig rc = c;
  rc.strategy = Strategy::rotor_psp;
  auto rotor = run_block(w.sui, w.topo, rc);
  ASSERT_TRUE(rotor);
  EXPECT_LT(*rotor->block.p50, *r->block.p50);  // two hops beat three or four
}

TEST(BlockRun, RejectsImpossibleParameters) {
  const World& w = world();
  BlockRunConfig c;
  c.leader = ValidatorIndex{1000};
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
  c.leader = ValidatorIndex{0};
  c.data_shreds = 40;
  c.total_shreds = 30;  // gamma > Gamma
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
  c = BlockRunConfig{};
  c.block_bytes = 0;
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
  EXPECT_EQ(strategy_from_name("rotor-psp"), Strategy::rotor_psp);
  EXPECT_EQ(strategy_from_name("turbine"), Strategy::turbine);
  EXPECT_EQ(strategy_from_name("gossip"), std::nullopt);
  for (Strategy s : {Strategy::turbine, Strategy::direct, Strategy::gossipsub}) {
    c = BlockRunConfig{};
    c.strategy = s;
    c.leader_has_block = LeaderHasBlock::from_relays;  // Rotor only
    EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config) << to_string(s);
  }
}

TEST(BlockRun, FaultsCrashedWithholdingAndCorruptingValidators) {
  const World& w = world();
  std::vector<Stake> stakes;
  for (const auto& v : w.sui.validators()) stakes.push_back(v.stake);
  const std::size_t n = w.sui.size();
  BlockRunConfig base;
  base.block_bytes = 60'000;
  base.leader = ValidatorIndex{2};
  base.votes = true;
  // 20% of the stake crashed: every live validator still gets the block and finalizes.
  {
    BlockRunConfig c = base;
    std::vector<bool> taken(n, false);
    taken[2] = true;
    c.crashed = pick_by_stake(stakes, 0.2, 1, taken);
    ASSERT_FALSE(c.crashed.empty());
    auto r = run_block(w.sui, w.topo, c);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->live, n - 1 - c.crashed.size());
    EXPECT_EQ(r->complete, r->live);
    EXPECT_EQ(r->votes->fast + r->votes->slow, r->live + 1);
    for (ValidatorIndex v : c.crashed) EXPECT_FALSE(r->arrival[v.get()]);
    EXPECT_FALSE(r->block.stake100);  // the crashed stake never has it
    EXPECT_EQ(r->shreds_rejected, 0u);
  }
  // Relays with 15% of the stake withhold or corrupt what they forward: Gamma = 2 gamma covers them, and
  // corrupted shreds are rejected by the receivers' checks.
  for (bool corrupting : {false, true}) {
    BlockRunConfig c = base;
    std::vector<bool> taken(n, false);
    taken[2] = true;
    (corrupting ? c.corrupting : c.withholding) = pick_by_stake(stakes, 0.15, 2, taken);
    auto r = run_block(w.sui, w.topo, c);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->complete, n - 1) << corrupting;
    if (corrupting) {
      EXPECT_GT(r->shreds_rejected, 0u);
    } else {
      EXPECT_EQ(r->shreds_rejected, 0u);
    }
  }
  // A faulty leader, or shred-level faults for strategies without relays: refused.
  BlockRunConfig c = base;
  c.crashed = {ValidatorIndex{2}};
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
  c = base;
  c.strategy = Strategy::direct;
  c.withholding = {ValidatorIndex{3}};
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
  c = base;
  c.partition = {0, 1};  // not one group per validator
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
}

TEST(BlockRun, MixedWorkloadABlockPerSlotWithVotes) {
  // Four slots 400 ms apart from different leaders, votes on: every slot's block reaches everyone and
  // every validator finalizes every slot; per-slot times count from that slot's broadcast.
  const World& w = world();
  BlockRunConfig c;
  c.block_bytes = 40'000;
  c.leader = ValidatorIndex{0};
  c.next_leaders = {ValidatorIndex{7}, ValidatorIndex{1}, ValidatorIndex{30}};
  c.votes = true;
  auto r = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->slots.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const SlotRun& s = r->slots[k];
    EXPECT_EQ(s.slot, Slot{1 + k});
    EXPECT_EQ(s.complete, w.sui.size() - 1) << k;
    ASSERT_TRUE(s.block.stake100 && s.final && s.final->stake100) << k;
    EXPECT_LT(*s.block.stake100, std::chrono::milliseconds(400));  // from its own broadcast, not from 0
    EXPECT_LE(*s.block.stake50, *s.final->stake50);
  }
  EXPECT_EQ(r->slots[0].leader, ValidatorIndex{0});
  EXPECT_EQ(r->slots[3].leader, ValidatorIndex{30});
  // Slot 0 is also the run's own figures.
  EXPECT_EQ(r->slots[0].block.stake80, r->block.stake80);
  EXPECT_EQ(r->slots[0].final->stake80, r->votes->final.stake80);
  // Only Rotor and Turbine carry several slots here.
  c.strategy = Strategy::direct;
  EXPECT_EQ(run_block(w.sui, w.topo, c).error(), SimErrc::invalid_config);
}

TEST(BlockRun, LeaderHasItsBlockWhenGammaShredsCameBackThroughRelays) {
  // Every hop 10 ms, no bandwidth limit: a relay has its shred at 10 ms, everyone else (and, with the
  // paper's convention, the leader, through the relays' echoes) the block at 20 ms.
  const World& w = world();
  auto flat = std::make_shared<const ConstantLatency>(std::chrono::milliseconds(10));
  std::uint64_t leader_in_at_broadcast = 0;
  for (LeaderHasBlock mode : {LeaderHasBlock::at_broadcast, LeaderHasBlock::from_relays}) {
    BlockRunConfig c;
    c.block_bytes = 60'000;  // two slices
    c.leader = ValidatorIndex{3};
    c.leader_has_block = mode;
    c.votes = true;
    auto r = run_block(w.sui, flat, c);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->complete, w.sui.size() - 1);
    const bool paper = mode == LeaderHasBlock::from_relays;
    EXPECT_EQ(r->arrival[3], paper ? Duration(std::chrono::milliseconds(20)) : Duration{0});
    EXPECT_EQ(r->votes->times[3].block, TimePoint{} + *r->arrival[3]);  // and votes only then
    EXPECT_EQ(r->arrival[0], Duration(std::chrono::milliseconds(20)));
    // The echoes are real messages: the leader also receives one copy per shred of each slice.
    if (paper) {
      EXPECT_GE(r->bytes_received[3], leader_in_at_broadcast + 2u * 64u * 1024u);
    } else {
      leader_in_at_broadcast = r->bytes_received[3];  // votes only
    }
  }
}

}  // namespace
}  // namespace stakecast::sim

namespace stakecast::sim {
namespace {

TEST(BlockRun, GossipsubRunsTheRealRouterAndMeshesBeforeThePublication) {
  // Sui: the routers subscribe, build meshes over their heartbeats during the warm-up, and the block
  // then travels over the mesh at network speed: well within one heartbeat (gossip would take >= 1 s).
  const World& w = world();
  BlockRunConfig c;
  c.strategy = Strategy::gossipsub;
  c.block_bytes = 50'000;
  c.gossip_dials = 8;
  auto r = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->complete, w.sui.size() - 1);
  ASSERT_TRUE(r->block.max);
  EXPECT_LT(*r->block.max, std::chrono::milliseconds(900));
  EXPECT_GT(r->amplification, 1.0);  // duplicates over the mesh (IDONTWANT trims some)
  auto again = run_block(w.sui, w.topo, c);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trace, r->trace);
}

}  // namespace
}  // namespace stakecast::sim
