#include "proto/rotor/direct_path.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace stakecast::rotor {
namespace {

crypto::Ed25519Keypair keypair(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), i + 1);
  return crypto::Ed25519Keypair::from_seed(s);
}

// N direct-path machines wired through an in-memory network with a fixed one-way delay and virtual time.
struct Cluster {
  explicit Cluster(std::size_t n, DirectConfig cfg = {}) {
    std::vector<Stake> stakes;
    std::vector<crypto::Ed25519PublicKey> keys;
    for (std::size_t i = 0; i < n; ++i) {
      stakes.push_back(Stake{1000 - i});
      keys.push_back(keypair(static_cast<std::uint32_t>(i)).public_key());
    }
    set = *ValidatorSet::create(Epoch{1}, stakes, keys);
    for (std::size_t i = 0; i < n; ++i) {
      auto m = DirectPath::create(cfg, keypair(static_cast<std::uint32_t>(i)));
      EXPECT_TRUE(m);
      nodes.push_back(std::move(m).value());
      EXPECT_TRUE(nodes.back().add_validator_set(set, true));
      nodes.back().on_slot(Slot{10});
    }
  }

  // Moves every queued transmit into flight, delivers what is due, fires deadlines, until quiet.
  void run(TimePoint until) {
    for (;;) {
      for (std::uint32_t i = 0; i < nodes.size(); ++i)
        while (auto t = nodes[i].poll_transmit()) {
          ++sent_by[i];
          bytes_by[i] += t->bytes->size();
          in_flight.emplace(std::make_tuple(now + delay, seq++), Flight{i, t->to.get(), t->bytes});
        }
      for (std::uint32_t i = 0; i < nodes.size(); ++i)
        while (auto e = nodes[i].poll_event()) events[i].push_back(std::move(*e));
      TimePoint next = TimePoint::max();
      if (!in_flight.empty()) next = std::get<0>(in_flight.begin()->first);
      for (auto& m : nodes) next = std::min(next, m.next_deadline());
      if (next == TimePoint::max() || next > until) break;
      now = next;
      while (!in_flight.empty() && std::get<0>(in_flight.begin()->first) <= now) {
        Flight f = in_flight.begin()->second;
        in_flight.erase(in_flight.begin());
        if (crashed.count(f.to)) continue;
        if (drop_next[f.to] > 0) {
          --drop_next[f.to];
          continue;
        }
        nodes[f.to].on_message(ValidatorIndex{f.from}, *f.bytes, now);
      }
      for (auto& m : nodes)
        if (m.next_deadline() <= now) m.on_deadline(now);
    }
  }

  template <class T>
  std::vector<T> of(std::uint32_t node) const {
    std::vector<T> out;
    auto it = events.find(node);
    if (it == events.end()) return out;
    for (const auto& e : it->second)
      if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
  }

  struct Flight {
    std::uint32_t from, to;
    prio::Payload bytes;
  };
  std::shared_ptr<const ValidatorSet> set;
  std::vector<DirectPath> nodes;
  TimePoint now{};
  Duration delay = std::chrono::milliseconds(10);
  std::uint64_t seq = 0;
  std::map<std::tuple<TimePoint, std::uint64_t>, Flight> in_flight;
  std::map<std::uint32_t, std::vector<DirectEvent>> events;
  std::map<std::uint32_t, std::size_t> sent_by, bytes_by;
  std::set<std::uint32_t> crashed;
  std::map<std::uint32_t, int> drop_next;
};

