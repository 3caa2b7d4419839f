// Reading the simulator's data files from disk (issue 6 item 2 and "Bad input"): stake tables in our
// format or the Solana / Sui files, and the ping data; every failure names the file and, where it has
// one, the line. The parsers themselves (core/stake_table.hpp, sim/ping_data.hpp) do no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/result.hpp"
#include "core/stake_table.hpp"
#include "sim/ping_data.hpp"

namespace stakecast::sim {

inline constexpr std::size_t kMaxDataFileBytes = std::size_t{256} << 20;

struct LoadError {
  std::string file;
  std::size_t line = 0;  // 1-based; 0 when the error is not about one line
  std::string detail;
  std::error_code code;
  // "<file>:<line>: <code message>: <detail>"
  std::string message() const;
};

enum class StakeFormat : std::uint8_t {
  stakecast,  // docs/stake-table.md
  solana,     // data/network/solana_epoch*_stake_location.csv
  sui,        // data/network/sui_mainnet_validators.csv
};
// "stakecast", "solana", "sui".
std::optional<StakeFormat> stake_format_from_name(std::string_view name);
// From the file name: contains "solana" -> solana, "sui" -> sui, otherwise stakecast.
StakeFormat guess_stake_format(std::string_view path);

// Errors: io_error (missing, unreadable, or larger than kMaxDataFileBytes).
Result<std::string> read_text_file(const std::string& path, LoadError* err = nullptr);
// Errors: io_error and the StakeTableErrc of the parser.
Result<StakeTable> load_stake_table(const std::string& path, StakeFormat format, LoadError* err = nullptr);
// Errors: io_error, bad_input.
Result<PingData> load_ping_data(const std::string& servers_path, const std::string& pings_path,
                                LoadError* err = nullptr);

// The files shipped in data/network/ of a source tree (data/SOURCES.md).
struct DataFiles {
  std::string dir;  // .../data/network
  std::string solana780() const { return dir + "/solana_epoch780_stake_location.csv"; }
  std::string solana860() const { return dir + "/solana_epoch860_stake_location.csv"; }
  std::string sui() const { return dir + "/sui_mainnet_validators.csv"; }
  std::string ping_servers() const { return dir + "/wonderproxy_servers-2020-07-19.csv"; }
  std::string pings() const { return dir + "/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv"; }
};

}  // namespace stakecast::sim
