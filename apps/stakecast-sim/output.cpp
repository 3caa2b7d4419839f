#include "output.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace stakecast::simapp {
namespace {

using sim::Spread;

std::string ms_text(std::optional<Duration> d) {
  if (!d) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", to_ms(*d));
  return buf;
}
std::string ms_text(std::optional<double> ms) {
  if (!ms) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *ms);
  return buf;
}
nlohmann::json ms_json(std::optional<Duration> d) { return d ? nlohmann::json(to_ms(*d)) : nlohmann::json(); }
nlohmann::json ms_json(std::optional<double> d) { return d ? nlohmann::json(*d) : nlohmann::json(); }

std::uint64_t median(std::vector<std::uint64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Mean over runs of one figure; nullopt if some run never reached it.
template <class F>
std::optional<double> mean(const std::vector<RunSummary>& runs, F get) {
  double sum = 0;
  for (const auto& r : runs) {
    std::optional<Duration> d = get(r);
    if (!d) return std::nullopt;
    sum += to_ms(*d);
  }
  return runs.empty() ? std::nullopt : std::optional<double>(sum / static_cast<double>(runs.size()));
}
double mean_of(const std::vector<RunSummary>& runs, double (*get)(const RunSummary&)) {
  double sum = 0;
  for (const auto& r : runs) sum += get(r);
  return runs.empty() ? 0 : sum / static_cast<double>(runs.size());
}

nlohmann::json spread_json(const Spread& s) {
  return {
      {"stake_ms",
       {{"50", ms_json(s.stake50)},
        {"60", ms_json(s.stake60)},
        {"80", ms_json(s.stake80)},
        {"100", ms_json(s.stake100)}}},
      {"node_ms",
       {{"p50", ms_json(s.p50)}, {"p90", ms_json(s.p90)}, {"p99", ms_json(s.p99)}, {"max", ms_json(s.max)}}},
      {"paper_ms", {{"50", ms_json(s.paper50)}, {"100", ms_json(s.paper100)}}}};
}

// The mean spread over runs, as JSON.
template <class F>
nlohmann::json mean_spread_json(const std::vector<RunSummary>& runs, F get) {
  auto m = [&](std::optional<Duration> Spread::*field) {
    return ms_json(mean(runs, [&](const RunSummary& r) { return get(r).*field; }));
  };
  return {{"stake_ms",
           {{"50", m(&Spread::stake50)},
            {"60", m(&Spread::stake60)},
            {"80", m(&Spread::stake80)},
            {"100", m(&Spread::stake100)}}},
          {"node_ms",
           {{"p50", m(&Spread::p50)},
            {"p90", m(&Spread::p90)},
            {"p99", m(&Spread::p99)},
            {"max", m(&Spread::max)}}},
          {"paper_ms", {{"50", m(&Spread::paper50)}, {"100", m(&Spread::paper100)}}}};
}

bool run_gnuplot(const std::string& script_path, std::string* why) {
  const std::string cmd = "gnuplot '" + script_path + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    *why = "cannot start gnuplot";
    return false;
  }
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int rc = pclose(p);
  if (rc != 0) {
    *why = "gnuplot failed on " + script_path + ": " + out;
    return false;
  }
  return true;
}

}  // namespace

