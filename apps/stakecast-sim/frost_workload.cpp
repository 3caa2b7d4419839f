#include "frost_workload.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "sim/frost_run.hpp"
#include "sim/stats.hpp"

namespace stakecast::apps {

void add_frost_workload_options(CLI::App& app, FrostWorkload& w) {
  app.add_option("--frost-signers", w.signers, "frost: signer counts (the most-staked validators)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--frost-threshold", w.threshold, "frost: threshold as a share of the signers")
      ->capture_default_str();
  app.add_option("--frost-invite", w.invite,
                 "frost: share of the signers asked per attempt (most-staked first)")
      ->capture_default_str();
  app.add_option("--frost-suite", w.suite, "frost: ed25519 or ristretto255")->capture_default_str();
  app.add_option("--frost-mode", w.mode, "frost: coordinated or broadcast")->capture_default_str();
  app.add_option("--frost-runs", w.runs, "frost: sessions per signer count")->capture_default_str();
  app.add_option("--frost-attempt-ms", w.attempt_ms, "frost: attempt deadline")->capture_default_str();
  app.add_option("--frost-cpu-package-us", w.package_per_signer_us, "frost CPU: package, per signer");
  app.add_option("--frost-cpu-commit-us", w.commit_us, "frost CPU: round one");
  app.add_option("--frost-cpu-sign-us", w.sign_share_us, "frost CPU: signing a share (package built)");
  app.add_option("--frost-cpu-verify-share-us", w.verify_share_us, "frost CPU: checking one share");
  app.add_option("--frost-cpu-check-commitment-us", w.check_commitment_us,
                 "frost CPU: validating a commitment");
  app.add_option("--frost-cpu-ed25519-verify-us", w.ed25519_verify_us, "direct path: Ed25519 verify");
  app.add_option("--frost-cpu-ed25519-sign-us", w.ed25519_sign_us, "direct path: Ed25519 sign");
}

FrostCpuUs frost_cpu_measured(const std::string& suite) {
  if (suite == "ristretto255") return {19.5, 31, 29, 57, 9.5, 41, 14};
  return {17.5, 27, 18, 51, 90, 41, 14};
}

namespace {

Duration us(double v) { return Duration(std::llround(v * 1e3)); }

std::string ms_text(std::optional<Duration> d) {
  if (!d) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", to_ms(*d));
  return buf;
}

}  // namespace

int run_frost_workload(const FrostWorkload& w, const StakeTable& table, const sim::PingData& pings,
                       sim::HopDelay hop, std::uint64_t seed, const std::string& json_path) {
  const auto suite =
      w.suite == "ristretto255" ? crypto::frost::SuiteId::ristretto255 : crypto::frost::SuiteId::ed25519;
  if (w.suite != "ed25519" && w.suite != "ristretto255") {
    std::fprintf(stderr, "stakecast-sim: --frost-suite %s: expected ed25519 or ristretto255\n",
                 w.suite.c_str());
    return 2;
  }
  if (w.mode != "coordinated" && w.mode != "broadcast") {
    std::fprintf(stderr, "stakecast-sim: --frost-mode %s: expected coordinated or broadcast\n",
                 w.mode.c_str());
    return 2;
  }
  if (w.runs == 0 || !(w.threshold > 0 && w.threshold <= 1)) {
    std::fprintf(stderr, "stakecast-sim: --frost-runs must be positive and --frost-threshold in (0, 1]\n");
    return 2;
  }
  const FrostCpuUs measured = frost_cpu_measured(w.suite);
  const FrostCpuUs costs{w.package_per_signer_us.value_or(measured.package_per_signer),
                         w.commit_us.value_or(measured.commit),
                         w.sign_share_us.value_or(measured.sign_share),
                         w.verify_share_us.value_or(measured.verify_share),
                         w.check_commitment_us.value_or(measured.check_commitment),
                         w.ed25519_verify_us.value_or(measured.ed25519_verify),
                         w.ed25519_sign_us.value_or(measured.ed25519_sign)};
  sim::FrostCpuModel cpu;
  cpu.package_per_signer = us(costs.package_per_signer);
  cpu.commit = us(costs.commit);
  cpu.sign_share = us(costs.sign_share);
  cpu.verify_share = us(costs.verify_share);
  cpu.check_commitment = us(costs.check_commitment);
  cpu.message_verify = us(costs.ed25519_verify);
  cpu.message_sign = us(costs.ed25519_sign);

  nlohmann::json doc;
  doc["workload"] = "frost";
  doc["suite"] = w.suite;
  doc["mode"] = w.mode;
  doc["seed"] = seed;
  doc["cpu_us"] = {{"package_per_signer", costs.package_per_signer},
                   {"commit", costs.commit},
                   {"sign_share", costs.sign_share},
                   {"verify_share", costs.verify_share},
                   {"check_commitment", costs.check_commitment},
                   {"ed25519_verify", costs.ed25519_verify},
                   {"ed25519_sign", costs.ed25519_sign}};
  std::printf("%-8s %9s %5s %9s %9s %9s %9s %10s %8s\n", "signers", "threshold", "runs", "p50_ms", "p99_ms",
              "min_ms", "max_ms", "coord_KiB", "wall_s");
  for (std::size_t n : w.signers) {
    if (n < 2 || n > table.size()) {
      std::fprintf(stderr, "stakecast-sim: --frost-signers %zu: the stake table has %zu validators\n", n,
                   table.size());
      return 2;
    }
    const auto t = std::max<std::size_t>(
        2, static_cast<std::size_t>(std::ceil(w.threshold * static_cast<double>(n) - 1e-9)));
    std::vector<Validator> top(table.validators().begin(),
                               table.validators().begin() + static_cast<std::ptrdiff_t>(n));
    auto signers = StakeTable::from_validators(std::move(top));
    if (!signers) return 2;
    Diagnostic diag;
    auto topo = sim::Topology::build(*signers, pings, hop, &diag);
    if (!topo) {
      std::fprintf(stderr, "stakecast-sim: topology: %s\n", diag.detail.c_str());
      return 2;
    }
    auto latency = std::make_shared<const sim::Topology>(std::move(*topo));
    auto keys = sim::deal_frost_keys(suite, n, t, seed);
    if (!keys) {
      std::fprintf(stderr, "stakecast-sim: frost keys: %s\n", keys.error().message().c_str());
      return 1;
    }
    nlohmann::json js;
    js["signers"] = n;
    js["threshold"] = t;
    js["invite"] = w.invite;
    std::vector<std::optional<Duration>> lat;
    std::uint64_t coord_bytes = 0;
    const auto w0 = std::chrono::steady_clock::now();
    for (unsigned run = 0; run < w.runs; ++run) {
      // Coordinator: a stake-weighted draw among the signers.
      std::uint8_t material[12];
      store_le64(material, seed);
      store_le32(material + 8, run);
      auto rng = DeterministicRng::from_label("stakecast/sim/frost/coordinator", material);
      std::uint64_t x = rng.uniform(signers->total_stake().get());
      std::uint32_t coord = 0;
      for (; coord + 1 < n && x >= signers->validators()[coord].stake.get(); ++coord)
        x -= signers->validators()[coord].stake.get();
      sim::FrostRunConfig c;
      c.mode = w.mode == "broadcast" ? frost::FrostMode::broadcast : frost::FrostMode::coordinated;
      c.coordinator = ValidatorIndex{coord};
      c.invite = std::max(t, static_cast<std::size_t>(std::ceil(w.invite * static_cast<double>(n) - 1e-9)));
      c.attempt_timeout = Duration(std::llround(w.attempt_ms * 1e6));
      c.runner.seed = seed + run;
      c.cpu = cpu;
      auto r = sim::run_frost(*signers, latency, *keys, c);
      if (!r) {
        std::fprintf(stderr, "stakecast-sim: frost run: %s\n", r.error().message().c_str());
        return 1;
      }
      lat.push_back(r->latency);
      coord_bytes += r->coordinator_bytes_sent;
      nlohmann::json jr = {{"coordinator", coord},
                           {"latency_ms", r->latency ? nlohmann::json(to_ms(*r->latency)) : nlohmann::json()},
                           {"attempts", r->attempts},
                           {"signers", r->signers},
                           {"verified", r->verified},
                           {"bytes_sent", r->bytes_sent},
                           {"coordinator_bytes_sent", r->coordinator_bytes_sent},
                           {"messages", r->messages},
                           {"events", r->events},
                           {"trace", to_hex(r->trace)}};
      js["runs"].push_back(jr);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const auto p50 = sim::node_percentile(lat, 0.5), p99 = sim::node_percentile(lat, 0.99);
    const auto lo = sim::node_percentile(lat, 1.0 / static_cast<double>(lat.size())),
               hi = sim::node_percentile(lat, 1.0);
    std::printf("%-8zu %9zu %5u %9s %9s %9s %9s %10.1f %8.1f\n", n, t, w.runs, ms_text(p50).c_str(),
                ms_text(p99).c_str(), ms_text(lo).c_str(), ms_text(hi).c_str(),
                static_cast<double>(coord_bytes) / w.runs / 1024.0, wall);
    std::fflush(stdout);
    js["p50_ms"] = p50 ? nlohmann::json(to_ms(*p50)) : nlohmann::json();
    js["p99_ms"] = p99 ? nlohmann::json(to_ms(*p99)) : nlohmann::json();
    js["wall_s"] = wall;
    doc["sizes"].push_back(js);
  }
  if (!json_path.empty()) {
    std::ofstream f(json_path);
    if (!f) return 2;
    f << doc.dump(2) << "\n";
  }
  return 0;
}

}  // namespace stakecast::apps
