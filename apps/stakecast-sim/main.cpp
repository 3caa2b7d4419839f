// stakecast-sim: block dissemination over real stake and real latencies, strategies side by side, with an
// optional Alpenglow-style vote workload (issue 6 items 3-8). Every strategy runs the same seeded runs;
// the tables, --json, --csv and --plot report stake-weighted arrival and finalization times, node
// percentiles, bytes per role and amplification. Design: docs/simulator.md; validation against the
// Alpenglow paper: docs/sim-validation.md.
#include <sys/resource.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frost_workload.hpp"
#include "output.hpp"
#include "sim/block_run.hpp"
#include "sim/data_files.hpp"
#include "sim/faults.hpp"
#include "sim/topology.hpp"

namespace {

using namespace stakecast;
using namespace stakecast::sim;
using namespace stakecast::simapp;

struct Options {
  std::string data_dir = STAKECAST_DATA_DIR;
  std::string stake;  // default: the Solana epoch 780 table in data_dir
  std::string stake_format = "auto";
  std::string leader = "random";
  std::string hop = "half-rtt";
  std::string leader_block = "broadcast";
  std::string unplaced = "keep";
  std::vector<std::string> strategies{"rotor-psp", "rotor-iid", "turbine", "direct"};
  std::size_t block_bytes = 1u << 20;
  unsigned gamma = 32;
  double kappa = 2.0;
  unsigned total_shreds = 0;  // Gamma; 0 = kappa x gamma
  std::size_t shred_bytes = 1024;
  unsigned fanout = 200;
  unsigned gossip_dials = 20;
  std::uint64_t seed = 1;
  unsigned runs = 1;
  double upload_mbps = 0, download_mbps = 0;
  bool upload_by_stake = false;
  std::string uplink = "fifo";
  double cpu_shred_us = 0, cpu_slice_us = 0, cpu_leader_shred_us = 0, cpu_vote_us = 0;
  bool votes = false, no_certificates = false;
  unsigned vote_bytes = 192, cert_bytes = 448;
  std::string json_path, csv_dir, plot_dir;
  std::string progress = "auto";
  bool per_run = false;
  double crash = 0, byzantine_share = 0, loss = 0, jitter_ms = 0, partition = 0;
  std::vector<std::string> byzantine;  // MODE SHARE
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "stakecast-sim: %s\n", msg.c_str());
  std::exit(2);
}

// A stake share given on the command line: [0, 1).
void check_share(const char* flag, double v) {
  if (!(v >= 0.0 && v < 1.0))
    die(std::string(flag) + " " + std::to_string(v) + ": a share of the stake in [0, 1)");
}

// The leader of run `run`: an index, the heaviest validator at (or nearest to) a city's ping server, or
// a stake-weighted draw from the seed.
ValidatorIndex pick_leader(const Options& o, const StakeTable& table, const Topology& topo,
                           const PingData& pings, unsigned run) {
  const std::string& l = o.leader;
  if (!l.empty() && std::all_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (l.size() > 9 || std::stoul(l) >= table.size())
      die("--leader " + l + ": the stake table has " + std::to_string(table.size()) + " validators (0.." +
          std::to_string(table.size() - 1) + ")");
    return ValidatorIndex{static_cast<std::uint32_t>(std::stoul(l))};
  }
  if (l == "random") {
    std::uint8_t material[12];
    store_le64(material, o.seed);
    store_le32(material + 8, run);
    auto rng = DeterministicRng::from_label("stakecast/sim/leader", material);
    std::uint64_t x = rng.uniform(table.total_stake().get());
    for (std::uint32_t i = 0; i < table.size(); ++i) {
      if (x < table.validators()[i].stake.get()) return ValidatorIndex{i};
      x -= table.validators()[i].stake.get();
    }
    return ValidatorIndex{0};
  }
  auto city = pings.find_city(l);
  if (!city) die("--leader " + l + ": not an index, 'random' or a city of the ping data");
  const PingServer* want = pings.server(*city);
  // Validators are in stake order, so the first one at the closest occupied server is the heaviest there.
  double best = 1e300;
  std::optional<ValidatorIndex> pick;
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    const PingServer* s = pings.server(topo.server_of(ValidatorIndex{i}));
    const double d = haversine_m(want->latitude, want->longitude, s->latitude, s->longitude);
    if (d < best) {
      best = d;
      pick = ValidatorIndex{i};
    }
  }
  return *pick;
}