RunSummary summarize(const RunRecord& rec, const std::vector<Stake>& stakes, std::size_t block_bytes) {
  (void)block_bytes;
  const auto& r = rec.result;
  RunSummary s;
  s.run = rec.run;
  s.leader = rec.leader.get();
  s.slot = rec.slot.get();
  s.block = r.block;
  s.complete = r.complete;
  s.amplification = r.amplification;
  s.leader_upload = r.leader_upload;
  std::vector<std::uint64_t> relays, others;
  for (std::size_t i = 0; i < r.bytes_sent.size(); ++i) {
    if (i == rec.leader.get()) continue;
    (r.relay[i] ? relays : others).push_back(r.bytes_sent[i]);
  }
  s.bytes.leader = r.bytes_sent[rec.leader.get()];
  s.bytes.relays = relays.size();
  s.bytes.relay_median = median(relays);
  s.bytes.relay_max = relays.empty() ? 0 : *std::max_element(relays.begin(), relays.end());
  s.bytes.others_median = median(others);
  s.bytes.others_max = others.empty() ? 0 : *std::max_element(others.begin(), others.end());
  s.events = r.events;
  s.messages = r.messages;
  s.wall_s = rec.wall_s;
  s.trace = to_hex(r.trace);
  long double total = 0;
  for (Stake st : stakes) total += static_cast<long double>(st.get());
  auto share = [&](const std::vector<ValidatorIndex>& vs) {
    long double sum = 0;
    for (ValidatorIndex v : vs) sum += static_cast<long double>(stakes[v.get()].get());
    return total > 0 ? static_cast<double>(sum / total) : 0.0;
  };
  const Faults& f = rec.faults;
  s.crashed = f.crashed.size();
  s.crashed_stake = share(f.crashed);
  s.byzantine = f.withholding.size() + f.corrupting.size();
  s.byzantine_stake = share(f.withholding) + share(f.corrupting);
  std::vector<ValidatorIndex> cut;
  for (std::uint32_t i = 0; i < f.partition.size(); ++i)
    if (f.partition[i] != 0) cut.push_back(ValidatorIndex{i});
  s.partitioned = cut.size();
  s.partitioned_stake = share(cut);
  s.live = r.live;
  s.slots = r.slots;
  s.shreds_rejected = r.shreds_rejected;
  s.misbehaviour = r.misbehaviour;
  if (r.votes) {
    s.notar = r.votes->notar;
    s.final = r.votes->final;
    s.fast = r.votes->fast;
    s.slow = r.votes->slow;
  }
  return s;
}

void print_run_header(bool votes) {
  std::printf("%-10s %4s %6s %8s %8s %8s %8s %8s %8s %8s %7s %7s %9s", "strategy", "run", "leader", "50%stk",
              "80%stk", "100%stk", "p50", "p90", "p99", "max", "ampl", "ldr_up", "events/s");
  if (votes) std::printf(" %8s %8s %8s %6s", "fin50%", "fin80%", "fin100%", "fast%");
  std::printf("\n");
}

void print_run_row(const std::string& strategy, const RunRecord& rec, bool votes) {
  const auto& r = rec.result;
  std::printf("%-10s %4u %6u %8s %8s %8s %8s %8s %8s %8s %7.2f %7.2f %9.0f", strategy.c_str(), rec.run,
              rec.leader.get(), ms_text(r.block.stake50).c_str(), ms_text(r.block.stake80).c_str(),
              ms_text(r.block.stake100).c_str(), ms_text(r.block.p50).c_str(), ms_text(r.block.p90).c_str(),
              ms_text(r.block.p99).c_str(), ms_text(r.block.max).c_str(), r.amplification, r.leader_upload,
              static_cast<double>(r.events) / std::max(rec.wall_s, 1e-9));
  if (votes && r.votes) {
    const auto& v = *r.votes;
    std::printf(
        " %8s %8s %8s %6.1f", ms_text(v.final.stake50).c_str(), ms_text(v.final.stake80).c_str(),
        ms_text(v.final.stake100).c_str(),
        100.0 * static_cast<double>(v.fast) / static_cast<double>(std::max<std::size_t>(v.times.size(), 1)));
  }
  std::printf("\n");
  std::fflush(stdout);
}

