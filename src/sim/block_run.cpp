#include "sim/block_run.hpp"

#include "sim/faults.hpp"
#include "sim/gossip_node.hpp"
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
    case Strategy::turbine:
      return "turbine";
    case Strategy::gossipsub:
      return "gossipsub";
  }
  return "?";
}

std::optional<Strategy> strategy_from_name(std::string_view name) {
  for (Strategy s :
       {Strategy::rotor_psp, Strategy::rotor_iid, Strategy::direct, Strategy::turbine, Strategy::gossipsub})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

namespace {

Bytes make_block(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  DeterministicRng::from_u64(seed).fill(b);
  return b;
}

bool gossip_or_direct(Strategy s) { return s == Strategy::gossipsub || s == Strategy::direct; }

// The dissemination node under a validator's vote layers.
const Node& base_node(const Node& n) {
  const Node* p = &n;
  while (const auto* v = dynamic_cast<const VoteNode*>(p)) p = &v->inner();
  return *p;
}

}  // namespace

Result<BlockRunResult> run_block(const StakeTable& table, std::shared_ptr<const Latency> latency,
                                 const BlockRunConfig& config) {
  const std::size_t n = table.size();
  if (config.leader.get() >= n || config.block_bytes == 0 || n < 2) return SimErrc::invalid_config;
  const bool rotor = config.strategy == Strategy::rotor_psp || config.strategy == Strategy::rotor_iid;
  if (config.leader_has_block != LeaderHasBlock::at_broadcast && !rotor) return SimErrc::invalid_config;
  const bool shreds = config.strategy != Strategy::direct && config.strategy != Strategy::gossipsub;
  if (!shreds && (!config.withholding.empty() || !config.corrupting.empty())) return SimErrc::invalid_config;
  if (!config.partition.empty() && config.partition.size() != n) return SimErrc::invalid_config;
  const std::size_t extra = config.next_leaders.size();
  if (extra > 0 &&
      (gossip_or_direct(config.strategy) || config.leader_has_block != LeaderHasBlock::at_broadcast ||
       extra > 63 || config.slot_time <= Duration{0}))
    return SimErrc::invalid_config;
  std::vector<ValidatorIndex> leaders{config.leader};
  leaders.insert(leaders.end(), config.next_leaders.begin(), config.next_leaders.end());
  for (ValidatorIndex l : leaders)
    if (l.get() >= n) return SimErrc::invalid_config;
  for (const auto* set : {&config.crashed, &config.withholding, &config.corrupting})
    for (ValidatorIndex v : *set)
      if (v.get() >= n || std::find(leaders.begin(), leaders.end(), v) != leaders.end())
        return SimErrc::invalid_config;
  const Bytes block = make_block(config.block_bytes, config.block_seed);
  const Slot slot = config.slot;
  const bool direct = config.strategy == Strategy::direct;
  const bool gossip = config.strategy == Strategy::gossipsub;
  const TimePoint t0 = gossip ? TimePoint{} + config.gossip_warmup : TimePoint{};
  std::vector<Stake> stakes;
  for (const auto& v : table.validators()) stakes.push_back(v.stake);

  std::vector<std::unique_ptr<Node>> nodes;
  if (gossip) {
    auto dir = make_gossip_directory(n);
    gossipsub::Config gc;
    gc.max_message_size = std::max(gc.max_message_size, config.block_bytes);
    gc.limits.max_rpc_bytes = std::max(gc.limits.max_rpc_bytes, config.block_bytes + 4096);
    for (std::uint32_t i = 0; i < n; ++i) {
      STAKECAST_TRY(auto g, GossipNode::create(ValidatorIndex{i}, dir, gc, config.runner.seed * 65537 + i,
                                               TimePoint{}));
      nodes.push_back(std::move(g));
    }
    STAKECAST_TRY_STATUS(connect_gossip(nodes, config.gossip_dials, config.runner.seed, TimePoint{}));
  } else if (direct) {
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
                          : config.strategy == Strategy::turbine ? rotor::SamplingStrategy::turbine
                                                                 : rotor::SamplingStrategy::partition;
    ec.sampler.turbine_fanout = config.turbine_fanout;
    ec.store.max_bytes = config.store_bytes;
    ec.repair.repair_after = config.repair_after;
    ec.report_withholding = false;
    STAKECAST_TRY(auto set, sim_validator_set(table, Epoch{1}));
    RotorNodeConfig rc;
    rc.cpu = config.cpu;
    rc.leader_has_block = config.leader_has_block;
    STAKECAST_TRY(nodes, make_rotor_nodes(set, ec, rc, slot, config.leader));
    for (auto& node : nodes)
      for (std::size_t k = 1; k < leaders.size(); ++k)
        static_cast<RotorNode&>(*node).engine().set_leader(Slot{slot.get() + k}, leaders[k]);
  }
  for (std::size_t k = 0; config.votes && k < leaders.size(); ++k) {  // one vote layer per slot
    const Slot s{slot.get() + k};
    auto vc = std::make_shared<VoteConfig>(config.vote);
    vc->stakes = stakes;
    vc->slot = s;
    VoteNode::BlockProbe probe = [direct, gossip, s](const Node& inner) {
      const Node& in = base_node(inner);
      return gossip   ? static_cast<const GossipNode&>(in).block_done()
             : direct ? static_cast<const DirectBroadcast&>(in).completed_at(s)
                      : static_cast<const RotorNode&>(in).block_done(s);
    };
    for (std::uint32_t i = 0; i < n; ++i)
      nodes[i] = std::make_unique<VoteNode>(std::move(nodes[i]), ValidatorIndex{i}, vc, probe);
  }

  // Byzantine relays: the honest machine (and its votes) inside, its shreds filtered on the way out.
  constexpr auto kShred = static_cast<std::uint8_t>(rotor::Protocol::shred);
  for (ValidatorIndex v : config.withholding)
    nodes[v.get()] = std::make_unique<OutputFilter>(std::move(nodes[v.get()]), withhold(kShred));
  for (ValidatorIndex v : config.corrupting)  // a byte well inside the shred's payload
    nodes[v.get()] = std::make_unique<OutputFilter>(std::move(nodes[v.get()]), corrupt(kShred, 1000));

  STAKECAST_TRY(Runner r, Runner::create(config.runner, std::move(nodes), std::move(latency)));
  for (std::uint32_t i = 0; i < config.upload_bps.size() && i < n; ++i)
    r.set_upload(ValidatorIndex{i}, config.upload_bps[i]);
  for (ValidatorIndex v : config.crashed) r.crash(v);
  if (!config.partition.empty()) r.partition(config.partition);
  Status started;
  // Bytes each node had sent when the block left (gossipsub: the warm-up's control traffic).
  std::vector<std::uint64_t> before(n, 0);
  if (gossip) {
    // The routers queued their subscriptions when peers were added: an empty command at time 0 lets the
    // runner pull those frames and arm the first heartbeats.
    for (std::uint32_t i = 0; i < n; ++i) r.command(ValidatorIndex{i}, TimePoint{}, [](Node&, TimePoint) {});
  }
  if (gossip)
    r.at(t0, [&](Runner& run) {
      for (std::uint32_t i = 0; i < n; ++i) before[i] = run.stats(ValidatorIndex{i}).bytes_sent;
    });
  // Mixed workload: the later slots' blocks, each broadcast by its leader slot_time after the previous.
  std::vector<Bytes> later;
  for (std::size_t k = 1; k < leaders.size(); ++k)
    later.push_back(make_block(config.block_bytes, config.block_seed + 7919 * k));
  for (std::size_t k = 1; k < leaders.size(); ++k)
    r.command(
        leaders[k], t0 + config.slot_time * static_cast<std::int64_t>(k), [&, k](Node& outer, TimePoint now) {
          Node* node = &outer;
          while (auto* v = dynamic_cast<VoteNode*>(node)) {
            v->at(now);
            node = &v->inner();
          }
          auto h = static_cast<RotorNode&>(*node).broadcast_block(Slot{slot.get() + k}, later[k - 1], now);
          if (!h && started) started = Err(h.error());
        });
  r.command(config.leader, t0, [&](Node& outer, TimePoint now) {
    Node* node = &outer;
    while (auto* v = dynamic_cast<VoteNode*>(node)) {
      v->at(now);
      node = &v->inner();
    }
    if (gossip) {
      started = static_cast<GossipNode&>(*node).publish(block, now);
    } else if (direct) {
      started = static_cast<DirectBroadcast&>(*node).broadcast(slot, block, now);
    } else {
      auto h = static_cast<RotorNode&>(*node).broadcast_block(slot, block, now);
      if (!h) started = Err(h.error());
    }
  });
  std::uint64_t events = 0;
  while (true) {
    const std::uint64_t chunk =
        config.progress ? std::max<std::uint64_t>(config.progress_every, 1) : ~std::uint64_t{0};
    const TimePoint until = gossip ? t0 + config.gossip_horizon : TimePoint::max();
    STAKECAST_TRY(std::uint64_t done, r.run(until, chunk));
    events += done;
    if (config.progress) config.progress(events, r.now());
    if (r.idle() || done == 0) break;
  }
  STAKECAST_TRY_STATUS(started);

  BlockRunResult out;
  out.events = events;
  out.peak_events = r.peak_events();
  out.trace = r.trace_hash();
  std::uint64_t total = 0;
  VoteRunResult votes;
  auto since = [&](std::optional<TimePoint> t) {
    return t ? std::optional<Duration>(*t - t0) : std::nullopt;
  };
  // Mixed workload: per slot, arrival and finalization since that slot's broadcast.
  std::vector<std::vector<std::optional<Duration>>> slot_arrival(leaders.size()), slot_final(leaders.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    const ValidatorIndex v{i};
    Node* node = &r.node(v);
    if (auto* f = dynamic_cast<OutputFilter*>(node)) node = &f->inner();
    if (v != config.leader && !r.crashed(v)) ++out.live;
    std::uint64_t vote_bytes = 0;
    VoteNode* first_layer = nullptr;
    while (auto* vn = dynamic_cast<VoteNode*>(node)) {  // one layer per slot, the last slot's outermost
      const std::size_t k = vn->slot().get() - slot.get();
      const TimePoint tk = t0 + config.slot_time * static_cast<std::int64_t>(k);
      if (vn->times().finalized)
        slot_final[k].push_back(*vn->times().finalized - tk);
      else
        slot_final[k].push_back(std::nullopt);
      vote_bytes += vn->bytes_sent() + vn->messages_sent() * config.runner.per_message_overhead;
      if (k == 0) first_layer = vn;
      node = &vn->inner();
    }
    for (std::size_t k = 0; extra > 0 && k < leaders.size(); ++k) {
      const auto at = static_cast<RotorNode&>(*node).block_done(Slot{slot.get() + k});
      const TimePoint tk = t0 + config.slot_time * static_cast<std::int64_t>(k);
      slot_arrival[k].push_back(at ? std::optional<Duration>(*at - tk) : std::nullopt);
    }
    if (auto* vn = first_layer) {
      const VoteTimes& t = vn->times();
      votes.times.push_back(t);
      votes.notarized.push_back(since(t.notarized));
      votes.finalized.push_back(since(t.finalized));
      if (t.finalized && t.fast_finalized && *t.fast_finalized == *t.finalized)
        ++votes.fast;
      else if (t.finalized)
        ++votes.slow;
      votes.bytes_sent.push_back(vote_bytes);
    }
    std::optional<TimePoint> at = gossip   ? static_cast<GossipNode&>(*node).block_done()
                                  : direct ? static_cast<DirectBroadcast&>(*node).completed_at(slot)
                                           : static_cast<RotorNode&>(*node).block_done(slot);
    out.arrival.push_back(since(at));
    if (!gossip && !direct) {
      const auto& rn = static_cast<RotorNode&>(*node);
      const auto& m = rn.engine().metrics();
      for (rotor::ShredDrop d :
           {rotor::ShredDrop::malformed, rotor::ShredDrop::bad_signature, rotor::ShredDrop::bad_merkle_proof,
            rotor::ShredDrop::bad_encoding, rotor::ShredDrop::inconsistent})
        out.shreds_rejected += m.dropped(d);
      out.misbehaviour += rn.misbehaviour_reports();
    }
    out.relay.push_back(gossip   ? static_cast<GossipNode&>(*node).router().metrics().messages_forwarded > 0
                        : direct ? false
                                 : static_cast<RotorNode&>(*node).engine().metrics().shreds_forwarded > 0);
    if (at && v != config.leader) ++out.complete;
    // Vote traffic is the same for every strategy; the block's figures leave it out. Bytes received stay
    // whole (the download a node needs).
    const std::uint64_t sent = r.stats(v).bytes_sent - std::min(before[i], r.stats(v).bytes_sent);
    out.bytes_sent.push_back(sent - std::min(vote_bytes, sent));
    out.bytes_received.push_back(r.stats(v).bytes_received);
    out.messages_received.push_back(r.stats(v).messages_received);
    out.messages += r.stats(v).messages_sent;
    total += out.bytes_sent.back();
  }
  out.block = spread(out.arrival, stakes, config.leader.get());
  const double block_d = static_cast<double>(config.block_bytes);
  out.amplification = static_cast<double>(total) /
                      (block_d * static_cast<double>(n - 1) * static_cast<double>(leaders.size()));
  for (std::size_t k = 0; extra > 0 && k < leaders.size(); ++k) {
    SlotRun& sr = out.slots.emplace_back();
    sr.slot = Slot{slot.get() + k};
    sr.leader = leaders[k];
    for (std::uint32_t i = 0; i < n; ++i)
      if (i != leaders[k].get() && slot_arrival[k][i]) ++sr.complete;
    sr.block = spread(slot_arrival[k], stakes, leaders[k].get());
    if (config.votes) sr.final = spread(slot_final[k], stakes, leaders[k].get());
  }
  out.leader_upload = static_cast<double>(out.bytes_sent[config.leader.get()]) / block_d;
  if (config.votes) {
    votes.notar = spread(votes.notarized, stakes, config.leader.get());
    votes.final = spread(votes.finalized, stakes, config.leader.get());
    out.votes = std::move(votes);
  }
  return out;
}

}  // namespace stakecast::sim
