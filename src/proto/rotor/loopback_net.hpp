// An in-memory network with virtual time for testing and benchmarking the dissemination machines
// (issue 5 item 9): N nodes, per-node upload bandwidth (bytes leave through a prio::EgressScheduler,
// pulled only when the simulated link is free, exactly as a socket would pull them), a one-way latency
// per pair, crashed nodes, and per-sender filters that model Byzantine behaviour outside the protocol
// code. Deterministic: a (time, sequence) event queue and a running trace hash over every delivery.
// The simulator (sim/) is the full version; this is the small harness the issue allows until then.
// No I/O, no clock: time only moves inside run().
//
// Node requirements: on_message(std::optional<ValidatorIndex> from, Protocol, BytesView, TimePoint),
// poll_transmit() -> std::optional<Transmit>, next_deadline() -> TimePoint, on_deadline(TimePoint).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "core/time.hpp"
#include "crypto/sha256.hpp"
#include "proto/prio/egress.hpp"
#include "proto/rotor/transmit.hpp"

namespace stakecast::rotor {

struct LoopbackConfig {
  std::uint64_t upload_bps = 0;  // bytes per second per node; 0 = unlimited (whole frames, no queueing)
  Duration latency{0};           // one-way, unless a latency function is set
  prio::EgressConfig egress{};   // per-node scheduler (chunk size = the link's unit of work)
  bool keep_trace = false;       // also keep every delivery (trace()), for determinism tests
};

// One delivery: when, from whom, to whom, on which protocol, and the SHA-256 of the bytes.
struct TraceEntry {
  TimePoint at;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  Protocol protocol = Protocol::shred;
  crypto::Hash256 digest{};
  bool operator==(const TraceEntry&) const = default;
};

template <class Node>
class LoopbackNet {
 public:
  // What a sender's filter may do with one outgoing message: deliver it (possibly altered) or drop it.
  using Filter = std::function<std::optional<prio::Payload>(std::uint32_t from, const Transmit&)>;
  using LatencyFn = std::function<Duration(std::uint32_t from, std::uint32_t to)>;

  LoopbackNet(const LoopbackConfig& config, std::vector<Node> nodes)
      : config_(config), nodes_(std::move(nodes)) {
    const std::size_t n = nodes_.size();
    links_.resize(n);
    for (auto& l : links_) l.egress.emplace(*prio::EgressScheduler::create(config_.egress));
    upload_.assign(n, config_.upload_bps);
    bytes_sent_.assign(n, 0);
    messages_sent_.assign(n, 0);
    bytes_received_.assign(n, 0);
    deadline_.assign(n, TimePoint::max());
    filters_.resize(n);
  }

  std::size_t size() const { return nodes_.size(); }
  Node& node(std::uint32_t i) { return nodes_[i]; }
  TimePoint now() const { return now_; }
  void set_upload(std::uint32_t i, std::uint64_t bps) { upload_[i] = bps; }
  void set_latency(LatencyFn f) { latency_fn_ = std::move(f); }
  void crash(std::uint32_t i) { crashed_.insert(i); }
  bool crashed(std::uint32_t i) const { return crashed_.count(i) != 0; }
  void set_filter(std::uint32_t i, Filter f) { filters_[i] = std::move(f); }

  // Collects what node i wants to send and re-arms its timer; call after every command given to a node
  // from outside (run() does it after the inputs it delivers).
  void pump(std::uint32_t i) {
    if (crashed(i)) return;
    while (auto t = nodes_[i].poll_transmit()) send(i, std::move(*t));
    arm(i);
  }
  void pump_all() {
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) pump(i);
  }

  // Runs events until the queue is empty or the next event is after `until`. Returns events processed.
  std::uint64_t run(TimePoint until = TimePoint::max(), std::uint64_t max_events = ~0ULL) {
    std::uint64_t done = 0;
    while (!queue_.empty() && done < max_events) {
      auto it = queue_.begin();
      if (std::get<0>(it->first) > until) break;
      Event e = std::move(it->second);
      now_ = std::max(now_, std::get<0>(it->first));
      queue_.erase(it);
      ++done;
      dispatch(e);
    }
    if (until != TimePoint::max() && now_ < until && queue_.empty()) now_ = until;
    return done;
  }

  std::uint64_t bytes_sent(std::uint32_t i) const { return bytes_sent_[i]; }
  std::uint64_t messages_sent(std::uint32_t i) const { return messages_sent_[i]; }
  std::uint64_t bytes_received(std::uint32_t i) const { return bytes_received_[i]; }
  std::uint64_t total_bytes_sent() const {
    std::uint64_t s = 0;
    for (auto b : bytes_sent_) s += b;
    return s;
  }
  // SHA-256 chain over (time, from, to, protocol, SHA-256(bytes)) of every delivery, in order.
  crypto::Hash256 trace_hash() const { return trace_; }
  // Every delivery in order (empty unless LoopbackConfig::keep_trace).
  const std::vector<TraceEntry>& trace() const { return trace_entries_; }
  std::uint64_t deliveries() const { return deliveries_; }