void print_summary(const Setup& s, const std::vector<StrategyRuns>& all) {
  std::printf(
      "\nBlock arrival, ms (mean over %u run%s; stake columns: time until validators with that share of the "
      "stake had the block; p-columns: over validators)\n",
      s.runs, s.runs == 1 ? "" : "s");
  std::printf("%-10s %8s %8s %8s %8s %8s %8s %8s %8s %6s %6s %9s %9s %9s %8s\n", "strategy", "50%stk",
              "60%stk", "80%stk", "100%stk", "p50", "p90", "p99", "max", "ampl", "ldr_up", "relay_KiB",
              "other_KiB", "Mevents/s", "wall_s");
  for (const auto& sr : all) {
    const auto& runs = sr.runs;
    auto m = [&](std::optional<Duration> Spread::*f) {
      return ms_text(mean(runs, [&](const RunSummary& r) { return r.block.*f; }));
    };
    double events = 0, wall = 0;
    for (const auto& r : runs) {
      events += static_cast<double>(r.events);
      wall += r.wall_s;
    }
    std::printf(
        "%-10s %8s %8s %8s %8s %8s %8s %8s %8s %6.2f %6.1f %9.0f %9.0f %9.2f %8.1f\n", sr.name.c_str(),
        m(&Spread::stake50).c_str(), m(&Spread::stake60).c_str(), m(&Spread::stake80).c_str(),
        m(&Spread::stake100).c_str(), m(&Spread::p50).c_str(), m(&Spread::p90).c_str(),
        m(&Spread::p99).c_str(), m(&Spread::max).c_str(),
        mean_of(runs, [](const RunSummary& r) { return r.amplification; }),
        mean_of(runs, [](const RunSummary& r) { return r.leader_upload; }),
        mean_of(runs, [](const RunSummary& r) { return static_cast<double>(r.bytes.relay_median) / 1024; }),
        mean_of(runs, [](const RunSummary& r) { return static_cast<double>(r.bytes.others_median) / 1024; }),
        events / std::max(wall, 1e-9) / 1e6, wall);
  }
  if (s.crash > 0 || !s.byzantine.empty() || s.partition > 0 || s.loss > 0 || s.jitter_ms > 0) {
    std::printf(
        "\nFaults (mean over runs): crash %.2f, byzantine %s %.2f, partition %.2f of the stake; loss %.4f, "
        "jitter %.1f ms\n",
        s.crash, s.byzantine.empty() ? "-" : s.byzantine.c_str(), s.byzantine_share, s.partition, s.loss,
        s.jitter_ms);
    std::printf("%-10s %8s %8s %8s %8s %8s %8s %10s %8s\n", "strategy", "crashed", "crash%", "byzant", "byz%",
                "live", "complete", "rejected", "reports");
    for (const auto& sr : all) {
      const auto& runs = sr.runs;
      auto m = [&](auto f) { return mean_of(runs, f); };
      std::printf("%-10s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %10.1f %8.1f\n", sr.name.c_str(),
                  m([](const RunSummary& r) { return static_cast<double>(r.crashed); }),
                  m([](const RunSummary& r) { return 100 * r.crashed_stake; }),
                  m([](const RunSummary& r) { return static_cast<double>(r.byzantine); }),
                  m([](const RunSummary& r) { return 100 * r.byzantine_stake; }),
                  m([](const RunSummary& r) { return static_cast<double>(r.live); }),
                  m([](const RunSummary& r) { return static_cast<double>(r.complete); }),
                  m([](const RunSummary& r) { return static_cast<double>(r.shreds_rejected); }),
                  m([](const RunSummary& r) { return static_cast<double>(r.misbehaviour); }));
    }
  }
  if (!s.votes) return;
  std::printf(
      "\nFinalization, ms (mean over runs; notarized at > 60%% of the stake's votes, fast-finalized at > "
      "80%%, "
      "else after a second > 60%% round)\n");
  std::printf("%-10s %8s %8s %8s %8s %8s %8s %8s %8s %8s %6s %9s %9s\n", "strategy", "not50%", "not80%",
              "fin50%", "fin60%", "fin80%", "fin100%", "fin_p50", "fin_p99", "fin_max", "fast%", "paper50",
              "paper100");
  for (const auto& sr : all) {
    const auto& runs = sr.runs;
    auto nm = [&](std::optional<Duration> Spread::*f) {
      return ms_text(mean(runs, [&](const RunSummary& r) { return r.notar ? (*r.notar).*f : std::nullopt; }));
    };
    auto fm = [&](std::optional<Duration> Spread::*f) {
      return ms_text(mean(runs, [&](const RunSummary& r) { return r.final ? (*r.final).*f : std::nullopt; }));
    };
    double fast = 0, count = 0;
    for (const auto& r : runs) {
      fast += static_cast<double>(r.fast);
      count += static_cast<double>(r.fast + r.slow);
    }
    std::printf("%-10s %8s %8s %8s %8s %8s %8s %8s %8s %8s %6.1f %9s %9s\n", sr.name.c_str(),
                nm(&Spread::stake50).c_str(), nm(&Spread::stake80).c_str(), fm(&Spread::stake50).c_str(),
                fm(&Spread::stake60).c_str(), fm(&Spread::stake80).c_str(), fm(&Spread::stake100).c_str(),
                fm(&Spread::p50).c_str(), fm(&Spread::p99).c_str(), fm(&Spread::max).c_str(),
                count > 0 ? 100.0 * fast / count : 0.0, fm(&Spread::paper50).c_str(),
                fm(&Spread::paper100).c_str());
  }
  std::printf(
      "(paper50, paper100: the Alpenglow white paper's percentiles, the stake-weighted mean over the "
      "49-50%% and 99-100%% of the stake; docs/sim-validation.md)\n");
}

