// Network scenarios (issue 7 item 6): FROST sessions between validators that each run the real
// rotor::Engine, so every FROST message is signed by its sender's identity key and travels on the
// direct path's Critical class, on the in-memory network with virtual time (rotor/loopback_net.hpp):
// a crashed signer, a slow signer past the deadline, a signer sending an invalid share, broadcast mode.
// The Ed25519-suite signatures are checked with libsodium's ordinary crypto_sign_verify_detached.
#include "proto/frost/endpoint.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "codec/direct_wire.hpp"
#include "frost_fixture.hpp"
#include "proto/rotor/loopback_net.hpp"

namespace stakecast::frost {
namespace {

crypto::Ed25519Keypair identity(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), 0xF0057000 + i);
  return crypto::Ed25519Keypair::from_seed(s);
}

// One validator: its engine and its FROST endpoint, in the shape LoopbackNet drives.
struct FrostNode {
  std::unique_ptr<SeededEntropy> entropy;
  rotor::Engine engine;
  Endpoint endpoint;
  std::vector<Event> events;
  std::uint64_t other_deliveries = 0;

  void on_message(std::optional<ValidatorIndex> from, rotor::Protocol p, BytesView b, TimePoint now) {
    engine.on_message(from, p, b, now);
    after(now);
  }
  std::optional<rotor::Transmit> poll_transmit() { return engine.poll_transmit(); }
  TimePoint next_deadline() const { return std::min(engine.next_deadline(), endpoint.next_deadline()); }
  void on_deadline(TimePoint now) {
    if (engine.next_deadline() <= now) engine.on_deadline(now);
    endpoint.on_deadline(now);
    after(now);
  }
  void after(TimePoint now) {
    while (auto e = engine.poll_event())
      if (auto* d = std::get_if<rotor::Delivered>(&*e))
        if (!endpoint.on_delivered(*d, now)) ++other_deliveries;
    endpoint.flush(engine, now);
    while (auto e = endpoint.poll_event()) events.push_back(std::move(*e));
  }
  template <class T>
  std::vector<T> of() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
  }
};

struct Cluster {
  Cluster(cf::SuiteId suite, std::size_t n, std::size_t t, std::uint32_t coordinator = 0)
      : dealt(test::deal(suite, n, t, 77)) {
    std::vector<Stake> stakes;
    std::vector<crypto::Ed25519PublicKey> keys;
    for (std::uint32_t i = 0; i < n; ++i) {
      stakes.push_back(Stake{1000 - i});
      keys.push_back(identity(i).public_key());
    }
    set = *rotor::ValidatorSet::create(Epoch{1}, stakes, keys);
    std::vector<FrostNode> nodes;
    for (std::uint32_t i = 0; i < n; ++i) {
      auto entropy = std::make_unique<SeededEntropy>(500 + i);
      auto engine = rotor::Engine::create({}, identity(i));
      EXPECT_TRUE(engine);
      EXPECT_TRUE(engine->add_epoch(Slot{0}, set));
      engine->on_slot(Slot{1});
      auto p = Participant::create({}, dealt.group, ValidatorIndex{i}, dealt.secrets[i], *entropy);
      EXPECT_TRUE(p);
      std::optional<Coordinator> c;
      if (i == coordinator) c.emplace(*Coordinator::create({}, dealt.group, ValidatorIndex{i}));
      nodes.push_back(FrostNode{std::move(entropy),
                                std::move(*engine),
                                Endpoint(ValidatorIndex{i}, std::move(*p), std::move(c)),
                                {},
                                0});
    }
    net.emplace(rotor::LoopbackConfig{.upload_bps = 0, .latency = std::chrono::milliseconds(20)},
                std::move(nodes));
    coord = coordinator;
  }

  const Signed* run(const OpenRequest& r) {
    FrostNode& c = net->node(coord);
    EXPECT_TRUE(c.endpoint.open(r, net->now()));
    c.after(net->now());
    net->pump(coord);
    net->run(net->now() + std::chrono::seconds(30));
    for (auto& s : c.of<Signed>())
      if (s.by_coordinator) signed_.push_back(s);
    EXPECT_LE(signed_.size(), 1u);
    return signed_.empty() ? nullptr : &signed_[0];
  }

  test::Dealt dealt;
  std::shared_ptr<const rotor::ValidatorSet> set;
  std::optional<rotor::LoopbackNet<FrostNode>> net;
  std::uint32_t coord = 0;
  std::vector<Signed> signed_;
};

OpenRequest request(std::uint8_t id, std::string_view msg, std::size_t invite = 0,
                    FrostMode mode = FrostMode::coordinated) {
  OpenRequest r;
  r.id = test::session_id(id);
  r.message.assign(msg.begin(), msg.end());
  r.slot = Slot{1};
  r.invite = invite;
  r.mode = mode;
  r.attempt_timeout = std::chrono::milliseconds(300);
  return r;
}

bool plain_ed25519(const cf::Element& pk, const Bytes& msg, const cf::Signature& sig) {
  return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pk.data()) == 0;
}

class Suites : public ::testing::TestWithParam<cf::SuiteId> {};
INSTANTIATE_TEST_SUITE_P(Frost, Suites, ::testing::Values(cf::SuiteId::ed25519, cf::SuiteId::ristretto255));

