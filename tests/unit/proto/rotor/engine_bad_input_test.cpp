// Issue 5, "Bad input": shreds for slots far ahead or long finalized, from unstaked senders, with valid
// signatures but inconsistent encodings, and repair requests for huge ranges: bounded work, a typed
// rejection, counted in metrics.
#include <gtest/gtest.h>

#include "crypto/merkle.hpp"
#include "engine_cluster.hpp"
#include "erasure/reed_solomon.hpp"
#include "proto/rotor/engine.hpp"

namespace stakecast::rotor {
namespace {

using test::Cluster;

struct Fixture {
  Cluster c{6};
  ShredderConfig sc = test::small_shreds().shredder;
  Shredder leader = *Shredder::create(sc, test::node_key(0));
  Engine& node = c.net.node(3);
  Fixture() { c.lead(Slot{9}, 0); }
  std::vector<EngineEvent> drain() {
    std::vector<EngineEvent> out;
    while (auto e = node.poll_event()) out.push_back(std::move(*e));
    return out;
  }
};

TEST(EngineBadInput, WindowUnstakedAndMalformedShredsAreDroppedBeforeAnyHashing) {
  Fixture f;
  auto slice = *f.leader.make_slice(Slot{9}, SliceIndex{0}, true, test::test_block(500, 1));
  f.node.on_message(std::nullopt, Protocol::shred, slice.shred(0), f.c.net.now());
  EXPECT_EQ(f.node.metrics().dropped(ShredDrop::from_unstaked), 1u);

  auto far = *f.leader.make_slice(Slot{1'000'000}, SliceIndex{0}, true, test::test_block(500, 1));
  f.c.lead(Slot{1'000'000}, 0);
  f.node.on_message(ValidatorIndex{0}, Protocol::shred, far.shred(0), f.c.net.now());
  EXPECT_EQ(f.node.metrics().dropped(ShredDrop::slot_too_far), 1u);

  f.node.on_finalized(Slot{10});
  f.node.on_message(ValidatorIndex{0}, Protocol::shred, slice.shred(1), f.c.net.now());
  EXPECT_EQ(f.node.metrics().dropped(ShredDrop::slot_too_old), 1u);

  Bytes garbage(300, 0xEE);
  f.node.on_message(ValidatorIndex{4}, Protocol::shred, garbage, f.c.net.now());
  EXPECT_EQ(f.node.metrics().dropped(ShredDrop::malformed), 1u);
  auto events = f.drain();
  ASSERT_EQ(events.size(), 1u);
  auto* m = std::get_if<Misbehaviour>(&events[0]);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->peer, ValidatorIndex{4});
  EXPECT_EQ(m->offence, Offence::malformed);
  EXPECT_EQ(m->evidence, garbage);
  EXPECT_EQ(f.node.metrics().shreds_accepted, 0u);
  EXPECT_EQ(f.node.metrics().dropped_total(), 4u);
  // Nothing was buffered, nothing sent.
  EXPECT_FALSE(f.node.poll_transmit());
}

TEST(EngineBadInput, ValidSignaturesOverAnInconsistentEncodingProveTheLeaderMalicious) {
  Fixture f;
  // A leader that signs a Merkle root over shards whose parity is not the code of the data.
  const std::size_t k = f.sc.data_shreds, n = f.sc.total_shreds, len = 64;
  Bytes shards(n * len);
  DeterministicRng::from_u64(5).fill(MutBytes(shards).first(k * len));
  std::vector<std::uint8_t*> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = shards.data() + i * len;
  auto rs = erasure::ReedSolomon::create(k, n - k);
  ASSERT_TRUE(rs);
  ASSERT_TRUE(rs->encode(std::span<const std::uint8_t* const>(p.data(), k), std::span(p).subspan(k), len));
  shards[(n - 1) * len] ^= 1;  // one parity byte off
  std::vector<crypto::Hash256> leaves(n);
  for (std::size_t i = 0; i < n; ++i)
    leaves[i] = crypto::merkle::leaf_hash(
        codec::leaf_prefix(static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(n),
                           ShredIndex{static_cast<std::uint32_t>(i)}, static_cast<std::uint32_t>(k * len)),
        BytesView(p[i], len));
  crypto::merkle::Tree tree;
  tree.build(leaves);
  codec::ShredHeader h;
  h.slot = Slot{9};
  h.slice = SliceIndex{0};
  h.last_slice = true;
  h.data_count = static_cast<std::uint8_t>(k);
  h.total_count = static_cast<std::uint8_t>(n);
  h.slice_len = static_cast<std::uint32_t>(k * len);
  h.root = tree.root();
  h.signature = test::node_key(0).sign(codec::signed_message(h.slot, h.slice, true, h.root));
  std::vector<Bytes> wires;
  for (std::size_t i = 0; i < n; ++i) {
    h.index = ShredIndex{static_cast<std::uint32_t>(i)};
    crypto::Hash256 proof[crypto::merkle::kMaxDepth];
    tree.proof(i, std::span(proof, tree.depth()));
    Bytes w(codec::shred_wire_size(static_cast<std::uint8_t>(n), len));
    codec::write_shred(h, std::span(proof, tree.depth()), BytesView(p[i], len), w);
    wires.push_back(std::move(w));
  }
  // Every shred verifies on its own; the slice fails the re-encode check once gamma have arrived.
  for (std::size_t i = 0; i < k; ++i)
    f.node.on_message(ValidatorIndex{1}, Protocol::shred, wires[i], f.c.net.now());
  EXPECT_EQ(f.node.metrics().shreds_accepted, k - 1);
  EXPECT_EQ(f.node.metrics().dropped(ShredDrop::bad_encoding), 1u);
  bool proven = false;
  for (auto& e : f.drain())
    if (auto* m = std::get_if<Misbehaviour>(&e); m && m->offence == Offence::bad_encoding) {
      EXPECT_EQ(m->peer, ValidatorIndex{0});
      EXPECT_EQ(m->slot, Slot{9});
      EXPECT_FALSE(m->evidence.empty());
      proven = true;
    }
  EXPECT_TRUE(proven);
  EXPECT_EQ(f.node.metrics().blocks_completed, 0u);
}

TEST(EngineBadInput, RepairRequestsAreBoundedAndStrayAnswersRejected) {
  Fixture f;
  auto& leader = f.c.net.node(0);
  ASSERT_TRUE(leader.broadcast_block(Slot{9}, test::test_block(5000, 2), f.c.net.now()));
  while (leader.poll_transmit()) {
  }
  // "Everything" for a slice: answered with at most gamma shreds.
  codec::ShredsRequest q;
  q.request = 77;
  q.slot = Slot{9};
  q.slice = SliceIndex{0};
  q.want.set();
  leader.on_message(ValidatorIndex{3}, Protocol::repair, codec::encode(q), f.c.net.now());
  auto t = leader.poll_transmit();
  ASSERT_TRUE(t);
  auto a = codec::parse_shreds_response(*t->bytes, {});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->shreds.size(), 32u);
  EXPECT_EQ(a->request, 77u);
  // Unknown slot: not found.
  q.slot = Slot{8};
  leader.on_message(ValidatorIndex{3}, Protocol::repair, codec::encode(q), f.c.net.now());
  t = leader.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_EQ(*codec::peek_repair_type(*t->bytes), codec::RepairType::not_found);
  EXPECT_EQ(leader.metrics().repair_not_found, 1u);
  // From an unstaked peer, malformed, or an answer nobody asked for: counted, nothing sent.
  leader.on_message(std::nullopt, Protocol::repair, codec::encode(q), f.c.net.now());
  leader.on_message(ValidatorIndex{3}, Protocol::repair, Bytes{1, 3, 0}, f.c.net.now());
  leader.on_message(ValidatorIndex{3}, Protocol::repair, *t->bytes, f.c.net.now());
  EXPECT_EQ(leader.metrics().repair_rejected, 3u);
  EXPECT_EQ(leader.metrics().rejected(RepairReject::from_unstaked), 1u);
  EXPECT_EQ(leader.metrics().rejected(RepairReject::malformed), 1u);
  EXPECT_EQ(leader.metrics().rejected(RepairReject::unsolicited), 1u);
  EXPECT_FALSE(leader.poll_transmit());