void print_slots(const std::vector<StrategyRuns>& all) {
  std::printf(
      "\nMixed workload, per slot (ms since that slot's broadcast; mean over runs): block arrival and "
      "finalization at 50%%, 80%%, 100%% of the stake\n");
  std::printf("%-10s %5s %8s %8s %8s %8s %8s %8s %9s\n", "strategy", "slot", "blk50%", "blk80%", "blk100%",
              "fin50%", "fin80%", "fin100%", "complete");
  for (const auto& sr : all) {
    if (sr.runs.empty()) continue;
    const std::size_t slots = sr.runs.front().slots.size();
    for (std::size_t k = 0; k < slots; ++k) {
      auto m = [&](std::optional<Duration> Spread::*f, bool fin) {
        return ms_text(mean(sr.runs, [&](const RunSummary& r) -> std::optional<Duration> {
          if (k >= r.slots.size()) return std::nullopt;
          const sim::SlotRun& s = r.slots[k];
          return fin ? (s.final ? (*s.final).*f : std::nullopt) : s.block.*f;
        }));
      };
      double complete = 0;
      for (const auto& r : sr.runs)
        complete += k < r.slots.size() ? static_cast<double>(r.slots[k].complete) : 0;
      std::printf("%-10s %5zu %8s %8s %8s %8s %8s %8s %9.1f\n", sr.name.c_str(), k,
                  m(&Spread::stake50, false).c_str(), m(&Spread::stake80, false).c_str(),
                  m(&Spread::stake100, false).c_str(), m(&Spread::stake50, true).c_str(),
                  m(&Spread::stake80, true).c_str(), m(&Spread::stake100, true).c_str(),
                  complete / static_cast<double>(sr.runs.size()));
    }
  }
}

bool write_run_csv(const std::string& path, const std::vector<Stake>& stakes, const RunRecord& rec) {
  std::ofstream f(path);
  if (!f) return false;
  const auto& r = rec.result;
  f << "validator,stake,role,block_ms,notarized_ms,finalized_ms,bytes_in,bytes_out\n";
  auto cell = [](std::optional<Duration> d) {
    if (!d) return std::string();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", to_ms(*d));
    return std::string(buf);
  };
  for (std::size_t i = 0; i < r.arrival.size(); ++i) {
    const char* role = i == rec.leader.get() ? "leader" : r.relay[i] ? "relay" : "other";
    f << i << ',' << stakes[i].get() << ',' << role << ',' << cell(r.arrival[i]) << ','
      << (r.votes ? cell(r.votes->notarized[i]) : "") << ',' << (r.votes ? cell(r.votes->finalized[i]) : "")
      << ',' << r.bytes_received[i] << ',' << r.bytes_sent[i] << '\n';
  }
  return static_cast<bool>(f);
}

