#include "rotor/rotor_bench.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "codec/shred.hpp"
#include "core/rng.hpp"
#include "crypto/merkle.hpp"
#include "proto/rotor/engine.hpp"
#include "proto/rotor/loopback_net.hpp"

namespace stakecast::bench {
namespace {

using namespace rotor;

crypto::Ed25519Keypair node_key(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), 0xBE4C0000 + i);
  return crypto::Ed25519Keypair::from_seed(s);
}

std::vector<Stake> uniform_stakes(std::size_t n) { return std::vector<Stake>(n, Stake{1000}); }
// A few heavy validators and a long tail, like real stake distributions.
std::vector<Stake> skewed_stakes(std::size_t n) {
  std::vector<Stake> s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(Stake{200 + 100'000 / (i + 1)});
  return s;
}

std::shared_ptr<const ValidatorSet> make_set(const std::vector<Stake>& stakes) {
  std::vector<crypto::Ed25519PublicKey> keys;
  for (std::uint32_t i = 0; i < stakes.size(); ++i) keys.push_back(node_key(i).public_key());
  return *ValidatorSet::create(Epoch{1}, stakes, keys);
}

Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  DeterministicRng::from_u64(seed).fill(b);
  return b;
}

// An engine that remembers when things arrived, for the loopback network.
struct TimedNode {
  Engine engine;
  TimePoint block_done = TimePoint::max();
  std::map<MessageId, TimePoint> delivered;

  void on_message(std::optional<ValidatorIndex> from, Protocol p, BytesView b, TimePoint now) {
    engine.on_message(from, p, b, now);
    drain(now);
  }
  void on_deadline(TimePoint now) {
    engine.on_deadline(now);
    drain(now);
  }
  std::optional<Transmit> poll_transmit() { return engine.poll_transmit(); }
  TimePoint next_deadline() const { return engine.next_deadline(); }
  void drain(TimePoint now) {
    while (auto e = engine.poll_event()) {
      if (std::holds_alternative<BlockDoneEvent>(*e)) block_done = std::min(block_done, now);
      if (auto* d = std::get_if<Delivered>(&*e)) delivered.emplace(d->id, now);
    }
  }
};

LoopbackNet<TimedNode> make_cluster(const std::vector<Stake>& stakes, const EngineConfig& cfg,
                                    const LoopbackConfig& net) {
  auto set = make_set(stakes);
  std::vector<TimedNode> nodes;
  for (std::uint32_t i = 0; i < stakes.size(); ++i) {
    auto e = Engine::create(cfg, node_key(i));
    if (!e) throw std::runtime_error("engine configuration rejected");
    (void)e->add_epoch(Slot{0}, set);
    e->on_slot(Slot{1});
    e->set_leader(Slot{1}, ValidatorIndex{0});
    nodes.push_back(TimedNode{std::move(*e), TimePoint::max(), {}});
  }
  return LoopbackNet<TimedNode>(net, std::move(nodes));
}

EngineConfig shreds_of(std::size_t payload) {
  EngineConfig c;
  c.shredder = {32, 64, payload};
  c.report_withholding = false;
  return c;
}

struct BlockRun {
  double amplification = 0;    // bytes sent by all nodes / (N x block)
  double leader_upload = 0;    // bytes sent by the leader / block
  double last_done_ms = -1;    // when the last node had the whole block
  std::size_t complete = 0;    // nodes (other than the leader) that rebuilt it
  std::size_t shred_wire = 0;  // bytes of one full shred on the wire
};

BlockRun run_block(const std::vector<Stake>& stakes, std::size_t block_bytes, std::size_t payload,
                   const LoopbackConfig& net_cfg) {
  auto net = make_cluster(stakes, shreds_of(payload), net_cfg);
  const Bytes block = random_bytes(block_bytes, 7);
  auto hash = net.node(0).engine.broadcast_block(Slot{1}, block, net.now());
  if (!hash) throw std::runtime_error("broadcast failed");
  net.pump(0);
  net.run();
  BlockRun r;
  const double n = static_cast<double>(stakes.size()), b = static_cast<double>(block_bytes);
  r.amplification = static_cast<double>(net.total_bytes_sent()) / (n * b);
  r.leader_upload = static_cast<double>(net.bytes_sent(0)) / b;
  TimePoint last{};
  for (std::uint32_t i = 1; i < stakes.size(); ++i) {
    if (net.node(i).block_done == TimePoint::max()) continue;
    ++r.complete;
    last = std::max(last, net.node(i).block_done);
  }
  r.last_done_ms = last.ms();
  r.shred_wire = codec::shred_wire_size(64, payload);
  return r;
}

nlohmann::json amplification(std::size_t n, std::size_t block_bytes) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t payload : {32u * 1024, 1024u}) {
    const BlockRun r = run_block(skewed_stakes(n), block_bytes, payload, {});
    const double kappa = 2.0;
    const double target = payload == 32 * 1024 ? kappa * 1.03 : 0;
    out.push_back(
        {{"name", "amplification/" + std::to_string(payload / 1024) + "KiB_shreds"},
         {"validators", n},
         {"block_bytes", block_bytes},
         {"shred_payload", payload},
         {"amplification", r.amplification},
         {"bound", "kappa x 1.03"},
         {"kappa", kappa},
         {"ratio_to_kappa", r.amplification / kappa},
         {"target", target > 0 ? nlohmann::json(target) : nlohmann::json("report only")},
         {"meets_target", target > 0 ? nlohmann::json(r.amplification <= target) : nlohmann::json(nullptr)},
         {"leader_upload_per_block_byte", r.leader_upload},
         {"nodes_complete", r.complete}});
  }
  return out;
}

