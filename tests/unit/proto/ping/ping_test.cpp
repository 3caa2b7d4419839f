#include "proto/ping/ping.hpp"

#include <gtest/gtest.h>

#include "core/machine.hpp"

namespace stakecast::ping {
namespace {

static_assert(ByteMachine<Responder>);
static_assert(ByteMachine<Initiator>);

const TimePoint t0 = TimePoint::from_ns(1000);

template <class M>
Bytes drain(M& m) {
  Bytes out;
  std::uint8_t buf[5];
  while (std::size_t n = m.poll_transmit(buf)) out.insert(out.end(), buf, buf + n);
  return out;
}

TEST(Ping, EchoAndRttAcrossEverySplit) {
  SeededEntropy e(1);
  Initiator probe;
  ASSERT_TRUE(probe.ping(e, t0));
  const Bytes payload = drain(probe);
  ASSERT_EQ(payload.size(), kPayload);
  for (std::size_t cut = 0; cut <= kPayload; ++cut) {
    Responder r;
    ASSERT_TRUE(r.on_bytes(BytesView(payload).first(cut), t0));
    EXPECT_EQ(r.wants_transmit(), cut == kPayload) << cut;  // only whole payloads are echoed
    ASSERT_TRUE(r.on_bytes(BytesView(payload).subspan(cut), t0));
    const Bytes echo = drain(r);
    EXPECT_EQ(echo, payload);

    Initiator i;
    SeededEntropy same(1);
    ASSERT_TRUE(i.ping(same, t0));
    EXPECT_EQ(i.next_deadline(), t0 + Config{}.timeout);
    ASSERT_TRUE(i.on_bytes(BytesView(echo).first(cut), t0 + 1us));
    EXPECT_EQ(i.poll_event().has_value(), cut == kPayload);
    ASSERT_TRUE(i.on_bytes(BytesView(echo).subspan(cut), t0 + 4us));
    if (cut < kPayload) {
      auto ev = i.poll_event();
      ASSERT_TRUE(ev) << cut;
      EXPECT_EQ(ev->rtt, 4us);
    }
    EXPECT_FALSE(i.outstanding());
    EXPECT_EQ(i.next_deadline(), TimePoint::max());
  }
}

TEST(Ping, RepeatsOnOneStreamWithFreshPayloads) {
  SeededEntropy e(2);
  Initiator i;
  Responder r;
  Bytes previous;
  for (int k = 0; k < 3; ++k) {
    const TimePoint sent = t0 + std::chrono::seconds(k);
    ASSERT_TRUE(i.ping(e, sent));
    EXPECT_EQ(i.ping(e, sent).error(), Errc::busy);
    EXPECT_FALSE(i.failed());  // busy is a local refusal
    const Bytes payload = drain(i);
    EXPECT_NE(payload, previous);
    previous = payload;
    ASSERT_TRUE(r.on_bytes(payload, sent));
    ASSERT_TRUE(i.on_bytes(drain(r), sent + 2ms));
    EXPECT_EQ(i.poll_event()->rtt, 2ms);
  }
}

TEST(Ping, BadEchoesAndTimeoutFailTheInitiator) {
  SeededEntropy e(3);
  Initiator i;
  ASSERT_TRUE(i.ping(e, t0));
  Bytes payload = drain(i);
  payload[31] ^= 1;
  EXPECT_EQ(i.on_bytes(payload, t0).error(), Errc::mismatch);
  EXPECT_EQ(i.on_bytes(payload, t0).error(), Errc::mismatch);  // stays failed
  EXPECT_EQ(i.ping(e, t0).error(), Errc::mismatch);
  EXPECT_EQ(i.next_deadline(), TimePoint::max());

  Initiator idle;
  EXPECT_EQ(idle.on_bytes(Bytes{1}, t0).error(), Errc::unexpected_bytes);

  Initiator extra;
  ASSERT_TRUE(extra.ping(e, t0));
  Bytes echo = drain(extra);
  echo.push_back(0);
  EXPECT_EQ(extra.on_bytes(echo, t0).error(), Errc::unexpected_bytes);

  Config c;
  c.timeout = 2s;
  Initiator slow(c);
  EXPECT_TRUE(slow.on_deadline(t0 + 1h));  // nothing outstanding, nothing to time out
  ASSERT_TRUE(slow.ping(e, t0));
  EXPECT_EQ(slow.next_deadline(), t0 + 2s);
  EXPECT_TRUE(slow.on_deadline(t0 + 1s));
  EXPECT_EQ(slow.on_deadline(t0 + 2s).error(), Errc::timeout);
  EXPECT_TRUE(slow.failed());
}

TEST(Ping, ResponderBoundsUnpulledEchoes) {
  Config c;
  c.max_unsent = 2 * kPayload;
  Responder r(c);
  ASSERT_TRUE(r.on_bytes(Bytes(2 * kPayload, 7), t0));
  EXPECT_EQ(r.on_bytes(Bytes(kPayload, 7), t0).error(), Errc::flood);
  EXPECT_TRUE(r.failed());
  Responder drained(c);
  for (int k = 0; k < 10; ++k) {  // pulled as it goes: no limit on the total
    ASSERT_TRUE(drained.on_bytes(Bytes(2 * kPayload, 7), t0));
    EXPECT_EQ(drain(drained).size(), 2 * kPayload);
  }
}

}  // namespace
}  // namespace stakecast::ping
