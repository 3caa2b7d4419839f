#include "sim/faults.hpp"

#include <gtest/gtest.h>

#include "sim/data_files.hpp"
#include "sim/rotor_node.hpp"
#include "sim/topology.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

struct World {
  StakeTable sui;
  std::shared_ptr<const Topology> topo;
  std::shared_ptr<const rotor::ValidatorSet> set;
};
const World& world() {
  static const World w = [] {
    auto pings = *load_ping_data(kFiles.ping_servers(), kFiles.pings());
    auto sui = *load_stake_table(kFiles.sui(), StakeFormat::sui);
    auto topo = std::make_shared<const Topology>(*Topology::build(sui, pings, HopDelay::half_rtt));
    auto set = *sim_validator_set(sui, Epoch{1});
    return World{std::move(sui), std::move(topo), std::move(set)};
  }();
  return w;
}

rotor::EngineConfig engine_config() {
  rotor::EngineConfig c;
  c.shredder = {32, 64, 1024};
  c.report_withholding = false;
  c.repair.repair_after = std::chrono::seconds(30);
  return c;
}

Bytes block_of(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  DeterministicRng::from_u64(seed).fill(b);
  return b;
}

constexpr auto kShred = static_cast<std::uint8_t>(rotor::Protocol::shred);

RotorNode& rotor_of(Node& n) {
  if (auto* f = dynamic_cast<OutputFilter*>(&n)) return dynamic_cast<RotorNode&>(f->inner());
  return dynamic_cast<RotorNode&>(n);
}

// Leader 0 broadcasts 32 KiB (one slice); validators from `first_bad` on are wrapped with `fn`.
Runner run_with(std::uint32_t first_bad, const OutputFilter::Fn& fn) {
  const World& w = world();
  auto nodes = *make_rotor_nodes(w.set, engine_config(), {}, Slot{1}, ValidatorIndex{0});
  for (std::uint32_t i = first_bad; i < nodes.size(); ++i)
    nodes[i] = std::make_unique<OutputFilter>(std::move(nodes[i]), fn);
  auto r = *Runner::create(RunnerConfig{}, std::move(nodes), w.topo);
  const Bytes block = block_of(32 * 1024, 3);
  r.command(ValidatorIndex{0}, TimePoint{},
            [&](Node& n, TimePoint now) { EXPECT_TRUE(rotor_of(n).broadcast_block(Slot{1}, block, now)); });
  EXPECT_TRUE(r.run());
  return r;
}

TEST(Faults, WithholdingRelaysDoNotStopTheBlock) {
  const std::uint32_t first_bad = 86;  // the 20 lightest validators forward nothing
  Runner r = run_with(first_bad, withhold(kShred));
  std::uint64_t withheld = 0;
  for (std::uint32_t i = 0; i < r.size(); ++i) {
    Node& n = r.node(ValidatorIndex{i});
    EXPECT_TRUE(rotor_of(n).block_done(Slot{1})) << i;
    if (i >= first_bad) {
      EXPECT_EQ(r.stats(ValidatorIndex{i}).bytes_sent, 0u) << i;
      withheld += dynamic_cast<OutputFilter&>(n).dropped();
    }
  }
  EXPECT_GT(withheld, 0u);  // some of them were drawn as relays
}

TEST(Faults, CorruptedShredsAreRejectedAndTheBlockStillArrives) {
  const std::uint32_t first_bad = 96;
  Runner r = run_with(first_bad, corrupt(kShred, 700));  // a byte inside the shred payload
  std::uint64_t rejected = 0;
  for (std::uint32_t i = 0; i < r.size(); ++i) {
    RotorNode& n = rotor_of(r.node(ValidatorIndex{i}));
    EXPECT_TRUE(n.block_done(Slot{1})) << i;
    rejected += n.engine().metrics().dropped(rotor::ShredDrop::bad_merkle_proof);
  }
  EXPECT_GT(rejected, 0u);
}

TEST(Faults, AnEquivocatingLeaderIsReported) {
  const World& w = world();
  auto nodes = *make_rotor_nodes(w.set, engine_config(), {}, Slot{1}, ValidatorIndex{0});
  // Two engines with the leader's key: even validators hear one block, odd ones another.
  auto twin = *make_rotor_node(w.set, engine_config(), {}, Slot{1}, ValidatorIndex{0}, ValidatorIndex{0});
  nodes[0] = std::make_unique<Split>(std::move(nodes[0]), std::move(twin),
                                     [](ValidatorIndex v) { return v.get() % 2 == 0; });
  auto r = *Runner::create(RunnerConfig{}, std::move(nodes), w.topo);
  const Bytes x = block_of(32 * 1024, 1), y = block_of(32 * 1024, 2);
  r.command(ValidatorIndex{0}, TimePoint{}, [&](Node& n, TimePoint now) {
    auto& split = dynamic_cast<Split&>(n);
    EXPECT_TRUE(dynamic_cast<RotorNode&>(split.a()).broadcast_block(Slot{1}, x, now));
    EXPECT_TRUE(dynamic_cast<RotorNode&>(split.b()).broadcast_block(Slot{1}, y, now));
  });
  ASSERT_TRUE(r.run());
  std::size_t reporters = 0;
  for (std::uint32_t i = 1; i < r.size(); ++i)
    reporters += rotor_of(r.node(ValidatorIndex{i})).misbehaviour_reports() > 0 ? 1 : 0;
  EXPECT_GT(reporters, r.size() / 2);  // relays of both versions reach everyone
}

TEST(Faults, PickByStakeStaysWithinTheShareAndKeepsRolesApart) {
  const World& w = world();
  std::vector<Stake> stakes;
  long double total = 0;
  for (const auto& v : w.sui.validators()) {
    stakes.push_back(v.stake);
    total += static_cast<long double>(v.stake.get());
  }
  std::vector<bool> taken(stakes.size(), false);
  taken[0] = true;  // the leader
  const auto crashed = pick_by_stake(stakes, 0.2, 7, taken);
  const auto byz = pick_by_stake(stakes, 0.1, 8, taken);
  auto share = [&](const std::vector<ValidatorIndex>& vs) {
    long double s = 0;
    for (ValidatorIndex v : vs) s += static_cast<long double>(stakes[v.get()].get());
    return static_cast<double>(s / total);
  };
  EXPECT_LE(share(crashed), 0.2);
  EXPECT_GT(share(crashed), 0.15);  // ~100 validators: the budget is nearly filled
  EXPECT_LE(share(byz), 0.1);
  EXPECT_GT(share(byz), 0.05);
  for (ValidatorIndex v : crashed) {
    EXPECT_NE(v.get(), 0u);
    EXPECT_TRUE(std::find(byz.begin(), byz.end(), v) == byz.end());
  }
  // Same seed, same choice; another seed, another one.
  std::vector<bool> again(stakes.size(), false);
  again[0] = true;
  EXPECT_EQ(pick_by_stake(stakes, 0.2, 7, again), crashed);
  std::vector<bool> other(stakes.size(), false);
  other[0] = true;
  EXPECT_NE(pick_by_stake(stakes, 0.2, 8, other), crashed);
  std::vector<bool> none(stakes.size(), false);
  EXPECT_TRUE(pick_by_stake(stakes, 0.0, 7, none).empty());
}

}  // namespace
}  // namespace stakecast::sim
