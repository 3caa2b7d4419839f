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

// A file written by hand in the documented format (docs/stake-table.md): hex and base58 keys, several and
// no addresses, quoting, optional columns, CRLF, a zero-stake row (dropped), a blank line.
TEST(StakeTable, OurDocumentedFormatByHand) {
  const std::string text =
      "identity_key,stake,region,addrs,name,latitude,longitude\r\n"
      "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c,500,Frankfurt,"
      "/ip4/10.0.0.1/tcp/4001 /dns4/v1.example/udp/9000,\"Validator \"\"one\"\", the first\",50.11,8.68\r\n"
      "HEL1USMZKAL2odpNBj2oCjffnFGaYwmbGmyewGv1e2TU,700,,,,,\r\n"
      "\r\n"
      "1111111111111111111111111111111111111111111111111111111111111111,500,Tokyo,/ip6/::1/tcp/1,,,\r\n"
      "2222222222222222222222222222222222222222222222222222222222222222,0,Nowhere,,,,\r\n";
  Diagnostic d;
  auto t = StakeTable::parse_stakecast_csv(text, &d);
  ASSERT_TRUE(t) << t.error().message() << " line " << d.line << ": " << d.detail;
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ(t->total_stake(), Stake{1700});
  // Stake descending; the two 500s by peer id bytes, i.e. by key (same identity-multihash prefix).
  const auto& v0 = t->validators()[0];
  EXPECT_EQ(to_hex(v0.identity_key), "f12508afa7071fec5fd47f67169db4f96eb59b1b5aec030a454f1190170da6cb");
  EXPECT_EQ(v0.stake, Stake{700});
  EXPECT_TRUE(v0.region.empty());
  EXPECT_TRUE(v0.addrs.empty());
  EXPECT_FALSE(v0.latitude);
  const auto& v1 = t->validators()[1];
  EXPECT_EQ(v1.region, "Tokyo");
  ASSERT_EQ(v1.addrs.size(), 1u);
  EXPECT_EQ(v1.addrs[0].to_string(), "/ip6/::1/tcp/1");
  const auto& v2 = t->validators()[2];
  EXPECT_EQ(v2.peer.to_string(), "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");  // seed 32 x 0x01
  EXPECT_EQ(v2.name, "Validator \"one\", the first");
  EXPECT_EQ(v2.region, "Frankfurt");
  ASSERT_EQ(v2.addrs.size(), 2u);
  EXPECT_EQ(v2.addrs[0].to_string(), "/ip4/10.0.0.1/tcp/4001");
  EXPECT_EQ(v2.addrs[1].to_string(), "/dns4/v1.example/udp/9000");
  EXPECT_NEAR(*v2.latitude, 50.11, 1e-12);
  EXPECT_NEAR(*v2.longitude, 8.68, 1e-12);
  EXPECT_EQ(t->index_of(v2.peer), ValidatorIndex{2});

  // Columns may come in any order; only the four required ones are needed.
  auto reordered = StakeTable::parse_stakecast_csv(
      "addrs,stake,region,identity_key\n/ip4/1.2.3.4/tcp/5,9,Lima,"
      "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c\n");
  ASSERT_TRUE(reordered);
  EXPECT_EQ((*reordered)[ValidatorIndex{0}].region, "Lima");
  EXPECT_EQ((*reordered)[ValidatorIndex{0}].peer, v2.peer);
}

TEST(StakeTable, TooManyValidators) {
  std::vector<Validator> vs(StakeTable::kMaxValidators + 1);
  for (std::size_t i = 0; i < vs.size(); ++i) {
    vs[i].identity_key[0] = static_cast<std::uint8_t>(i);
    vs[i].identity_key[1] = static_cast<std::uint8_t>(i >> 8);
    vs[i].identity_key[2] = static_cast<std::uint8_t>(i >> 16);
    vs[i].peer = PeerId::from_ed25519(vs[i].identity_key);
    vs[i].stake = Stake{1};
  }
  Diagnostic d;
  EXPECT_EQ(StakeTable::from_validators(vs, &d).error(), StakeTableErrc::too_many);
  vs.pop_back();
  EXPECT_TRUE(StakeTable::from_validators(std::move(vs)));
}

