#include "sim/runner.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

namespace stakecast::sim {
namespace {

TimePoint ms(double v) { return TimePoint::from_ns(static_cast<std::int64_t>(v * 1e6)); }

Payload bytes_of(std::size_t n, std::uint8_t fill = 0xab) { return std::make_shared<const Bytes>(n, fill); }

// A scriptable test node: records what it receives, sends what it is told, optionally echoes, fires
// timers and charges a CPU cost per message.
class Probe final : public Node {
 public:
  struct Got {
    ValidatorIndex from;
    std::uint8_t channel;
    std::size_t size;
    TimePoint at;
  };
  std::vector<Got> got;
  std::deque<Message> out;
  std::set<TimePoint> timers;
  std::vector<TimePoint> fired;
  bool echo = false;
  Duration cost{0};
  Duration pending_cost{0};

  void send(std::uint32_t to, std::size_t n, prio::Class cls = prio::Class::normal,
            std::uint8_t channel = 0) {
    out.push_back(Message{ValidatorIndex{to}, channel, cls, bytes_of(n), 0});
  }
  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& b, TimePoint now) override {
    got.push_back(Got{from, channel, b->size(), now});
    if (echo) out.push_back(Message{from, channel, prio::Class::normal, b, 0});
    pending_cost = cost;
  }
  void on_deadline(TimePoint now) override {
    while (!timers.empty() && *timers.begin() <= now) {
      fired.push_back(now);
      timers.erase(timers.begin());
      send(0, 10);
    }
  }
  TimePoint next_deadline() const override { return timers.empty() ? TimePoint::max() : *timers.begin(); }
  std::optional<Message> poll_transmit() override {
    if (out.empty()) return std::nullopt;
    Message m = std::move(out.front());
    out.pop_front();
    return m;
  }
  Duration poll_cpu() override { return std::exchange(pending_cost, Duration{0}); }
};

Runner make(std::size_t n, RunnerConfig cfg, Duration latency) {
  std::vector<std::unique_ptr<Node>> nodes;
  for (std::size_t i = 0; i < n; ++i) nodes.push_back(std::make_unique<Probe>());
  return *Runner::create(cfg, std::move(nodes), std::make_shared<ConstantLatency>(latency));
}

Probe& probe(Runner& r, std::uint32_t i) { return r.node_as<Probe>(ValidatorIndex{i}); }

TEST(Runner, LatencyPlusSerialization) {
  RunnerConfig cfg;
  cfg.link.upload_bps = 1'000'000;
  Runner r = make(2, cfg, std::chrono::milliseconds(10));
  r.command(ValidatorIndex{0}, ms(0), [](Node& n, TimePoint) {
    auto& p = dynamic_cast<Probe&>(n);
    for (int k = 0; k < 3; ++k) p.send(1, 1000);
  });
  ASSERT_TRUE(r.run());
  const auto& got = probe(r, 1).got;
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].at, ms(11));
  EXPECT_EQ(got[1].at, ms(12));
  EXPECT_EQ(got[2].at, ms(13));
  EXPECT_EQ(r.stats(ValidatorIndex{0}).bytes_sent, 3000u);
  EXPECT_EQ(r.stats(ValidatorIndex{1}).bytes_received, 3000u);
  EXPECT_EQ(r.deliveries(), 3u);
}

