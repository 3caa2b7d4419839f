#include "common/bench_runner.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace stakecast::bench {
namespace {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      Sample s;
      // GetAdjustedRealTime() is in the run's time unit; the multiplier converts seconds to that unit.
      s.real_ns = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e9;
      s.cpu_ns = r.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e9;
      if (auto it = r.counters.find("bytes_per_second"); it != r.counters.end())
        s.bytes_per_second = it->second;
      results[r.run_name.str()].reps.push_back(s);
    }
  }
  std::map<std::string, Median> results;
};

double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double median_field(const std::vector<Sample>& reps, double Sample::*field) {
  std::vector<double> v;
  for (const auto& s : reps) v.push_back(s.*field);
  return median_of(std::move(v));
}

std::vector<double> ratios(const Median& ours, const Median& baseline, double Sample::*field) {
  std::vector<double> out;
  for (std::size_t k = 0; k < std::min(ours.reps.size(), baseline.reps.size()); ++k)
    if (baseline.reps[k].*field > 0) out.push_back(ours.reps[k].*field / (baseline.reps[k].*field));
  return out;
}

}  // namespace

std::map<std::string, Median> run(const Options& o) {
  static bool initialised = false;
  if (!initialised) {
    // One repetition per pass: the passes are the repetitions (see the header).
    std::vector<std::string> args = {"stakecast-bench", "--benchmark_repetitions=1",
                                     "--benchmark_min_time=" + std::to_string(o.min_time_s),
                                     "--benchmark_time_unit=us"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    int argc = static_cast<int>(argv.size());
    benchmark::Initialize(&argc, argv.data());
    initialised = true;
  }
  CollectingReporter reporter;
  for (int k = 0; k < o.repetitions; ++k) {
    std::fprintf(stderr, "repetition %d of %d\n", k + 1, o.repetitions);
    benchmark::RunSpecifiedBenchmarks(&reporter, o.filter);
  }
  benchmark::ClearRegisteredBenchmarks();
  for (auto& [name, m] : reporter.results) {
    m.real_ns = median_field(m.reps, &Sample::real_ns);
    m.cpu_ns = median_field(m.reps, &Sample::cpu_ns);
    m.bytes_per_second = median_field(m.reps, &Sample::bytes_per_second);
  }
  return reporter.results;
}

double paired_ratio(const Median& ours, const Median& baseline, double Sample::*field) {
  return median_of(ratios(ours, baseline, field));
}

nlohmann::json compare_throughput(const std::string& name, const Median& ours,
                                  const std::string& baseline_name, const Median& baseline,
                                  double target_ratio) {
  const auto each = ratios(ours, baseline, &Sample::bytes_per_second);
  const double ratio = median_of(each);
  return {{"name", name},
          {"ours_bytes_per_second", ours.bytes_per_second},
          {"baseline", baseline_name},
          {"baseline_bytes_per_second", baseline.bytes_per_second},
          {"ratio", ratio},
          {"ratio_min", each.empty() ? 0 : *std::min_element(each.begin(), each.end())},
          {"ratio_max", each.empty() ? 0 : *std::max_element(each.begin(), each.end())},
          {"target_ratio", target_ratio},
          {"meets_target", ratio >= target_ratio}};
}

void write_json(const std::string& path, const nlohmann::json& doc) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << doc.dump(2) << "\n";
}

}  // namespace stakecast::bench
