#include "codec/shred.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "../alloc_counter.hpp"
#include "codec/frame.hpp"
#include "crypto/merkle.hpp"

namespace stakecast::codec {
namespace {

Bytes make_wire(std::uint8_t data, std::uint8_t total, std::uint32_t index, std::size_t payload_len) {
  ShredHeader h;
  h.slot = Slot{0x0102030405060708ULL};
  h.slice = SliceIndex{9};
  h.last_slice = true;
  h.data_count = data;
  h.total_count = total;
  h.index = ShredIndex{index};
  h.slice_len = static_cast<std::uint32_t>(data * payload_len);
  h.root.fill(0x11);
  h.signature.fill(0x22);
  std::vector<crypto::Hash256> proof(crypto::merkle::depth_for(total));
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i].fill(static_cast<std::uint8_t>(0x30 + i));
  Bytes payload(payload_len);
  for (std::size_t i = 0; i < payload_len; ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  Bytes out(shred_wire_size(total, payload_len));
  EXPECT_EQ(write_shred(h, proof, payload, out), out.size());
  return out;
}

TEST(Shred, RoundTripAndLayout) {
  Bytes w = make_wire(32, 64, 5, 100);
  EXPECT_EQ(w.size(), 124u + 6 * 32 + 100);
  EXPECT_EQ(w[0], kShredVersion);
  EXPECT_EQ(w[1], kShredFlagLastSlice);
  EXPECT_EQ(load_le64(&w[8]), 0x0102030405060708ULL);
  auto v = parse_shred(w);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->header().slot, Slot{0x0102030405060708ULL});
  EXPECT_EQ(v->header().slice, SliceIndex{9});
  EXPECT_TRUE(v->header().last_slice);
  EXPECT_EQ(v->header().index, ShredIndex{5});
  EXPECT_EQ(v->proof().size(), 6u);
  EXPECT_EQ(v->proof()[2][0], 0x32);
  EXPECT_EQ(v->payload().size(), 100u);
  EXPECT_EQ(v->payload()[3], 21);
  EXPECT_TRUE(v->is_data());
  EXPECT_EQ(v->header().slice_len, 3200u);
  EXPECT_EQ(v->payload().data(), w.data() + 124 + 192);  // zero-copy
}

TEST(Shred, TypedRejections) {
  const Bytes good = make_wire(32, 64, 5, 100);
  auto with = [&](std::size_t off, std::uint8_t val) {
    Bytes b = good;
    b[off] = val;
    return parse_shred(b).error();
  };
  EXPECT_EQ(with(0, 2), ShredErrc::bad_version);
  EXPECT_EQ(with(1, 0x03), ShredErrc::bad_flags);
  EXPECT_EQ(with(6, 1), ShredErrc::bad_reserved);
  EXPECT_EQ(with(2, 0), ShredErrc::bad_counts);
  EXPECT_EQ(with(2, 65), ShredErrc::bad_counts);
  EXPECT_EQ(with(4, 64), ShredErrc::bad_index);
  EXPECT_EQ(with(5, 5), ShredErrc::bad_proof_length);
  EXPECT_EQ(with(3, 65), ShredErrc::bad_proof_length);
  Bytes big = good;
  store_le32(&big[20], kMaxShredPayload + 1);
  EXPECT_EQ(parse_shred(big).error(), ShredErrc::payload_too_large);
  store_le32(&big[20], 0);
  EXPECT_EQ(parse_shred(big).error(), ShredErrc::empty_payload);
  Bytes sl = good;
  store_le32(&sl[24], 0);
  EXPECT_EQ(parse_shred(sl).error(), ShredErrc::bad_slice_length);
  store_le32(&sl[24], 31 * 100);  // ceil(3100 / 32) = 97, not the payload's 100
  EXPECT_EQ(parse_shred(sl).error(), ShredErrc::bad_slice_length);
  store_le32(&sl[24], 99 * 32 + 1);  // smallest length whose 32 shards are 100 bytes each
  EXPECT_TRUE(parse_shred(sl));
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(parse_shred(longer).error(), ShredErrc::length_mismatch);
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(parse_shred(BytesView(good).first(n)).error(), ShredErrc::truncated) << n;
}

// The edges of the header's ranges: 255 shreds (proof depth 8), a single-shred slice (depth 0), the
// largest payload, and the first values past them.
TEST(Shred, RangeEdges) {
  Bytes w255 = make_wire(100, 255, 254, 3);
  auto v = parse_shred(w255);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->proof().size(), 8u);
  EXPECT_FALSE(v->is_data());
  w255[4] = 255;
  EXPECT_EQ(parse_shred(w255).error(), ShredErrc::bad_index);
  Bytes one = make_wire(1, 1, 0, 5);
  EXPECT_EQ(one.size(), kShredFixedHeader + 5);
  ASSERT_TRUE(parse_shred(one));
  one[4] = 1;
  EXPECT_EQ(parse_shred(one).error(), ShredErrc::bad_index);
  Bytes max = make_wire(1, 2, 1, kMaxShredPayload);
  ASSERT_TRUE(parse_shred(max));
  store_le32(&max[20], kMaxShredPayload + 1);
  EXPECT_EQ(parse_shred(max).error(), ShredErrc::payload_too_large);
  store_le32(&max[20], 0xffffffff);
  EXPECT_EQ(parse_shred(max).error(), ShredErrc::payload_too_large);
}