bool write_json(const std::string& path, const Setup& s, const std::vector<StrategyRuns>& all) {
  nlohmann::json doc;
  doc["stake_file"] = s.stake_file;
  doc["validators"] = s.validators;
  doc["hop"] = s.hop;
  doc["leader"] = s.leader;
  doc["leader_block"] = s.leader_block;
  doc["unplaced"] = s.unplaced;
  doc["dropped_validators"] = s.dropped;
  doc["faults"] = {{"crash", s.crash},
                   {"byzantine", s.byzantine.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.byzantine)},
                   {"byzantine_share", s.byzantine_share},
                   {"partition", s.partition},
                   {"loss", s.loss},
                   {"jitter_ms", s.jitter_ms}};
  doc["block_bytes"] = s.block_bytes;
  doc["gamma"] = s.gamma;
  doc["Gamma"] = s.total;
  doc["shred_bytes"] = s.shred_bytes;
  doc["turbine_fanout"] = s.fanout;
  doc["upload_mbps"] = s.upload_mbps;
  doc["upload_by_stake"] = s.upload_by_stake;
  doc["download_mbps"] = s.download_mbps;
  doc["uplink"] = s.uplink;
  doc["seed"] = s.seed;
  doc["runs"] = s.runs;
  doc["votes"] = s.votes;
  doc["cpu_s"] = s.cpu_s;
  doc["peak_rss_mib"] = s.peak_rss_mib;
  doc["cipher"] = "none (payload bytes only; framing/encryption not modelled)";
  doc["strategies"] = nlohmann::json::array();
  for (const auto& sr : all) {
    nlohmann::json js;
    js["name"] = sr.name;
    nlohmann::json mean_doc = mean_spread_json(sr.runs, [](const RunSummary& r) { return r.block; });
    mean_doc["amplification"] = mean_of(sr.runs, [](const RunSummary& r) { return r.amplification; });
    mean_doc["leader_upload"] = mean_of(sr.runs, [](const RunSummary& r) { return r.leader_upload; });
    if (s.votes) {
      mean_doc["notarized"] =
          mean_spread_json(sr.runs, [](const RunSummary& r) { return r.notar.value_or(Spread{}); });
      mean_doc["finalized"] =
          mean_spread_json(sr.runs, [](const RunSummary& r) { return r.final.value_or(Spread{}); });
    }
    js["mean"] = mean_doc;
    js["runs"] = nlohmann::json::array();
    for (const auto& r : sr.runs) {
      nlohmann::json jr = spread_json(r.block);
      jr["run"] = r.run;
      jr["leader"] = r.leader;
      jr["slot"] = r.slot;
      jr["complete"] = r.complete;
      jr["live"] = r.live;
      jr["faults"] = {{"crashed", r.crashed},
                      {"crashed_stake", r.crashed_stake},
                      {"byzantine", r.byzantine},
                      {"byzantine_stake", r.byzantine_stake},
                      {"partitioned", r.partitioned},
                      {"partitioned_stake", r.partitioned_stake},
                      {"shreds_rejected", r.shreds_rejected},
                      {"misbehaviour_reports", r.misbehaviour}};
      jr["amplification"] = r.amplification;
      jr["leader_upload"] = r.leader_upload;
      jr["bytes_sent"] = {{"leader", r.bytes.leader},
                          {"relays", r.bytes.relays},
                          {"relay_median", r.bytes.relay_median},
                          {"relay_max", r.bytes.relay_max},
                          {"others_median", r.bytes.others_median},
                          {"others_max", r.bytes.others_max}};
      if (r.final) {
        jr["notarized"] = spread_json(*r.notar);
        jr["finalized"] = spread_json(*r.final);
        jr["fast_finalized"] = r.fast;
        jr["slow_finalized"] = r.slow;
      }
      if (!r.slots.empty()) {
        jr["slots"] = nlohmann::json::array();
        for (const auto& sl : r.slots) {
          nlohmann::json js2 = {{"slot", sl.slot.get()},
                                {"leader", sl.leader.get()},
                                {"complete", sl.complete},
                                {"block", spread_json(sl.block)}};
          if (sl.final) js2["finalized"] = spread_json(*sl.final);
          jr["slots"].push_back(js2);
        }
      }
      jr["events"] = r.events;
      jr["messages"] = r.messages;
      jr["wall_s"] = r.wall_s;
      jr["events_per_s"] = static_cast<double>(r.events) / std::max(r.wall_s, 1e-9);
      jr["trace"] = r.trace;
      js["runs"].push_back(jr);
    }
    doc["strategies"].push_back(js);
  }
  std::ofstream f(path);
  if (!f) return false;
  f << doc.dump(2) << "\n";
  return static_cast<bool>(f);
}

