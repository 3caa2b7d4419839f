#include "gossipsub/gossipsub_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "codec/frame.hpp"
#include "core/varint.hpp"
#include "io/host.hpp"
#include "node/gossipsub_service.hpp"

namespace stakecast::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kDirect = "/stakecast/bench-direct/1.0.0";
constexpr std::size_t kNodes = 16;
constexpr int kMessages = 100;
const std::string kTopic = "bench";

crypto::Ed25519Keypair key(std::size_t i) {
  crypto::Ed25519Seed s{};
  s[0] = static_cast<std::uint8_t>(i + 1);
  s[1] = 0x6b;
  return crypto::Ed25519Keypair::from_seed(s);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Node {
  SeededEntropy entropy;
  io::Host host;
  gossipsub::Router router;
  node::GossipsubService service;
  Multiaddr addr;
  // Direct baseline: one outbound stream per peer, frames read from inbound ones.
  std::map<std::uint64_t, StreamId> direct_out;  // conn -> stream
  std::map<std::pair<std::uint64_t, std::uint32_t>, codec::FrameReader> direct_in;
  std::map<std::uint64_t, ByteQueue> direct_backlog;

  Node(std::size_t i, gossipsub::Config cfg)
      : entropy(1000 + i),
        host(key(i), {}),
        router(host.node().peer_id(), key(i), std::move(cfg), entropy, host.now()),
        service(host.node(), router) {
    host.node().register_protocol(std::string(kDirect));
    addr = host.listen(*Multiaddr::parse("/ip4/127.0.0.1/tcp/0"))->with_peer_id(host.node().peer_id());
  }
  void pump_direct() {
    Bytes chunk(64 * 1024);
    for (auto& [conn, q] : direct_backlog) {
      auto s = direct_out.find(conn);
      if (s == direct_out.end()) continue;
      while (!q.empty()) {
        const std::size_t n = q.peek(chunk);
        auto w = host.node().write(ConnId{conn}, s->second, BytesView(chunk).first(n));
        if (!w || *w == 0) break;
        q.consume(*w);
      }
    }
  }
};

struct Cluster {
  std::vector<std::unique_ptr<Node>> nodes;
  // Message key -> per-node arrival (steady clock); key = gossipsub id or "direct:<n>".
  std::map<Bytes, std::vector<std::optional<Clock::time_point>>> arrivals;

  explicit Cluster(const gossipsub::Config& cfg) {
    for (std::size_t i = 0; i < kNodes; ++i) nodes.push_back(std::make_unique<Node>(i, cfg));
    for (std::size_t i = 0; i < kNodes; ++i) {
      Node& n = *nodes[i];
      n.host.on_event([this, i](const node::Event& e) { on_event(i, e); });
      n.host.on_writable([&n] {
        n.service.flush();
        n.pump_direct();
      });
    }
  }
  void on_event(std::size_t i, const node::Event& e) {
    Node& n = *nodes[i];
    const TimePoint now = n.host.now();
    n.service.on_event(e, now);
    if (auto* s = std::get_if<node::StreamOpened>(&e); s && s->protocol == kDirect && s->inbound)
      n.direct_in.emplace(std::pair{s->conn.get(), s->stream.get()}, codec::FrameReader(8u << 20));
    if (auto* r = std::get_if<node::StreamReadable>(&e)) {
      auto it = n.direct_in.find({r->conn.get(), r->stream.get()});
      if (it != n.direct_in.end()) {
        Bytes buf(256 * 1024);
        while (std::size_t k = n.host.node().read(r->conn, r->stream, buf, now)) {
          BytesView in(buf.data(), k);
          while (!in.empty()) {
            auto used = it->second.feed(in);
            if (!used) return;
            in = in.subspan(*used);
            if (auto f = it->second.frame()) {
              // First 8 bytes: the message number.
              Bytes id{'d'};
              append(id, f->first(8));
              record(id, i);
              it->second.next();
            }
          }
        }
      }
    }
    drain(i);
  }
  void record(const Bytes& id, std::size_t i) {
    auto& v = arrivals[id];
    if (v.size() < kNodes) v.resize(kNodes);
    if (!v[i]) v[i] = Clock::now();
  }
  void drain(std::size_t i) {
    Node& n = *nodes[i];
    while (auto e = n.router.poll_event())
      if (auto* m = std::get_if<gossipsub::Received>(&*e)) record(m->id, i);
    n.service.flush();
    n.pump_direct();
  }
  // Runs every host's loop (one thread) until pred() or the timeout.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
      for (std::size_t i = 0; i < kNodes; ++i) {
        Node& n = *nodes[i];
        n.host.context().poll();
        const TimePoint now = n.host.now();
        if (n.router.next_deadline() <= now) {
          n.router.on_deadline(now);
          drain(i);
          n.host.kick();  // wakes the writers (only here: each kick resumes every connection's writer)
        }
      }
      if (pred()) return true;
    }
    return false;
  }
  bool all_have(const Bytes& id, std::size_t except) {
    auto it = arrivals.find(id);
    if (it == arrivals.end()) return false;
    for (std::size_t i = 0; i < kNodes; ++i)
      if (i != except && (i >= it->second.size() || !it->second[i])) return false;
    return true;
  }
  Clock::time_point last_arrival(const Bytes& id) {
    Clock::time_point t{};
    for (const auto& a : arrivals[id])
      if (a) t = std::max(t, *a);
    return t;
  }
  std::uint64_t gossip_bytes() const {
    std::uint64_t b = 0;
    for (const auto& n : nodes) b += n->service.metrics().bytes_sent;
    return b;
  }
};