  // Huge ranges: answers claiming more slice roots or shreds than RepairLimits allow are refused on the
  // count, before anything is read or allocated; a request for the last slice of a slot far away finds
  // nothing, in one lookup.
  Bytes roots = {codec::kRepairVersion, static_cast<std::uint8_t>(codec::RepairType::roots_response), 0, 0};
  roots.resize(4 + 8 + 8 + 32);
  roots.insert(roots.end(), {0xFF, 0xFF, 0xFF, 0x7F});  // n = 2^31 - 1 roots, none present
  ASSERT_EQ(codec::parse_roots_response(roots, {}).error(), codec::RepairWireErrc::too_many);
  leader.on_message(ValidatorIndex{3}, Protocol::repair, roots, f.c.net.now());
  Bytes shreds = {codec::kRepairVersion, static_cast<std::uint8_t>(codec::RepairType::shreds_response), 0, 0};
  shreds.resize(4 + 8 + 8 + 4);
  shreds.insert(shreds.end(), {0xFF, 0xFF, 0, 0});  // n = 65535 shreds
  ASSERT_EQ(codec::parse_shreds_response(shreds, {}).error(), codec::RepairWireErrc::too_many);
  leader.on_message(ValidatorIndex{3}, Protocol::repair, shreds, f.c.net.now());
  EXPECT_EQ(leader.metrics().rejected(RepairReject::malformed), 3u);
  EXPECT_FALSE(leader.poll_transmit());
  q.slot = Slot{~0ULL >> 1};
  q.slice = SliceIndex{0xFFFFFFFF};
  leader.on_message(ValidatorIndex{3}, Protocol::repair, codec::encode(q), f.c.net.now());
  t = leader.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_EQ(*codec::peek_repair_type(*t->bytes), codec::RepairType::not_found);
  EXPECT_EQ(leader.metrics().repair_not_found, 2u);
  EXPECT_EQ(leader.metrics().repair_rejected, 5u);
}

