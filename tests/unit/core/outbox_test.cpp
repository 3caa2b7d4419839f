#include "core/outbox.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

TEST(Outbox, PullsInPiecesAndResets) {
  Outbox o;
  std::uint8_t buf[3];
  EXPECT_EQ(o.poll(buf), 0u);  // nothing queued: no copy from a null buffer
  append(o.buffer(), as_bytes("hello"));
  EXPECT_EQ(o.pending(), 5u);
  EXPECT_EQ(o.poll(buf), 3u);
  EXPECT_EQ(as_chars(BytesView(buf, 3)), "hel");
  append(o.buffer(), as_bytes("!"));
  EXPECT_EQ(o.poll(buf), 3u);
  EXPECT_EQ(as_chars(BytesView(buf, 3)), "lo!");
  EXPECT_TRUE(o.empty());
  EXPECT_TRUE(o.buffer().empty());  // storage is reused from the start once drained
}

}  // namespace
}  // namespace stakecast