nlohmann::json time_to_deliver(std::size_t n, std::size_t block_bytes, std::uint64_t bw) {
  nlohmann::json out = nlohmann::json::array();
  const std::size_t payload = 32 * 1024;
  for (bool skewed : {false, true}) {
    const auto stakes = skewed ? skewed_stakes(n) : uniform_stakes(n);
    const BlockRun r = run_block(stakes, block_bytes, payload, {.upload_bps = bw});
    const double kappa = 2.0;
    const double bound_ms =
        (kappa * static_cast<double>(block_bytes) / static_cast<double>(bw) +
         static_cast<double>(r.shred_wire) / static_cast<double>(bw) * static_cast<double>(n)) *
        1e3;
    const double ratio = r.last_done_ms / bound_ms;
    out.push_back({{"name", std::string("time_to_deliver/") + (skewed ? "skewed_stake" : "uniform_stake")},
                   {"validators", n},
                   {"block_bytes", block_bytes},
                   {"shred_payload", payload},
                   {"shred_wire_bytes", r.shred_wire},
                   {"upload_bytes_per_second", bw},
                   {"latency_ms", 0},
                   {"last_node_ms", r.last_done_ms},
                   {"bound", "kappa*B/leader_bw + shred/relay_bw*N"},
                   {"bound_ms", bound_ms},
                   {"ratio", ratio},
                   {"target_ratio", 1.2},
                   {"meets_target", r.complete + 1 == n && ratio <= 1.2},
                   {"nodes_complete", r.complete}});
  }
  return out;
}

// When the validators holding `fraction` of all stake have the message (the sender holds it at 0).
double stake_time_ms(const std::vector<Stake>& stakes, const std::vector<TimePoint>& at, double fraction) {
  std::vector<std::pair<TimePoint, std::uint64_t>> v;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    total += stakes[i].get();
    v.emplace_back(i == 0 ? TimePoint{} : at[i], stakes[i].get());
  }
  std::sort(v.begin(), v.end());
  std::uint64_t acc = 0;
  for (const auto& [t, s] : v) {
    if (t == TimePoint::max()) break;
    acc += s;
    if (static_cast<double>(acc) >= fraction * static_cast<double>(total)) return t.ms();
  }
  return -1;
}