struct Figures {
  double p50_ms = 0, p99_ms = 0;
  double amplification_mean = 0, amplification_max = 0;  // bytes sent per node / message bytes
  int delivered = 0;
  std::uint64_t idontwant_sent = 0, forwards_skipped = 0;
};

// Full mesh of connections, subscriptions, mesh formation; then the measured phases.
std::pair<Figures, Figures> run_size(std::size_t size, bool idontwant) {
  gossipsub::Config cfg;
  cfg.heartbeat_interval = 1s;
  cfg.score.ip_whitelist.insert("127.0.0.1");
  cfg.max_mcache_bytes = 48u << 20;
  cfg.max_message_size = 2u << 20;
  if (!idontwant) cfg.idontwant_min_data_size = std::numeric_limits<std::size_t>::max();
  Cluster c(cfg);
  for (std::size_t i = 0; i < kNodes; ++i)
    for (std::size_t j = i + 1; j < kNodes; ++j) c.nodes[i]->host.dial(c.nodes[j]->addr, [](std::string) {});
  for (auto& n : c.nodes) (void)n->router.subscribe(kTopic, n->host.now());
  c.run_until(
      [&] {
        for (auto& n : c.nodes)
          if (n->router.mesh_peers(kTopic).size() < cfg.d_lo) return false;
        return true;
      },
      10s);
  c.run_until([] { return false; }, 1500ms);  // let meshes settle past a heartbeat

  Bytes payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 131 + 7);

  // Gossipsub phase.
  Figures g;
  std::vector<double> lat;
  std::vector<std::uint64_t> before(kNodes);
  for (std::size_t i = 0; i < kNodes; ++i) before[i] = c.nodes[i]->service.metrics().bytes_sent;
  for (int k = 0; k < kMessages; ++k) {
    const std::size_t from = static_cast<std::size_t>(k) % kNodes;
    Node& n = *c.nodes[from];
    store_be64(payload.data(), static_cast<std::uint64_t>(k));
    const auto t0 = Clock::now();
    auto id = n.router.publish(kTopic, payload, n.host.now());
    if (!id) continue;
    c.drain(from);
    n.host.kick();
    if (c.run_until([&] { return c.all_have(*id, from); }, 10s)) {
      lat.push_back(std::chrono::duration<double, std::milli>(c.last_arrival(*id) - t0).count());
      ++g.delivered;
    }
  }
  c.run_until([] { return false; }, 200ms);  // trailing IHAVE/IWANT of the last messages
  std::uint64_t total = 0, most = 0;
  for (std::size_t i = 0; i < kNodes; ++i) {
    const std::uint64_t b = c.nodes[i]->service.metrics().bytes_sent - before[i];
    total += b;
    most = std::max(most, b);
    g.idontwant_sent += c.nodes[i]->router.metrics().idontwant_sent;
    g.forwards_skipped += c.nodes[i]->router.metrics().forwards_skipped_idontwant;
  }
  const double denom = static_cast<double>(size) * kMessages;
  g.amplification_mean = static_cast<double>(total) / kNodes / denom;
  g.amplification_max = static_cast<double>(most) / denom;
  g.p50_ms = percentile(lat, 0.5);
  g.p99_ms = percentile(lat, 0.99);

  // Direct baseline: the publisher writes the same bytes to every other node over the same connections.
  Figures d;
  for (auto& n : c.nodes)
    for (ConnId conn : n->host.node().connections()) {
      auto sid = n->host.node().open_stream(conn, {std::string(kDirect)});
      if (sid) n->direct_out[conn.get()] = *sid;
    }
  for (auto& n : c.nodes) n->host.kick();
  c.run_until([] { return false; }, 300ms);
  lat.clear();
  for (int k = 0; k < kMessages; ++k) {
    const std::size_t from = static_cast<std::size_t>(k) % kNodes;
    Node& n = *c.nodes[from];
    store_be64(payload.data(), static_cast<std::uint64_t>(k));
    Bytes id{'d'};
    append(id, BytesView(payload).first(8));
    const auto t0 = Clock::now();
    Bytes frame;
    varint::append(frame, payload.size());
    for (auto& [conn, stream] : n.direct_out) {
      n.direct_backlog[conn].append(frame);
      n.direct_backlog[conn].append(payload);
    }
    n.pump_direct();
    n.host.kick();
    if (c.run_until([&] { return c.all_have(id, from); }, 10s)) {
      lat.push_back(std::chrono::duration<double, std::milli>(c.last_arrival(id) - t0).count());
      ++d.delivered;
    }
  }
  d.p50_ms = percentile(lat, 0.5);
  d.p99_ms = percentile(lat, 0.99);
  d.amplification_mean = static_cast<double>(kNodes - 1) / kNodes;  // by construction
  d.amplification_max = static_cast<double>(kNodes - 1);
  return {g, d};
}

}  // namespace

