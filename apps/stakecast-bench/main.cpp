// stakecast-bench: benchmarks with their baselines measured in the same run, and the demo.
// One subcommand per area; each writes its figures as JSON with --json FILE.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "common/bench_runner.hpp"
#include "demo.hpp"
#include "erasure/erasure_bench.hpp"
#include "frost/frost_bench.hpp"
#include "gossipsub/gossipsub_bench.hpp"
#include "noise/noise_bench.hpp"
#include "p2p/p2p_bench.hpp"
#include "rotor/rotor_bench.hpp"

namespace {

struct Suite {
  const char* name;
  const char* help;
  nlohmann::json (*run)(const stakecast::bench::Options&);
};

// Register new benchmark areas here.
const Suite kSuites[] = {
    {"erasure", "Reed-Solomon vs raw ISA-L; leader/receiver shred pipelines vs memcpy",
     stakecast::bench::run_erasure},
    {"frost", "FROST t = 67 of n = 100 per-operation costs vs libsodium Ed25519",
     stakecast::bench::run_frost},
    {"rotor", "Rotor engine: amplification, time to deliver vs its bound, receive throughput, path trade-off",
     stakecast::bench::run_rotor},
    {"p2p", "libp2p host over loopback vs plain TCP and ChaCha20-Poly1305", stakecast::bench::run_p2p},
    {"gossipsub",
     "gossipsub on 16 nodes over loopback: delivery p50/p99 and amplification, with and without IDONTWANT, "
     "vs "
     "direct sends",
     stakecast::bench::run_gossipsub},
    {"noise", "Noise session transport and handshake vs bare ChaCha20-Poly1305 and public-key work",
     stakecast::bench::run_noise},
};

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"Stakecast benchmarks: every figure is reported with a baseline from the same run"};
  app.require_subcommand(1);
  stakecast::bench::Options options;
  std::string json_path;
  int status = 0;

  for (const Suite& s : kSuites) {
    auto* sub = app.add_subcommand(s.name, s.help);
    sub->add_option("--json", json_path, "write results as JSON to this file");
    sub->add_option("--repetitions", options.repetitions, "repetitions per benchmark (medians reported)")
        ->check(CLI::Range(1, 100));
    sub->add_option("--min-time", options.min_time_s, "minimum seconds per repetition");
    sub->add_option("--filter", options.filter, "regex over benchmark names");
    sub->callback([&s, &options, &json_path] {
      auto doc = s.run(options);
      std::printf("%s\n", doc.dump(2).c_str());
      if (!json_path.empty()) stakecast::bench::write_json(json_path, doc);
    });
  }
  auto* all = app.add_subcommand("all", "run every suite");
  all->add_option("--json", json_path, "write results as JSON to this file");
  all->callback([&] {
    nlohmann::json doc;
    for (const Suite& s : kSuites) doc[s.name] = s.run(options);
    std::printf("%s\n", doc.dump(2).c_str());
    if (!json_path.empty()) stakecast::bench::write_json(json_path, doc);
  });

  stakecast::apps::DemoOptions demo;
  auto* d = app.add_subcommand("demo", "shred a block, drop a third of the shreds, rebuild and verify it");
  d->add_option("--block-bytes", demo.block_bytes, "block size")->check(CLI::Range(1, 64 << 20));
  d->add_option("--seed", demo.seed, "seed for the block, the key and the losses");
  d->callback([&] { status = stakecast::apps::run_demo(demo); });

  CLI11_PARSE(app, argc, argv);
  return status;
} catch (const std::exception& e) {
  std::fprintf(stderr, "stakecast-bench: %s\n", e.what());
  return 1;
}
