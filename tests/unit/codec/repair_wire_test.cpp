#include "codec/repair_wire.hpp"

#include <gtest/gtest.h>

namespace stakecast::codec {
namespace {

Hash h(std::uint8_t v) {
  Hash x;
  x.fill(v);
  return x;
}

TEST(RepairWire, RootsRoundTrip) {
  RootsRequest q{7, Slot{42}, h(1)};
  Bytes wq = encode(q);
  EXPECT_EQ(wq.size(), 52u);
  EXPECT_EQ(*peek_repair_type(wq), RepairType::roots_request);
  auto pq = parse_roots_request(wq);
  ASSERT_TRUE(pq);
  EXPECT_EQ(pq->request, 7u);
  EXPECT_EQ(pq->slot, Slot{42});
  EXPECT_EQ(pq->block, h(1));

  RootsResponse a{7, Slot{42}, h(1), {h(2), h(3), h(4)}};
  Bytes wa = encode(a);
  auto pa = parse_roots_response(wa, {});
  ASSERT_TRUE(pa);
  EXPECT_EQ(pa->roots, a.roots);
  EXPECT_EQ(parse_roots_response(wa, {.max_slices = 2}).error(), RepairWireErrc::too_many);
  for (std::size_t n = 0; n < wa.size(); ++n)
    EXPECT_FALSE(parse_roots_response(BytesView(wa).first(n), {})) << n;
  // A huge declared count is refused by the limit, before any allocation.
  Bytes huge = wa;
  store_le32(huge.data() + 52, 0xFFFFFFFF);
  EXPECT_EQ(parse_roots_response(huge, {}).error(), RepairWireErrc::too_many);
}

TEST(RepairWire, ShredsRequestRoundTrip) {
  ShredsRequest q{9, Slot{5}, h(0), SliceIndex{3}, {}};
  EXPECT_EQ(parse_shreds_request(encode(q)).error(), RepairWireErrc::empty_request);
  q.want.set(0);
  q.want.set(63);
  q.want.set(254);
  Bytes w = encode(q);
  EXPECT_EQ(w.size(), 88u);
  auto p = parse_shreds_request(w);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->slice, SliceIndex{3});
  EXPECT_EQ(p->want, q.want);
  EXPECT_EQ(p->want.count(), 3u);
  Bytes longer = w;
  longer.push_back(0);
  EXPECT_EQ(parse_shreds_request(longer).error(), RepairWireErrc::trailing_bytes);
}

TEST(RepairWire, ShredsResponseViewsAndLimits) {
  const Bytes s1(100, 1), s2(300, 2);
  Bytes w = encode_shreds_response(11, Slot{8}, SliceIndex{2}, {s1, s2});
  auto p = parse_shreds_response(w, {});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->request, 11u);
  EXPECT_EQ(p->slot, Slot{8});
  EXPECT_EQ(p->slice, SliceIndex{2});
  ASSERT_EQ(p->shreds.size(), 2u);
  EXPECT_EQ(Bytes(p->shreds[1].begin(), p->shreds[1].end()), s2);
  EXPECT_EQ(p->shreds[0].data(), w.data() + 32);  // zero-copy
  EXPECT_EQ(parse_shreds_response(w, {.max_shreds = 1}).error(), RepairWireErrc::too_many);
  EXPECT_EQ(parse_shreds_response(w, {.max_shred_size = 200}).error(), RepairWireErrc::item_too_large);
  for (std::size_t n = 0; n < w.size(); ++n)
    EXPECT_FALSE(parse_shreds_response(BytesView(w).first(n), {})) << n;
  Bytes lie = w;
  store_le32(lie.data() + 28, 0x7FFFFFFF);  // first length far beyond the buffer
  EXPECT_EQ(parse_shreds_response(lie, {.max_shred_size = 0x7FFFFFFF}).error(), RepairWireErrc::truncated);
}

TEST(RepairWire, NotFoundAndTypedRejections) {
  Bytes w = encode(NotFound{3, Slot{4}});
  auto p = parse_not_found(w);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->request, 3u);
  EXPECT_EQ(*peek_repair_request(w), 3u);
  EXPECT_EQ(peek_repair_request(BytesView(w).first(11)).error(), RepairWireErrc::truncated);
  EXPECT_EQ(parse_roots_request(w).error(), RepairWireErrc::bad_type);
  Bytes v = w;
  v[0] = 9;
  EXPECT_EQ(parse_not_found(v).error(), RepairWireErrc::bad_version);
  v = w;
  v[1] = 0;
  EXPECT_EQ(peek_repair_type(v).error(), RepairWireErrc::bad_type);
  v = w;
  v[3] = 1;
  EXPECT_EQ(parse_not_found(v).error(), RepairWireErrc::bad_reserved);
  EXPECT_EQ(peek_repair_type(Bytes{1, 5}).error(), RepairWireErrc::truncated);
}

}  // namespace
}  // namespace stakecast::codec
