// The validator set with stake: peer id, Ed25519 identity key, stake, region and addresses per validator,
// in ValidatorIndex order = stake descending, ties by peer id bytes (deterministic across nodes).
// Parsers take file contents (no I/O here) and report the line of the first error through a Diagnostic.
// Formats: ours (docs/stake-table.md), the Solana derived stake/location tables, the Sui validator CSV.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"
#include "core/multiaddr.hpp"
#include "core/peer_id.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"

namespace stakecast {

enum class StakeTableErrc {
  empty = 1,            // no validator with stake
  bad_header,           // a required column is missing
  bad_row,              // malformed CSV or a field that does not parse
  duplicate_validator,  // one peer id twice
  stake_overflow,       // total stake above 2^64 - 1
  too_many,             // more than kMaxValidators
};
const char* describe(StakeTableErrc e);
STAKECAST_ERRC_FUNCS(StakeTableErrc, "stake_table")

struct Diagnostic {
  std::size_t line = 0;  // 1-based line of the offending row (0: not line-specific)
  std::string detail;
};

struct Validator {
  PeerId peer;
  std::array<std::uint8_t, 32> identity_key{};  // Ed25519 public key the peer id is derived from
  Stake stake{0};
  std::string name;
  std::string region;  // city of the nearest ping server, or the data's own city
  std::vector<Multiaddr> addrs;
  std::optional<double> latitude, longitude;
  std::optional<int> ping_server;  // WonderProxy server id, if the data maps it
};

class StakeTable {
 public:
  static constexpr std::size_t kMaxValidators = 1u << 16;

  // Sorts, drops zero-stake entries, checks duplicates and totals. Errors: empty, duplicate_validator,
  // stake_overflow, too_many.
  static Result<StakeTable> from_validators(std::vector<Validator> validators, Diagnostic* diag = nullptr);

  // Our format: CSV with header `identity_key,stake,region,addrs[,name,latitude,longitude]`; identity_key
  // in hex (64 chars) or base58, addrs space-separated multiaddrs. Errors: bad_header, bad_row, + above.
  static Result<StakeTable> parse_stakecast_csv(std::string_view text, Diagnostic* diag = nullptr);
  // solana_epoch*_stake_location.csv (data/SOURCES.md). Stake in lamports.
  static Result<StakeTable> parse_solana_csv(std::string_view text, Diagnostic* diag = nullptr);
  // sui_mainnet_validators.csv. Stake in MIST (SUI x 1e9); identity keys are synthetic: the Ed25519 key
  // with seed SHA-256("stakecast-sui-validator:" || name), since the file has no libp2p keys.
  static Result<StakeTable> parse_sui_csv(std::string_view text, Diagnostic* diag = nullptr);

  std::size_t size() const { return validators_.size(); }
  const Validator& operator[](ValidatorIndex i) const { return validators_[i.get()]; }
  const std::vector<Validator>& validators() const { return validators_; }
  Stake total_stake() const { return total_; }
  std::optional<ValidatorIndex> index_of(const PeerId& peer) const;
  // Our CSV format, so any table can be saved and reloaded.
  std::string to_stakecast_csv() const;

 private:
  std::vector<Validator> validators_;
  Stake total_{0};
};

}  // namespace stakecast

STAKECAST_ERRC_ENUM(stakecast::StakeTableErrc)
