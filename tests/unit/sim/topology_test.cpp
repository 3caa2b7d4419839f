#include "sim/topology.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sim/data_files.hpp"

namespace stakecast::sim {
namespace {

const DataFiles kFiles{std::string(STAKECAST_SOURCE_DIR) + "/data/network"};

struct Data {
  PingData pings;
  StakeTable solana, sui;
};
const Data& data() {
  static const Data d{*load_ping_data(kFiles.ping_servers(), kFiles.pings()),
                      *load_stake_table(kFiles.solana780(), StakeFormat::solana),
                      *load_stake_table(kFiles.sui(), StakeFormat::sui)};
  return d;
}

TEST(Topology, PlacesSolanaValidatorsAtTheirPingServers) {
  const Data& d = data();
  Diagnostic diag;
  auto t = Topology::build(d.solana, d.pings, HopDelay::half_rtt, &diag);
  ASSERT_TRUE(t) << diag.detail;
  const auto& rep = t->report();
  EXPECT_EQ(rep.from_table, 1276u);
  EXPECT_EQ(rep.unlocated, 7u);  // no coordinates in the data (data/SOURCES.md)
  EXPECT_EQ(rep.by_distance, 0u);
  EXPECT_EQ(rep.sites, 84u);
  EXPECT_EQ(rep.estimated_pairs, 0u);  // every pair of these 84 servers was measured one way or the other
  EXPECT_GE(rep.reverse_pairs, 1u);
  for (std::uint32_t i = 0; i < d.solana.size(); ++i) {
    const auto& v = d.solana.validators()[i];
    if (v.ping_server) {
      EXPECT_EQ(t->server_of(ValidatorIndex{i}), *v.ping_server);
    }
  }
  // Unlocated validators sit at the site with most stake.
  std::map<int, std::uint64_t> stake;
  for (std::uint32_t i = 0; i < d.solana.size(); ++i)
    if (d.solana.validators()[i].ping_server)
      stake[*d.solana.validators()[i].ping_server] += d.solana.validators()[i].stake.get();
  int heaviest = stake.begin()->first;
  for (const auto& [id, s] : stake)
    if (s > stake[heaviest]) heaviest = id;
  for (std::uint32_t i = 0; i < d.solana.size(); ++i)
    if (!d.solana.validators()[i].ping_server) {
      EXPECT_EQ(t->server_of(ValidatorIndex{i}), heaviest);
    }
}

TEST(Topology, OneWayIsHalfTheRttOrTheFullRtt) {
  const Data& d = data();
  auto half = Topology::build(d.solana, d.pings, HopDelay::half_rtt);
  auto full = Topology::build(d.solana, d.pings, HopDelay::rtt);
  ASSERT_TRUE(half && full);
  for (std::uint32_t a = 0; a < d.solana.size(); a += 37) {
    for (std::uint32_t b = 0; b < d.solana.size(); b += 41) {
      const ValidatorIndex va{a}, vb{b};
      const double rtt = d.pings.rtt(half->server_of(va), half->server_of(vb))->ms;
      EXPECT_EQ(full->one_way(va, vb), Duration(std::llround(rtt * 1e6)));
      EXPECT_EQ(half->one_way(va, vb), Duration(std::llround(rtt * 0.5e6)));
    }
  }
  // Frankfurt (heaviest validator) to Herndon (second): a transatlantic one-way delay.
  const Duration fra_iad = half->one_way(ValidatorIndex{0}, ValidatorIndex{1});
  EXPECT_GT(fra_iad, std::chrono::milliseconds(35));
  EXPECT_LT(fra_iad, std::chrono::milliseconds(60));
}

TEST(Topology, SuiValidatorsArePlacedByDistance) {
  const Data& d = data();
  auto t = Topology::build(d.sui, d.pings, HopDelay::half_rtt);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->report().by_distance, 106u);
  for (std::uint32_t i = 0; i < d.sui.size(); ++i) {
    const auto& v = d.sui.validators()[i];
    EXPECT_EQ(t->server_of(ValidatorIndex{i}), *d.pings.nearest_server(*v.latitude, *v.longitude));
  }
}

TEST(Topology, NoLocationAtAllIsAnError) {
  const std::string key(64, 'a');
  auto table = StakeTable::parse_stakecast_csv("identity_key,stake,region,addrs\n" + key + ",10,x,\n");
  ASSERT_TRUE(table);
  Diagnostic diag;
  EXPECT_EQ(Topology::build(*table, data().pings, HopDelay::half_rtt, &diag).error(), SimErrc::bad_input);
  EXPECT_FALSE(diag.detail.empty());
}

TEST(Topology, PaperSubsetDropsUnlocatedValidatorsAndServersWithAMissingPair) {
  const Data& d = data();
  std::size_t dropped = 0;
  auto sub = paper_validator_subset(d.solana, d.pings, &dropped);
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->size() + dropped, d.solana.size());
  // Every validator left has a server, and every pair of occupied servers was measured both ways.
  std::vector<int> servers;
  for (const auto& v : sub->validators()) {
    ASSERT_TRUE(v.ping_server);
    servers.push_back(*v.ping_server);
  }
  for (int a : servers)
    for (int b : servers)
      if (a != b) {
        ASSERT_TRUE(d.pings.measured_rtt_ms(a, b)) << a << " -> " << b;
      }
  // The 7 without coordinates, and everyone at the two servers whose pair lacks one direction (the
  // topology counts it as a reverse pair): the kept set is smaller than the located one.
  EXPECT_GT(dropped, 7u);
  // Order (by stake) is kept.
  for (std::size_t i = 1; i < sub->size(); ++i)
    EXPECT_GE(sub->validators()[i - 1].stake.get(), sub->validators()[i].stake.get());
  // Nothing placeable: an error.
  auto t = StakeTable::parse_stakecast_csv(
      "identity_key,stake,region,addrs\n"
      "0000000000000000000000000000000000000000000000000000000000000001,100,,\n"
      "0000000000000000000000000000000000000000000000000000000000000002,200,,\n");
  ASSERT_TRUE(t);
  EXPECT_FALSE(paper_validator_subset(*t, d.pings));
}

}  // namespace
}  // namespace stakecast::sim
