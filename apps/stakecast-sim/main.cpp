// stakecast-sim: block dissemination over real stake and real latencies, strategies side by side
// (issue 6 items 3-5 and 7). Every strategy runs the same seeded runs; the table and --json report
// stake-weighted arrival times, node percentiles, bytes and amplification. Design: docs/simulator.md.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/block_run.hpp"
#include "sim/data_files.hpp"
#include "sim/topology.hpp"

namespace {

using namespace stakecast;
using namespace stakecast::sim;

struct Options {
  std::string data_dir = STAKECAST_DATA_DIR;
  std::string stake;  // default: the Solana epoch 780 table in data_dir
  std::string stake_format = "auto";
  std::string leader = "random";
  std::string hop = "half-rtt";
  std::vector<std::string> strategies{"rotor-psp", "rotor-iid", "direct"};
  std::size_t block_bytes = 1u << 20;
  unsigned gamma = 32;
  double kappa = 2.0;
  std::size_t shred_bytes = 1024;
  std::uint64_t seed = 1;
  unsigned runs = 1;
  double upload_mbps = 0, download_mbps = 0;
  std::string uplink = "fifo";
  double cpu_shred_us = 0, cpu_slice_us = 0, cpu_leader_shred_us = 0;
  std::string json_path;
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "stakecast-sim: %s\n", msg.c_str());
  std::exit(2);
}

nlohmann::json ms_json(std::optional<Duration> d) { return d ? nlohmann::json(to_ms(*d)) : nlohmann::json(); }
std::string ms_text(std::optional<Duration> d) {
  if (!d) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", to_ms(*d));
  return buf;
}

