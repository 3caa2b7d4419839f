#include "core/byte_queue.hpp"

#include <gtest/gtest.h>

#include "core/rng.hpp"

namespace stakecast {
namespace {

TEST(ByteQueue, FifoAcrossChunkBoundaries) {
  ByteQueue q;
  Bytes all;
  auto rng = DeterministicRng::from_u64(3);
  Bytes got;
  for (int i = 0; i < 200; ++i) {
    Bytes chunk(rng.uniform(50));
    rng.fill(chunk);
    q.append(chunk);
    append(all, chunk);
    Bytes out(rng.uniform(60));
    Bytes peeked(out.size());
    const std::size_t p = q.peek(peeked);
    const std::size_t n = q.read(out);
    EXPECT_EQ(p, n);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), peeked.begin()));
    got.insert(got.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(q.size(), all.size() - got.size());
  }
  Bytes rest(q.size());
  q.read(rest);
  append(got, rest);
  EXPECT_EQ(got, all);
  EXPECT_TRUE(q.empty());
  q.consume(10);  // consuming past the end is a no-op
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace stakecast