TEST(Runner, RelaySendingToManyPaysItsSerialization) {
  RunnerConfig cfg;
  cfg.link.upload_bps = 1'000'000;
  cfg.per_message_overhead = 24;  // counted by the bandwidth model, not handed to the node
  const std::uint32_t n = 100;
  Runner r = make(n, cfg, std::chrono::milliseconds(5));
  r.command(ValidatorIndex{0}, ms(0), [&](Node& node, TimePoint) {
    for (std::uint32_t k = 1; k < n; ++k) dynamic_cast<Probe&>(node).send(k, 976);
  });
  ASSERT_TRUE(r.run());
  for (std::uint32_t k = 1; k < n; ++k) {
    ASSERT_EQ(probe(r, k).got.size(), 1u);
    EXPECT_EQ(probe(r, k).got[0].at, ms(5 + k)) << k;  // the k-th copy waits for k x 1000 bytes
    EXPECT_EQ(probe(r, k).got[0].size, 976u);
  }
  EXPECT_EQ(r.stats(ValidatorIndex{0}).bytes_sent, 99'000u);
}

TEST(Runner, DownloadIsABottleneckToo) {
  RunnerConfig cfg;
  const std::uint32_t n = 11;
  Runner r = make(n, cfg, std::chrono::milliseconds(2));
  r.set_download(ValidatorIndex{0}, 1'000'000);
  for (std::uint32_t k = 1; k < n; ++k)
    r.command(ValidatorIndex{k}, ms(0),
              [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).send(0, 10'000); });
  ASSERT_TRUE(r.run());
  const auto& got = probe(r, 0).got;
  ASSERT_EQ(got.size(), 10u);
  for (std::uint32_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k].at, ms(2.0 + 10.0 * (k + 1))) << k;
}

TEST(Runner, PrioUplinkLetsCriticalOvertakeQueuedBulk) {
  for (Uplink mode : {Uplink::fifo, Uplink::prio}) {
    RunnerConfig cfg;
    cfg.uplink = mode;
    cfg.link.upload_bps = 1'000'000;
    Runner r = make(2, cfg, std::chrono::milliseconds(1));
    r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
      auto& p = dynamic_cast<Probe&>(node);
      for (int k = 0; k < 5; ++k) p.send(1, 10'000, prio::Class::normal, 1);
      p.send(1, 100, prio::Class::critical, 2);
    });
    ASSERT_TRUE(r.run());
    const auto& got = probe(r, 1).got;
    ASSERT_EQ(got.size(), 6u);
    if (mode == Uplink::fifo) {
      EXPECT_EQ(got[5].channel, 2);
      EXPECT_EQ(got[5].at, ms(1 + 50.1));
    } else {
      // The first bulk message was already on the wire (one chunk); the vote goes next.
      EXPECT_EQ(got[1].channel, 2);
      EXPECT_EQ(got[1].at, ms(1 + 10.1));
      EXPECT_EQ(got[5].at, ms(1 + 50.1));
    }
    EXPECT_EQ(r.stats(ValidatorIndex{0}).bytes_sent, 50'100u);
  }
}

TEST(Runner, PrioUplinkChunksLargeFrames) {
  RunnerConfig cfg;
  cfg.uplink = Uplink::prio;
  cfg.egress.chunk_size = 1000;
  cfg.link.upload_bps = 1'000'000;
  Runner r = make(3, cfg, Duration{0});
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
    auto& p = dynamic_cast<Probe&>(node);
    p.send(1, 20'000);                      // 20 chunks
    p.send(2, 500, prio::Class::critical);  // waits one chunk at most
  });
  ASSERT_TRUE(r.run());
  ASSERT_EQ(probe(r, 2).got.size(), 1u);
  EXPECT_EQ(probe(r, 2).got[0].at, ms(1.5));
  ASSERT_EQ(probe(r, 1).got.size(), 1u);
  EXPECT_EQ(probe(r, 1).got[0].at, ms(20.5));
}

TEST(Runner, DeadlinesFireAtTheirTime) {
  Runner r = make(2, RunnerConfig{}, std::chrono::milliseconds(1));
  r.command(ValidatorIndex{1}, ms(0), [](Node& node, TimePoint) {
    auto& p = dynamic_cast<Probe&>(node);
    p.timers = {ms(7), ms(5)};
  });
  // A later command adds an earlier timer: the runner must re-read next_deadline().
  r.command(ValidatorIndex{1}, ms(1),
            [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).timers.insert(ms(3)); });
  ASSERT_TRUE(r.run());
  EXPECT_EQ(probe(r, 1).fired, (std::vector<TimePoint>{ms(3), ms(5), ms(7)}));
  ASSERT_EQ(probe(r, 0).got.size(), 3u);
  EXPECT_EQ(probe(r, 0).got[2].at, ms(8));
}

TEST(Runner, CpuCostDelaysOutputsAndQueuesInputs) {
  Runner r = make(2, RunnerConfig{}, std::chrono::milliseconds(1));
  probe(r, 1).echo = true;
  probe(r, 1).cost = std::chrono::milliseconds(2);
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
    auto& p = dynamic_cast<Probe&>(node);
    for (int k = 0; k < 3; ++k) p.send(1, 100);
  });
  ASSERT_TRUE(r.run());
  const auto& at1 = probe(r, 1).got;
  ASSERT_EQ(at1.size(), 3u);
  EXPECT_EQ(at1[0].at, ms(1));  // handled on arrival ...
  EXPECT_EQ(at1[1].at, ms(3));  // ... the next ones when the CPU frees
  EXPECT_EQ(at1[2].at, ms(5));
  const auto& back = probe(r, 0).got;
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].at, ms(4));  // 1 ms there, 2 ms of work, 1 ms back
  EXPECT_EQ(back[1].at, ms(6));
  EXPECT_EQ(back[2].at, ms(8));
  EXPECT_EQ(r.stats(ValidatorIndex{1}).cpu, std::chrono::milliseconds(6));
}

