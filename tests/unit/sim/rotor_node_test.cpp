#include "sim/rotor_node.hpp"

#include <gtest/gtest.h>

#include "sim/data_files.hpp"
#include "sim/direct_broadcast.hpp"
#include "sim/topology.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

struct World {
  PingData pings;
  StakeTable sui;
  std::shared_ptr<const rotor::ValidatorSet> set;
};
const World& world() {
  static const World w = [] {
    World x{*load_ping_data(kFiles.ping_servers(), kFiles.pings()),
            *load_stake_table(kFiles.sui(), StakeFormat::sui), nullptr};
    x.set = *sim_validator_set(x.sui, Epoch{1});
    return x;
  }();
  return w;
}

rotor::EngineConfig engine_config() {
  rotor::EngineConfig c;
  c.shredder = {32, 64, 1024};
  c.report_withholding = false;
  c.repair.repair_after = std::chrono::seconds(30);  // keep repair out of the timing comparisons
  return c;
}

Bytes block_of(std::size_t n) {
  Bytes b(n);
  DeterministicRng::from_u64(99).fill(b);
  return b;
}

struct Outcome {
  std::vector<TimePoint> done;
  std::uint64_t leader_bytes = 0, total_bytes = 0;
  std::vector<Duration> cpu;
  crypto::Hash256 trace{};
};

Outcome run_rotor(HopDelay hop, const RotorNodeConfig& node_cfg, std::uint64_t seed = 1) {
  const World& w = world();
  const ValidatorIndex leader{3};
  auto topo = std::make_shared<Topology>(*Topology::build(w.sui, w.pings, hop));
  auto nodes = make_rotor_nodes(w.set, engine_config(), node_cfg, Slot{1}, leader);
  EXPECT_TRUE(nodes);
  RunnerConfig rc;
  rc.seed = seed;
  rc.trace = TraceMode::full;
  auto r = *Runner::create(rc, std::move(*nodes), topo);
  const Bytes block = block_of(64 * 1024);
  r.command(leader, TimePoint{}, [&](Node& n, TimePoint now) {
    EXPECT_TRUE(dynamic_cast<RotorNode&>(n).broadcast_block(Slot{1}, block, now));
  });
  EXPECT_TRUE(r.run());
  Outcome o;
  for (std::uint32_t i = 0; i < r.size(); ++i) {
    auto d = r.node_as<RotorNode>(ValidatorIndex{i}).block_done(Slot{1});
    o.done.push_back(d ? *d : TimePoint::max());
    o.total_bytes += r.stats(ValidatorIndex{i}).bytes_sent;
    o.cpu.push_back(r.stats(ValidatorIndex{i}).cpu);
  }
  o.leader_bytes = r.stats(leader).bytes_sent;
  o.trace = r.trace_hash();
  return o;
}

TEST(RotorNode, TheRealEngineDisseminatesOverSuiLatencies) {
  const Outcome o = run_rotor(HopDelay::half_rtt, {});
  const std::size_t n = o.done.size();
  ASSERT_EQ(n, 106u);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NE(o.done[i], TimePoint::max()) << i;
  // kappa = 2: the leader sends 128 shreds, twice the block plus the shreds' headers, Merkle paths and
  // signatures (about 30% at 1 KiB); each relay sends its shred once to each of the other N - 2.
  const double block = 64 * 1024;
  EXPECT_EQ(o.leader_bytes % 128, 0u);
  EXPECT_GT(static_cast<double>(o.leader_bytes), 2.0 * block);
  EXPECT_LT(static_cast<double>(o.leader_bytes), 2.7 * block);
  EXPECT_EQ(o.total_bytes, o.leader_bytes * (n - 1));
  // Same seed, same trace; the engines' own outputs are deterministic too.
  EXPECT_EQ(run_rotor(HopDelay::half_rtt, {}).trace, o.trace);
}

TEST(RotorNode, FullRttDoublesEveryArrivalWithoutBandwidthOrCpu) {
  const Outcome half = run_rotor(HopDelay::half_rtt, {});
  const Outcome full = run_rotor(HopDelay::rtt, {});
  for (std::size_t i = 0; i < half.done.size(); ++i) {
    const std::int64_t h = half.done[i].ns, f = full.done[i].ns;
    EXPECT_LE(std::abs(f - 2 * h), 2) << i;  // two hops, each rounded to 1 ns
  }
}

TEST(RotorNode, CpuModelChargesTheEnginesWork) {
  RotorNodeConfig cfg;
  cfg.cpu.per_leader_shred = std::chrono::microseconds(5);
  cfg.cpu.per_slice_completed = std::chrono::microseconds(100);
  const Outcome base = run_rotor(HopDelay::half_rtt, {});
  const Outcome cpu = run_rotor(HopDelay::half_rtt, cfg);
  const std::size_t leader = 3;
  EXPECT_EQ(cpu.cpu[leader], std::chrono::microseconds(5 * 128));  // 2 slices x 64 shreds
  for (std::size_t i = 0; i < cpu.done.size(); ++i) {
    if (i == leader) continue;
    EXPECT_EQ(cpu.cpu[i], std::chrono::microseconds(2 * 100)) << i;
    EXPECT_GE(cpu.done[i], base.done[i] + std::chrono::microseconds(100)) << i;
  }
}

TEST(RotorNode, DirectBroadcastWithoutLimitsArrivesAfterOneHop) {
  const World& w = world();
  auto topo = std::make_shared<Topology>(*Topology::build(w.sui, w.pings, HopDelay::half_rtt));
  DirectBroadcastConfig cfg;
  cfg.validators = w.sui.size();
  std::vector<std::unique_ptr<Node>> nodes;
  for (std::uint32_t i = 0; i < w.sui.size(); ++i)
    nodes.push_back(std::make_unique<DirectBroadcast>(*DirectBroadcast::create(ValidatorIndex{i}, cfg)));
  auto r = *Runner::create(RunnerConfig{}, std::move(nodes), topo);
  const ValidatorIndex leader{0};
  r.command(leader, TimePoint{}, [](Node& n, TimePoint now) {
    EXPECT_TRUE(dynamic_cast<DirectBroadcast&>(n).broadcast(Slot{1}, block_of(4096), now));
  });
  ASSERT_TRUE(r.run());
  for (std::uint32_t i = 1; i < w.sui.size(); ++i) {
    const ValidatorIndex v{i};
    EXPECT_EQ(r.node_as<DirectBroadcast>(v).completed_at(Slot{1}), TimePoint{} + topo->one_way(leader, v))
        << i;
  }
}

}  // namespace
}  // namespace stakecast::sim
