// Issue 5 item 9: the Rotor engine under crashes, Byzantine relays and an equivocating leader, repair,
// and determinism, through the in-memory network with virtual time and real crypto.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <type_traits>

#include "engine_cluster.hpp"
#include "proto/rotor/engine.hpp"

namespace stakecast::rotor {
namespace {

using test::Cluster;

TEST(EngineFaults, ThirtyPercentOfRelayStakeCrashedEveryHonestNodeReconstructs) {
  EngineConfig cfg = test::small_shreds();
  cfg.repair.max_rounds = 0;  // Rotor alone, no repair
  Cluster c(40, cfg);
  const auto down = c.crash_stake(0.30, 0);
  ASSERT_GE(down.size(), 3u);
  std::map<std::uint64_t, crypto::Hash256> hashes;
  for (std::uint64_t slot = 10; slot < 14; ++slot) {
    const std::uint32_t leader = slot % 2 == 0 ? 0 : 35;
    c.lead(Slot{slot}, leader);
    auto h = c.net.node(leader).broadcast_block(Slot{slot}, test::test_block(30'000, slot), c.net.now());
    ASSERT_TRUE(h);
    hashes[slot] = *h;
    c.net.pump(leader);
  }
  c.net.run();
  c.collect();
  for (std::uint32_t i = 0; i < 40; ++i) {
    if (down.count(i)) continue;
    std::set<std::uint64_t> got;
    for (const auto& b : c.of<BlockDoneEvent>(i)) {
      EXPECT_EQ(b.block_hash, hashes[b.slot.get()]);
      got.insert(b.slot.get());
    }
    const std::size_t own = i == 0 || i == 35 ? 2 : 0;
    EXPECT_EQ(got.size(), 4 - own) << "node " << i;
    EXPECT_EQ(c.net.node(i).metrics().repair_shreds, 0u);
  }
}

TEST(EngineFaults, CorruptingAndWithholdingRelaysAreDetectedAndBlocksStillArrive) {
  for (bool audit : {false, true}) {
    EngineConfig cfg = test::small_shreds();
    cfg.repair.max_rounds = 0;
    cfg.audit_late_shreds = audit;
    Cluster c(40, cfg);
    const std::set<std::uint32_t> corrupt = {3, 8, 12}, withhold = {4, 9};
    for (auto b : corrupt)
      c.net.set_filter(b, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
        if (t.protocol != Protocol::shred) return t.bytes;
        Bytes x = *t.bytes;
        x.back() ^= 0x5A;  // payload byte: the Merkle path no longer holds
        return std::make_shared<const Bytes>(std::move(x));
      });
    for (auto b : withhold)
      c.net.set_filter(b, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
        if (t.protocol == Protocol::shred) return std::nullopt;
        return t.bytes;
      });
    std::set<std::uint32_t> relays;  // every validator drawn as a relay in these slots
    for (std::uint64_t slot = 20; slot < 24; ++slot) {
      c.lead(Slot{slot}, 0);
      ASSERT_TRUE(c.net.node(0).broadcast_block(Slot{slot}, test::test_block(16'000, slot), c.net.now()));
      c.net.pump(0);
      for (std::uint32_t s = 0; s < 2; ++s) {
        auto committee = c.net.node(1).committee(Slot{slot}, SliceIndex{s}, 64);
        ASSERT_TRUE(committee);
        for (auto v : *committee) relays.insert(v.get());
      }
    }
    for (auto b : corrupt) ASSERT_TRUE(relays.count(b)) << b;
    for (auto b : withhold) ASSERT_TRUE(relays.count(b)) << b;
    c.net.run();
    c.collect();
    std::map<std::uint32_t, int> corrupt_reported;
    for (std::uint32_t i = 1; i < 40; ++i) {
      if (corrupt.count(i) || withhold.count(i)) continue;
      EXPECT_EQ(c.of<BlockDoneEvent>(i).size(), 4u) << "node " << i;
      std::set<std::uint32_t> blamed_withholding;
      for (const auto& m : c.reports(i, Offence::withholding)) blamed_withholding.insert(m.peer.get());
      for (const auto& m : c.reports(i, Offence::bad_merkle_proof)) {
        EXPECT_TRUE(corrupt.count(m.peer.get())) << "honest relay " << m.peer << " blamed by " << i;
        EXPECT_FALSE(m.evidence.empty());
        ++corrupt_reported[m.peer.get()];
      }
      // Every honest receiver names both withholders and no honest relay.
      for (auto w : withhold) EXPECT_TRUE(blamed_withholding.count(w)) << w << " not reported by " << i;
      for (auto b : blamed_withholding)
        EXPECT_TRUE(withhold.count(b) || corrupt.count(b)) << "honest " << b << " blamed by " << i;
    }
    for (auto b : corrupt) {
      EXPECT_GT(corrupt_reported[b], 0) << b;
      if (audit) {
        EXPECT_GE(corrupt_reported[b], 34) << b;  // every honest receiver
      }
    }
  }
}

TEST(EngineFaults, EquivocatingLeaderIsDetectedByEveryHonestNodeThatSeesBothRoots) {
  Cluster c(30);
  c.lead(Slot{7}, 0);
  auto other = Shredder::create(test::small_shreds().shredder, test::node_key(0));
  ASSERT_TRUE(other);
  auto twin = other->shred_block(Slot{7}, test::test_block(12'000, 99));
  ASSERT_TRUE(twin);
  // The leader sends version B for odd shred indices, version A for even ones.
  c.net.set_filter(0, [&](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
    auto v = codec::parse_shred(*t.bytes);
    if (!v || v->header().index.get() % 2 == 0) return t.bytes;
    BytesView b = twin->slices[v->header().slice.get()].shred(v->header().index.get());
    return std::make_shared<const Bytes>(b.begin(), b.end());
  });
  ASSERT_TRUE(c.net.node(0).broadcast_block(Slot{7}, test::test_block(12'000, 98), c.net.now()));
  c.net.pump(0);
  c.net.run();
  c.collect();
  for (std::uint32_t i = 1; i < 30; ++i) {
    auto eq = c.reports(i, Offence::equivocation);
    ASSERT_FALSE(eq.empty()) << "node " << i;
    for (const auto& m : eq) {
      EXPECT_EQ(m.peer, ValidatorIndex{0});
      EXPECT_EQ(m.slot, Slot{7});
      // Evidence: two signed shred headers for the same slot and slice with different roots.
      auto a = codec::parse_shred(Bytes(m.evidence.begin(), m.evidence.end()));
      EXPECT_EQ(m.evidence.size(), codec::kShredFixedHeader);
      EXPECT_EQ(m.evidence2.size(), codec::kShredFixedHeader);
      EXPECT_NE(Bytes(m.evidence.begin() + 56, m.evidence.begin() + 88),
                Bytes(m.evidence2.begin() + 56, m.evidence2.begin() + 88));
      (void)a;
    }
  }
}

TEST(EngineFaults, RepairCompletesBlocksWithSixtyPercentOfRelayStakeCrashed) {
  Cluster c(40);
  const auto down = c.crash_stake(0.60, 0);
  std::map<std::uint64_t, crypto::Hash256> hashes;
  for (std::uint64_t slot = 30; slot < 33; ++slot) {
    c.lead(Slot{slot}, 0);
    auto h = c.net.node(0).broadcast_block(Slot{slot}, test::test_block(20'000, slot), c.net.now());
    ASSERT_TRUE(h);
    hashes[slot] = *h;
    c.net.pump(0);
  }
  c.net.run(TimePoint::from_ns(100'000'000));
  c.collect();
  // Rotor alone is not enough here: too few relays are alive.
  std::size_t before = 0;
  for (std::uint32_t i = 1; i < 40; ++i)
    if (!down.count(i)) before += c.of<BlockDoneEvent>(i).size();
  EXPECT_LT(before, 3u * (40 - 1 - down.size()));
  c.net.run();
  c.collect();
  std::uint64_t repaired = 0;
  for (std::uint32_t i = 1; i < 40; ++i) {
    if (down.count(i)) continue;
    std::set<std::uint64_t> got;
    for (const auto& b : c.of<BlockDoneEvent>(i)) {
      EXPECT_EQ(b.block_hash, hashes[b.slot.get()]);
      got.insert(b.slot.get());
    }
    EXPECT_EQ(got.size(), 3u) << "node " << i;
    repaired += c.net.node(i).metrics().repair_shreds;
    EXPECT_EQ(c.net.node(i).metrics().repair_gave_up, 0u);
  }
  EXPECT_GT(repaired, 0u);
  EXPECT_GT(c.net.node(0).metrics().repair_served, 0u);
}

TEST(EngineFaults, APartitionedNodeRepairsAWholeBlockFromItsHash) {
  Cluster c(12);
  const std::uint32_t asker = 11;
  // No shred reaches the asker: it learns of the block from consensus (the hash) only.
  for (std::uint32_t i = 0; i < 12; ++i)
    c.net.set_filter(i, [](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
      if (t.to == ValidatorIndex{asker} && t.protocol == Protocol::shred) return std::nullopt;
      return t.bytes;
    });
  c.lead(Slot{40}, 0);
  const Bytes block = test::test_block(60'000, 40);  // 8 slices
  auto h = c.net.node(0).broadcast_block(Slot{40}, block, c.net.now());
  ASSERT_TRUE(h);
  c.net.pump(0);
  c.net.run();
  c.collect();
  EXPECT_TRUE(c.of<BlockDoneEvent>(asker).empty());
  EXPECT_EQ(c.net.node(asker).metrics().shreds_received, 0u);
  ASSERT_TRUE(c.net.node(asker).request_repair(Slot{40}, *h, c.net.now()));
  c.net.pump(asker);
  c.net.run();
  c.collect();
  auto blocks = c.of<BlockDoneEvent>(asker);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].block_hash, *h);
  EXPECT_EQ(blocks[0].block, block);
  const auto& m = c.net.node(asker).metrics();
  EXPECT_GE(m.repair_shreds, 8u * 32u);  // gamma shreds for each of the 8 slices
  EXPECT_EQ(m.dropped(ShredDrop::not_in_block), 0u);
  EXPECT_LE(m.repair_rounds, 3u);
  EXPECT_EQ(c.net.node(asker).metrics().repair_gave_up, 0u);
}

TEST(EngineFaults, RepairAnswersAreCheckedAgainstTheBlockHashLyingPeersCannotSubstituteAVersion) {
  // The three heaviest validators (the leader among them) answer repair with another version of the
  // block, validly signed by the same leader: its slice roots, and its shreds. The asker knows only the
  // block hash from consensus; it must end up with exactly that block, from the honest peers.
  EngineConfig cfg = test::small_shreds();
  cfg.repair.max_rounds = 24;  // the liars hold 56% of the stake: most stake-weighted draws hit one
  Cluster c(12, cfg);
  const std::uint32_t asker = 11;
  const std::set<std::uint32_t> liars = {0, 1, 2};
  c.lead(Slot{40}, 0);
  const Bytes block = test::test_block(60'000, 40), other = test::test_block(60'000, 41);
  auto twin =
      Shredder::create(test::small_shreds().shredder, test::node_key(0))->shred_block(Slot{40}, other);
  ASSERT_TRUE(twin);
  std::vector<crypto::Hash256> twin_roots;
  for (const auto& sl : twin->slices) twin_roots.push_back(sl.root);
  for (std::uint32_t i = 0; i < 12; ++i)
    c.net.set_filter(i, [&, i](std::uint32_t, const Transmit& t) -> std::optional<prio::Payload> {
      if (t.to != ValidatorIndex{asker}) return t.bytes;
      if (t.protocol == Protocol::shred) return std::nullopt;  // the asker sees no shred
      if (t.protocol != Protocol::repair || !liars.count(i)) return t.bytes;
      const auto type = codec::peek_repair_type(*t.bytes);
      if (type && *type == codec::RepairType::roots_response) {
        auto a = codec::parse_roots_response(*t.bytes, {});
        a->roots = twin_roots;
        return std::make_shared<const Bytes>(codec::encode(*a));
      }
      if (type && *type == codec::RepairType::shreds_response) {
        auto a = codec::parse_shreds_response(*t.bytes, {});
        std::vector<BytesView> lies;
        for (BytesView s : a->shreds)
          lies.push_back(twin->slices[a->slice.get()].shred(codec::parse_shred(s)->header().index.get()));
        return std::make_shared<const Bytes>(
            codec::encode_shreds_response(a->request, a->slot, a->slice, lies));
      }
      return t.bytes;
    });
  auto h = c.net.node(0).broadcast_block(Slot{40}, block, c.net.now());
  ASSERT_TRUE(h);
  c.net.pump(0);
  c.net.run();
  ASSERT_TRUE(c.net.node(asker).request_repair(Slot{40}, *h, c.net.now()));
  c.net.pump(asker);
  c.net.run();
  c.collect();
  auto blocks = c.of<BlockDoneEvent>(asker);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].block_hash, *h);
  EXPECT_EQ(blocks[0].block, block);
  const auto& m = c.net.node(asker).metrics();
  EXPECT_GE(m.rejected(RepairReject::bad_roots), 1u);  // the leader's false roots (round 0)
  EXPECT_GT(m.dropped(ShredDrop::not_in_block), 0u);   // a liar's shreds, after the roots were known
  EXPECT_EQ(m.dropped(ShredDrop::equivocation), 0u);   // never admitted far enough to look like one
  EXPECT_EQ(m.repair_gave_up, 0u);
}

TEST(EngineFaults, RepairRetriesAreBoundedAndSpreadAcrossPeersByStake) {
  // Nobody answers: every slot's repair asks the leader first, then one stake-weighted peer per round
  // (never itself), and gives up after max_rounds.
  Cluster c(20);
  Engine& asker = c.net.node(19);
  const RepairConfig rc = EngineConfig{}.repair;
  std::map<std::uint32_t, std::uint64_t> asked;  // peer -> rounds, past the first
  TimePoint t = c.net.now();
  constexpr std::uint64_t kSlots = 60;
  for (std::uint64_t slot = 10; slot < 10 + kSlots; ++slot) {
    c.lead(Slot{slot}, 0);
    ASSERT_TRUE(asker.request_repair(Slot{slot}, std::nullopt, t));
    for (std::uint32_t r = 0; r <= rc.max_rounds; ++r) {
      asker.on_deadline(t);
      std::set<std::uint32_t> to;
      std::size_t requests = 0;
      while (auto x = asker.poll_transmit()) {
        ASSERT_EQ(x->protocol, Protocol::repair);
        to.insert(x->to.get());
        ++requests;
      }
      if (r == rc.max_rounds) {
        EXPECT_TRUE(to.empty());  // given up
      } else {
        ASSERT_EQ(to.size(), 1u) << "one peer per round";
        EXPECT_EQ(requests, rc.probe_slices + 1);  // nothing seen yet: slice 0 and probe_slices more
        const std::uint32_t peer = *to.begin();
        EXPECT_NE(peer, 19u);
        if (r == 0) {
          EXPECT_EQ(peer, 0u);  // the leader has every shred
        } else {
          ++asked[peer];
        }
      }
      t = t + rc.request_timeout;
    }
  }
  const auto& m = asker.metrics();
  EXPECT_EQ(m.repair_rounds, kSlots * rc.max_rounds);
  EXPECT_EQ(m.repair_gave_up, kSlots);
  EXPECT_EQ(m.repair_requests_sent, kSlots * rc.max_rounds * (rc.probe_slices + 1));
  // Spread by stake: many peers, and each one's share of the draws near its share of the stake.
  EXPECT_GE(asked.size(), 12u);
  const double draws = static_cast<double>(kSlots * (rc.max_rounds - 1));
  const double others =
      static_cast<double>(c.set->total_stake().get() - c.set->stake(ValidatorIndex{19}).get());
  for (std::uint32_t v : {0u, 1u, 2u}) {
    const double expect = draws * static_cast<double>(c.set->stake(ValidatorIndex{v}).get()) / others;
    EXPECT_NEAR(static_cast<double>(asked[v]), expect, 4 * std::sqrt(expect)) << v;
  }
  std::uint64_t tail = 0;  // validators 10..18: about 15% of the stake
  for (std::uint32_t v = 10; v < 19; ++v) tail += asked[v];
  EXPECT_LT(tail, asked[0]);
}

TEST(EngineFaults, SameSeedSameTrace) {
  // Everything observable: every delivery (time, from, to, protocol, SHA-256 of the bytes) and every
  // node's events in order (kind, slot, time or content hash, who).
  struct Run {
    std::vector<TraceEntry> trace;
    crypto::Hash256 trace_hash{};
    std::vector<std::vector<std::string>> events;
    std::size_t blocks = 0;
  };
  auto run = [](std::uint64_t first_slot) {
    Cluster c(25, test::small_shreds(),
              {.upload_bps = 50'000'000, .latency = std::chrono::milliseconds(3), .keep_trace = true});
    c.net.set_latency([](std::uint32_t a, std::uint32_t b) {
      return std::chrono::microseconds(500 + 97 * ((a * 7 + b * 13) % 40));
    });
    c.crash_stake(0.2, 0, 5);
    for (std::uint64_t slot = first_slot; slot < first_slot + 2; ++slot) {
      c.lead(Slot{slot}, 0);
      EXPECT_TRUE(c.net.node(0).broadcast_block(Slot{slot}, test::test_block(20'000, 5), c.net.now()));
      c.net.pump(0);
      EXPECT_TRUE(c.net.node(3).send(prio::Kind::vote, Slot{slot}, Bytes(64, 1), true, c.net.now()));
      c.net.pump(3);
    }
    c.net.run();
    c.collect();
    Run r;
    r.trace = c.net.trace();
    r.trace_hash = c.net.trace_hash();
    for (std::uint32_t i = 0; i < 25; ++i) {
      std::vector<std::string> ev;
      for (const auto& e : c.events[i]) {
        std::visit(
            [&](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, BlockDoneEvent>) {
                ++r.blocks;
                ev.push_back("block " + std::to_string(x.slot.get()) + " " + to_hex(x.block_hash));
              } else if constexpr (std::is_same_v<T, SliceDoneEvent>) {
                ev.push_back("slice " + std::to_string(x.slot.get()) + "/" + std::to_string(x.slice.get()));
              } else if constexpr (std::is_same_v<T, Delivered>) {
                ev.push_back("delivered " + to_hex(x.id) + " at " + std::to_string(x.at.ns));
              } else if constexpr (std::is_same_v<T, DeliveryReport>) {
                std::string s = "report " + to_hex(x.id);
                for (const auto& [v, at] : x.acked)
                  s += " " + std::to_string(v.get()) + "@" + std::to_string(at.ns);
                for (auto v : x.missing) s += " -" + std::to_string(v.get());
                ev.push_back(s);
              } else {
                ev.push_back("misbehaviour " + std::to_string(x.peer.get()) + " " +
                             std::string(to_string(x.offence)));
              }
            },
            e);
      }
      r.events.push_back(std::move(ev));
    }
    return r;
  };
  const Run a = run(50), b = run(50), other = run(52);
  ASSERT_GT(a.trace.size(), 1000u);
  ASSERT_EQ(a.trace.size(), b.trace.size());
  for (std::size_t i = 0; i < a.trace.size(); ++i) ASSERT_EQ(a.trace[i], b.trace[i]) << "delivery " << i;
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
  EXPECT_GT(a.blocks, 0u);
  std::size_t reports = 0;
  for (const auto& ev : a.events)
    for (const auto& s : ev) reports += s.rfind("report ", 0) == 0;
  EXPECT_EQ(reports, 2u);  // the sender's two acknowledged votes
  // Another slot draws other relays: a different trace.
  EXPECT_NE(a.trace, other.trace);
  EXPECT_NE(a.trace_hash, other.trace_hash);
}

}  // namespace
}  // namespace stakecast::rotor
