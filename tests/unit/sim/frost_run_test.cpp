#include "sim/frost_run.hpp"

#include <gtest/gtest.h>

#include "sim/data_files.hpp"
#include "sim/topology.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

StakeTable top(std::size_t n) {
  auto sui = *load_stake_table(kFiles.sui(), StakeFormat::sui);
  std::vector<Validator> v(sui.validators().begin(),
                           sui.validators().begin() + static_cast<std::ptrdiff_t>(n));
  return *StakeTable::from_validators(std::move(v));
}

TEST(FrostRun, CoordinatedSessionTakesFourHopsPlusTheModelledCpu) {
  const StakeTable t = top(20);
  auto keys = deal_frost_keys(crypto::frost::SuiteId::ed25519, 20, 14, 1);
  ASSERT_TRUE(keys);
  auto lat = std::make_shared<const ConstantLatency>(std::chrono::milliseconds(10));
  FrostRunConfig c;
  auto r = run_frost(t, lat, *keys, c);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(r->latency);
  EXPECT_EQ(*r->latency, std::chrono::milliseconds(40));  // opening, commitments, package, shares
  EXPECT_TRUE(r->verified);
  EXPECT_EQ(r->signers, 14u);
  EXPECT_EQ(r->attempts, 1);
  // With CPU: strictly slower, by at least the work on the critical path (the coordinator builds one
  // package and checks the last share; a signer builds one package and signs).
  c.cpu.package_per_signer = std::chrono::microseconds(100);
  c.cpu.sign_share = std::chrono::microseconds(50);
  c.cpu.verify_share = std::chrono::microseconds(80);
  auto slow = run_frost(t, lat, *keys, c);
  ASSERT_TRUE(slow && slow->latency);
  EXPECT_GE(*slow->latency,
            *r->latency + 2 * 14 * std::chrono::microseconds(100) + std::chrono::microseconds(130));
  EXPECT_TRUE(slow->verified);
}

TEST(FrostRun, CrashedSignerCostsOneAttemptAndRunsAreDeterministic) {
  const StakeTable t = top(12);
  auto keys = *deal_frost_keys(crypto::frost::SuiteId::ristretto255, 12, 8, 2);
  auto lat = std::make_shared<const ConstantLatency>(std::chrono::milliseconds(10));
  FrostRunConfig c;
  c.invite = 8;
  c.crashed = {ValidatorIndex{3}};
  c.attempt_timeout = std::chrono::milliseconds(200);
  auto a = run_frost(t, lat, keys, c);
  auto b = run_frost(t, lat, keys, c);
  ASSERT_TRUE(a && b && a->latency);
  EXPECT_EQ(a->attempts, 2);
  EXPECT_EQ(a->excluded, 1u);
  EXPECT_EQ(*a->latency, std::chrono::milliseconds(240));
  EXPECT_TRUE(a->verified);
  EXPECT_EQ(a->trace, b->trace);
  EXPECT_EQ(a->latency, b->latency);
}

TEST(FrostRun, RealLatenciesAndBroadcastMode) {
  auto pings = *load_ping_data(kFiles.ping_servers(), kFiles.pings());
  const StakeTable t = top(30);
  auto topo = std::make_shared<const Topology>(*Topology::build(t, pings, HopDelay::half_rtt));
  auto keys = *deal_frost_keys(crypto::frost::SuiteId::ed25519, 30, 20, 3);
  FrostRunConfig c;
  auto coordinated = run_frost(t, topo, keys, c);
  c.mode = frost::FrostMode::broadcast;
  c.invite = 20;
  auto broadcast = run_frost(t, topo, keys, c);
  ASSERT_TRUE(coordinated && coordinated->latency && broadcast && broadcast->latency);
  EXPECT_TRUE(coordinated->verified);
  EXPECT_TRUE(broadcast->verified);
  EXPECT_GT(*coordinated->latency, Duration{0});
  EXPECT_EQ(broadcast->signers, 20u);
}

TEST(FrostRun, BadConfigurationIsRejected) {
  const StakeTable t = top(5);
  auto keys = *deal_frost_keys(crypto::frost::SuiteId::ed25519, 4, 3, 1);
  auto lat = std::make_shared<const ConstantLatency>(std::chrono::milliseconds(1));
  EXPECT_EQ(run_frost(t, lat, keys, {}).error(), SimErrc::invalid_config);
  auto keys5 = *deal_frost_keys(crypto::frost::SuiteId::ed25519, 5, 3, 1);
  FrostRunConfig c;
  c.coordinator = ValidatorIndex{5};
  EXPECT_EQ(run_frost(t, lat, keys5, c).error(), SimErrc::invalid_config);
}

}  // namespace
}  // namespace stakecast::sim