// Progress on stderr, only when it is a terminal (or forced): one line rewritten in place.
class Progress {
 public:
  Progress(bool on, std::size_t total) : on_(on), total_(total) {}
  void update(std::size_t done, const std::string& what, std::uint64_t events, TimePoint now) {
    if (!on_) return;
    constexpr int kWidth = 24;
    const int filled = total_ ? static_cast<int>(kWidth * done / total_) : 0;
    std::fprintf(stderr, "\r[%-*s] %zu/%zu %-22s %9.2fM events  t=%8.1f ms", kWidth,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), done, total_, what.c_str(),
                 static_cast<double>(events) / 1e6, to_ms(now - TimePoint{}));
    std::fflush(stderr);
  }
  void finish() {
    if (on_) std::fprintf(stderr, "\r%*s\r", 100, "");
  }

 private:
  bool on_;
  std::size_t total_;
};

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"stakecast-sim: block dissemination strategies over real stake and latencies"};
  Options o;
  app.add_option("--data-dir", o.data_dir, "directory with the shipped data files")->capture_default_str();
  app.add_option("--stake", o.stake, "stake table (default: Solana epoch 780 from --data-dir)");
  app.add_option("--stake-format", o.stake_format, "auto, stakecast, solana or sui")->capture_default_str();
  app.add_option("--leader", o.leader, "random (stake-weighted), a validator index, or a city such as zurich")
      ->capture_default_str();
  app.add_option("--hop", o.hop, "one-way delay per hop: half-rtt or rtt (the Alpenglow paper's convention)")
      ->capture_default_str();
  app.add_option(
         "--leader-block", o.leader_block,
         "when a Rotor leader has its own block and votes: broadcast, or relays (when gamma shreds of "
         "every slice came back through relays, the Alpenglow paper simulator's convention)")
      ->capture_default_str();
  app.add_option("--unplaced", o.unplaced,
                 "keep (unlocated validators at the heaviest site, a missing ping pair from the reverse "
                 "direction) or drop them and every validator at a server with a missing pair (the paper's)")
      ->capture_default_str();
  app.add_option("--strategies", o.strategies, "rotor-psp, rotor-iid, turbine, gossipsub, direct")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--block-size", o.block_bytes, "block bytes")->capture_default_str();
  app.add_option("--gamma", o.gamma, "data shreds per slice (gamma)")->capture_default_str();
  app.add_option("--kappa", o.kappa, "coding ratio: Gamma = kappa x gamma shreds per slice")
      ->capture_default_str();
  app.add_option("--total-shreds", o.total_shreds, "Gamma, shreds per slice (overrides --kappa)");
  app.add_option("--shred-size", o.shred_bytes, "payload bytes per shred")->capture_default_str();
  app.add_option("--fanout", o.fanout, "Turbine tree fanout")->capture_default_str();
  app.add_option("--gossip-dials", o.gossip_dials, "gossipsub: random peers each node dials (degree ~2x)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed of block contents, leader draws, loss and jitter")
      ->capture_default_str();
  app.add_option("--runs", o.runs, "runs per strategy (slot, block and leader draw change per run)")
      ->capture_default_str();
  app.add_option("--upload-mbps", o.upload_mbps, "per-node upload, Mbit/s (0 = unlimited)")
      ->capture_default_str();
  app.add_flag("--upload-by-stake", o.upload_by_stake,
               "upload proportional to stake (Alpenglow's assumption): --upload-mbps x N x stake share, "
               "at least 10 Mbit/s; the mean stays about --upload-mbps");
  app.add_option("--download-mbps", o.download_mbps, "per-node download, Mbit/s (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--uplink", o.uplink, "fifo or prio (the real egress scheduler)")->capture_default_str();
  app.add_option("--cpu-shred-us", o.cpu_shred_us, "Rotor: CPU per shred received, microseconds");
  app.add_option("--cpu-slice-us", o.cpu_slice_us, "Rotor: CPU per slice decoded, microseconds");
  app.add_option("--cpu-leader-shred-us", o.cpu_leader_shred_us, "Rotor: leader CPU per shred, microseconds");
  app.add_flag("--votes", o.votes, "add the Alpenglow-style vote workload and report finalization");
  app.add_option("--vote-bytes", o.vote_bytes, "bytes per vote")->capture_default_str();
  app.add_option("--cert-bytes", o.cert_bytes, "bytes per certificate")->capture_default_str();
  app.add_flag("--no-certificates", o.no_certificates, "votes only: nobody forwards assembled certificates");
  app.add_option("--cpu-vote-us", o.cpu_vote_us, "CPU per vote or certificate received, microseconds");
  app.add_option("--json", o.json_path, "write per-strategy results as JSON to this file");
  app.add_option("--csv", o.csv_dir, "write one CSV per strategy and run (one row per validator) here");
  app.add_option("--plot", o.plot_dir, "write PNG plots (gnuplot) and their data here");
  app.add_option("--progress", o.progress, "auto (when stderr is a terminal), on or off")
      ->capture_default_str();
  app.add_flag("--per-run", o.per_run, "print a table row per run, not only the summary");
  app.add_option("--crash", o.crash,
                 "validators holding this share of the stake (drawn per run, never the leader) crash before "
                 "the broadcast");
  app.add_option(
         "--byzantine", o.byzantine,
         "MODE SHARE: validators holding SHARE of the stake withhold (MODE withhold) or flip a byte of "
         "(corrupt) every shred they forward (Rotor, Turbine)")
      ->expected(2);
  app.add_option("--partition", o.partition,
                 "validators holding this share of the stake (never the leader) are cut off from the rest");
  app.add_option("--loss", o.loss, "probability that a message is lost");
  app.add_option("--jitter-ms", o.jitter_ms, "extra delay per message, uniform in [0, X) ms (may reorder)");
  std::string workload = "block";
  app.add_option("--workload", workload,
                 "block (dissemination strategies) or frost (threshold signing latency)")
      ->capture_default_str();
  unsigned slots = 8;
  double slot_ms = 400;
  app.add_option("--slots", slots, "mixed: slots (a block each, successive leaders)")->capture_default_str();
  app.add_option("--slot-ms", slot_ms, "mixed: time between blocks, ms")->capture_default_str();
  stakecast::apps::FrostWorkload frost;
  stakecast::apps::add_frost_workload_options(app, frost);
  CLI11_PARSE(app, argc, argv);
  if (workload != "block" && workload != "frost" && workload != "mixed")
    die("--workload " + workload + ": expected block, frost or mixed");
  const bool mixed = workload == "mixed";
  if (mixed) {
    if (slots < 1 || slots > 64) die("--slots " + std::to_string(slots) + ": must be 1..64");
    if (!(slot_ms > 0 && slot_ms <= 60'000))
      die("--slot-ms " + std::to_string(slot_ms) + ": must be 0..60000");
    o.votes = true;
    if (app.count("--strategies") == 0) o.strategies = {"rotor-psp"};
    for (const auto& s : o.strategies)
      if (s == "direct" || s == "gossipsub")
        die("--workload mixed: only rotor-psp, rotor-iid and turbine carry several slots (not " + s + ")");
  }

  // Parameters first: every complaint names its flag.
  if (o.stake.empty()) o.stake = o.data_dir + "/solana_epoch780_stake_location.csv";
  StakeFormat format = guess_stake_format(o.stake);
  if (o.stake_format != "auto") {
    auto f = stake_format_from_name(o.stake_format);
    if (!f) die("--stake-format " + o.stake_format + ": expected auto, stakecast, solana or sui");
    format = *f;
  }
  HopDelay hop = HopDelay::half_rtt;
  if (o.hop == "rtt")
    hop = HopDelay::rtt;
  else if (o.hop != "half-rtt")
    die("--hop " + o.hop + ": expected half-rtt or rtt");
  LeaderHasBlock leader_block = LeaderHasBlock::at_broadcast;
  if (o.leader_block == "relays")
    leader_block = LeaderHasBlock::from_relays;
  else if (o.leader_block != "broadcast")
    die("--leader-block " + o.leader_block + ": expected broadcast or relays");
  if (o.unplaced != "keep" && o.unplaced != "drop")
    die("--unplaced " + o.unplaced + ": expected keep or drop");
  std::vector<Strategy> strategies;
  for (const auto& s : o.strategies) {
    auto st = strategy_from_name(s);
    if (!st)
      die("--strategies: unknown strategy '" + s + "' (rotor-psp, rotor-iid, turbine, gossipsub, direct)");
    strategies.push_back(*st);
  }
  if (strategies.empty()) die("--strategies: none given");
  if (leader_block != LeaderHasBlock::at_broadcast)
    for (Strategy s : strategies)
      if (s != Strategy::rotor_psp && s != Strategy::rotor_iid)
        die("--leader-block relays: only for rotor-psp and rotor-iid (not " + std::string(to_string(s)) +
            ")");
  check_share("--crash", o.crash);
  check_share("--partition", o.partition);
  bool corrupt_relays = false;
  if (!o.byzantine.empty()) {
    if (o.byzantine.size() != 2) die("--byzantine: expected MODE SHARE, e.g. --byzantine withhold 0.1");
    if (o.byzantine[0] == "corrupt")
      corrupt_relays = true;
    else if (o.byzantine[0] != "withhold")
      die("--byzantine " + o.byzantine[0] + ": expected withhold or corrupt");
    try {
      std::size_t used = 0;
      o.byzantine_share = std::stod(o.byzantine[1], &used);
      if (used != o.byzantine[1].size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      die("--byzantine " + o.byzantine[0] + " " + o.byzantine[1] + ": SHARE must be a number");
    }
    check_share("--byzantine", o.byzantine_share);
    for (Strategy s : strategies)
      if (s == Strategy::direct || s == Strategy::gossipsub)
        die("--byzantine: only for strategies that relay shreds (rotor-psp, rotor-iid, turbine), not " +
            std::string(to_string(s)));
  }
  if (o.crash + o.byzantine_share + o.partition >= 1.0)
    die("--crash, --byzantine and --partition: the shares add up to " +
        std::to_string(o.crash + o.byzantine_share + o.partition) + ", leaving no stake with the leader");
  if (!(o.loss >= 0.0 && o.loss < 1.0)) die("--loss " + std::to_string(o.loss) + ": a probability in [0, 1)");
  if (!(o.jitter_ms >= 0.0 && o.jitter_ms <= 60'000.0))
    die("--jitter-ms " + std::to_string(o.jitter_ms) + ": must be 0..60000");
  if (o.gamma == 0 || o.gamma > 255) die("--gamma " + std::to_string(o.gamma) + ": must be 1..255");
  unsigned total = o.total_shreds;
  if (total == 0) {
    const double t = o.kappa * o.gamma;
    if (!(t >= 1.0) || std::abs(t - std::round(t)) > 1e-9)
      die("--kappa " + std::to_string(o.kappa) + ": kappa x gamma must be a whole number of shreds");
    if (t > 255.0)
      die("--kappa " + std::to_string(o.kappa) + ": Gamma = kappa x gamma = " +
          std::to_string(std::lround(t)) + " is above 255 (Reed-Solomon over GF(2^8))");
    total = static_cast<unsigned>(std::lround(t));
  }
  if (total > 255) die("--total-shreds " + std::to_string(total) + ": Gamma must be at most 255");
  if (total < o.gamma)
    die("Gamma " + std::to_string(total) + " < gamma " + std::to_string(o.gamma) +
        ": a slice needs at least gamma shreds (--kappa >= 1, --total-shreds >= --gamma)");
  if (o.block_bytes == 0) die("--block-size: must be positive");
  if (o.shred_bytes == 0 || o.shred_bytes > 64 * 1024) die("--shred-size: must be 1..65536");
  if (o.fanout == 0) die("--fanout: must be positive");
  if (o.gossip_dials == 0) die("--gossip-dials: must be positive");
  if (o.runs == 0) die("--runs: must be positive");
  if (o.upload_mbps < 0) die("--upload-mbps: must not be negative");
  if (o.upload_by_stake && o.upload_mbps == 0) die("--upload-by-stake: needs --upload-mbps");
  if (o.download_mbps < 0) die("--download-mbps: must not be negative");
  if (o.cpu_shred_us < 0 || o.cpu_slice_us < 0 || o.cpu_leader_shred_us < 0 || o.cpu_vote_us < 0)
    die("--cpu-*-us: must not be negative");
  Uplink uplink = Uplink::fifo;
  if (o.uplink == "prio")
    uplink = Uplink::prio;
  else if (o.uplink != "fifo")
    die("--uplink " + o.uplink + ": expected fifo or prio");
  bool progress_on = isatty(2) != 0;
  if (o.progress == "on")
    progress_on = true;
  else if (o.progress == "off")
    progress_on = false;
  else if (o.progress != "auto")
    die("--progress " + o.progress + ": expected auto, on or off");
  if (!o.plot_dir.empty() && !gnuplot_available())
    die("--plot: gnuplot not found in PATH (Debian: apt-get install gnuplot-nox; scripts/install-deps.sh)");
  for (const std::string* dir : {&o.csv_dir, &o.plot_dir}) {
    if (dir->empty()) continue;
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    if (ec) die((dir == &o.csv_dir ? "--csv " : "--plot ") + *dir + ": " + ec.message());
  }

  // Data files.
  LoadError err;
  auto table = load_stake_table(o.stake, format, &err);
  if (!table) die(err.message());
  auto pings = load_ping_data(o.data_dir + "/wonderproxy_servers-2020-07-19.csv",
                              o.data_dir + "/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv", &err);
  if (!pings) die(err.message());
  std::size_t dropped = 0;
  if (o.unplaced == "drop") {
    auto kept = paper_validator_subset(*table, *pings, &dropped);
    if (!kept) die("--unplaced drop: " + o.stake + ": no validator left");
    table = std::move(kept);
  }
  if (workload == "frost")
    return stakecast::apps::run_frost_workload(frost, *table, *pings, hop, o.seed, o.json_path);
  Diagnostic diag;
  auto topo = Topology::build(*table, *pings, hop, &diag);
  if (!topo) die(o.stake + ": " + topo.error().message() + ": " + diag.detail);
  auto latency = std::make_shared<const Topology>(std::move(*topo));
  std::vector<ValidatorIndex> leaders;
  for (unsigned run = 0; run < o.runs; ++run)
    leaders.push_back(pick_leader(o, *table, *latency, *pings, run));
  // Mixed: a leader per slot, drawn like the runs' (stake-weighted with `random`).
  std::vector<std::vector<ValidatorIndex>> mixed_leaders;
  for (unsigned run = 0; mixed && run < o.runs; ++run) {
    std::vector<ValidatorIndex> ls{leaders[run]};
    for (unsigned k = 1; k < slots; ++k)
      ls.push_back(pick_leader(o, *table, *latency, *pings, o.runs + run * slots + k));
    mixed_leaders.push_back(std::move(ls));
  }
  std::vector<Stake> stakes;
  for (const auto& v : table->validators()) stakes.push_back(v.stake);
  // The faulty validators of each run: drawn from the seed and the run, the same for every strategy.
  std::vector<Faults> faults;
  for (unsigned run = 0; run < o.runs; ++run) {
    Faults f;
    std::vector<bool> taken(stakes.size(), false);
    taken[leaders[run].get()] = true;
    if (mixed)
      for (ValidatorIndex l : mixed_leaders[run]) taken[l.get()] = true;
    const std::uint64_t s = o.seed * 0x9E3779B97F4A7C15ull + run;
    f.crashed = pick_by_stake(stakes, o.crash, s ^ 1, taken);
    (corrupt_relays ? f.corrupting : f.withholding) = pick_by_stake(stakes, o.byzantine_share, s ^ 2, taken);
    const auto cut = pick_by_stake(stakes, o.partition, s ^ 3, taken);
    if (!cut.empty()) {
      f.partition.assign(stakes.size(), 0);
      for (ValidatorIndex v : cut) f.partition[v.get()] = 1;
    }
    faults.push_back(std::move(f));
  }

  Setup setup{o.stake,  table->size(), o.hop,    o.block_bytes, o.gamma,
              total,    o.shred_bytes, o.fanout, o.upload_mbps, o.download_mbps,
              o.uplink, o.seed,        o.runs,   o.votes,       o.leader};
  setup.leader_block = o.leader_block;
  setup.crash = o.crash;
  setup.byzantine = o.byzantine.empty() ? "" : o.byzantine[0];
  setup.byzantine_share = o.byzantine_share;
  setup.partition = o.partition;
  setup.loss = o.loss;
  setup.jitter_ms = o.jitter_ms;
  setup.unplaced = o.unplaced;
  setup.dropped = dropped;
  setup.upload_by_stake = o.upload_by_stake;
  // --upload-by-stake: each validator's upload follows its stake share, with a 10 Mbit/s floor.
  std::vector<std::uint64_t> upload_by_stake;
  if (o.upload_by_stake) {
    double total_stake = 0;
    for (Stake s : stakes) total_stake += static_cast<double>(s.get());
    for (Stake s : stakes) {
      const double mbps =
          o.upload_mbps * static_cast<double>(stakes.size()) * static_cast<double>(s.get()) / total_stake;
      upload_by_stake.push_back(static_cast<std::uint64_t>(std::max(10.0, mbps) * 1e6 / 8));
    }
  }
  std::printf(
      "%zu validators from %s; %zu sites (%zu placed by table, %zu by distance, %zu unlocated%s); hop %s\n",
      table->size(), o.stake.c_str(), latency->report().sites, latency->report().from_table,
      latency->report().by_distance, latency->report().unlocated,
      o.unplaced == "drop" ? (", " + std::to_string(dropped) + " dropped").c_str() : "", o.hop.c_str());
  std::printf(
      "block %zu B, gamma %u, Gamma %u, shred %zu B, fanout %u, upload %.0f Mbit/s%s, download %.0f Mbit/s, "
      "CPU model %s, runs %u%s\n\n",
      o.block_bytes, o.gamma, total, o.shred_bytes, o.fanout, o.upload_mbps,
      o.upload_by_stake ? " (mean, by stake)" : "", o.download_mbps,
      (o.cpu_shred_us + o.cpu_slice_us + o.cpu_leader_shred_us + o.cpu_vote_us) > 0 ? "on" : "off", o.runs,
      o.votes ? ", votes on" : "");
  if (o.per_run) print_run_header(o.votes);

  Progress progress(progress_on, strategies.size() * o.runs);
  std::vector<StrategyRuns> all;
  std::size_t done = 0;
  for (Strategy s : strategies) {
    StrategyRuns sr;
    sr.name = std::string(to_string(s));
    for (unsigned run = 0; run < o.runs; ++run) {
      BlockRunConfig c;
      c.strategy = s;
      c.block_bytes = o.block_bytes;
      c.data_shreds = static_cast<std::uint8_t>(o.gamma);
      c.total_shreds = static_cast<std::uint8_t>(total);
      c.shred_payload = o.shred_bytes;
      c.turbine_fanout = o.fanout;
      c.gossip_dials = o.gossip_dials;
      c.leader = leaders[run];
      c.slot = Slot{1 + run};
      c.block_seed = o.seed + run;
      c.runner.seed = o.seed + run;
      c.runner.link.upload_bps = static_cast<std::uint64_t>(o.upload_mbps * 1e6 / 8);
      c.upload_bps = upload_by_stake;
      c.runner.link.download_bps = static_cast<std::uint64_t>(o.download_mbps * 1e6 / 8);
      c.runner.uplink = uplink;
      c.cpu.per_shred_received = Duration(std::llround(o.cpu_shred_us * 1e3));
      c.cpu.per_slice_completed = Duration(std::llround(o.cpu_slice_us * 1e3));
      c.cpu.per_leader_shred = Duration(std::llround(o.cpu_leader_shred_us * 1e3));
      c.leader_has_block = leader_block;
      if (mixed) {
        c.slot = Slot{1 + run * slots};
        c.slot_time = Duration(std::llround(slot_ms * 1e6));
        c.next_leaders.clear();
        for (unsigned k = 1; k < slots; ++k) c.next_leaders.push_back(mixed_leaders[run][k]);
        c.leader = mixed_leaders[run][0];
      }
      c.crashed = faults[run].crashed;
      c.withholding = faults[run].withholding;
      c.corrupting = faults[run].corrupting;
      c.partition = faults[run].partition;
      c.runner.loss = o.loss;
      c.runner.jitter = Duration(std::llround(o.jitter_ms * 1e6));
      c.store_bytes = std::max<std::size_t>(4u << 20, 2 * total * (o.block_bytes / o.gamma + o.shred_bytes));
      c.votes = o.votes;
      c.vote.vote_bytes = o.vote_bytes;
      c.vote.cert_bytes = o.cert_bytes;
      c.vote.certificates = !o.no_certificates;
      c.vote.cpu_per_vote = Duration(std::llround(o.cpu_vote_us * 1e3));
      const std::string what = sr.name + " run " + std::to_string(run + 1);
      c.progress = [&](std::uint64_t events, TimePoint now) { progress.update(done, what, events, now); };
      const auto w0 = std::chrono::steady_clock::now();
      auto r = run_block(*table, latency, c);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      ++done;
      if (!r) {
        progress.finish();
        die(sr.name + " run " + std::to_string(run) + ": " + r.error().message());
      }
      RunRecord rec{run, c.leader, c.slot, std::move(*r), wall, faults[run]};
      if (o.per_run) {
        progress.finish();
        print_run_row(sr.name, rec, o.votes);
      }
      if (!o.csv_dir.empty()) {
        const std::string path = o.csv_dir + "/" + sr.name + "-run" + std::to_string(run) + ".csv";
        if (!write_run_csv(path, stakes, rec)) die("--csv: cannot write " + path);
      }
      if (!o.plot_dir.empty() && run == 0) sr.first = rec;  // plots show the first run
      sr.runs.push_back(summarize(rec, stakes, o.block_bytes));
    }
    all.push_back(std::move(sr));
  }
  progress.finish();
  print_summary(setup, all);
  if (mixed) print_slots(all);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  setup.cpu_s = cpu_s;
  setup.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: KiB
  std::printf("\nprocess: %.1f s CPU (user + system, one thread), peak RSS %.0f MiB\n", cpu_s,
              setup.peak_rss_mib);
  if (!o.json_path.empty() && !write_json(o.json_path, setup, all))
    die("--json " + o.json_path + ": cannot write");
  if (!o.plot_dir.empty()) {
    std::string why;
    if (!write_plots(o.plot_dir, stakes, all, o.votes, &why)) die("--plot " + o.plot_dir + ": " + why);
    std::printf("plots: %s/arrival_cdf.png, %s/bytes_per_node.png%s\n", o.plot_dir.c_str(),
                o.plot_dir.c_str(), o.votes ? (", " + o.plot_dir + "/finalization_cdf.png").c_str() : "");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stakecast-sim: %s\n", e.what());
  return 1;
}