bool gnuplot_available() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

bool write_plots(const std::string& dir, const std::vector<Stake>& stakes,
                 const std::vector<StrategyRuns>& all, bool votes, std::string* why) {
  long double total = 0;
  for (Stake s : stakes) total += static_cast<long double>(s.get());
  // Data: per strategy, the stake-weighted CDF (ms, cumulative stake share) and bytes per node (sorted).
  auto cdf = [&](const std::string& path, const std::vector<std::optional<Duration>>& t) {
    std::vector<std::pair<double, std::uint64_t>> got;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i]) got.emplace_back(to_ms(*t[i]), stakes[i].get());
    std::sort(got.begin(), got.end());
    std::ofstream f(path);
    long double acc = 0;
    f << "0 0\n";
    for (const auto& [ms, st] : got) {
      acc += static_cast<long double>(st);
      f << ms << ' ' << static_cast<double>(acc / total) << '\n';
    }
    return static_cast<bool>(f);
  };
  std::string arrival_plot, bytes_plot, final_plot;
  for (const auto& sr : all) {
    if (!sr.first) continue;
    const auto& r = sr.first->result;
    const std::string a = dir + "/arrival_" + sr.name + ".dat";
    const std::string b = dir + "/bytes_" + sr.name + ".dat";
    if (!cdf(a, r.arrival)) {
      *why = "cannot write " + a;
      return false;
    }
    std::vector<std::uint64_t> bytes = r.bytes_sent;
    std::sort(bytes.rbegin(), bytes.rend());
    std::ofstream bf(b);
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bf << i << ' ' << std::max<double>(static_cast<double>(bytes[i]) / 1024.0, 0.01) << '\n';
    if (!bf) {
      *why = "cannot write " + b;
      return false;
    }
    const std::string sep = arrival_plot.empty() ? "plot " : ", ";
    arrival_plot += sep + "'" + a + "' using 1:2 with steps lw 2 title '" + sr.name + "'";
    bytes_plot += sep + "'" + b + "' using 1:2 with lines lw 2 title '" + sr.name + "'";
    if (votes && r.votes) {
      const std::string fpath = dir + "/final_" + sr.name + ".dat";
      if (!cdf(fpath, r.votes->finalized)) {
        *why = "cannot write " + fpath;
        return false;
      }
      final_plot += sep + "'" + fpath + "' using 1:2 with steps lw 2 title '" + sr.name + "'";
    }
  }
  const std::string script = dir + "/plots.gp";
  {
    std::ofstream g(script);
    g << "set terminal pngcairo size 1000,600 noenhanced\nset key bottom right\nset grid\n"
      << "set output '" << dir << "/arrival_cdf.png'\nset title 'Block arrival (first run)'\n"
      << "set xlabel 'ms since the broadcast'\nset ylabel 'share of stake that has the block'\nset yrange "
         "[0:1]\n"
      << arrival_plot << "\n";
    if (!final_plot.empty())
      g << "set output '" << dir << "/finalization_cdf.png'\nset title 'Finalization (first run)'\n"
        << "set ylabel 'share of stake finalized'\n"
        << final_plot << "\n";
    g << "set output '" << dir
      << "/bytes_per_node.png'\nset title 'Bytes sent per validator (first run, sorted)'\n"
      << "set key top right\nset xlabel 'validators, most bytes first'\nset ylabel 'KiB sent'\nset logscale "
         "y\n"
      << "set yrange [*:*]\n"
      << bytes_plot << "\n";
    if (!g) {
      *why = "cannot write " + script;
      return false;
    }
  }
  // pngcairo is in gnuplot-nox on Debian 12; fall back to the libgd png terminal elsewhere.
  std::string first_try;
  if (run_gnuplot(script, &first_try)) return true;
  std::ifstream in(script);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "pngcairo";
  text.replace(text.find(from), from.size(), "png");
  std::ofstream(script) << text;
  if (run_gnuplot(script, why)) return true;
  *why = first_try + " / " + *why;
  return false;
}

}  // namespace stakecast::simapp
