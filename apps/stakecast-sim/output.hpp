// stakecast-sim output: per-run summaries, the terminal tables, CSV per run, JSON and gnuplot PNGs.
// Field names are documented in the README (Simulator).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/block_run.hpp"

namespace stakecast::simapp {

struct Setup {
  std::string stake_file;
  std::size_t validators = 0;
  std::string hop;
  std::size_t block_bytes = 0;
  unsigned gamma = 0, total = 0;
  std::size_t shred_bytes = 0;
  unsigned fanout = 0;
  double upload_mbps = 0, download_mbps = 0;
  std::string uplink;
  std::uint64_t seed = 0;
  unsigned runs = 0;
  bool votes = false;
  std::string leader;
  std::string leader_block = "broadcast";  // --leader-block
  std::string unplaced = "keep";           // --unplaced
  std::size_t dropped = 0;                 // validators --unplaced drop removed
  bool upload_by_stake = false;            // --upload-by-stake
  double crash = 0, byzantine_share = 0, partition = 0, loss = 0, jitter_ms = 0;
  std::string byzantine = "";          // withhold, corrupt or empty
  double cpu_s = 0, peak_rss_mib = 0;  // the whole process, filled in at the end
};

// The faulty validators of one run (the same for every strategy).
struct Faults {
  std::vector<ValidatorIndex> crashed, withholding, corrupting;
  std::vector<std::uint32_t> partition;  // group per validator (1: cut off); empty: none
};

struct RunRecord {
  unsigned run = 0;
  ValidatorIndex leader;
  Slot slot;
  sim::BlockRunResult result;
  double wall_s = 0;
  Faults faults{};
};

// Bytes sent by role: the leader, the validators that forwarded shreds for others, everyone else.
struct RoleBytes {
  std::uint64_t leader = 0;
  std::size_t relays = 0;
  std::uint64_t relay_median = 0, relay_max = 0, others_median = 0, others_max = 0;
};

struct RunSummary {
  unsigned run = 0;
  std::uint32_t leader = 0;
  std::uint64_t slot = 0;
  sim::Spread block;
  std::size_t complete = 0;
  double amplification = 0, leader_upload = 0;
  RoleBytes bytes;
  std::uint64_t events = 0, messages = 0;
  double wall_s = 0;
  std::string trace;
  std::optional<sim::Spread> notar, final;
  std::size_t fast = 0, slow = 0;
  // Faults: validators and their share of the stake per role, the live ones (not crashed, not the leader),
  // shreds rejected by checks and misbehaviour reports.
  std::size_t crashed = 0, byzantine = 0, partitioned = 0, live = 0;
  double crashed_stake = 0, byzantine_stake = 0, partitioned_stake = 0;
  std::uint64_t shreds_rejected = 0, misbehaviour = 0;
  std::vector<sim::SlotRun> slots;  // mixed workload
};

struct StrategyRuns {
  std::string name;
  std::vector<RunSummary> runs;
  std::optional<RunRecord> first;  // kept for the plots
};

RunSummary summarize(const RunRecord& r, const std::vector<Stake>& stakes, std::size_t block_bytes);

void print_run_header(bool votes);
void print_run_row(const std::string& strategy, const RunRecord& r, bool votes);
// The mean over runs per strategy (a figure some run never reached shows as "never").
void print_summary(const Setup& s, const std::vector<StrategyRuns>& all);

// Mixed workload: per slot, block arrival and finalization (stake 50/80/100%, means over runs) and the
// spread of the per-slot values.
void print_slots(const std::vector<StrategyRuns>& all);

// One row per validator: index, stake, role, block/notarized/finalized times (ms), bytes in and out.
bool write_run_csv(const std::string& path, const std::vector<Stake>& stakes, const RunRecord& r);
bool write_json(const std::string& path, const Setup& s, const std::vector<StrategyRuns>& all);

bool gnuplot_available();
// arrival_cdf.png (stake-weighted CDF of block arrival per strategy), bytes_per_node.png (bytes sent per
// validator, sorted, per strategy) and with votes finalization_cdf.png, from each strategy's first run.
bool write_plots(const std::string& dir, const std::vector<Stake>& stakes,
                 const std::vector<StrategyRuns>& all, bool votes, std::string* why);

}  // namespace stakecast::simapp