// Direct vs hybrid vs Rotor for medium messages: when 2/3 of the stake and the last validator have it,
// and what the sender uploads.
nlohmann::json paths(std::size_t n, std::uint64_t bw, Duration latency) {
  nlohmann::json out = nlohmann::json::array();
  const auto stakes = skewed_stakes(n);
  for (std::size_t size : {4u * 1024, 16u * 1024, 64u * 1024}) {
    nlohmann::json row = {{"message_bytes", size},
                          {"validators", n},
                          {"stake", "skewed (200 + 100000 / (i + 1))"},
                          {"upload_bytes_per_second", bw},
                          {"one_way_latency_ms", to_ms(latency)}};
    const Bytes msg = random_bytes(size, size);
    for (const char* path : {"direct", "hybrid", "rotor"}) {
      const std::string p = path;
      const std::size_t payload = std::max<std::size_t>(64, (size + 31) / 32);
      auto net = make_cluster(stakes, shreds_of(payload), {.upload_bps = bw, .latency = latency});
      std::optional<MessageId> id;
      if (p == "rotor") {
        if (!net.node(0).engine.broadcast_block(Slot{1}, msg, net.now()))
          throw std::runtime_error("rotor send");
      } else {
        auto r = net.node(0).engine.send_direct(prio::Kind::coordination, Slot{1}, msg,
                                                {.ack = false, .hybrid = p == "hybrid"}, net.now());
        if (!r) throw std::runtime_error("direct send");
        id = *r;
      }
      net.pump(0);
      net.run();
      std::vector<TimePoint> at(n, TimePoint::max());
      TimePoint last{};
      std::size_t have = 0;
      for (std::uint32_t i = 1; i < n; ++i) {
        const auto& node = net.node(i);
        if (id) {
          if (auto it = node.delivered.find(*id); it != node.delivered.end()) at[i] = it->second;
        } else {
          at[i] = node.block_done;
        }
        if (at[i] == TimePoint::max()) continue;
        ++have;
        last = std::max(last, at[i]);
      }
      row[p] = {{"two_thirds_stake_ms", stake_time_ms(stakes, at, 2.0 / 3.0)},
                {"last_node_ms", last.ms()},
                {"sender_upload_bytes", net.bytes_sent(0)},
                {"sender_upload_per_message_byte",
                 static_cast<double>(net.bytes_sent(0)) / static_cast<double>(size)},
                {"total_bytes_per_node_and_message_byte",
                 static_cast<double>(net.total_bytes_sent()) / static_cast<double>(n * size)},
                {"nodes_with_message", have}};
    }
    auto between = [&](const char* field) {
      const double d = row["direct"][field], h = row["hybrid"][field], r = row["rotor"][field];
      return h >= std::min(d, r) && h <= std::max(d, r);
    };
    row["hybrid_between_on_two_thirds_latency"] = between("two_thirds_stake_ms");
    row["hybrid_between_on_sender_upload"] = between("sender_upload_bytes");
    out.push_back(row);
  }
  return out;
}

// --- Receive-and-verify throughput (wall clock, Google Benchmark) ---------------------------------

struct ShredFeed {
  std::shared_ptr<const ValidatorSet> set;
  std::vector<Bytes> wires;         // every shred of every slice, in arrival order
  std::vector<std::uint32_t> from;  // the relay that sends it (the leader for our own indices)
  std::size_t slices = 0;
};

constexpr std::uint32_t kReceiver = 1;

ShredFeed make_feed(std::size_t payload, std::size_t slices, std::size_t n) {
  ShredFeed f;
  f.set = make_set(uniform_stakes(n));
  f.slices = slices;
  auto shredder = Shredder::create({32, 64, payload}, node_key(0));
  auto probe = Engine::create(shreds_of(payload), node_key(kReceiver));
  (void)probe->add_epoch(Slot{0}, f.set);
  probe->set_leader(Slot{1}, ValidatorIndex{0});
  auto rng = DeterministicRng::from_u64(3);
  for (std::size_t s = 0; s < slices; ++s) {
    auto slice = shredder->make_slice(Slot{1}, SliceIndex{static_cast<std::uint32_t>(s)}, s + 1 == slices,
                                      random_bytes(32 * payload, s));
    auto committee = *probe->committee(Slot{1}, SliceIndex{static_cast<std::uint32_t>(s)}, 64);
    std::vector<std::size_t> order(64);
    for (std::size_t i = 0; i < 64; ++i) order[i] = i;
    for (std::size_t i = 63; i > 0; --i) std::swap(order[i], order[rng.uniform(i + 1)]);
    for (std::size_t i : order) {
      f.wires.emplace_back(slice->shred(i).begin(), slice->shred(i).end());
      const std::uint32_t relay = committee[i].get();
      f.from.push_back(relay == kReceiver ? 0 : relay);
    }
  }
  return f;
}