// Parsing never allocates: whatever lengths a peer claims, nothing is sized by them, and a valid shred is
// a view into the caller's buffer.
TEST(Shred, ParseAllocatesNothing) {
  const Bytes good = make_wire(32, 64, 5, 100);
  Bytes claims_max = good;
  store_le32(&claims_max[24], 32 * kMaxShredPayload);
  store_le32(&claims_max[20], kMaxShredPayload);  // 1 MiB claimed, 100 bytes present: truncated
  const std::size_t before = test::allocations();
  std::size_t ok = 0;
  for (int i = 0; i < 100; ++i) {
    ok += parse_shred(good).has_value() ? 1 : 0;
    ok += parse_shred(claims_max).error() == ShredErrc::truncated ? 1 : 0;
    ok += parse_shred(BytesView(good).first(60)).has_value() ? 0 : 1;
  }
  const std::size_t allocated = test::allocations() - before;
  EXPECT_EQ(ok, 300u);
  EXPECT_EQ(allocated, 0u);
}

TEST(Shred, SplitAtEveryOffsetEqualsOneShot) {
  std::vector<Bytes> shreds = {make_wire(32, 64, 0, 40), make_wire(1, 1, 0, 3), make_wire(4, 6, 5, 17)};
  Bytes stream;
  for (auto& s : shreds) append_frame(stream, s);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameReader r(1 << 16);
    std::vector<Bytes> got;
    for (BytesView part : {BytesView(stream).first(cut), BytesView(stream).subspan(cut)}) {
      while (!part.empty()) {
        auto used = r.feed(part);
        ASSERT_TRUE(used);
        part = part.subspan(*used);
        if (auto f = r.frame()) {
          got.emplace_back(f->begin(), f->end());
          r.next();
        }
      }
    }
    ASSERT_EQ(got.size(), shreds.size()) << cut;
    for (std::size_t i = 0; i < got.size(); ++i) {
      auto a = parse_shred(got[i]);
      auto b = parse_shred(shreds[i]);
      ASSERT_TRUE(a && b);
      EXPECT_EQ(a->header().root, b->header().root);
      EXPECT_EQ(a->header().index, b->header().index);
      EXPECT_TRUE(
          std::equal(a->payload().begin(), a->payload().end(), b->payload().begin(), b->payload().end()));
    }
  }
}

// The fuzzer's seed corpus (fuzz/corpus/shred) must stay valid shreds of the current format, signed by
// the key the fuzz target checks against (seed 32 x 0x42), with Merkle proofs to their root, and must
// include enough shreds of one slice to complete it, so the fuzzer starts from the decoder's deep paths.
TEST(Shred, FuzzSeedCorpusIsValidSignedShreds) {
  crypto::Ed25519Seed seed;
  seed.fill(0x42);
  const auto leader = crypto::Ed25519Keypair::from_seed(seed).public_key();
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> per_slice;
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> needed;
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(STAKECAST_SOURCE_DIR) + "/fuzz/corpus/shred")) {
    std::ifstream f(entry.path(), std::ios::binary);
    const Bytes wire((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto v = parse_shred(wire);
    ASSERT_TRUE(v) << entry.path() << ": " << v.error().message();
    const auto& h = v->header();
    EXPECT_TRUE(
        crypto::ed25519_verify(leader, signed_message(h.slot, h.slice, h.last_slice, h.root), h.signature))
        << entry.path();
    EXPECT_EQ(crypto::merkle::root_from_proof(shred_leaf_hash(*v), h.index.get(), v->proof()), h.root)
        << entry.path();
    ++per_slice[{h.slot.get(), h.slice.get()}];
    needed[{h.slot.get(), h.slice.get()}] = h.data_count;
    ++files;
  }
  EXPECT_GE(files, 2u);
  bool some_complete = false;
  for (const auto& [key, n] : per_slice) some_complete |= n >= needed[key];
  EXPECT_TRUE(some_complete);
}

// The shred's Merkle leaf is the documented byte string: SHA-256(00 || gamma || Gamma || index || LE32 n ||
// payload), so the coding parameters, the position and the slice length are committed to by the root.
TEST(Shred, LeafHashIsTheDocumentedByteString) {
  const Bytes w = make_wire(32, 64, 5, 100);
  auto v = parse_shred(w);
  ASSERT_TRUE(v);
  const std::uint8_t head[8] = {0x00, 32, 64, 5, 0x80, 0x0c, 0x00, 0x00};  // n = 3200 = 0x0c80
  Bytes leaf(sizeof head + v->payload().size());
  std::copy(std::begin(head), std::end(head), leaf.begin());
  std::copy(v->payload().begin(), v->payload().end(), leaf.begin() + sizeof head);
  EXPECT_EQ(shred_leaf_hash(*v), crypto::sha256(leaf));
}

TEST(Shred, SignedMessageLayout) {
  crypto::Hash256 root;
  root.fill(0xab);
  auto m = signed_message(Slot{1}, SliceIndex{2}, true, root);
  EXPECT_EQ(std::string(m.begin(), m.begin() + 18), "stakecast-shred-v1");
  EXPECT_EQ(load_le64(&m[18]), 1u);
  EXPECT_EQ(load_le32(&m[26]), 2u);
  EXPECT_EQ(m[30], 1);
  EXPECT_EQ(m[31], 0xab);
  EXPECT_NE(signed_message(Slot{1}, SliceIndex{2}, false, root), m);
}

}  // namespace
}  // namespace stakecast::codec
