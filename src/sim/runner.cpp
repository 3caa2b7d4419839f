#include "sim/runner.hpp"

#include <algorithm>

namespace stakecast::sim {

const char* describe(SimErrc e) {
  switch (e) {
    case SimErrc::invalid_config:
      return "invalid simulator configuration";
    case SimErrc::event_overflow:
      return "too many simulator events queued";
    case SimErrc::bad_input:
      return "malformed simulator input";
    case SimErrc::unknown_city:
      return "no ping server in that city";
    case SimErrc::io_error:
      return "cannot read file";
  }
  return "unknown simulator error";
}

namespace {
constexpr std::size_t kMaxNodes = std::size_t{1} << 24;  // stream ids: destination x 256 + channel
constexpr std::size_t kTraceBlock = 4096;
}  // namespace

Result<Runner> Runner::create(const RunnerConfig& config, std::vector<std::unique_ptr<Node>> nodes,
                              std::shared_ptr<const Latency> latency) {
  if (nodes.empty() || nodes.size() > kMaxNodes || !latency) return SimErrc::invalid_config;
  for (const auto& n : nodes)
    if (!n) return SimErrc::invalid_config;
  if (!(config.loss >= 0.0 && config.loss < 1.0) || config.jitter < Duration{0} || config.max_events == 0)
    return SimErrc::invalid_config;
  if (config.uplink == Uplink::prio && !prio::EgressScheduler::create(config.egress))
    return SimErrc::invalid_config;
  return Runner(config, std::move(nodes), std::move(latency));
}

Runner::Runner(const RunnerConfig& config, std::vector<std::unique_ptr<Node>> nodes,
               std::shared_ptr<const Latency> latency)
    : config_(config), nodes_(std::move(nodes)), latency_(std::move(latency)), rng_([&] {
        std::uint8_t seed[8];
        store_le64(seed, config.seed);
        return DeterministicRng::from_label("stakecast/sim/link", seed);
      }()) {
  const std::size_t n = nodes_.size();
  state_.resize(n);
  stats_.resize(n);
  for (auto& s : state_) {
    s.up = TokenBucket(config_.link.upload_bps, config_.link.burst_bytes);
    s.down = TokenBucket(config_.link.download_bps, config_.link.burst_bytes);
    if (config_.uplink == Uplink::prio) s.egress.emplace(*prio::EgressScheduler::create(config_.egress));
  }
  if (config_.uplink == Uplink::prio) scratch_.resize(config_.egress.chunk_size);
  trace_buf_.reserve(kTraceBlock + 64);
}

void Runner::command(ValidatorIndex i, TimePoint t, Command fn) {
  const std::int64_t id = next_id_++;
  commands_.emplace(id, std::move(fn));
  Event e;
  e.at = std::max(t, now_);
  e.kind = Ev::command;
  e.node = i.get();
  e.aux = id;
  push(std::move(e));
}

void Runner::at(TimePoint t, Action fn) {
  const std::int64_t id = next_id_++;
  actions_.emplace(id, std::move(fn));
  Event e;
  e.at = std::max(t, now_);
  e.kind = Ev::action;
  e.aux = id;
  push(std::move(e));
}

void Runner::crash(ValidatorIndex i) {
  NodeState& s = state_[i.get()];
  if (s.crashed) return;
  s.crashed = true;
  s.held.clear();
  for (const auto& e : s.backlog)
    if (e.kind == Ev::command) commands_.erase(e.aux);
  s.backlog.clear();
  s.frames.clear();
  if (s.egress) s.egress.emplace(*prio::EgressScheduler::create(config_.egress));
  s.deadline = TimePoint::max();
}

void Runner::partition(std::vector<std::uint32_t> group_of_node) {
  group_of_node.resize(nodes_.size(), 0);
  group_ = std::move(group_of_node);
}

void Runner::set_upload(ValidatorIndex i, std::uint64_t bps) {
  state_[i.get()].up = TokenBucket(bps, config_.link.burst_bytes);
}
void Runner::set_download(ValidatorIndex i, std::uint64_t bps) {
  state_[i.get()].down = TokenBucket(bps, config_.link.burst_bytes);
}

std::uint64_t Runner::total_bytes_sent() const {
  std::uint64_t t = 0;
  for (const auto& s : stats_) t += s.bytes_sent;
  return t;
}

void Runner::push(Event e) {
  if (queue_.size() >= config_.max_events) {
    overflow_ = true;
    return;
  }
  e.seq = seq_++;
  queue_.push_back(std::move(e));
  std::push_heap(queue_.begin(), queue_.end(), Later{});
  peak_events_ = std::max(peak_events_, queue_.size());
}

Result<std::uint64_t> Runner::run(TimePoint until, std::uint64_t max_events) {
  std::uint64_t done = 0;
  while (!queue_.empty() && done < max_events) {
    if (queue_.front().at > until) break;
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    Event e = std::move(queue_.back());
    queue_.pop_back();
    now_ = std::max(now_, e.at);
    ++done;
    ++events_;
    dispatch(e);
    if (overflow_) return SimErrc::event_overflow;
  }
  if (done < max_events && until != TimePoint::max() && now_ < until) now_ = until;
  return done;
}

void Runner::dispatch(Event& e) {
  NodeState& s = state_[e.node];
  switch (e.kind) {
    case Ev::action: {
      auto it = actions_.find(e.aux);
      if (it == actions_.end()) return;
      Action fn = std::move(it->second);
      actions_.erase(it);
      fn(*this);
      return;
    }
    case Ev::arrive: {
      if (s.crashed) {
        ++stats_[e.node].dropped;
        return;
      }
      const TimePoint done = s.down.reserve(now_, e.size);
      e.kind = Ev::deliver;
      if (done > now_) {
        e.at = done;
        push(std::move(e));
        return;
      }
      [[fallthrough]];
    }
    case Ev::deliver:
    case Ev::command: {
      const std::uint32_t node = e.node;
      if (s.crashed) {
        if (e.kind == Ev::command)
          commands_.erase(e.aux);
        else
          ++stats_[e.node].dropped;
        return;
      }
      if (busy(s)) {
        s.backlog.push_back(std::move(e));
        if (!s.wake_armed) {
          s.wake_armed = true;
          Event w;
          w.at = std::max(s.busy_until, now_);
          w.kind = Ev::cpu_done;
          w.node = node;
          push(std::move(w));
        }
        return;
      }
      input(e);
      return;
    }
    case Ev::uplink_free:
      if (s.crashed) return;
      s.uplink_busy = false;
      uplink_next(e.node);
      return;
    case Ev::deadline:
      if (s.crashed || s.deadline.ns != e.aux) return;  // dead, or re-armed since
      if (busy(s)) {
        e.at = std::max(s.busy_until, now_);
        push(std::move(e));  // cpu_done (pushed earlier at the same time) runs first
        return;
      }
      s.deadline = TimePoint::max();
      nodes_[e.node]->on_deadline(now_);
      after_input(e.node);
      return;
    case Ev::cpu_done: {
      s.wake_armed = false;
      if (s.crashed) return;
      if (s.busy_until > now_) {
        s.wake_armed = true;
        e.at = s.busy_until;
        push(std::move(e));
        return;
      }
      auto held = std::move(s.held);
      s.held.clear();
      for (auto& m : held) send(e.node, std::move(m));
      while (!s.backlog.empty() && s.busy_until <= now_) {
        Event b = std::move(s.backlog.front());
        s.backlog.pop_front();
        input(b);
      }
      if (!s.backlog.empty() && !s.wake_armed) {
        s.wake_armed = true;
        Event w;
        w.at = s.busy_until;
        w.kind = Ev::cpu_done;
        w.node = e.node;
        push(std::move(w));
      }
      return;
    }
  }
}

void Runner::input(Event& e) {
  if (e.kind == Ev::command) {
    auto it = commands_.find(e.aux);
    if (it == commands_.end()) return;
    Command fn = std::move(it->second);
    commands_.erase(it);
    fn(*nodes_[e.node], now_);
  } else {
    NodeStats& st = stats_[e.node];
    ++st.messages_received;
    st.bytes_received += e.size;
    ++deliveries_;
    record(e);
    nodes_[e.node]->on_message(ValidatorIndex{e.from}, e.channel, e.bytes, now_);
  }
  after_input(e.node);
}

void Runner::after_input(std::uint32_t i) {
  NodeState& s = state_[i];
  Node& n = *nodes_[i];
  outbox_.clear();
  while (auto m = n.poll_transmit()) outbox_.push_back(std::move(*m));
  const Duration cpu = n.poll_cpu();  // after the outputs, so it may charge for them
  if (cpu > Duration{0}) {
    stats_[i].cpu += cpu;
    s.busy_until = now_ + cpu;
  }
  const bool hold = s.busy_until > now_;
  for (auto& m : outbox_) {
    if (hold)
      s.held.push_back(std::move(m));
    else
      send(i, std::move(m));
  }
  outbox_.clear();
  if (hold && !s.wake_armed) {
    s.wake_armed = true;
    Event w;
    w.at = s.busy_until;
    w.kind = Ev::cpu_done;
    w.node = i;
    push(std::move(w));
  }
  arm(i);
}

void Runner::arm(std::uint32_t i) {
  NodeState& s = state_[i];
  const TimePoint d = nodes_[i]->next_deadline();
  if (d == s.deadline) return;
  s.deadline = d;
  if (d == TimePoint::max()) return;
  Event e;
  e.at = std::max(d, now_);
  e.kind = Ev::deadline;
  e.node = i;
  e.aux = d.ns;
  push(std::move(e));
}

void Runner::send(std::uint32_t from, Message m) {
  NodeState& s = state_[from];
  NodeStats& st = stats_[from];
  const std::uint32_t to = m.to.get();
  if (s.crashed) return;
  if (to >= nodes_.size() || to == from || !m.bytes || m.bytes->empty() ||
      (!group_.empty() && group_[from] != group_[to])) {
    ++st.dropped;
    return;
  }
  const std::uint64_t extra = std::uint64_t{m.overhead} + config_.per_message_overhead;
  if (config_.uplink == Uplink::fifo) {
    const std::uint64_t size = m.bytes->size() + extra;
    st.bytes_sent += size;
    const TimePoint done = s.up.reserve(now_, size);
    depart(from, m.to, m.channel, std::move(m.bytes), size, done);
    return;
  }
  // One scheduler stream per (destination, channel): frames to one peer on one channel keep their order.
  const StreamId stream{to * 256 + m.channel};
  auto id = s.egress->enqueue(m.cls, stream, m.bytes);
  if (!id) {
    ++st.dropped;
    return;
  }
  s.frames.emplace(id->get(), Pending{m.to, m.channel, m.overhead, std::move(m.bytes)});
  if (!s.uplink_busy) uplink_next(from);
}

void Runner::uplink_next(std::uint32_t i) {
  NodeState& s = state_[i];
  NodeStats& st = stats_[i];
  while (true) {
    auto chunk = s.egress->poll_transmit(scratch_);
    if (!chunk) {
      s.uplink_busy = false;
      return;
    }
    std::uint64_t wire = chunk->len;
    std::optional<Pending> done_frame;
    if (chunk->last()) {
      auto it = s.frames.find(chunk->frame.get());
      if (it != s.frames.end()) {
        done_frame = std::move(it->second);
        s.frames.erase(it);
        wire += std::uint64_t{done_frame->overhead} + config_.per_message_overhead;
      }
    }
    st.bytes_sent += wire;
    const TimePoint done = s.up.reserve(now_, wire);
    if (done_frame) {
      const std::uint64_t size =
          done_frame->bytes->size() + done_frame->overhead + config_.per_message_overhead;
      depart(i, done_frame->to, done_frame->channel, std::move(done_frame->bytes), size, done);
    }
    if (done > now_) {
      s.uplink_busy = true;
      Event e;
      e.at = done;
      e.kind = Ev::uplink_free;
      e.node = i;
      push(std::move(e));
      return;
    }
  }
}

void Runner::depart(std::uint32_t from, ValidatorIndex to, std::uint8_t channel, Payload bytes,
                    std::uint64_t size, TimePoint done) {
  NodeStats& st = stats_[from];
  ++st.messages_sent;
  if (config_.loss > 0.0 && rng_.unit() < config_.loss) {
    ++st.lost;
    return;
  }
  Duration lat = latency_->one_way(ValidatorIndex{from}, to);
  if (config_.jitter > Duration{0})
    lat +=
        Duration(static_cast<std::int64_t>(rng_.uniform(static_cast<std::uint64_t>(config_.jitter.count()))));
  Event e;
  e.at = done + lat;
  e.kind = state_[to.get()].down.unlimited() ? Ev::deliver : Ev::arrive;
  e.channel = channel;
  e.node = to.get();
  e.from = from;
  e.size = size;
  e.bytes = std::move(bytes);
  push(std::move(e));
}

void Runner::record(const Event& e) {
  std::uint8_t rec[8 + 4 + 4 + 1 + 8];
  store_le64(rec, static_cast<std::uint64_t>(now_.ns));
  store_le32(rec + 8, e.from);
  store_le32(rec + 12, e.node);
  rec[16] = e.channel;
  store_le64(rec + 17, e.size);
  append(trace_buf_, rec);
  if (config_.trace == TraceMode::full) append(trace_buf_, crypto::sha256(*e.bytes));
  if (trace_buf_.size() >= kTraceBlock) {
    Bytes block(trace_.begin(), trace_.end());
    append(block, trace_buf_);
    trace_ = crypto::sha256(block);
    trace_buf_.clear();
  }
}

crypto::Hash256 Runner::trace_hash() const {
  Bytes block(trace_.begin(), trace_.end());
  append(block, trace_buf_);
  return crypto::sha256(block);
}

}  // namespace stakecast::sim
