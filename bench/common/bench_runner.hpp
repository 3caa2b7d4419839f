// Runs registered Google Benchmark functions with repetitions and collects medians, so each suite can
// report its figures next to a baseline measured in the same run (ratios, not absolute numbers, are
// what survive a shared, noisy machine).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace stakecast::bench {

struct Options {
  int repetitions = 5;
  double min_time_s = 0.1;
  std::string filter = ".*";
};

struct Median {
  double real_ns = 0;           // median wall time per iteration
  double cpu_ns = 0;            // median CPU time of the benchmark thread per iteration
  double bytes_per_second = 0;  // median throughput, if the benchmark set bytes processed
};

// Runs every benchmark registered so far (benchmark::RegisterBenchmark) whose name matches the filter,
// prints the usual console table, returns medians by benchmark name, and clears the registrations.
std::map<std::string, Median> run(const Options& options);

// A figure of ours next to its baseline: ratio = ours / baseline for throughputs.
nlohmann::json compare_throughput(const std::string& name, const Median& ours,
                                  const std::string& baseline_name, const Median& baseline,
                                  double target_ratio);

void write_json(const std::string& path, const nlohmann::json& doc);

}  // namespace stakecast::bench
