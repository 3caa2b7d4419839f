#include "sim/data_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "sim/runner.hpp"

namespace stakecast::sim {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(DataFiles, FormatsByNameAndByFileName) {
  EXPECT_EQ(stake_format_from_name("sui"), StakeFormat::sui);
  EXPECT_EQ(stake_format_from_name("solana"), StakeFormat::solana);
  EXPECT_EQ(stake_format_from_name("stakecast"), StakeFormat::stakecast);
  EXPECT_FALSE(stake_format_from_name("json"));
  EXPECT_EQ(guess_stake_format("data/network/solana_epoch780_stake_location.csv"), StakeFormat::solana);
  EXPECT_EQ(guess_stake_format("/x/sui_mainnet_validators.csv"), StakeFormat::sui);
  EXPECT_EQ(guess_stake_format("/solana/mine.csv"), StakeFormat::stakecast);  // the directory does not count
}

TEST(DataFiles, ErrorsNameTheFileAndLine) {
  LoadError err;
  EXPECT_EQ(load_stake_table("/nonexistent/stake.csv", StakeFormat::stakecast, &err).error(),
            SimErrc::io_error);
  EXPECT_EQ(err.file, "/nonexistent/stake.csv");
  EXPECT_NE(err.message().find("/nonexistent/stake.csv"), std::string::npos);

  const std::string key(64, 'a');
  const std::string bad =
      write_temp("stake_bad.csv", "identity_key,stake,region,addrs\n" + key + ",10,x,\n" + key + ",ten,y,\n");
  EXPECT_EQ(load_stake_table(bad, StakeFormat::stakecast, &err).error(), StakeTableErrc::bad_row);
  EXPECT_EQ(err.line, 3u);
  EXPECT_EQ(err.message(), bad + ":3: malformed stake table row: bad stake");

  const std::string servers =
      write_temp("servers.csv", "id,name,title,location,country,latitude,longitude\n1,A,A,A,X,1,1\n");
  const std::string pings = write_temp("pings.csv", "source,destination,avg\n1,1,0.1\n1,1,oops\n");
  EXPECT_EQ(load_ping_data(servers, pings, &err).error(), SimErrc::bad_input);
  EXPECT_EQ(err.file, pings);
  EXPECT_EQ(err.line, 3u);
  EXPECT_EQ(load_ping_data(servers + ".missing", pings, &err).error(), SimErrc::io_error);
  EXPECT_EQ(err.file, servers + ".missing");
}

}  // namespace
}  // namespace stakecast::sim
