#include "core/varint.hpp"

#include <gtest/gtest.h>

namespace stakecast::varint {
namespace {

TEST(Varint, SpecExamples) {
  // multiformats/unsigned-varint README examples.
  struct Case {
    std::uint64_t v;
    Bytes enc;
  } cases[] = {{1, {0x01}},         {127, {0x7f}},       {128, {0x80, 0x01}},
               {255, {0xff, 0x01}}, {300, {0xac, 0x02}}, {16384, {0x80, 0x80, 0x01}}};
  for (const auto& c : cases) {
    Bytes out;
    append(out, c.v);
    EXPECT_EQ(out, c.enc) << c.v;
    EXPECT_EQ(encoded_size(c.v), c.enc.size());
    auto d = decode(c.enc);
    ASSERT_EQ(d.status, DecodeStatus::ok);
    EXPECT_EQ(d.value, c.v);
    EXPECT_EQ(d.length, c.enc.size());
  }
}

TEST(Varint, RoundTripAcrossWidths) {
  for (int bits = 0; bits < 63; ++bits) {
    std::uint64_t v = (std::uint64_t{1} << bits) | (bits > 2 ? 3u : 0u);
    Bytes out;
    append(out, v);
    out.push_back(0xee);  // trailing bytes are not consumed
    auto d = decode(out);
    ASSERT_EQ(d.status, DecodeStatus::ok);
    EXPECT_EQ(d.value, v);
    EXPECT_EQ(d.length, out.size() - 1);
  }
}

TEST(Varint, IncompleteOverlongAndNonMinimal) {
  EXPECT_EQ(decode(Bytes{}).status, DecodeStatus::need_more);
  EXPECT_EQ(decode(Bytes{0x80, 0x80}).status, DecodeStatus::need_more);
  Bytes nine(9, 0xff);
  EXPECT_EQ(decode(nine).status, DecodeStatus::overflow);
  nine.push_back(0x01);
  EXPECT_EQ(decode(nine).status, DecodeStatus::overflow);
  EXPECT_EQ(decode(Bytes{0x81, 0x00}).status, DecodeStatus::non_minimal);
  EXPECT_EQ(decode(Bytes{0x00}).status, DecodeStatus::ok);
}

TEST(Varint, SplitAtEveryOffsetNeedsMoreThenMatches) {
  Bytes enc;
  append(enc, 0x123456789abcULL);
  for (std::size_t cut = 0; cut < enc.size(); ++cut) {
    EXPECT_EQ(decode(BytesView(enc).first(cut)).status, DecodeStatus::need_more) << cut;
  }
  EXPECT_EQ(decode(enc).value, 0x123456789abcULL);
}

}  // namespace
}  // namespace stakecast::varint
