#include "codec/frame.hpp"

#include <gtest/gtest.h>

namespace stakecast::codec {
namespace {

std::vector<Bytes> read_all(FrameReader& r, BytesView stream, std::size_t chunk) {
  std::vector<Bytes> out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    BytesView part = stream.subspan(pos, std::min(chunk, stream.size() - pos));
    while (!part.empty()) {
      auto used = r.feed(part);
      EXPECT_TRUE(used);
      if (!used) return out;
      part = part.subspan(*used);
      if (auto f = r.frame()) {
        out.emplace_back(f->begin(), f->end());
        r.next();
      }
    }
    pos += chunk;
  }
  return out;
}

TEST(FrameReader, SplitAtEveryOffsetEqualsOneShot) {
  std::vector<Bytes> frames = {Bytes{}, Bytes(1, 7), Bytes(300, 9), Bytes(5, 1)};
  Bytes stream;
  for (auto& f : frames) append_frame(stream, f);
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameReader r(1024);
    EXPECT_EQ(read_all(r, stream, chunk), frames) << "chunk " << chunk;
  }
}

TEST(FrameReader, RejectsOversizedBeforeBuffering) {
  Bytes stream;
  append_frame(stream, Bytes(100, 1));
  FrameReader r(99);
  auto res = r.feed(BytesView(stream).first(1));
  EXPECT_EQ(res.error(), FrameErrc::too_large);
  EXPECT_EQ(r.feed(stream).error(), FrameErrc::too_large);  // stays failed
}

TEST(FrameReader, RejectsBadVarint) {
  FrameReader r(1 << 20);
  Bytes overlong(10, 0xff);
  EXPECT_EQ(r.feed(overlong).error(), FrameErrc::bad_varint);
  FrameReader r2(1 << 20);
  EXPECT_EQ(r2.feed(Bytes{0x80, 0x00}).error(), FrameErrc::bad_varint);
}

TEST(FrameReader, FeedAllDeliversEveryFrameThenStopsAtAnError) {
  Bytes stream;
  append_frame(stream, Bytes{1, 2});
  append_frame(stream, Bytes{});
  append_frame(stream, Bytes(300, 7));
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    FrameReader r(1024);
    std::vector<Bytes> got;
    auto sink = [&](BytesView f) { got.emplace_back(f.begin(), f.end()); };
    ASSERT_TRUE(r.feed_all(BytesView(stream).first(split), sink));
    ASSERT_TRUE(r.feed_all(BytesView(stream).subspan(split), sink));
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[2], Bytes(300, 7));
  }
  FrameReader small(100);
  std::vector<Bytes> got;
  auto st = small.feed_all(stream, [&](BytesView f) { got.emplace_back(f.begin(), f.end()); });
  EXPECT_EQ(st.error(), FrameErrc::too_large);
  EXPECT_EQ(got.size(), 2u);  // the frames before the oversized one
}

}  // namespace
}  // namespace stakecast::codec