TEST_P(Suites, SessionOverSignedDirectMessagesOnTheCriticalClass) {
  Cluster c(GetParam(), 7, 5);
  std::size_t critical = 0, other = 0;
  for (std::uint32_t i = 0; i < 7; ++i)
    c.net->set_filter(i, [&](std::uint32_t, const rotor::Transmit& t) -> std::optional<prio::Payload> {
      (t.cls == prio::Class::critical ? critical : other) += 1;
      return t.bytes;
    });
  auto r = request(1, "hello", 7);
  const Signed* s = c.run(r);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->signers.size(), 5u);
  EXPECT_EQ(s->at - s->opened, std::chrono::milliseconds(80));  // four one-way hops
  EXPECT_TRUE(
      cf::verify_signature(c.dealt.group->suite(), c.dealt.group->public_key(), r.message, s->signature));
  if (GetParam() == cf::SuiteId::ed25519) {
    EXPECT_TRUE(plain_ed25519(c.dealt.group->public_key(), r.message, s->signature));
  }
  EXPECT_GT(critical, 0u);
  EXPECT_EQ(other, 0u);
  for (std::uint32_t i = 0; i < 7; ++i) {
    EXPECT_EQ(c.net->node(i).endpoint.metrics().send_errors, 0u) << i;
    EXPECT_EQ(c.net->node(i).engine.direct_metrics().rejected_total(), 0u) << i;
    EXPECT_EQ(c.net->node(i).other_deliveries, 0u);
  }
}

TEST_P(Suites, CrashedSignerIsExcludedAndAValidSignatureStillComesOut) {
  Cluster c(GetParam(), 6, 4);
  c.net->crash(2);
  auto r = request(2, "crash");
  const Signed* s = c.run(r);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->excluded.size(), 1u);
  EXPECT_EQ(s->excluded[0].validator, ValidatorIndex{2});
  EXPECT_EQ(s->excluded[0].reason, Reason::commitment_timeout);
  EXPECT_EQ(s->attempts, 2);
  EXPECT_TRUE(
      cf::verify_signature(c.dealt.group->suite(), c.dealt.group->public_key(), r.message, s->signature));
  if (GetParam() == cf::SuiteId::ed25519) {
    EXPECT_TRUE(plain_ed25519(c.dealt.group->public_key(), r.message, s->signature));
  }
}

TEST_P(Suites, SlowSignerPastTheDeadlineIsExcluded) {
  Cluster c(GetParam(), 6, 4);
  c.net->set_latency([](std::uint32_t from, std::uint32_t to) {
    return from == 3 || to == 3 ? std::chrono::milliseconds(400) : std::chrono::milliseconds(20);
  });
  auto r = request(3, "slow");
  const Signed* s = c.run(r);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->excluded.size(), 1u);
  EXPECT_EQ(s->excluded[0].validator, ValidatorIndex{3});
  EXPECT_EQ(s->excluded[0].reason, Reason::commitment_timeout);
  EXPECT_EQ(std::find(s->signers.begin(), s->signers.end(), 4u), s->signers.end());
  EXPECT_TRUE(
      cf::verify_signature(c.dealt.group->suite(), c.dealt.group->public_key(), r.message, s->signature));
  if (GetParam() == cf::SuiteId::ed25519) {
    EXPECT_TRUE(plain_ed25519(c.dealt.group->public_key(), r.message, s->signature));
  }
}

TEST_P(Suites, CheaterIsNamedWithItsOwnSignedMessageAsEvidence) {
  Cluster c(GetParam(), 6, 4);
  c.net->node(1).endpoint.set_filter([](Outgoing& o) { return test::corrupt_share(o); });
  auto r = request(4, "cheat");
  const Signed* s = c.run(r);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->excluded.size(), 1u);
  const Exclusion& x = s->excluded[0];
  EXPECT_EQ(x.validator, ValidatorIndex{1});
  EXPECT_EQ(x.reason, Reason::invalid_share);
  ASSERT_TRUE(x.evidence && x.evidence->envelope);
  // The envelope is the cheater's own signed direct message: a third party checks who said it, then that
  // the share in it fails RFC 9591 5.4.
  auto m = codec::parse_direct(*x.evidence->envelope, 1 << 20);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.sender, ValidatorIndex{1});
  Bytes tagged(rotor::DirectPath::kSignTag.begin(), rotor::DirectPath::kSignTag.end());
  append(tagged, m->signed_bytes);
  EXPECT_TRUE(crypto::ed25519_verify(identity(1).public_key(), tagged, m->signature));
  auto share = codec::parse_share(m->payload);
  ASSERT_TRUE(share);
  EXPECT_EQ(share->share, x.evidence->share);
  EXPECT_FALSE(cf::verify_signature_share(
      c.dealt.group->suite(), x.signer, c.dealt.group->by_id(x.signer)->public_share, x.evidence->share,
      x.evidence->commitments, c.dealt.group->public_key(), x.evidence->message));
  EXPECT_TRUE(
      cf::verify_signature(c.dealt.group->suite(), c.dealt.group->public_key(), r.message, s->signature));
  if (GetParam() == cf::SuiteId::ed25519) {
    EXPECT_TRUE(plain_ed25519(c.dealt.group->public_key(), r.message, s->signature));
  }
}

TEST_P(Suites, BroadcastModeOverTheDirectPathGivesEverySignerTheSignature) {
  Cluster c(GetParam(), 5, 3, 4);
  auto r = request(5, "broadcast", 5, FrostMode::broadcast);
  const Signed* s = c.run(r);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->at - s->opened, std::chrono::milliseconds(60));  // opening, commitments, shares
  EXPECT_TRUE(
      cf::verify_signature(c.dealt.group->suite(), c.dealt.group->public_key(), r.message, s->signature));
  for (std::uint32_t i = 0; i < 4; ++i) {
    auto got = c.net->node(i).of<Signed>();
    ASSERT_EQ(got.size(), 1u) << i;
    EXPECT_FALSE(got[0].by_coordinator);
    EXPECT_EQ(got[0].signature, s->signature);
  }
}

}  // namespace
}  // namespace stakecast::frost