// The leader of run `run`: an index, the heaviest validator at (or nearest to) a city's ping server, or
// a stake-weighted draw from the seed.
ValidatorIndex pick_leader(const Options& o, const StakeTable& table, const Topology& topo,
                           const PingData& pings, unsigned run) {
  const std::string& l = o.leader;
  if (!l.empty() && std::all_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const unsigned long v = std::stoul(l);
    if (v >= table.size())
      die("--leader " + l + ": the stake table has " + std::to_string(table.size()) + " validators");
    return ValidatorIndex{static_cast<std::uint32_t>(v)};
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
  app.add_option("--strategies", o.strategies, "rotor-psp, rotor-iid, direct")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--block-size", o.block_bytes, "block bytes")->capture_default_str();
  app.add_option("--gamma", o.gamma, "data shreds per slice")->capture_default_str();
  app.add_option("--kappa", o.kappa, "coding ratio: Gamma = kappa x gamma shreds per slice")
      ->capture_default_str();
  app.add_option("--shred-size", o.shred_bytes, "payload bytes per shred")->capture_default_str();
  app.add_option("--seed", o.seed, "seed of block contents, leader draws, loss and jitter")
      ->capture_default_str();
  app.add_option("--runs", o.runs, "runs per strategy (seeds seed, seed+1, ...)")->capture_default_str();
  app.add_option("--upload-mbps", o.upload_mbps, "per-node upload, Mbit/s (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--download-mbps", o.download_mbps, "per-node download, Mbit/s (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--uplink", o.uplink, "fifo or prio (the real egress scheduler)")->capture_default_str();
  app.add_option("--cpu-shred-us", o.cpu_shred_us, "Rotor: CPU per shred received, microseconds");
  app.add_option("--cpu-slice-us", o.cpu_slice_us, "Rotor: CPU per slice decoded, microseconds");
  app.add_option("--cpu-leader-shred-us", o.cpu_leader_shred_us, "Rotor: leader CPU per shred, microseconds");
  app.add_option("--json", o.json_path, "write per-strategy results as JSON to this file");
  CLI11_PARSE(app, argc, argv);

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
  std::vector<Strategy> strategies;
  for (const auto& s : o.strategies) {
    auto st = strategy_from_name(s);
    if (!st) die("--strategies: unknown strategy " + s);
    strategies.push_back(*st);
  }
  const double total = o.kappa * o.gamma;
  if (o.gamma == 0 || o.gamma > 255) die("--gamma " + std::to_string(o.gamma) + ": must be 1..255");
  if (o.kappa < 1.0 || total > 255.0 || std::abs(total - std::round(total)) > 1e-9)
    die("--kappa: Gamma = kappa x gamma must be a whole number from gamma to 255");
  if (o.block_bytes == 0) die("--block-size: must be positive");
  if (o.shred_bytes == 0 || o.shred_bytes > 64 * 1024) die("--shred-size: must be 1..65536");
  if (o.runs == 0) die("--runs: must be positive");
  if (o.upload_mbps < 0 || o.download_mbps < 0) die("bandwidth must not be negative");

  LoadError err;
  auto table = load_stake_table(o.stake, format, &err);
  if (!table) die(err.message());
  auto pings = load_ping_data(o.data_dir + "/wonderproxy_servers-2020-07-19.csv",
                              o.data_dir + "/wonderproxy_pings-2020-07-19-2020-07-20-grouped.csv", &err);
  if (!pings) die(err.message());
  Diagnostic diag;
  auto topo = Topology::build(*table, *pings, hop, &diag);
  if (!topo) die(o.stake + ": " + topo.error().message() + ": " + diag.detail);
  auto latency = std::make_shared<const Topology>(std::move(*topo));

  std::printf(
      "%zu validators from %s; %zu sites (%zu placed by table, %zu by distance, %zu unlocated); hop %s\n",
      table->size(), o.stake.c_str(), latency->report().sites, latency->report().from_table,
      latency->report().by_distance, latency->report().unlocated, o.hop.c_str());
  std::printf(
      "block %zu B, gamma %u, Gamma %.0f, shred %zu B, upload %.0f Mbit/s, download %.0f Mbit/s, runs %u\n\n",
      o.block_bytes, o.gamma, total, o.shred_bytes, o.upload_mbps, o.download_mbps, o.runs);
  std::printf("%-10s %4s %6s %9s %9s %9s %9s %9s %9s %9s %7s %7s %10s %9s\n", "strategy", "run", "leader",
              "60%stk", "80%stk", "100%stk", "p50", "p90", "p99", "max", "ampl", "ldr_up", "events/s",
              "wall_s");

  nlohmann::json doc;
  doc["stake_file"] = o.stake;
  doc["validators"] = table->size();
  doc["hop"] = o.hop;
  doc["block_bytes"] = o.block_bytes;
  doc["gamma"] = o.gamma;
  doc["Gamma"] = static_cast<unsigned>(total);
  doc["shred_bytes"] = o.shred_bytes;
  doc["upload_mbps"] = o.upload_mbps;
  doc["download_mbps"] = o.download_mbps;
  doc["uplink"] = o.uplink;
  doc["seed"] = o.seed;
  doc["cipher"] = "none (payload bytes only; framing/encryption not modelled)";
  for (Strategy s : strategies) {
    nlohmann::json js;
    js["name"] = std::string(to_string(s));
    for (unsigned run = 0; run < o.runs; ++run) {
      BlockRunConfig c;
      c.strategy = s;
      c.block_bytes = o.block_bytes;
      c.data_shreds = static_cast<std::uint8_t>(o.gamma);
      c.total_shreds = static_cast<std::uint8_t>(std::lround(total));
      c.shred_payload = o.shred_bytes;
      c.leader = pick_leader(o, *table, *latency, *pings, run);
      c.block_seed = o.seed + run;
      c.runner.seed = o.seed + run;
      c.runner.link.upload_bps = static_cast<std::uint64_t>(o.upload_mbps * 1e6 / 8);
      c.runner.link.download_bps = static_cast<std::uint64_t>(o.download_mbps * 1e6 / 8);
      if (o.uplink == "prio")
        c.runner.uplink = Uplink::prio;
      else if (o.uplink != "fifo")
        die("--uplink " + o.uplink + ": expected fifo or prio");
      c.cpu.per_shred_received = Duration(std::llround(o.cpu_shred_us * 1e3));
      c.cpu.per_slice_completed = Duration(std::llround(o.cpu_slice_us * 1e3));
      c.cpu.per_leader_shred = Duration(std::llround(o.cpu_leader_shred_us * 1e3));
      c.store_bytes = 4u << 20;  // one block's shreds per node, enough for a single-block run
      const auto w0 = std::chrono::steady_clock::now();
      auto r = run_block(*table, latency, c);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      if (!r) die(std::string(to_string(s)) + ": " + r.error().message());
      std::printf("%-10s %4u %6u %9s %9s %9s %9s %9s %9s %9s %7.2f %7.2f %10.0f %9.2f\n",
                  std::string(to_string(s)).c_str(), run, c.leader.get(), ms_text(r->stake60).c_str(),
                  ms_text(r->stake80).c_str(), ms_text(r->stake100).c_str(), ms_text(r->p50).c_str(),
                  ms_text(r->p90).c_str(), ms_text(r->p99).c_str(), ms_text(r->max).c_str(), r->amplification,
                  r->leader_upload, static_cast<double>(r->events) / wall, wall);
      std::fflush(stdout);
      nlohmann::json jr;
      jr["leader"] = c.leader.get();
      jr["stake_ms"] = {
          {"60", ms_json(r->stake60)}, {"80", ms_json(r->stake80)}, {"100", ms_json(r->stake100)}};
      jr["node_ms"] = {{"p50", ms_json(r->p50)},
                       {"p90", ms_json(r->p90)},
                       {"p99", ms_json(r->p99)},
                       {"max", ms_json(r->max)}};
      jr["complete"] = r->complete;
      jr["amplification"] = r->amplification;
      jr["leader_upload"] = r->leader_upload;
      std::vector<std::uint64_t> others;
      for (std::size_t i = 0; i < r->bytes_sent.size(); ++i)
        if (i != c.leader.get()) others.push_back(r->bytes_sent[i]);
      std::sort(others.begin(), others.end());
      jr["bytes_sent"] = {{"leader", r->bytes_sent[c.leader.get()]},
                          {"others_median", others.empty() ? 0 : others[others.size() / 2]},
                          {"others_max", others.empty() ? 0 : others.back()}};
      jr["events"] = r->events;
      jr["wall_s"] = wall;
      jr["trace"] = to_hex(r->trace);
      js["runs"].push_back(jr);
    }
    doc["strategies"].push_back(js);
  }
  if (!o.json_path.empty()) {
    std::ofstream f(o.json_path);
    if (!f) die("--json " + o.json_path + ": cannot write");
    f << doc.dump(2) << "\n";
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stakecast-sim: %s\n", e.what());
  return 1;
}