TEST(Runner, CrashStopsANode) {
  Runner r = make(3, RunnerConfig{}, std::chrono::milliseconds(1));
  probe(r, 1).timers = {ms(10)};
  r.command(ValidatorIndex{1}, ms(0), [](Node&, TimePoint) {});  // arms the timer
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).send(1, 10); });
  r.command(ValidatorIndex{0}, ms(5), [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).send(1, 10); });
  r.command(ValidatorIndex{0}, ms(5), [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).send(2, 10); });
  r.at(ms(3), [](Runner& run) { run.crash(ValidatorIndex{1}); });
  ASSERT_TRUE(r.run());
  EXPECT_TRUE(r.crashed(ValidatorIndex{1}));
  EXPECT_EQ(probe(r, 1).got.size(), 1u);  // the one that arrived before the crash
  EXPECT_TRUE(probe(r, 1).fired.empty());
  EXPECT_EQ(probe(r, 2).got.size(), 1u);
  EXPECT_EQ(r.stats(ValidatorIndex{1}).dropped, 1u);
  EXPECT_TRUE(probe(r, 0).got.empty());  // the crashed node's timer never sent anything
}

TEST(Runner, PartitionDropsCrossTrafficUntilHealed) {
  Runner r = make(4, RunnerConfig{}, std::chrono::milliseconds(1));
  auto flood = [](Node& node, TimePoint) {
    auto& p = dynamic_cast<Probe&>(node);
    for (std::uint32_t k = 1; k < 4; ++k) p.send(k, 10);
  };
  r.partition({0, 0, 1, 1});
  r.command(ValidatorIndex{0}, ms(0), flood);
  r.at(ms(5), [](Runner& run) { run.heal(); });
  r.command(ValidatorIndex{0}, ms(6), flood);
  ASSERT_TRUE(r.run());
  EXPECT_EQ(probe(r, 1).got.size(), 2u);
  EXPECT_EQ(probe(r, 2).got.size(), 1u);
  EXPECT_EQ(probe(r, 3).got.size(), 1u);
  EXPECT_EQ(probe(r, 2).got[0].at, ms(7));
  EXPECT_EQ(r.stats(ValidatorIndex{0}).dropped, 2u);
}

