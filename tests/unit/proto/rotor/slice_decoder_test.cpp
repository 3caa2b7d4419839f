#include "proto/rotor/slice_decoder.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "core/rng.hpp"
#include "proto/rotor/shredder.hpp"

namespace stakecast::rotor {
namespace {

const ValidatorIndex kLeader{0};
const ValidatorIndex kRelay{3};

crypto::Ed25519Keypair key(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}

struct Fixture {
  crypto::Ed25519Keypair leader = key(0x42);
  ShredderConfig cfg;
  Shredder shredder;
  Fixture(ShredderConfig c = {8, 16, 128}) : cfg(c), shredder(*Shredder::create(c, leader)) {}
};

std::vector<DecoderEvent> drain(SliceDecoder& d) {
  std::vector<DecoderEvent> out;
  while (auto e = d.poll_event()) out.push_back(std::move(*e));
  return out;
}

TEST(SliceDecoder, AnyLossPatternUpToParityRebuildsTheExactBlock) {
  Fixture f;
  auto rng = DeterministicRng::from_u64(11);
  for (int trial = 0; trial < 40; ++trial) {
    Bytes block(1 + rng.uniform(4000));
    rng.fill(block);
    auto shredded = f.shredder.shred_block(Slot{static_cast<std::uint64_t>(trial)}, block);
    ASSERT_TRUE(shredded);
    SliceDecoder d;
    for (const auto& slice : shredded->slices) {
      // Random order; drop up to `parity` shreds at random.
      std::vector<std::size_t> order(slice.count);
      std::iota(order.begin(), order.end(), 0);
      for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
      const std::size_t lost = trial == 0 ? 8 : rng.uniform(9);
      std::size_t accepted = 0;
      for (std::size_t i = lost; i < order.size(); ++i) {
        auto r = d.on_shred(slice.shred(order[i]), kRelay, kLeader, f.leader.public_key());
        if (accepted + 1 < f.cfg.data_shreds) {
          ASSERT_EQ(r.outcome, ShredOutcome::okay);
        } else if (accepted + 1 == f.cfg.data_shreds) {
          ASSERT_EQ(r.outcome, ShredOutcome::completes);
        } else {
          ASSERT_EQ(r.outcome, ShredOutcome::ignored);
        }
        ++accepted;
      }
    }
    auto events = drain(d);
    ASSERT_EQ(events.size(), shredded->slices.size() + 1);
    auto* done = std::get_if<BlockDoneEvent>(&events.back());
    ASSERT_NE(done, nullptr);
    EXPECT_EQ(done->block, block);
    EXPECT_EQ(done->block_hash, shredded->block_hash);
  }
}

// Expected rejection for one flipped byte at offset `off` of a shred (docs/shred-format.md layout).
RejectReason expected_for(const Bytes& flipped, std::size_t off, bool primed) {
  if (!codec::parse_shred(flipped)) return RejectReason::malformed;
  // Signed fields: last flag, slot, slice, root, signature.
  if (off == 1 || (off >= 8 && off < 20) || (off >= 28 && off < codec::kShredFixedHeader))
    return RejectReason::bad_signature;
  // With the slice already open, changed counts or slice length contradict its first shred.
  if (primed && (off == 2 || (off >= 24 && off < 28))) return RejectReason::inconsistent;
  return RejectReason::bad_merkle_proof;  // counts, index, slice length, proof and payload: Merkle leaf
}

TEST(SliceDecoder, OneFlippedByteAnywhereIsRejectedWithTheRightReason) {
  Fixture f;
  auto slice = f.shredder.make_slice(Slot{7}, SliceIndex{0}, false, as_bytes("flip me, every byte of me"));
  ASSERT_TRUE(slice);
  for (std::size_t shred : {std::size_t{0}, std::size_t{12}}) {
    const BytesView good = slice->shred(shred);
    for (std::size_t off = 0; off < good.size(); ++off) {
      Bytes bad(good.begin(), good.end());
      bad[off] ^= 0x01;
      // Fresh decoder (first shred of the slice) and one that already holds another valid shred.
      for (bool primed : {false, true}) {
        SliceDecoder d;
        if (primed) {
          ASSERT_EQ(d.on_shred(slice->shred(2), kRelay, kLeader, f.leader.public_key()).outcome,
                    ShredOutcome::okay);
        }
        auto r = d.on_shred(bad, kRelay, kLeader, f.leader.public_key());
        ASSERT_EQ(r.outcome, ShredOutcome::rejected) << "offset " << off << " primed " << primed;
        EXPECT_EQ(r.reason, expected_for(bad, off, primed)) << "offset " << off << " primed " << primed;
      }
    }
  }
}

TEST(SliceDecoder, DuplicateIgnoredAndForgottenSlots) {
  Fixture f;
  auto slice = f.shredder.make_slice(Slot{9}, SliceIndex{0}, true, as_bytes("x"));
  ASSERT_TRUE(slice);
  SliceDecoder d;
  EXPECT_EQ(d.on_shred(slice->shred(0), kRelay, kLeader, f.leader.public_key()).outcome, ShredOutcome::okay);
  EXPECT_EQ(d.on_shred(slice->shred(0), kRelay, kLeader, f.leader.public_key()).outcome,
            ShredOutcome::duplicate);
  EXPECT_EQ(d.held(Slot{9}, SliceIndex{0}), std::vector<ShredIndex>{ShredIndex{0}});
  d.forget_before(Slot{10});
  EXPECT_EQ(d.buffered_bytes(), 0u);
  EXPECT_EQ(d.on_shred(slice->shred(1), kRelay, kLeader, f.leader.public_key()).outcome,
            ShredOutcome::ignored);
}

TEST(SliceDecoder, SignatureIsVerifiedOncePerSlice) {
  Fixture f;  // 8 of 16
  Bytes block(3000);
  DeterministicRng::from_u64(5).fill(block);
  auto shredded = f.shredder.shred_block(Slot{4}, block);
  ASSERT_TRUE(shredded);
  ASSERT_EQ(shredded->slices.size(), 3u);
  SliceDecoder d;
  const auto pk = f.leader.public_key();
  // Seven shreds of every slice, interleaved: one verification per slice, none per later shred.
  for (std::size_t i = 0; i < 7; ++i)
    for (const auto& s : shredded->slices)
      ASSERT_EQ(d.on_shred(s.shred(i), kRelay, kLeader, pk).outcome, ShredOutcome::okay);
  EXPECT_EQ(d.signature_checks(), 3u);
  // The slice's root under another signature is checked (and refused) like a new signed tuple.
  Bytes forged(shredded->slices[0].shred(7).begin(), shredded->slices[0].shred(7).end());
  forged[60] ^= 1;  // first byte of the leader signature
  EXPECT_EQ(d.on_shred(forged, kRelay, kLeader, pk).reason, RejectReason::bad_signature);
  EXPECT_EQ(d.signature_checks(), 4u);
  // The rest completes every slice, and shreds after completion are dropped without any check.
  for (const auto& s : shredded->slices)
    for (std::size_t i = 7; i < s.count; ++i) (void)d.on_shred(s.shred(i), kRelay, kLeader, pk);
  std::size_t slices_done = 0;
  for (const auto& e : drain(d)) slices_done += std::holds_alternative<SliceDoneEvent>(e);
  EXPECT_EQ(slices_done, 3u);
  EXPECT_EQ(d.signature_checks(), 4u);
}

TEST(SliceDecoder, WrongLeaderKeyIsBadSignature) {
  Fixture f;
  auto slice = f.shredder.make_slice(Slot{9}, SliceIndex{0}, true, as_bytes("x"));
  SliceDecoder d;
  auto r = d.on_shred(slice->shred(0), kRelay, kLeader, key(0x43).public_key());
  EXPECT_EQ(r.reason, RejectReason::bad_signature);
  auto events = drain(d);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Misbehaviour>(events[0]).offence, Offence::bad_signature);
  EXPECT_EQ(std::get<Misbehaviour>(events[0]).peer, kRelay);
}

TEST(SliceDecoder, EquivocationIsDetectedWithBothSignedHeaders) {
  Fixture f;
  auto a = f.shredder.make_slice(Slot{4}, SliceIndex{2}, false, as_bytes("block A"));
  auto b = f.shredder.make_slice(Slot{4}, SliceIndex{2}, false, as_bytes("block B"));
  ASSERT_TRUE(a && b);
  SliceDecoder d;
  EXPECT_EQ(d.on_shred(a->shred(0), kRelay, kLeader, f.leader.public_key()).outcome, ShredOutcome::okay);
  EXPECT_EQ(d.on_shred(b->shred(1), kRelay, kLeader, f.leader.public_key()).outcome,
            ShredOutcome::equivocation);
  auto events = drain(d);
  ASSERT_EQ(events.size(), 1u);
  const auto& m = std::get<Misbehaviour>(events[0]);
  EXPECT_EQ(m.offence, Offence::equivocation);
  EXPECT_EQ(m.peer, kLeader);
  // Both pieces of evidence are signed headers the leader cannot deny.
  for (const Bytes* ev : {&m.evidence, &m.evidence2}) {
    ASSERT_EQ(ev->size(), codec::kShredFixedHeader);
    crypto::Hash256 root;
    std::copy_n(ev->begin() + 28, 32, root.begin());
    crypto::Ed25519Signature sig;
    std::copy_n(ev->begin() + 60, 64, sig.begin());
    EXPECT_TRUE(crypto::ed25519_verify(f.leader.public_key(),
                                       codec::signed_message(Slot{4}, SliceIndex{2}, false, root), sig));
  }
  EXPECT_NE(m.evidence, m.evidence2);
}

TEST(SliceDecoder, InconsistentEncodingFromMaliciousLeaderIsCaught) {
  // The leader signs a root over shards whose parity is not the code of its data.
  const std::uint8_t k = 4, n = 8;
  const std::size_t len = 32;
  auto leader = key(0x42);
  auto rs = erasure::ReedSolomon::create(k, n - k);
  std::vector<Bytes> shards(n, Bytes(len));
  std::vector<std::uint8_t*> p;
  for (auto& s : shards) p.push_back(s.data());
  std::span<const std::uint8_t* const> dp(const_cast<const std::uint8_t* const*>(p.data()), k);
  ASSERT_TRUE(rs->encode(dp, std::span(p).subspan(k), len));
  shards[5][3] ^= 0xff;  // corrupt one parity shard before committing to it
  std::vector<crypto::Hash256> leaves;
  for (std::uint32_t i = 0; i < n; ++i)
    leaves.push_back(crypto::merkle::leaf_hash(codec::leaf_prefix(k, n, ShredIndex{i}, k * len), shards[i]));
  crypto::merkle::Tree tree;
  tree.build(leaves);
  codec::ShredHeader h;
  h.slot = Slot{3};
  h.slice = SliceIndex{0};
  h.last_slice = true;
  h.data_count = k;
  h.total_count = n;
  h.slice_len = k * len;
  h.root = tree.root();
  h.signature = leader.sign(codec::signed_message(h.slot, h.slice, true, h.root));
  auto wire = [&](std::uint32_t i) {
    h.index = ShredIndex{i};
    std::vector<crypto::Hash256> proof(tree.depth());
    tree.proof(i, proof);
    Bytes out(codec::shred_wire_size(n, len));
    codec::write_shred(h, proof, shards[i], out);
    return out;
  };
  SliceDecoder d;
  // Data shreds 0-2 and the corrupted parity shred 5: decodes to wrong data, re-encode mismatches.
  for (std::uint32_t i : {0u, 1u, 2u})
    EXPECT_EQ(d.on_shred(wire(i), kRelay, kLeader, leader.public_key()).outcome, ShredOutcome::okay);
  auto r = d.on_shred(wire(5), kRelay, kLeader, leader.public_key());
  EXPECT_EQ(r.outcome, ShredOutcome::rejected);
  EXPECT_EQ(r.reason, RejectReason::bad_encoding);
  auto events = drain(d);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<Misbehaviour>(events[0]).offence, Offence::bad_encoding);
  EXPECT_EQ(std::get<Misbehaviour>(events[0]).peer, kLeader);
  EXPECT_EQ(d.buffered_bytes(), 0u);
}

TEST(SliceDecoder, BudgetsBoundMemory) {
  Fixture f;
  SliceDecoderConfig cfg;
  cfg.max_open_slices = 2;
  SliceDecoder d(cfg);
  for (std::uint32_t s = 0; s < 3; ++s) {
    auto slice = f.shredder.make_slice(Slot{1}, SliceIndex{s}, false, as_bytes("payload"));
    auto r = d.on_shred(slice->shred(0), kRelay, kLeader, f.leader.public_key());
    EXPECT_EQ(r.outcome, s < 2 ? ShredOutcome::okay : ShredOutcome::rejected);
    if (s == 2) {
      EXPECT_EQ(r.reason, RejectReason::over_budget);
    }
  }
  SliceDecoderConfig small;
  small.max_shred_payload = 64;
  SliceDecoder d2(small);
  auto slice = f.shredder.make_slice(Slot{1}, SliceIndex{0}, false, Bytes(900, 1));
  EXPECT_EQ(d2.on_shred(slice->shred(0), kRelay, kLeader, f.leader.public_key()).reason,
            RejectReason::over_budget);
}

}  // namespace
}  // namespace stakecast::rotor
