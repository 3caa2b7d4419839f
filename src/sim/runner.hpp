// The simulator's discrete-event runner (ARCHITECTURE.md 7; issue 6 item 1): many nodes in one thread,
// a (time, seq) event queue, and a link model with one-way latency per node pair, per-node upload and
// download token buckets, optional loss and jitter drawn from a DeterministicRng, crashes, partitions
// and a modelled CPU cost per input. A node is any sans-I/O machine behind the small `Node` interface
// (messages in, deadlines, messages out with their sizes); adapters wrap rotor::Engine, gossipsub or a
// libp2p Node without touching their code. Same seed and inputs, same trace hash. No sockets, no clock.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"
#include "crypto/sha256.hpp"
#include "proto/prio/egress.hpp"
#include "sim/token_bucket.hpp"

namespace stakecast::sim {

enum class SimErrc {
  invalid_config = 1,  // bad runner configuration (no nodes, loss outside [0, 1), ...)
  event_overflow,      // more than max_events queued at once
  bad_input,           // malformed data file or parameter (loaders)
  unknown_city,        // no ping server matches a city name
  io_error,            // a data file could not be read
};
const char* describe(SimErrc e);
STAKECAST_ERRC_FUNCS(SimErrc, "sim")

// Immutable message bytes, shared between the copies a node sends to many peers.
using Payload = prio::Payload;

// One message a node hands to the network.
struct Message {
  ValidatorIndex to;
  std::uint8_t channel = 0;  // opaque to the runner (e.g. a rotor::Protocol); handed to the receiver
  prio::Class cls = prio::Class::normal;
  Payload bytes;
  std::uint32_t overhead = 0;  // wire bytes beyond the payload (framing, AEAD tags) for the bandwidth model
};

// What the runner drives: the machine contract of ARCHITECTURE.md 3 with messages as the I/O unit.
// After every input (message, deadline, command) the runner pulls poll_transmit() until it is empty,
// then poll_cpu(), and re-reads next_deadline().
class Node {
 public:
  virtual ~Node() = default;
  virtual void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) = 0;
  virtual void on_deadline(TimePoint now) = 0;
  virtual TimePoint next_deadline() const = 0;  // TimePoint::max() for none
  virtual std::optional<Message> poll_transmit() = 0;
  // Modelled CPU time the last input cost (e.g. decoding a slice). The node is busy for that long: the
  // input's outputs leave when it ends and later inputs wait for it. Default: free.
  virtual Duration poll_cpu() { return Duration{0}; }
};

// One-way propagation delay per ordered node pair (without serialization or queueing).
class Latency {
 public:
  virtual ~Latency() = default;
  virtual Duration one_way(ValidatorIndex from, ValidatorIndex to) const = 0;
};

class ConstantLatency final : public Latency {
 public:
  explicit ConstantLatency(Duration d) : d_(d) {}
  Duration one_way(ValidatorIndex, ValidatorIndex) const override { return d_; }

 private:
  Duration d_;
};

// How a node's upload link picks the next message.
enum class Uplink : std::uint8_t {
  fifo,  // in emission order, each message reserved on the token bucket when emitted (fastest)
  prio,  // through a real prio::EgressScheduler pulled whenever the link frees, chunk by chunk, as the
         // real node's Yamux session pulls it: Critical first, weighted round-robin below
};

enum class TraceMode : std::uint8_t {
  headers,  // (time, from, to, channel, size) of every delivery
  full,     // also SHA-256 of every payload
};

struct LinkConfig {
  std::uint64_t upload_bps = 0;    // bytes per second; 0 = unlimited
  std::uint64_t download_bps = 0;  // bytes per second; 0 = unlimited
  std::uint64_t burst_bytes = 0;   // token bucket depth of both directions
};

struct RunnerConfig {
  std::uint64_t seed = 0;
  LinkConfig link{};  // every node's default; set_upload/set_download override per node
  Uplink uplink = Uplink::fifo;
  prio::EgressConfig egress{};  // Uplink::prio only
  double loss = 0.0;            // probability that a message is lost after it left the sender
  Duration jitter{0};           // extra delay, uniform in [0, jitter); may reorder messages on a link
  std::uint32_t per_message_overhead = 0;  // wire bytes added to every message
  TraceMode trace = TraceMode::headers;
  std::size_t max_events = std::size_t{1} << 26;  // events queued at once
};

struct NodeStats {
  std::uint64_t bytes_sent = 0;  // wire bytes that entered the upload link
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_received = 0;  // wire bytes handed to the node
  std::uint64_t messages_received = 0;
  std::uint64_t lost = 0;     // sent but lost by the loss model
  std::uint64_t dropped = 0;  // never sent or never delivered: partition, crash, bad destination, full queue
  Duration cpu{0};            // modelled CPU time
};

class Runner {
 public:
  using Command = std::function<void(Node&, TimePoint)>;
  using Action = std::function<void(Runner&)>;

  // Errors: invalid_config (no nodes, more than 2^24, a null node or latency, loss outside [0, 1),
  // negative jitter, an invalid egress configuration).
  static Result<Runner> create(const RunnerConfig& config, std::vector<std::unique_ptr<Node>> nodes,
                               std::shared_ptr<const Latency> latency);