 private:
  enum class Kind : std::uint8_t { deliver, link_free, deadline };
  struct Event {
    Kind kind = Kind::deliver;
    std::uint32_t node = 0;  // receiver / link owner / timer owner
    std::uint32_t from = 0;
    Protocol protocol = Protocol::shred;
    prio::Payload bytes;
    TimePoint armed{};  // deadline events: the deadline they were armed for
  };
  struct Pending {
    std::uint32_t to;
    Protocol protocol;
    prio::Payload bytes;  // shared with the scheduler's copy: delivered whole when its last chunk leaves
  };
  struct Link {
    std::optional<prio::EgressScheduler> egress;
    std::map<std::uint64_t, Pending> frames;  // frame id -> destination
    bool busy = false;
  };

  Duration latency(std::uint32_t from, std::uint32_t to) const {
    return latency_fn_ ? latency_fn_(from, to) : config_.latency;
  }

  void push(TimePoint at, Event e) { queue_.emplace(std::make_tuple(at, seq_++), std::move(e)); }

  void arm(std::uint32_t i) {
    const TimePoint d = nodes_[i].next_deadline();
    if (d == deadline_[i]) return;
    deadline_[i] = d;
    if (d != TimePoint::max())
      push(std::max(d, now_), Event{Kind::deadline, i, 0, Protocol::shred, nullptr, d});
  }

  void send(std::uint32_t from, Transmit t) {
    if (filters_[from]) {
      auto altered = filters_[from](from, t);
      if (!altered) return;
      t.bytes = std::move(*altered);
    }
    if (t.to.get() >= nodes_.size() || !t.bytes || t.bytes->empty()) return;
    ++messages_sent_[from];
    if (upload_[from] == 0) {
      bytes_sent_[from] += t.bytes->size();
      push(now_ + latency(from, t.to.get()), Event{Kind::deliver, t.to.get(), from, t.protocol, t.bytes, {}});
      return;
    }
    Link& l = links_[from];
    // Stream id = destination and protocol, so each destination's frames of one class stay in order.
    const StreamId stream{t.to.get() * 4 + static_cast<std::uint32_t>(t.protocol)};
    auto id = l.egress->enqueue(t.cls, stream, t.bytes);
    if (!id) return;  // queue full: dropped like a socket buffer overflow would be
    l.frames.emplace(id->get(), Pending{t.to.get(), t.protocol, t.bytes});
    if (!l.busy) transmit_next(from);
  }

  void transmit_next(std::uint32_t from) {
    Link& l = links_[from];
    scratch_.resize(l.egress->config().chunk_size);
    auto chunk = l.egress->poll_transmit(scratch_);
    if (!chunk) {
      l.busy = false;
      return;
    }
    l.busy = true;
    bytes_sent_[from] += chunk->len;
    const auto ns = static_cast<std::int64_t>((static_cast<long double>(chunk->len) * 1e9L) /
                                              static_cast<long double>(upload_[from]));
    const TimePoint done = now_ + Duration(std::max<std::int64_t>(ns, 1));
    if (chunk->last()) {
      auto it = l.frames.find(chunk->frame.get());
      if (it != l.frames.end()) {
        push(done + latency(from, it->second.to),
             Event{Kind::deliver, it->second.to, from, it->second.protocol, std::move(it->second.bytes), {}});
        l.frames.erase(it);
      }
    }
    push(done, Event{Kind::link_free, from, 0, Protocol::shred, nullptr, {}});
  }

  void dispatch(Event& e) {
    switch (e.kind) {
      case Kind::link_free:
        transmit_next(e.node);
        return;
      case Kind::deadline:
        if (deadline_[e.node] != e.armed || crashed(e.node)) return;  // re-armed or dead
        deadline_[e.node] = TimePoint::max();
        nodes_[e.node].on_deadline(now_);
        pump(e.node);
        return;
      case Kind::deliver: {
        if (crashed(e.node)) return;
        ++deliveries_;
        bytes_received_[e.node] += e.bytes->size();
        record(e);
        nodes_[e.node].on_message(ValidatorIndex{e.from}, e.protocol, *e.bytes, now_);
        pump(e.node);
        return;
      }
    }
  }

  void record(const Event& e) {
    std::uint8_t head[8 + 4 + 4 + 1];
    store_le64(head, static_cast<std::uint64_t>(now_.ns));
    store_le32(head + 8, e.from);
    store_le32(head + 12, e.node);
    head[16] = static_cast<std::uint8_t>(e.protocol);
    const auto body = crypto::sha256(*e.bytes);
    crypto::Sha256 h;
    h.update(trace_).update(head).update(body);
    trace_ = h.finish();
    if (config_.keep_trace) trace_entries_.push_back(TraceEntry{now_, e.from, e.node, e.protocol, body});
  }

  LoopbackConfig config_;
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::vector<std::uint64_t> upload_, bytes_sent_, messages_sent_, bytes_received_;
  std::vector<TimePoint> deadline_;
  std::vector<Filter> filters_;
  std::set<std::uint32_t> crashed_;
  LatencyFn latency_fn_;
  std::map<std::tuple<TimePoint, std::uint64_t>, Event> queue_;
  Bytes scratch_;
  std::uint64_t seq_ = 0;
  TimePoint now_{};
  crypto::Hash256 trace_{};
  std::vector<TraceEntry> trace_entries_;
  std::uint64_t deliveries_ = 0;
};

}  // namespace stakecast::rotor