EngineConfig tight_ingress() {
  EngineConfig cfg = test::small_shreds();
  cfg.ingress = {.staked_rate = 1'000'000,
                 .min_validator_rate = 1000,
                 .unstaked_rate = 2000,
                 .burst = std::chrono::milliseconds(100),
                 .min_burst_bytes = 1000,
                 .min_message_cost = 64};
  return cfg;
}

TEST(EngineBadInput, IngressBudgetsFollowStakeAndRefuseFloodsTypedAndCounted) {
  Cluster c(6, tight_ingress());
  Engine& node = c.net.node(3);
  const TimePoint now = c.net.now();
  // Budgets are the stake share of 1 MB/s; a bucket holds 100 ms of it.
  const std::uint64_t total = c.set->total_stake().get();
  for (std::uint32_t v = 0; v < 6; ++v)
    EXPECT_EQ(node.ingress_rate(ValidatorIndex{v}),
              1'000'000 * c.set->stake(ValidatorIndex{v}).get() / total);
  EXPECT_EQ(node.ingress_rate(std::nullopt), 2000u);

  // Repair requests (88 bytes each) from the lightest and the heaviest validator at one instant: the
  // light one gets what its bucket holds, the heavy one is not slowed by the light one's flood.
  codec::ShredsRequest q;
  q.slot = Slot{8};
  q.slice = SliceIndex{0};
  q.want.set();
  const Bytes req = codec::encode(q);
  ASSERT_EQ(req.size(), 88u);
  for (int i = 0; i < 100; ++i) node.on_message(ValidatorIndex{5}, Protocol::repair, req, now);
  for (int i = 0; i < 100; ++i) node.on_message(ValidatorIndex{0}, Protocol::repair, req, now);
  const std::uint64_t light = node.ingress_rate(ValidatorIndex{5}) / 10 / 88;
  ASSERT_LT(light, 100u);
  EXPECT_EQ(node.metrics().repair_not_found, light + 100);
  EXPECT_EQ(node.metrics().ingress_rejected[static_cast<std::size_t>(Protocol::repair)], 100 - light);
  EXPECT_EQ(node.ingress_metrics().rejected_staked, 100 - light);
  // The bucket refills at the validator's rate: 100 ms later it holds as much again.
  for (int i = 0; i < 100; ++i)
    node.on_message(ValidatorIndex{5}, Protocol::repair, req, now + std::chrono::milliseconds(100));
  EXPECT_EQ(node.metrics().repair_not_found, 2 * light + 100);

  // Unstaked peers share one 1000-byte pool: ten 100-byte messages pass (to be refused as unstaked by
  // the direct path), the rest is refused by the budget before any parsing.
  const Bytes junk(100, 0x42);
  for (int i = 0; i < 50; ++i) node.on_message(std::nullopt, Protocol::direct, junk, now);
  EXPECT_EQ(node.direct_metrics().rejected[static_cast<std::size_t>(DirectReject::from_unstaked)], 10u);
  EXPECT_EQ(node.metrics().ingress_rejected[static_cast<std::size_t>(Protocol::direct)], 40u);
  EXPECT_EQ(node.ingress_metrics().rejected_unstaked, 40u);

  // Shreds: copies from a relay cost its budget (then dropped as over_ingress_budget); the slot
  // leader's own shreds to its relays do not.
  c.lead(Slot{9}, 0);
  ShredderConfig sc = test::small_shreds().shredder;
  auto slice = *Shredder::create(sc, test::node_key(0))
                    ->make_slice(Slot{9}, SliceIndex{0}, true, test::test_block(500, 1));
  const BytesView relayed = slice.shred(1);
  const std::uint64_t copies = node.ingress_rate(ValidatorIndex{4}) / 10 / relayed.size();
  for (std::uint64_t i = 0; i < copies + 5; ++i)
    node.on_message(ValidatorIndex{4}, Protocol::shred, relayed, now);
  EXPECT_EQ(node.metrics().dropped(ShredDrop::over_ingress_budget), 5u);
  EXPECT_EQ(node.metrics().ingress_rejected[static_cast<std::size_t>(Protocol::shred)], 5u);
  for (std::uint32_t i = 2; i < 40; ++i)
    node.on_message(ValidatorIndex{0}, Protocol::shred, slice.shred(i), now);
  EXPECT_EQ(node.metrics().dropped(ShredDrop::over_ingress_budget), 5u);
  EXPECT_EQ(node.metrics().slices_completed, 1u);

  // Garbage on the shred protocol costs the sender's budget too, which bounds the evidence copied into
  // malformed reports.
  while (node.poll_event()) {
  }
  const Bytes garbage(1000, 0xEE);
  const std::uint64_t fits = node.ingress_rate(ValidatorIndex{2}) / 10 / garbage.size();
  for (std::uint64_t i = 0; i < fits + 50; ++i)
    node.on_message(ValidatorIndex{2}, Protocol::shred, garbage, now);
  EXPECT_EQ(node.metrics().dropped(ShredDrop::malformed), fits);
  EXPECT_EQ(node.metrics().dropped(ShredDrop::over_ingress_budget), 5u + 50u);
  std::size_t reports = 0;
  while (auto e = node.poll_event())
    if (auto* m = std::get_if<Misbehaviour>(&*e); m && m->offence == Offence::malformed) ++reports;
  EXPECT_EQ(reports, fits);
}

}  // namespace
}  // namespace stakecast::rotor
