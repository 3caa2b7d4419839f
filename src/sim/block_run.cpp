#include "sim/block_run.hpp"

#include "sim/stats.hpp"

namespace stakecast::sim {

std::string_view to_string(Strategy s) {
  switch (s) {
    case Strategy::rotor_psp:
      return "rotor-psp";
    case Strategy::rotor_iid:
      return "rotor-iid";
    case Strategy::direct:
      return "direct";
  }
  return "?";
}

std::optional<Strategy> strategy_from_name(std::string_view name) {
  for (Strategy s : {Strategy::rotor_psp, Strategy::rotor_iid, Strategy::direct})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

namespace {

Bytes make_block(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  DeterministicRng::from_u64(seed).fill(b);
  return b;
}

}  // namespace

Result<BlockRunResult> run_block(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const BlockRunConfig& config) {
  const std::size_t n = table.size();
  if (config.leader.get() >= n || config.block_bytes == 0 || n < 2) return SimErrc::invalid_config;
  const Bytes block = make_block(config.block_bytes, config.block_seed);
  const Slot slot{1};

  std::vector<std::unique_ptr<Node>> nodes;
  if (config.strategy == Strategy::direct) {
    DirectBroadcastConfig dc;
    dc.validators = n;
    dc.order = config.direct_order;
    dc.max_block_bytes = static_cast<std::uint32_t>(std::min<std::size_t>(config.block_bytes, UINT32_MAX));
    for (std::uint32_t i = 0; i < n; ++i) {
      STAKECAST_TRY(DirectBroadcast d, DirectBroadcast::create(ValidatorIndex{i}, dc));
      nodes.push_back(std::make_unique<DirectBroadcast>(std::move(d)));
    }
  } else {
    if (config.data_shreds == 0 || config.total_shreds < config.data_shreds || config.shred_payload == 0)
      return SimErrc::invalid_config;
    rotor::EngineConfig ec;
    ec.shredder = {config.data_shreds, config.total_shreds, config.shred_payload};
    ec.sampler.strategy = config.strategy == Strategy::rotor_iid ? rotor::SamplingStrategy::iid
                                                                 : rotor::SamplingStrategy::partition;
    ec.store.max_bytes = config.store_bytes;
    ec.report_withholding = false;
    STAKECAST_TRY(auto set, sim_validator_set(table, Epoch{1}));
    RotorNodeConfig rc;
    rc.cpu = config.cpu;
    STAKECAST_TRY(nodes, make_rotor_nodes(set, ec, rc, slot, config.leader));
  }

  STAKECAST_TRY(Runner r, Runner::create(config.runner, std::move(nodes), std::move(latency)));
  Status started;
  const TimePoint t0{};
  r.command(config.leader, t0, [&](Node& node, TimePoint now) {
    if (config.strategy == Strategy::direct) {
      started = dynamic_cast<DirectBroadcast&>(node).broadcast(slot, block, now);
    } else {
      auto h = dynamic_cast<RotorNode&>(node).broadcast_block(slot, block, now);
      if (!h) started = Err(h.error());
    }
  });
  STAKECAST_TRY(std::uint64_t events, r.run());
  STAKECAST_TRY_STATUS(started);

  BlockRunResult out;
  out.events = events;
  out.peak_events = r.peak_events();
  out.trace = r.trace_hash();
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const ValidatorIndex v{i};
    std::optional<TimePoint> at = config.strategy == Strategy::direct
                                      ? r.node_as<DirectBroadcast>(v).completed_at(slot)
                                      : r.node_as<RotorNode>(v).block_done(slot);
    out.arrival.push_back(at ? std::optional<Duration>(*at - t0) : std::nullopt);
    if (at && v != config.leader) ++out.complete;
    out.bytes_sent.push_back(r.stats(v).bytes_sent);
    out.bytes_received.push_back(r.stats(v).bytes_received);
    out.messages += r.stats(v).messages_sent;
    total += r.stats(v).bytes_sent;
  }
  std::vector<Stake> stakes;
  for (const auto& v : table.validators()) stakes.push_back(v.stake);
  out.stake60 = stake_time(out.arrival, stakes, 0.6);
  out.stake80 = stake_time(out.arrival, stakes, 0.8);
  out.stake100 = stake_time(out.arrival, stakes, 1.0);
  std::vector<std::optional<Duration>> others;
  for (std::uint32_t i = 0; i < n; ++i)
    if (i != config.leader.get()) others.push_back(out.arrival[i]);
  out.p50 = node_percentile(others, 0.5);
  out.p90 = node_percentile(others, 0.9);
  out.p99 = node_percentile(others, 0.99);
  out.max = node_percentile(others, 1.0);
  const double block_d = static_cast<double>(config.block_bytes);
  out.amplification = static_cast<double>(total) / (block_d * static_cast<double>(n - 1));
  out.leader_upload = static_cast<double>(out.bytes_sent[config.leader.get()]) / block_d;
  return out;
}

}  // namespace stakecast::sim
