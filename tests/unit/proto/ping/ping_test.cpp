#include "proto/ping/ping.hpp"

#include <gtest/gtest.h>

namespace stakecast::ping {
namespace {

TEST(Ping, EchoAndRtt) {
  SeededEntropy e(1);
  Initiator i;
  Responder r;
  auto payload = i.start(e, TimePoint::from_ns(1000));
  // The echo arrives in pieces; only whole payloads are echoed.
  EXPECT_TRUE(r.on_bytes(BytesView(payload).first(10)).empty());
  Bytes echo = r.on_bytes(BytesView(payload).subspan(10));
  ASSERT_EQ(echo.size(), kPayload);
  EXPECT_EQ(i.on_bytes(BytesView(echo).first(31), TimePoint::from_ns(2000)), Initiator::Outcome::pending);
  EXPECT_EQ(i.on_bytes(BytesView(echo).subspan(31), TimePoint::from_ns(5000)), Initiator::Outcome::ok);
  EXPECT_EQ(i.rtt(), Duration(4000));
}

TEST(Ping, WrongEchoIsAMismatch) {
  SeededEntropy e(2);
  Initiator i;
  auto payload = i.start(e, {});
  payload[0] ^= 1;
  EXPECT_EQ(i.on_bytes(payload, {}), Initiator::Outcome::mismatch);
}

}  // namespace
}  // namespace stakecast::ping