TEST(DirectPath, EveryValidatorGetsOneVerifiedCopy) {
  Cluster c(20);
  const Bytes vote = {'v', 'o', 't', 'e'};
  auto id = c.nodes[3].send(4, Slot{11}, vote, {}, c.now);
  ASSERT_TRUE(id);
  c.run(TimePoint::from_ns(1'000'000'000));
  EXPECT_EQ(c.sent_by[3], 19u);
  for (std::uint32_t i = 0; i < 20; ++i) {
    auto d = c.of<Delivered>(i);
    if (i == 3) {
      EXPECT_TRUE(d.empty());
      continue;
    }
    ASSERT_EQ(d.size(), 1u) << i;
    EXPECT_EQ(d[0].id, *id);
    EXPECT_EQ(d[0].sender, ValidatorIndex{3});
    EXPECT_EQ(d[0].kind, 4);
    EXPECT_EQ(d[0].slot, Slot{11});
    EXPECT_EQ(Bytes(d[0].payload().begin(), d[0].payload().end()), vote);
    EXPECT_EQ(d[0].at, TimePoint::from_ns(10'000'000));  // one hop
  }
  // Replaying the same bytes is a cheap duplicate.
  auto d = c.of<Delivered>(0)[0];
  c.nodes[0].on_message(ValidatorIndex{3}, *d.wire, c.now);
  EXPECT_EQ(c.nodes[0].metrics().duplicates, 1u);
  EXPECT_FALSE(c.nodes[0].poll_event());
}

TEST(DirectPath, AcknowledgementsProduceADeliveryReport) {
  Cluster c(10);
  auto id = c.nodes[0].send(1, Slot{10}, Bytes{1, 2, 3}, {.ack = true}, c.now);
  ASSERT_TRUE(id);
  EXPECT_EQ(c.nodes[0].tracked(), 1u);
  c.run(TimePoint::from_ns(5'000'000'000));
  auto reports = c.of<DeliveryReport>(0);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].complete());
  EXPECT_EQ(reports[0].acked.size(), 9u);
  EXPECT_EQ(reports[0].retries, 0u);
  for (auto& [v, at] : reports[0].acked) EXPECT_EQ(at, TimePoint::from_ns(20'000'000)) << v;  // round trip
  EXPECT_EQ(c.nodes[0].tracked(), 0u);
}

TEST(DirectPath, ExplicitTargetsGetTheMessageAndOnlyTheyAreTrackedForAcknowledgements) {
  Cluster c(10);
  auto id = c.nodes[2].send(1, Slot{10}, Bytes{7},
                            {.ack = true,
                             .to = {ValidatorIndex{5}, ValidatorIndex{2}, ValidatorIndex{7},
                                    ValidatorIndex{5}, ValidatorIndex{99}}},
                            c.now);
  ASSERT_TRUE(id);
  c.run(TimePoint::from_ns(5'000'000'000));
  EXPECT_EQ(c.sent_by[2], 2u);  // self, the duplicate and the unknown index are skipped
  for (std::uint32_t i = 0; i < 10; ++i)
    EXPECT_EQ(c.of<Delivered>(i).size(), (i == 5 || i == 7) ? 1u : 0u) << i;
  auto reports = c.of<DeliveryReport>(2);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].complete());
  EXPECT_EQ(reports[0].acked.size(), 2u);
  EXPECT_FALSE(c.nodes[2].send(1, Slot{10}, Bytes{7}, {.hybrid = true, .to = {ValidatorIndex{5}}}, c.now));
}

TEST(DirectPath, RetriesReachLossyValidatorsAndReportCrashedOnes) {
  DirectConfig cfg;
  cfg.ack_timeout = std::chrono::milliseconds(50);
  cfg.max_retries = 3;
  Cluster c(10, cfg);
  c.drop_next[4] = 2;  // the first two copies to validator 4 are lost
  c.crashed.insert(7);
  auto id = c.nodes[0].send(1, Slot{10}, Bytes{9}, {.ack = true}, c.now);
  ASSERT_TRUE(id);
  c.run(TimePoint::from_ns(10'000'000'000));
  auto reports = c.of<DeliveryReport>(0);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].missing, std::vector<ValidatorIndex>{ValidatorIndex{7}});
  EXPECT_EQ(reports[0].acked.size(), 8u);
  EXPECT_EQ(reports[0].retries, 3u);
  // Validator 4 got it on the second retry (t = 50 + 100 ms), exactly once.
  EXPECT_EQ(c.of<Delivered>(4).size(), 1u);
  // Retries went only to the missing validators: 9 + 2 (after 50 ms: 4 and 7) + 2 (4 and 7) + 1 (7).
  EXPECT_EQ(c.sent_by[0], 9u + 2u + 2u + 1u);
  EXPECT_EQ(c.nodes[0].metrics().retries, 3u);
}

TEST(DirectPath, HybridReachesTheHeaviestInOneHopEveryoneElseInTwoAndSurvivesACrashedRelay) {
  for (bool crash : {false, true}) {
    DirectConfig cfg;
    cfg.hybrid_stake_permille = 500;
    Cluster c(60, cfg);
    const Bytes block_header(16 * 1024, 0x5A);
    const std::uint8_t k = DirectPath::hybrid_relay_count(*c.set, ValidatorIndex{0}, cfg);
    // Stakes 999..941: half of the others' stake is held by the first 30 of them.
    EXPECT_EQ(k, 30);
    const auto relays = DirectPath::hybrid_committee(60, ValidatorIndex{0}, k);
    ASSERT_EQ(relays.size(), 30u);
    EXPECT_EQ(relays.front(), ValidatorIndex{1});
    EXPECT_EQ(relays.back(), ValidatorIndex{30});
    if (crash) c.crashed.insert(7);
    ASSERT_TRUE(c.nodes[0].send(4, Slot{10}, block_header, {.hybrid = true}, c.now));
    c.run(TimePoint::from_ns(1'000'000'000));
    EXPECT_EQ(c.sent_by[0], 30u);  // the sender uploads one copy per relay only
    for (std::uint32_t i = 1; i < 60; ++i) {
      if (c.crashed.count(i)) continue;
      ASSERT_EQ(c.of<Delivered>(i).size(), 1u) << "node " << i << " crash " << crash;
      const auto at = c.of<Delivered>(i)[0].at;
      EXPECT_EQ(at, TimePoint::from_ns(i <= 30 ? 10'000'000 : 20'000'000)) << i;  // one hop, or two
    }
    // Each relay forwards to about redundancy x 29 / 30 others.
    EXPECT_LE(c.sent_by[1], 2u);
  }
}

TEST(DirectPath, RelaysRefuseHybridMessagesThatWouldAmplifyThroughThem) {
  Cluster c(20);
  // A sender that asks validator 1 alone to relay to everyone: delivered to the relay, never forwarded.
  codec::DirectHeader h;
  h.kind = 4;
  h.relays = 1;
  h.redundancy = 1;
  h.epoch = Epoch{1};
  h.sender = ValidatorIndex{0};
  h.slot = Slot{10};
  const Bytes payload(2000, 3);
  Bytes unsigned_bytes = codec::encode_direct_unsigned(h, payload);
  Bytes tagged;
  tagged.reserve(DirectPath::kSignTag.size() + unsigned_bytes.size());
  append(tagged, as_bytes(DirectPath::kSignTag));
  append(tagged, unsigned_bytes);
  const auto sig = keypair(0).sign(tagged);
  const Bytes wire = codec::encode_direct(h, payload, sig);
  c.nodes[1].on_message(ValidatorIndex{0}, wire, c.now);
  EXPECT_EQ(c.nodes[1].metrics().delivered, 1u);
  EXPECT_EQ(c.nodes[1].metrics().hybrid_refused, 1u);
  EXPECT_EQ(c.nodes[1].metrics().forwarded, 0u);
  EXPECT_FALSE(c.nodes[1].poll_transmit());
}

TEST(DirectPath, HybridRelayCountFollowsStakeWithinItsBounds) {
  std::vector<Stake> stakes;
  std::vector<crypto::Ed25519PublicKey> keys;
  for (std::uint32_t i = 0; i < 100; ++i) {
    stakes.push_back(Stake{i < 3 ? 10'000u : 10u});  // three validators hold 97% of the stake
    keys.push_back(keypair(i).public_key());
  }
  auto set = *ValidatorSet::create(Epoch{1}, stakes, keys);
  DirectConfig cfg;
  cfg.hybrid_stake_permille = 500;
  EXPECT_EQ(DirectPath::hybrid_relay_count(*set, ValidatorIndex{50}, cfg), 4);  // 2 cover half; min 4
  cfg.hybrid_stake_permille = 990;
  EXPECT_EQ(DirectPath::hybrid_relay_count(*set, ValidatorIndex{50}, cfg), 32);  // capped
  cfg.hybrid_max_relays = 255;
  EXPECT_EQ(DirectPath::hybrid_relay_count(*set, ValidatorIndex{0}, cfg), 78);  // 2 heavy + 76 of the tail
  cfg.hybrid_stake_permille = 1000;
  EXPECT_EQ(DirectPath::hybrid_relay_count(*set, ValidatorIndex{0}, cfg), 99);  // everyone else
}

TEST(DirectPath, HybridShareCoversEachReceiverRedundancyTimes) {
  std::vector<ValidatorIndex> committee = {ValidatorIndex{5}, ValidatorIndex{9}, ValidatorIndex{5},
                                           ValidatorIndex{2}};
  std::map<std::uint32_t, int> covered;
  for (std::size_t pos = 0; pos < committee.size(); ++pos)
    for (auto v : DirectPath::hybrid_share(30, committee, ValidatorIndex{0}, pos, 2)) ++covered[v.get()];
  EXPECT_EQ(covered.size(), 30u - 4u);  // everyone but the sender and the three distinct relays
  for (auto [v, n] : covered) {
    EXPECT_EQ(n, 2) << v;
    EXPECT_NE(v, 0u);
    EXPECT_NE(v, 5u);
  }
  EXPECT_TRUE(DirectPath::hybrid_share(30, committee, ValidatorIndex{0}, 4, 2).empty());
}

TEST(DirectPath, BadInputIsRejectedTypedAndCounted) {
  Cluster c(5);
  ASSERT_TRUE(c.nodes[1].send(1, Slot{10}, Bytes{1, 2, 3}, {}, c.now));
  auto t = c.nodes[1].poll_transmit();
  ASSERT_TRUE(t);
  Bytes good = *t->bytes;
  auto& r = c.nodes[0];
  auto count = [&](DirectReject why) { return r.metrics().rejected[static_cast<std::size_t>(why)]; };

  r.on_message(std::nullopt, good, c.now);
  EXPECT_EQ(count(DirectReject::from_unstaked), 1u);

  Bytes forged = good;
  forged[codec::kDirectHeaderSize] ^= 1;  // payload changed after signing
  r.on_message(ValidatorIndex{2}, forged, c.now);
  EXPECT_EQ(count(DirectReject::bad_signature), 1u);
  auto e = r.poll_event();
  ASSERT_TRUE(e);
  auto* mis = std::get_if<Misbehaviour>(&*e);
  ASSERT_TRUE(mis);
  EXPECT_EQ(mis->peer, ValidatorIndex{2});  // the forwarder is blamed, with the bytes as evidence
  EXPECT_EQ(mis->offence, Offence::bad_signature);
  EXPECT_EQ(mis->evidence, forged);

  r.on_message(ValidatorIndex{1}, BytesView(good).first(30), c.now);
  EXPECT_EQ(count(DirectReject::malformed), 1u);

  auto mutate = [&](std::size_t at, std::uint64_t v, int width) {
    Bytes b = good;
    if (width == 8) store_le64(b.data() + at, v);
    if (width == 4) store_le32(b.data() + at, static_cast<std::uint32_t>(v));
    return b;
  };
  r.on_message(ValidatorIndex{1}, mutate(8, 99, 8), c.now);  // epoch
  EXPECT_EQ(count(DirectReject::unknown_epoch), 1u);
  r.on_message(ValidatorIndex{1}, mutate(16, 77, 4), c.now);  // sender
  EXPECT_EQ(count(DirectReject::unknown_sender), 1u);
  r.on_message(ValidatorIndex{1}, mutate(24, 1'000'000, 8), c.now);  // slot far ahead
  EXPECT_EQ(count(DirectReject::slot_too_far), 1u);
  r.on_finalized(Slot{11});
  r.on_message(ValidatorIndex{1}, good, c.now);  // slot 10 is finalized
  EXPECT_EQ(count(DirectReject::slot_too_old), 1u);
  EXPECT_EQ(r.metrics().delivered, 0u);
  EXPECT_EQ(r.metrics().rejected_total(), 7u);
}

TEST(DirectPath, SendErrors) {
  Cluster c(3);
  EXPECT_EQ(c.nodes[0].send(1, Slot{1}, Bytes(70 * 1024), {}, c.now).error(), DirectErrc::payload_too_large);
  auto outsider = DirectPath::create({}, keypair(99));
  ASSERT_TRUE(outsider);
  EXPECT_EQ(outsider->send(1, Slot{1}, Bytes{1}, {}, c.now).error(), DirectErrc::no_epoch);
  ASSERT_TRUE(outsider->add_validator_set(c.set, true));
  EXPECT_EQ(outsider->send(1, Slot{1}, Bytes{1}, {}, c.now).error(), DirectErrc::not_a_validator);
  DirectConfig one;
  one.max_tracked = 1;
  Cluster d(3, one);
  ASSERT_TRUE(d.nodes[0].send(1, Slot{1}, Bytes{1}, {.ack = true}, d.now));
  EXPECT_EQ(d.nodes[0].send(1, Slot{1}, Bytes{1}, {.ack = true}, d.now).error(),
            DirectErrc::too_many_tracked);
  DirectConfig bad;
  bad.hybrid_min_relays = 0;
  EXPECT_EQ(DirectPath::create(bad, keypair(0)).error(), DirectErrc::invalid_config);
  bad = {};
  bad.hybrid_stake_permille = 1001;
  EXPECT_EQ(DirectPath::create(bad, keypair(0)).error(), DirectErrc::invalid_config);
}

}  // namespace
}  // namespace stakecast::rotor
