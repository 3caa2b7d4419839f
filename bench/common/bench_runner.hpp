// Runs registered Google Benchmark functions with repetitions and collects medians, so each suite can
// report its figures next to a baseline measured in the same run (ratios, not absolute numbers, are
// what survive a shared, noisy machine).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace stakecast::bench {

struct Options {
  int repetitions = 5;
  double min_time_s = 0.1;
  std::string filter = ".*";
};

// One benchmark's result in one repetition.
struct Sample {
  double real_ns = 0;           // wall time per iteration
  double cpu_ns = 0;            // CPU time of the benchmark thread per iteration
  double bytes_per_second = 0;  // throughput, if the benchmark set bytes processed
};

// Field-wise medians over the repetitions, with the repetitions themselves for paired ratios.
struct Median : Sample {
  std::vector<Sample> reps;  // in run order: reps[k] ran in pass k, next to every other benchmark's reps[k]
};

// Runs every benchmark registered so far (benchmark::RegisterBenchmark) whose name matches the filter
// options.repetitions times in round-robin passes: each pass runs each benchmark once, in registration
// order, so a figure registered next to its baseline runs back to back with it in every repetition and a
// burst of load on the shared machine hits both. Prints the console table of each pass, returns medians
// by benchmark name, and clears the registrations.
std::map<std::string, Median> run(const Options& options);

// The median over repetitions of ours / baseline for one field (throughput, or time for a cost ratio),
// taken repetition by repetition, so both sides of each ratio come from the same pass. 0 if either
// side is missing or zero.
double paired_ratio(const Median& ours, const Median& baseline, double Sample::*field);

// A figure of ours next to its baseline: ratio = paired_ratio of the throughputs, with the smallest and
// largest per-repetition ratio as its spread.
nlohmann::json compare_throughput(const std::string& name, const Median& ours,
                                  const std::string& baseline_name, const Median& baseline,
                                  double target_ratio);

void write_json(const std::string& path, const nlohmann::json& doc);

}  // namespace stakecast::bench