// The imported formats reject what they cannot read, with the line: the header and first row of the
// shipped files, then one field broken at a time.
TEST(StakeTable, ImportedFormatsRejectBadRows) {
  const std::string sol_header =
      "rank,identity_pubkey,vote_pubkey,active_stake_lamports,stake_fraction,latitude,longitude,data_center_"
      "key,"
      "nearest_wonderproxy_server_id,nearest_wonderproxy_location,nearest_server_distance_km\n";
  const std::string sol_row =
      "1,HEL1USMZKAL2odpNBj2oCjffnFGaYwmbGmyewGv1e2TU,he1iusunGwqrNtafDtLdhsUQDFvo13z9sUa36PauBtk,"
      "13780932133472796,0.03536266,50.1957,8.6805,20326-DE-Frankfurt am Main,29,Frankfurt,8.8\n";
  Diagnostic d;
  ASSERT_TRUE(StakeTable::parse_solana_csv(sol_header + sol_row));
  auto broken = [&](std::string row, const std::string& from, const std::string& to) {
    row.replace(row.find(from), from.size(), to);
    return row;
  };
  EXPECT_EQ(
      StakeTable::parse_solana_csv(sol_header + sol_row + broken(sol_row, "HEL1USMZKAL2", "0OIl0OIl0OIl"), &d)
          .error(),
      StakeTableErrc::bad_row);
  EXPECT_EQ(d.line, 3u);
  EXPECT_EQ(d.detail, "bad identity_pubkey");
  EXPECT_EQ(
      StakeTable::parse_solana_csv(sol_header + broken(sol_row, "13780932133472796", "1.5e9"), &d).error(),
      StakeTableErrc::bad_row);
  EXPECT_EQ(d.detail, "bad active_stake_lamports");
  EXPECT_EQ(StakeTable::parse_solana_csv(sol_header + broken(sol_row, ",29,", ",-1,"), &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(d.detail, "bad nearest_wonderproxy_server_id");
  EXPECT_EQ(StakeTable::parse_solana_csv(broken(sol_header, "active_stake_lamports", "stake") + sol_row, &d)
                .error(),
            StakeTableErrc::bad_header);

  const std::string sui_header = "name,stake,address,ip,cloud,city,country,coords,ping\n";
  const std::string sui_row =
      "Mysten-1,235248877.446939,/dns/mysten-1.mainnet.sui.io/tcp/8080/http,45.63.91.154,"
      "\"The Constant Company, LLC\",Santa Clara,US,\"37.3924,-121.9623\",0\n";
  ASSERT_TRUE(StakeTable::parse_sui_csv(sui_header + sui_row));
  EXPECT_EQ(StakeTable::parse_sui_csv(sui_header + broken(sui_row, "235248877.446939", "lots"), &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(d.line, 2u);
  EXPECT_EQ(d.detail, "bad stake");
  EXPECT_EQ(StakeTable::parse_sui_csv(sui_header + broken(sui_row, "235248877.446939", "-3"), &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(StakeTable::parse_sui_csv(sui_header + broken(sui_row, "Mysten-1", ""), &d).error(),
            StakeTableErrc::bad_row);
  EXPECT_EQ(d.detail, "empty name");
  EXPECT_EQ(StakeTable::parse_sui_csv(sui_header + sui_row + sui_row, &d).error(),
            StakeTableErrc::duplicate_validator);
  EXPECT_EQ(StakeTable::parse_sui_csv(broken(sui_header, "coords", "where") + sui_row, &d).error(),
            StakeTableErrc::bad_header);
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
