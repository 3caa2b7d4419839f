#include "core/stake_table.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace stakecast {
namespace {

std::string read_data(const std::string& rel) {
  std::ifstream f(std::string(STAKECAST_SOURCE_DIR) + "/data/network/" + rel);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void expect_sorted(const StakeTable& t) {
  for (std::size_t i = 1; i < t.size(); ++i) {
    const auto& a = t.validators()[i - 1];
    const auto& b = t.validators()[i];
    ASSERT_TRUE(a.stake > b.stake || (a.stake == b.stake && a.peer < b.peer)) << i;
  }
}

TEST(StakeTable, SolanaEpoch780) {
  Diagnostic d;
  auto t = StakeTable::parse_solana_csv(read_data("solana_epoch780_stake_location.csv"), &d);
  ASSERT_TRUE(t) << t.error().message() << " line " << d.line << ": " << d.detail;
  EXPECT_EQ(t->size(), 1283u);
  // data/SOURCES.md: 389.70 M SOL active stake.
  EXPECT_NEAR(static_cast<double>(t->total_stake().get()) / 1e15, 389.70, 0.01);
  const auto& top = t->validators()[0];
  EXPECT_EQ(top.name, "HEL1USMZKAL2odpNBj2oCjffnFGaYwmbGmyewGv1e2TU");
  EXPECT_EQ(top.stake, Stake{13780932133472796ULL});
  EXPECT_EQ(top.region, "Frankfurt");
  EXPECT_EQ(top.ping_server, 29);
  EXPECT_EQ(top.peer, PeerId::from_ed25519(top.identity_key));
  EXPECT_EQ(t->index_of(top.peer), ValidatorIndex{0});
  expect_sorted(*t);
  std::size_t unmapped = 0;
  for (const auto& v : t->validators()) unmapped += v.ping_server ? 0 : 1;
  EXPECT_EQ(unmapped, 7u);  // rows without coordinates in the derived table (0.08% of stake)
}

TEST(StakeTable, SolanaEpoch860AndSui) {
  auto t860 = StakeTable::parse_solana_csv(read_data("solana_epoch860_stake_location.csv"));
  ASSERT_TRUE(t860);
  EXPECT_EQ(t860->size(), 954u);
  EXPECT_NEAR(static_cast<double>(t860->total_stake().get()) / 1e15, 414.46, 0.01);
  auto sui = StakeTable::parse_sui_csv(read_data("sui_mainnet_validators.csv"));
  ASSERT_TRUE(sui);
  EXPECT_EQ(sui->size(), 106u);
  EXPECT_EQ(sui->validators()[0].name, "Mysten-1");
  EXPECT_EQ(sui->validators()[0].region, "Santa Clara");
  ASSERT_EQ(sui->validators()[0].addrs.size(), 1u);
  EXPECT_EQ(sui->validators()[0].addrs[0].to_string(), "/dns/mysten-1.mainnet.sui.io/tcp/8080");
  EXPECT_NEAR(*sui->validators()[0].latitude, 37.3924, 1e-9);
  expect_sorted(*sui);
}

TEST(StakeTable, OurFormatRoundTrips) {
  auto sui = StakeTable::parse_sui_csv(read_data("sui_mainnet_validators.csv"));
  ASSERT_TRUE(sui);
  Diagnostic d;
  auto again = StakeTable::parse_stakecast_csv(sui->to_stakecast_csv(), &d);
  ASSERT_TRUE(again) << d.line << ": " << d.detail;
  ASSERT_EQ(again->size(), sui->size());
  for (std::size_t i = 0; i < sui->size(); ++i) {
    const auto& a = sui->validators()[i];
    const auto& b = again->validators()[i];
    EXPECT_EQ(a.peer, b.peer);
    EXPECT_EQ(a.stake, b.stake);
    EXPECT_EQ(a.region, b.region);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.addrs, b.addrs);
  }
}

TEST(StakeTable, ErrorsNameTheLine) {
  const std::string key = std::string(64, 'a');
  const std::string header = "identity_key,stake,region,addrs\n";
  Diagnostic d;
  EXPECT_EQ(StakeTable::parse_stakecast_csv("identity_key,stake\n", &d).error(), StakeTableErrc::bad_header);
  EXPECT_EQ(d.detail, "missing column region");
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",10,x,\n" + key + ",ten,y,\n", &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(d.line, 3u);
  EXPECT_EQ(d.detail, "bad stake");
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + "zz,10,x,\n", &d).error(), StakeTableErrc::bad_row);
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",10,x,/ip4/1.2.3/tcp/1\n", &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",10,x,\n" + key + ",5,y,\n", &d).error(),
            StakeTableErrc::duplicate_validator);
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",0,x,\n", &d).error(), StakeTableErrc::empty);
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",10,\"x,\n", &d).error(),
            StakeTableErrc::bad_row);
  const std::string k2 = std::string(64, 'b');
  EXPECT_EQ(StakeTable::parse_stakecast_csv(header + key + ",18446744073709551615,x,\n" + k2 + ",1,y,\n", &d)
                .error(),
            StakeTableErrc::stake_overflow);
}

}  // namespace
}  // namespace stakecast