nlohmann::json run_gossipsub(const Options&) {
  nlohmann::json out;
  out["nodes"] = kNodes;
  out["messages"] = kMessages;
  out["topology"] = "full mesh of connections, gossipsub D=6 D_lo=4 D_hi=12, flood publish";
  for (const std::size_t size : {std::size_t{1024}, std::size_t{64 * 1024}, std::size_t{1u << 20}}) {
    nlohmann::json row;
    row["message_bytes"] = size;
    for (const bool idw : {true, false}) {
      std::fprintf(stderr, "gossipsub bench: %zu bytes, IDONTWANT %s\n", size, idw ? "on" : "off");
      auto [g, d] = run_size(size, idw);
      nlohmann::json r = {{"p50_ms", g.p50_ms},
                          {"p99_ms", g.p99_ms},
                          {"amplification", g.amplification_mean},
                          {"amplification_max_node", g.amplification_max},
                          {"delivered", g.delivered},
                          {"idontwant_sent", g.idontwant_sent},
                          {"forwards_skipped_idontwant", g.forwards_skipped},
                          {"baseline", "direct: publisher sends to every node over the same connections"},
                          {"baseline_p50_ms", d.p50_ms},
                          {"baseline_p99_ms", d.p99_ms},
                          {"baseline_delivered", d.delivered},
                          {"ratio_p50_to_baseline", d.p50_ms > 0 ? g.p50_ms / d.p50_ms : 0.0}};
      row[idw ? "idontwant" : "no_idontwant"] = r;
    }
    const double a_on = row["idontwant"]["amplification"], a_off = row["no_idontwant"]["amplification"];
    row["amplification_ratio_idontwant_vs_not"] = a_off > 0 ? a_on / a_off : 0.0;
    out["sizes"].push_back(row);
  }
  return out;
}

}  // namespace stakecast::bench
