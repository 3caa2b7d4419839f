#include "common/bench_runner.hpp"

#include <benchmark/benchmark.h>

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
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      Median m;
      // GetAdjustedRealTime() is in the run's time unit; the multiplier converts seconds to that unit.
      m.real_ns = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e9;
      m.cpu_ns = r.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e9;
      if (auto it = r.counters.find("bytes_per_second"); it != r.counters.end())
        m.bytes_per_second = it->second;
      medians[r.run_name.str()] = m;
    }
  }
  std::map<std::string, Median> medians;
};

}  // namespace

std::map<std::string, Median> run(const Options& o) {
  static bool initialised = false;
  std::vector<std::string> args = {"stakecast-bench",
                                   "--benchmark_repetitions=" + std::to_string(o.repetitions),
                                   "--benchmark_min_time=" + std::to_string(o.min_time_s),
                                   "--benchmark_report_aggregates_only=true", "--benchmark_time_unit=us"};
  if (!initialised) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    int argc = static_cast<int>(argv.size());
    benchmark::Initialize(&argc, argv.data());
    initialised = true;
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, o.filter);
  benchmark::ClearRegisteredBenchmarks();
  return reporter.medians;
}

nlohmann::json compare_throughput(const std::string& name, const Median& ours,
                                  const std::string& baseline_name, const Median& baseline,
                                  double target_ratio) {
  const double ratio = baseline.bytes_per_second > 0 ? ours.bytes_per_second / baseline.bytes_per_second : 0;
  return {{"name", name},
          {"ours_bytes_per_second", ours.bytes_per_second},
          {"baseline", baseline_name},
          {"baseline_bytes_per_second", baseline.bytes_per_second},
          {"ratio", ratio},
          {"target_ratio", target_ratio},
          {"meets_target", ratio >= target_ratio}};
}

void write_json(const std::string& path, const nlohmann::json& doc) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << doc.dump(2) << "\n";
}

}  // namespace stakecast::bench
