#include "proto/rotor/loopback_net.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace stakecast::rotor {
namespace {

// A scripted node: sends what the test queues, records what it receives, and can set a timer.
struct Probe {
  struct Got {
    std::uint32_t from;
    Protocol protocol;
    Bytes bytes;
    TimePoint at;
  };
  std::deque<Transmit> out;
  std::vector<Got> got;
  TimePoint timer = TimePoint::max();
  std::vector<TimePoint> fired;
  bool echo = false;

  void on_message(std::optional<ValidatorIndex> from, Protocol p, BytesView b, TimePoint now) {
    got.push_back({from->get(), p, Bytes(b.begin(), b.end()), now});
    if (echo)
      out.push_back(Transmit{*from, p, prio::Class::high, std::make_shared<const Bytes>(b.begin(), b.end())});
  }
  std::optional<Transmit> poll_transmit() {
    if (out.empty()) return std::nullopt;
    Transmit t = out.front();
    out.pop_front();
    return t;
  }
  TimePoint next_deadline() const { return timer; }
  void on_deadline(TimePoint now) {
    fired.push_back(now);
    timer = TimePoint::max();
  }
};

Transmit to(std::uint32_t dest, prio::Class cls, std::size_t size, std::uint8_t fill = 1) {
  return Transmit{ValidatorIndex{dest}, Protocol::shred, cls, std::make_shared<const Bytes>(size, fill)};
}

TimePoint ms(double v) { return TimePoint::from_ns(static_cast<std::int64_t>(v * 1e6)); }

TEST(LoopbackNet, UploadBandwidthSerialisesAndLatencyAdds) {
  LoopbackNet<Probe> net({.upload_bps = 1'000'000, .latency = std::chrono::milliseconds(5)},
                         std::vector<Probe>(2));
  for (int i = 0; i < 10; ++i) net.node(0).out.push_back(to(1, prio::Class::normal, 100'000));
  net.pump(0);
  net.run();
  ASSERT_EQ(net.node(1).got.size(), 10u);
  // 10 x 100 kB at 1 MB/s: the k-th message has fully left at k x 100 ms, and arrives 5 ms later.
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(net.node(1).got[k].at.ms(), 100.0 * (k + 1) + 5.0, 0.01) << k;
  EXPECT_EQ(net.bytes_sent(0), 1'000'000u);
  EXPECT_EQ(net.bytes_received(1), 1'000'000u);
}

TEST(LoopbackNet, CriticalMessageOvertakesAQueuedEightMiBBlock) {
  LoopbackNet<Probe> net({.upload_bps = 125'000'000, .latency = std::chrono::milliseconds(1)},
                         std::vector<Probe>(2));
  net.node(0).out.push_back(to(1, prio::Class::normal, 8 << 20, 0xB));
  net.pump(0);
  net.run(ms(10));  // 10 ms: about 1.25 MB of the block has left
  net.node(0).out.push_back(Transmit{ValidatorIndex{1}, Protocol::direct, prio::Class::critical,
                                     std::make_shared<const Bytes>(200, 0xC)});
  net.pump(0);
  net.run();
  ASSERT_EQ(net.node(1).got.size(), 2u);
  EXPECT_EQ(net.node(1).got[0].protocol, Protocol::direct);
  // The vote waited for at most one 16 KiB chunk (0.13 ms at 1 Gbit/s) plus its own bytes and latency,
  EXPECT_LT(net.node(1).got[0].at.ms(), 10.0 + 0.2 + 1.0);
  // while the block's remaining ~7 MB arrived afterwards, at about 67 ms.
  EXPECT_NEAR(net.node(1).got[1].at.ms(), (8 << 20) * 1000.0 / 125'000'000 + 0.0016 + 1.0, 0.05);
}

TEST(LoopbackNet, UnlimitedLinksDeliverWholeFramesAfterLatency) {
  LoopbackNet<Probe> net({.latency = std::chrono::milliseconds(3)}, std::vector<Probe>(3));
  net.set_latency(
      [](std::uint32_t from, std::uint32_t dest) { return std::chrono::milliseconds(from + dest); });
  net.node(0).out.push_back(to(1, prio::Class::low, 10));
  net.node(0).out.push_back(to(2, prio::Class::low, 10));
  net.pump(0);
  net.run();
  EXPECT_EQ(net.node(1).got.at(0).at, ms(1));
  EXPECT_EQ(net.node(2).got.at(0).at, ms(2));
}

TEST(LoopbackNet, CrashesFiltersAndTimers) {
  LoopbackNet<Probe> net({}, std::vector<Probe>(3));
  net.crash(2);
  net.set_filter(0, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
    if (t.bytes->size() == 5) return std::nullopt;  // withhold
    Bytes b = *t.bytes;
    b[0] ^= 0xFF;  // corrupt
    return std::make_shared<const Bytes>(std::move(b));
  });
  net.node(0).out.push_back(to(1, prio::Class::normal, 5));
  net.node(0).out.push_back(to(1, prio::Class::normal, 6, 0x0F));
  net.node(0).out.push_back(to(2, prio::Class::normal, 6));
  net.node(1).timer = ms(7);
  net.pump_all();
  net.run();
  ASSERT_EQ(net.node(1).got.size(), 1u);
  EXPECT_EQ(net.node(1).got[0].bytes[0], 0xF0);
  EXPECT_TRUE(net.node(2).got.empty());
  EXPECT_EQ(net.node(1).fired, std::vector<TimePoint>{ms(7)});
  EXPECT_EQ(net.now(), ms(7));
}

TEST(LoopbackNet, SameInputsSameTraceHash) {
  auto run = [](bool swap) {
    LoopbackNet<Probe> net({.upload_bps = 10'000'000, .latency = std::chrono::milliseconds(2)},
                           std::vector<Probe>(4));
    for (std::uint32_t i = 1; i < 4; ++i) net.node(i).echo = true;
    for (std::uint32_t i = 1; i < 4; ++i)
      net.node(0).out.push_back(to(swap ? 4 - i : i, prio::Class::normal, 1000 * i));
    net.pump(0);
    net.run();
    EXPECT_EQ(net.deliveries(), 6u);
    return net.trace_hash();
  };
  EXPECT_EQ(run(false), run(false));
  EXPECT_NE(run(false), run(true));
}

}  // namespace
}  // namespace stakecast::rotor