TEST(Runner, LossAndJitterAreSeededAndBounded) {
  RunnerConfig cfg;
  cfg.loss = 0.3;
  cfg.jitter = std::chrono::milliseconds(4);
  cfg.seed = 7;
  Runner r = make(2, cfg, std::chrono::milliseconds(10));
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
    for (int k = 0; k < 10'000; ++k) dynamic_cast<Probe&>(node).send(1, 10);
  });
  ASSERT_TRUE(r.run());
  const auto& got = probe(r, 1).got;
  const auto& s = r.stats(ValidatorIndex{0});
  EXPECT_EQ(s.messages_sent, 10'000u);
  EXPECT_EQ(s.lost + got.size(), 10'000u);
  EXPECT_GT(s.lost, 2'700u);
  EXPECT_LT(s.lost, 3'300u);
  std::set<TimePoint> distinct;
  for (const auto& g : got) {
    EXPECT_GE(g.at, ms(10));
    EXPECT_LT(g.at, ms(14));
    distinct.insert(g.at);
  }
  EXPECT_GT(distinct.size(), got.size() / 2);
}

// Every node forwards each new message id to a few peers it picks with its own seeded generator.
class Flood final : public Node {
 public:
  Flood(std::uint32_t self, std::uint32_t n, std::uint64_t seed)
      : self_(self), n_(n), rng_(DeterministicRng::from_u64(seed * 1000 + self)) {}
  void start(std::uint8_t id) { spread(id); }
  void on_message(ValidatorIndex, std::uint8_t, const Payload& b, TimePoint) override {
    const std::uint8_t id = (*b)[0];
    if (seen_.insert(id).second) spread(id);
  }
  void on_deadline(TimePoint) override {}
  TimePoint next_deadline() const override { return TimePoint::max(); }
  std::optional<Message> poll_transmit() override {
    if (out_.empty()) return std::nullopt;
    Message m = std::move(out_.front());
    out_.pop_front();
    return m;
  }
  std::size_t seen() const { return seen_.size(); }

 private:
  void spread(std::uint8_t id) {
    seen_.insert(id);
    for (int k = 0; k < 4; ++k) {
      const auto to = static_cast<std::uint32_t>(rng_.uniform(n_));
      if (to != self_)
        out_.push_back(
            Message{ValidatorIndex{to}, 0, prio::Class::normal, std::make_shared<const Bytes>(300, id), 0});
    }
  }
  std::uint32_t self_, n_;
  DeterministicRng rng_;
  std::set<std::uint8_t> seen_;
  std::deque<Message> out_;
};

crypto::Hash256 flood_trace(std::uint64_t seed, Uplink uplink, std::uint64_t* deliveries) {
  const std::uint32_t n = 60;
  RunnerConfig cfg;
  cfg.seed = seed;
  cfg.uplink = uplink;
  cfg.loss = 0.05;
  cfg.jitter = std::chrono::milliseconds(3);
  cfg.link.upload_bps = 2'000'000;
  cfg.link.download_bps = 5'000'000;
  cfg.trace = TraceMode::full;
  std::vector<std::unique_ptr<Node>> nodes;
  for (std::uint32_t i = 0; i < n; ++i) nodes.push_back(std::make_unique<Flood>(i, n, seed));
  auto r = *Runner::create(cfg, std::move(nodes),
                           std::make_shared<ConstantLatency>(std::chrono::milliseconds(20)));
  for (std::uint8_t id = 0; id < 8; ++id)
    r.command(ValidatorIndex{id}, ms(id * 3.0),
              [id](Node& node, TimePoint) { dynamic_cast<Flood&>(node).start(id); });
  EXPECT_TRUE(r.run());
  *deliveries = r.deliveries();
  return r.trace_hash();
}

TEST(Runner, SameSeedSameTraceHash) {
  for (Uplink mode : {Uplink::fifo, Uplink::prio}) {
    std::uint64_t d1 = 0, d2 = 0, d3 = 0;
    const auto a = flood_trace(1, mode, &d1);
    const auto b = flood_trace(1, mode, &d2);
    const auto c = flood_trace(2, mode, &d3);
    EXPECT_GT(d1, 1000u);
    EXPECT_EQ(a, b);
    EXPECT_EQ(d1, d2);
    EXPECT_NE(a, c);
  }
}

TEST(Runner, RejectsBadConfigAndBoundsTheQueue) {
  auto one = [] {
    std::vector<std::unique_ptr<Node>> v;
    v.push_back(std::make_unique<Probe>());
    return v;
  };
  auto lat = std::make_shared<ConstantLatency>(Duration{0});
  EXPECT_EQ(Runner::create(RunnerConfig{}, {}, lat).error(), SimErrc::invalid_config);
  EXPECT_EQ(Runner::create(RunnerConfig{}, one(), nullptr).error(), SimErrc::invalid_config);
  RunnerConfig bad;
  bad.loss = 1.0;
  EXPECT_EQ(Runner::create(bad, one(), lat).error(), SimErrc::invalid_config);
  bad = RunnerConfig{};
  bad.uplink = Uplink::prio;
  bad.egress.chunk_size = 0;
  EXPECT_EQ(Runner::create(bad, one(), lat).error(), SimErrc::invalid_config);

  RunnerConfig small;
  small.max_events = 8;
  Runner r = make(2, small, std::chrono::milliseconds(1));
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
    for (int k = 0; k < 20; ++k) dynamic_cast<Probe&>(node).send(1, 10);
  });
  EXPECT_EQ(r.run().error(), SimErrc::event_overflow);
  // Messages to nobody, to oneself or empty are dropped, not delivered.
  Runner q = make(2, RunnerConfig{}, std::chrono::milliseconds(1));
  q.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) {
    auto& p = dynamic_cast<Probe&>(node);
    p.send(7, 10);
    p.send(0, 10);
    p.out.push_back(Message{ValidatorIndex{1}, 0, prio::Class::normal, nullptr, 0});
  });
  ASSERT_TRUE(q.run());
  EXPECT_EQ(q.stats(ValidatorIndex{0}).dropped, 3u);
  EXPECT_EQ(q.deliveries(), 0u);
}

TEST(Runner, RunUntilStopsAndAdvancesTheClock) {
  Runner r = make(2, RunnerConfig{}, std::chrono::milliseconds(10));
  r.command(ValidatorIndex{0}, ms(0), [](Node& node, TimePoint) { dynamic_cast<Probe&>(node).send(1, 10); });
  ASSERT_TRUE(r.run(ms(5)));
  EXPECT_EQ(r.now(), ms(5));
  EXPECT_TRUE(probe(r, 1).got.empty());
  EXPECT_FALSE(r.idle());
  ASSERT_TRUE(r.run());
  EXPECT_EQ(probe(r, 1).got.size(), 1u);
  EXPECT_EQ(r.now(), ms(10));
}

}  // namespace
}  // namespace stakecast::sim