void register_throughput(const std::string& tag, std::size_t payload) {
  auto feed = std::make_shared<ShredFeed>(make_feed(payload, 32, 100));
  for (bool audit : {false, true}) {
    const std::string name = std::string(audit ? "engine_receive_audit/" : "engine_receive/") + tag;
    benchmark::RegisterBenchmark(name.c_str(), [feed, payload, audit](benchmark::State& st) {
      std::uint64_t accepted = 0;
      for (auto _ : st) {
        st.PauseTiming();
        EngineConfig cfg = shreds_of(payload);
        cfg.audit_late_shreds = audit;
        auto e = Engine::create(cfg, node_key(kReceiver));
        (void)e->add_epoch(Slot{0}, feed->set);
        e->set_leader(Slot{1}, ValidatorIndex{0});
        e->on_slot(Slot{1});
        st.ResumeTiming();
        const TimePoint now{};
        for (std::size_t i = 0; i < feed->wires.size(); ++i) {
          e->on_message(ValidatorIndex{feed->from[i]}, Protocol::shred, feed->wires[i], now);
          while (e->poll_transmit()) {
          }
          while (e->poll_event()) {
          }
        }
        accepted = e->metrics().shreds_accepted;
        benchmark::DoNotOptimize(accepted);
      }
      st.counters["accepted_per_iteration"] = static_cast<double>(accepted);
    });
  }
  // Baseline: the cryptography alone, no engine: parse, one signature per slice, a Merkle path per shred.
  benchmark::RegisterBenchmark(("bare_verify/" + tag).c_str(), [feed](benchmark::State& st) {
    const auto& leader = feed->set->key(ValidatorIndex{0});
    for (auto _ : st) {
      std::map<std::uint32_t, crypto::Hash256> verified;
      std::size_t ok = 0;
      for (const auto& w : feed->wires) {
        auto v = codec::parse_shred(w);
        const auto& h = v->header();
        auto it = verified.find(h.slice.get());
        if (it == verified.end() || it->second != h.root) {
          if (!crypto::ed25519_verify(leader, codec::signed_message(h.slot, h.slice, h.last_slice, h.root),
                                      h.signature))
            continue;
          verified[h.slice.get()] = h.root;
        }
        const auto leaf = crypto::merkle::leaf_hash(
            codec::leaf_prefix(h.data_count, h.total_count, h.index, h.slice_len), v->payload());
        ok += crypto::merkle::root_from_proof(leaf, h.index.get(), v->proof()) == h.root;
      }
      benchmark::DoNotOptimize(ok);
    }
  });
}

nlohmann::json throughput(const Options& options) {
  const std::map<std::string, std::size_t> cases = {{"1KiB", 1024}, {"32KiB", 32 * 1024}};
  for (const auto& [tag, payload] : cases) register_throughput(tag, payload);
  auto m = run(options);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [tag, payload] : cases) {
    const double shreds = 32.0 * 64.0;  // per iteration
    const double bare = m.count("bare_verify/" + tag) ? shreds / (m["bare_verify/" + tag].real_ns / 1e9) : 0;
    for (const char* kind : {"engine_receive/", "engine_receive_audit/"}) {
      const std::string name = kind + tag;
      if (!m.count(name)) continue;
      const double per_s = shreds / (m[name].real_ns / 1e9);
      // Shreds that went through full verification: gamma per slice (the rest arrive after the slice is
      // complete and are dropped on a header comparison), or all of them in audit mode.
      const bool audit = std::string(kind) == "engine_receive_audit/";
      const double verified_per_s = audit ? per_s : per_s * 32.0 / 64.0;
      nlohmann::json j = {{"name", name},
                          {"shred_payload", payload},
                          {"shreds_offered_per_second", per_s},
                          {"shreds_verified_per_second", verified_per_s},
                          {"baseline", "bare_verify/" + tag},
                          {"baseline_shreds_per_second", bare},
                          {"ratio_to_baseline",
                           bare > 0 ? paired_ratio(m["bare_verify/" + tag], m[name], &Sample::real_ns) : 0}};
      if (payload == 1024) {
        j["target_shreds_per_second"] = 50000;
        j["meets_target"] = verified_per_s >= 50000;
      }
      out.push_back(j);
    }
  }
  return out;
}

}  // namespace

nlohmann::json run_rotor(const Options& options) {
  nlohmann::json doc = {{"suite", "rotor"}, {"repetitions", options.repetitions}};
  std::fprintf(stderr, "rotor: amplification (100 validators, 1 MiB block)\n");
  doc["amplification"] = amplification(100, 1u << 20);
  std::fprintf(stderr, "rotor: time to deliver (100 validators, 1 MiB, 1 Gbit/s per node)\n");
  doc["time_to_deliver"] = time_to_deliver(100, 1u << 20, 125'000'000);
  std::fprintf(stderr, "rotor: direct / hybrid / Rotor for medium messages\n");
  doc["paths"] = paths(100, 125'000'000, std::chrono::milliseconds(10));
  std::fprintf(stderr, "rotor: receive-and-verify throughput\n");
  doc["engine_throughput"] = throughput(options);
  return doc;
}

}  // namespace stakecast::bench