  std::size_t size() const { return nodes_.size(); }
  Node& node(ValidatorIndex i) { return *nodes_[i.get()]; }
  template <class T>
  T& node_as(ValidatorIndex i) {
    return dynamic_cast<T&>(*nodes_[i.get()]);
  }
  TimePoint now() const { return now_; }
  const RunnerConfig& config() const { return config_; }

  // Workload hooks. `command` runs fn(node, now) at time t unless the node has crashed, then collects
  // the node's outputs (a busy node runs it when its CPU frees). `at` runs any action at time t.
  void command(ValidatorIndex i, TimePoint t, Command fn);
  void at(TimePoint t, Action fn);

  // Faults, effective now (schedule them with at()). A crashed node stops: no inputs, no timers, its
  // queued outputs are discarded; messages it already sent still arrive. A partition gives every node a
  // group; a message between groups is dropped when it is emitted.
  void crash(ValidatorIndex i);
  bool crashed(ValidatorIndex i) const { return state_[i.get()].crashed; }
  void partition(std::vector<std::uint32_t> group_of_node);
  void heal() { group_.clear(); }

  void set_upload(ValidatorIndex i, std::uint64_t bps);
  void set_download(ValidatorIndex i, std::uint64_t bps);

  // Processes events in (time, seq) order until none is left at or before `until` (or max_events were
  // processed). Returns the number processed. Errors: event_overflow.
  Result<std::uint64_t> run(TimePoint until = TimePoint::max(), std::uint64_t max_events = ~std::uint64_t{0});
  bool idle() const { return queue_.empty(); }

  const NodeStats& stats(ValidatorIndex i) const { return stats_[i.get()]; }
  std::uint64_t total_bytes_sent() const;
  std::uint64_t deliveries() const { return deliveries_; }
  std::uint64_t events_processed() const { return events_; }
  std::size_t peak_events() const { return peak_events_; }
  // SHA-256 over the records of every delivery in order (TraceMode).
  crypto::Hash256 trace_hash() const;

 private:
  enum class Ev : std::uint8_t { deliver, arrive, uplink_free, deadline, cpu_done, command, action };
  struct Event {
    TimePoint at;
    std::uint64_t seq = 0;
    Ev kind = Ev::deliver;
    std::uint8_t channel = 0;
    std::uint32_t node = 0;  // receiver, link owner, timer owner or command target
    std::uint32_t from = 0;
    std::uint64_t size = 0;  // wire bytes
    Payload bytes;
    std::int64_t aux = 0;  // deadline: the deadline it was armed for; command/action: its id
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  struct Pending {  // a message inside the prio scheduler, delivered when its last chunk leaves
    ValidatorIndex to;
    std::uint8_t channel;
    std::uint32_t overhead;
    Payload bytes;
  };
  struct NodeState {
    TokenBucket up, down;
    std::optional<prio::EgressScheduler> egress;  // Uplink::prio
    std::unordered_map<std::uint64_t, Pending> frames;
    bool uplink_busy = false;
    bool crashed = false;
    TimePoint deadline = TimePoint::max();
    TimePoint busy_until{};
    bool wake_armed = false;
    std::vector<Message> held;  // outputs waiting for the CPU
    std::deque<Event> backlog;  // inputs waiting for the CPU
  };

  Runner(const RunnerConfig& config, std::vector<std::unique_ptr<Node>> nodes,
         std::shared_ptr<const Latency> latency);

  void push(Event e);
  void dispatch(Event& e);
  bool busy(const NodeState& s) const { return s.busy_until > now_ || !s.backlog.empty(); }
  void input(Event& e);  // a message, command or deadline reaching a node that is free
  void after_input(std::uint32_t i);
  void arm(std::uint32_t i);
  void send(std::uint32_t from, Message m);
  void depart(std::uint32_t from, ValidatorIndex to, std::uint8_t channel, Payload bytes, std::uint64_t size,
              TimePoint done);
  void uplink_next(std::uint32_t i);
  void record(const Event& e);

  RunnerConfig config_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::shared_ptr<const Latency> latency_;
  std::vector<NodeState> state_;
  std::vector<NodeStats> stats_;
  std::vector<std::uint32_t> group_;
  std::unordered_map<std::int64_t, Command> commands_;
  std::unordered_map<std::int64_t, Action> actions_;
  std::int64_t next_id_ = 0;
  std::vector<Event> queue_;  // binary heap ordered by Later
  std::uint64_t seq_ = 0;
  TimePoint now_{};
  DeterministicRng rng_;
  Bytes scratch_;
  std::vector<Message> outbox_;  // one input's outputs, before the CPU decides when they leave
  bool overflow_ = false;
  std::uint64_t deliveries_ = 0, events_ = 0;
  std::size_t peak_events_ = 0;
  crypto::Hash256 trace_{};
  Bytes trace_buf_;
};

}  // namespace stakecast::sim

STAKECAST_ERRC_ENUM(stakecast::sim::SimErrc)
