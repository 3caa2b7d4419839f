// Coordinator and participants together on the in-memory network of frost_fixture.hpp (virtual time).
#include "proto/frost/coordinator.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/machine.hpp"
#include "frost_fixture.hpp"

namespace stakecast::frost {
namespace {

using test::deal;
using test::Net;
using test::session_id;

static_assert(PeerMachine<Coordinator>);

OpenRequest request(std::uint8_t id, std::string_view msg = "block 42",
                    FrostMode mode = FrostMode::coordinated) {
  OpenRequest r;
  r.id = session_id(id);
  r.message.assign(msg.begin(), msg.end());
  r.slot = Slot{5};
  r.mode = mode;
  return r;
}

bool ed25519_plain_verify(const cf::Element& pk, BytesView msg, const cf::Signature& sig) {
  return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pk.data()) == 0;
}

class BothSuites : public ::testing::TestWithParam<cf::SuiteId> {};
INSTANTIATE_TEST_SUITE_P(Frost, BothSuites,
                         ::testing::Values(cf::SuiteId::ed25519, cf::SuiteId::ristretto255));

TEST_P(BothSuites, CoordinatedSessionSignsWithTheFirstThresholdSigners) {
  auto d = deal(GetParam(), 5, 3);
  Net net(d, 0);
  OpenRequest r = request(1);
  r.invite = 5;
  ASSERT_TRUE(net.coordinator().open(r, net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto signed_ = net.events_of<Signed>(0);
  ASSERT_EQ(signed_.size(), 1u);
  const Signed& s = signed_[0];
  EXPECT_TRUE(s.by_coordinator);
  EXPECT_EQ(s.signers.size(), 3u);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_TRUE(s.excluded.empty());
  EXPECT_EQ(s.at, TimePoint::from_ns(40'000'000));  // four hops of 10 ms (own messages are instant)
  EXPECT_TRUE(cf::verify_signature(d.group->suite(), d.group->public_key(), r.message, s.signature));
  if (GetParam() == cf::SuiteId::ed25519) {
    EXPECT_TRUE(ed25519_plain_verify(d.group->public_key(), r.message, s.signature));
  }
  EXPECT_EQ(net.coordinator().sessions(), 0u);
}

TEST_P(BothSuites, BroadcastModeEverySignerAndTheCoordinatorGetTheSameSignature) {
  auto d = deal(GetParam(), 6, 4);
  Net net(d, 6);  // a coordinator that is not a signer
  OpenRequest r = request(2, "broadcast", FrostMode::broadcast);
  r.invite = 5;
  ASSERT_TRUE(net.coordinator().open(r, net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto at_c = net.events_of<Signed>(6);
  ASSERT_EQ(at_c.size(), 1u);
  EXPECT_EQ(at_c[0].signers.size(), 5u);
  EXPECT_EQ(at_c[0].at, TimePoint::from_ns(30'000'000));  // opening, commitments, shares
  EXPECT_TRUE(cf::verify_signature(d.group->suite(), d.group->public_key(), r.message, at_c[0].signature));
  std::size_t signers_with_signature = 0;
  for (std::uint32_t i = 0; i < 6; ++i)
    for (const auto& s : net.events_of<Signed>(i, true)) {
      EXPECT_EQ(s.signature, at_c[0].signature);
      ++signers_with_signature;
    }
  EXPECT_EQ(signers_with_signature, 5u);
}

TEST_P(BothSuites, CrashedSignerTimesOutAndTheNextAttemptReplacesIt) {
  auto d = deal(GetParam(), 5, 3);
  Net net(d, 0);
  net.crashed.insert(2);                                     // identifier 3
  ASSERT_TRUE(net.coordinator().open(request(3), net.now));  // invites identifiers 1, 2, 3
  net.run(TimePoint::from_ns(10'000'000'000));
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].attempts, 2);
  EXPECT_EQ(s[0].signers, (std::vector<Identifier>{1, 2, 4}));
  ASSERT_EQ(s[0].excluded.size(), 1u);
  EXPECT_EQ(s[0].excluded[0].signer, 3u);
  EXPECT_EQ(s[0].excluded[0].reason, Reason::commitment_timeout);
  EXPECT_TRUE(
      cf::verify_signature(d.group->suite(), d.group->public_key(), request(3).message, s[0].signature));
  EXPECT_EQ(net.events_of<Excluded>(0).size(), 1u);
}

TEST_P(BothSuites, SlowSignerPastTheDeadlineIsExcludedAndTheSignatureStillComesOut) {
  auto d = deal(GetParam(), 4, 3);
  Net net(d, 0);
  // Identifier 2 answers, but 800 ms late: after the 500 ms attempt deadline.
  net.latency = [](std::uint32_t from, std::uint32_t) {
    return from == 1 ? std::chrono::milliseconds(800) : std::chrono::milliseconds(10);
  };
  ASSERT_TRUE(net.coordinator().open(request(4), net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].signers, (std::vector<Identifier>{1, 3, 4}));
  ASSERT_EQ(s[0].excluded.size(), 1u);
  EXPECT_EQ(s[0].excluded[0].signer, 2u);
  EXPECT_EQ(s[0].excluded[0].reason, Reason::commitment_timeout);
  // Its late commitment for attempt 1 arrived after the session had ended and was refused.
  EXPECT_NE(std::find(net.nodes[0].errors.begin(), net.nodes[0].errors.end(),
                      make_error_code(Errc::unknown_session)),
            net.nodes[0].errors.end());
  EXPECT_TRUE(
      cf::verify_signature(d.group->suite(), d.group->public_key(), request(4).message, s[0].signature));
}

TEST_P(BothSuites, SignerSilentAfterCommittingIsExcludedForItsShare) {
  auto d = deal(GetParam(), 4, 3);
  Net net(d, 0);
  net.filters[2] = [](Outgoing& o) { return o.kind != prio::Kind::signature_share; };
  ASSERT_TRUE(net.coordinator().open(request(5), net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  ASSERT_EQ(s[0].excluded.size(), 1u);
  EXPECT_EQ(s[0].excluded[0].signer, 3u);
  EXPECT_EQ(s[0].excluded[0].reason, Reason::share_timeout);
  EXPECT_EQ(s[0].signers, (std::vector<Identifier>{1, 2, 4}));
}

TEST_P(BothSuites, InvalidShareNamesTheCheaterWithCheckableEvidence) {
  auto d = deal(GetParam(), 5, 3);
  Net net(d, 0);
  net.filters[1] = [](Outgoing& o) { return test::corrupt_share(o); };  // identifier 2 cheats
  ASSERT_TRUE(net.coordinator().open(request(6), net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto x = net.events_of<Excluded>(0);
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].exclusion.signer, 2u);
  EXPECT_EQ(x[0].exclusion.validator, ValidatorIndex{1});
  EXPECT_EQ(x[0].exclusion.reason, Reason::invalid_share);
  ASSERT_TRUE(x[0].exclusion.evidence);
  const Evidence& ev = *x[0].exclusion.evidence;
  // Anyone holding the group's public shares can re-check: the share fails RFC 9591 5.4.
  EXPECT_EQ(cf::verify_signature_share(d.group->suite(), ev.signer, d.group->by_id(ev.signer)->public_share,
                                       ev.share, ev.commitments, d.group->public_key(), ev.message)
                .error(),
            cf::Errc::invalid_share);
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].attempts, 2);
  EXPECT_EQ(s[0].signers, (std::vector<Identifier>{1, 3, 4}));
  EXPECT_TRUE(
      cf::verify_signature(d.group->suite(), d.group->public_key(), request(6).message, s[0].signature));
}

TEST_P(BothSuites, BroadcastModeCheaterIsNamedAndTheRetrySigns) {
  auto d = deal(GetParam(), 5, 3);
  Net net(d, 0);
  net.filters[3] = [](Outgoing& o) { return test::corrupt_share(o); };  // identifier 4
  OpenRequest r = request(10, "bcast-cheat", FrostMode::broadcast);
  r.invite = 4;
  ASSERT_TRUE(net.coordinator().open(r, net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].attempts, 2);
  ASSERT_EQ(s[0].excluded.size(), 1u);
  EXPECT_EQ(s[0].excluded[0].signer, 4u);
  EXPECT_EQ(s[0].excluded[0].reason, Reason::invalid_share);
  EXPECT_EQ(s[0].signers, (std::vector<Identifier>{1, 2, 3, 5}));
  EXPECT_TRUE(cf::verify_signature(d.group->suite(), d.group->public_key(), r.message, s[0].signature));
}

TEST(Coordinator, TooFewEligibleSignersEndsTheSessionWithFailed) {
  auto d = deal(cf::SuiteId::ristretto255, 4, 3);
  Net net(d, 0);
  net.crashed = {2, 3};
  OpenRequest r = request(7);
  r.invite = 4;
  ASSERT_TRUE(net.coordinator().open(r, net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto f = net.events_of<Failed>(0);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].reason, Errc::not_enough_signers);
  EXPECT_EQ(f[0].excluded.size(), 2u);
  EXPECT_TRUE(net.events_of<Signed>(0).empty());
  EXPECT_EQ(net.coordinator().sessions(), 0u);
}

TEST(Coordinator, AttemptsAreBounded) {
  auto d = deal(cf::SuiteId::ristretto255, 10, 2);
  CoordinatorConfig cc;
  cc.max_attempts = 2;
  Net net(d, 0, {}, cc);
  for (std::uint32_t i = 1; i < 10; ++i) net.crashed.insert(i);
  ASSERT_TRUE(net.coordinator().open(request(8), net.now));
  net.run(TimePoint::from_ns(10'000'000'000));
  auto f = net.events_of<Failed>(0);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].reason, Errc::attempts_exhausted);
  EXPECT_EQ(f[0].attempts, 2);
}

TEST(Coordinator, OpenErrorsAndBoundsAreTyped) {
  auto d = deal(cf::SuiteId::ed25519, 4, 3);
  CoordinatorConfig cc;
  cc.max_sessions = 2;
  cc.max_signers = 3;
  cc.max_message = 8;
  auto c = *Coordinator::create(cc, d.group, ValidatorIndex{0});
  const TimePoint t0{};
  EXPECT_TRUE(c.open(request(1, "a"), t0));
  EXPECT_EQ(c.open(request(1, "a"), t0).error(), Errc::session_exists);
  EXPECT_EQ(c.open(request(2, "123456789"), t0).error(), Errc::message_too_large);
  OpenRequest r = request(2, "a");
  r.invite = 4;
  EXPECT_EQ(c.open(r, t0).error(), Errc::too_many_signers);
  r.invite = 0;
  r.candidates = {1, 9};
  EXPECT_EQ(c.open(r, t0).error(), Errc::unknown_member);
  r.candidates = {1, 2, 2};
  EXPECT_EQ(c.open(r, t0).error(), Errc::not_enough_signers);
  EXPECT_TRUE(c.open(request(2, "a"), t0));
  EXPECT_EQ(c.open(request(3, "a"), t0).error(), Errc::too_many_sessions);
  EXPECT_EQ(c.sessions(), 2u);
  EXPECT_FALSE(Coordinator::create(cc, nullptr, ValidatorIndex{0}));
}

TEST(Coordinator, BadMessagesAreRejectedTypedWithoutDisturbingTheSession) {
  auto d = deal(cf::SuiteId::ristretto255, 4, 3);
  Net net(d, 0);
  ASSERT_TRUE(net.coordinator().open(request(9), net.now));
  net.run(TimePoint::from_ns(15'000'000));  // commitments of identifiers 2 and 3 are in flight
  Coordinator& c = net.coordinator();
  const TimePoint now = net.now;
  codec::FrostCommitment m;
  m.header = {codec::FrostType::commitment, session_id(9), 1};
  m.signer = 2;
  const auto good = *d.group->suite().base_mul(cf::Scalar{5});
  m.hiding = good;
  m.binding = good;
  auto send = [&](std::uint32_t from, const codec::FrostCommitment& x) {
    return c.on_message(ValidatorIndex{from}, codec::encode(x), now).error();
  };
  EXPECT_EQ(send(2, m), Errc::wrong_sender);  // identifier 2 is validator 1
  auto bad = m;
  bad.header.session = session_id(77);
  EXPECT_EQ(send(1, bad), Errc::unknown_session);
  bad = m;
  bad.header.attempt = 2;
  EXPECT_EQ(send(1, bad), Errc::unknown_session);
  bad.header.attempt = 0;
  EXPECT_EQ(send(1, bad), Errc::stale);
  bad = m;
  bad.hiding.fill(0xff);  // not canonical
  EXPECT_EQ(send(1, bad), cf::Errc::bad_element);
  bad = m;
  bad.binding = cf::Element{};  // the identity (ristretto255 zero encoding)
  EXPECT_EQ(send(1, bad), cf::Errc::bad_element);
  bad = m;
  bad.signer = 4;
  EXPECT_EQ(send(3, bad), Errc::not_a_signer);  // identifier 4 was not invited
  EXPECT_EQ(c.on_message(ValidatorIndex{9}, codec::encode(m), now).error(), Errc::unknown_member);
  Bytes truncated = codec::encode(m);
  truncated.pop_back();
  EXPECT_EQ(c.on_message(ValidatorIndex{1}, truncated, now).error(), codec::FrostWireErrc::truncated);
  codec::FrostShare sh;
  sh.header = {codec::FrostType::share, session_id(9), 1};
  sh.signer = 2;
  EXPECT_EQ(c.on_message(ValidatorIndex{1}, codec::encode(sh), now).error(), Errc::wrong_phase);
  // The genuine messages still complete the session.
  net.run(TimePoint::from_ns(10'000'000'000));
  auto s = net.events_of<Signed>(0);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].attempts, 1);
  EXPECT_TRUE(s[0].excluded.empty());
}

TEST(Coordinator, DuplicateAndConflictingCommitmentsAreTyped) {
  auto d = deal(cf::SuiteId::ed25519, 4, 3);
  auto c = *Coordinator::create({}, d.group, ValidatorIndex{0});
  OpenRequest r = request(1);
  r.invite = 4;
  ASSERT_TRUE(c.open(r, TimePoint{}));
  codec::FrostCommitment m;
  m.header = {codec::FrostType::commitment, session_id(1), 1};
  m.signer = 2;
  m.hiding = *d.group->suite().base_mul(cf::Scalar{5});
  m.binding = *d.group->suite().base_mul(cf::Scalar{6});
  EXPECT_TRUE(c.on_message(ValidatorIndex{1}, codec::encode(m), TimePoint{}));
  EXPECT_EQ(c.on_message(ValidatorIndex{1}, codec::encode(m), TimePoint{}).error(), Errc::duplicate);
  m.binding = *d.group->suite().base_mul(cf::Scalar{7});
  EXPECT_EQ(c.on_message(ValidatorIndex{1}, codec::encode(m), TimePoint{}).error(),
            Errc::duplicate_commitment);
}

// Any t honest signers of t-of-n produce a valid signature (2 <= t <= n <= 50): the other n - t crash,
// the coordinator invites everyone and signs with whoever commits.
TEST(Coordinator, PropertyAnyThresholdOfHonestSignersSigns) {
  auto rng = DeterministicRng::from_u64(2024);
  for (int round = 0; round < 24; ++round) {
    const std::size_t n = 2 + rng.uniform(49);
    const std::size_t t = 2 + rng.uniform(n - 1);
    const auto suite = round % 2 ? cf::SuiteId::ed25519 : cf::SuiteId::ristretto255;
    auto d = deal(suite, n, t, 100 + static_cast<std::uint64_t>(round));
    const std::uint32_t coord = static_cast<std::uint32_t>(rng.uniform(n));
    Net net(d, coord);
    // Crash n - t signers other than the coordinator's node, at random.
    std::vector<std::uint32_t> others;
    for (std::uint32_t i = 0; i < n; ++i)
      if (i != coord) others.push_back(i);
    for (std::size_t k = 0; k < n - t; ++k) {
      const std::size_t j = rng.uniform(others.size());
      net.crashed.insert(others[j]);
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(j));
    }
    net.latency = [&rng](std::uint32_t, std::uint32_t) {
      return std::chrono::milliseconds(1 + rng.uniform(50));
    };
    OpenRequest r = request(static_cast<std::uint8_t>(round), "property");
    r.invite = n;
    r.mode = round % 3 == 0 ? FrostMode::broadcast : FrostMode::coordinated;
    if (r.mode == FrostMode::broadcast) r.invite = n;  // the crashed are excluded after one attempt
    ASSERT_TRUE(net.coordinator().open(r, net.now));
    net.run(TimePoint::from_ns(60'000'000'000));
    auto s = net.events_of<Signed>(coord);
    auto failed = net.events_of<Failed>(coord);
    ASSERT_EQ(s.size(), 1u) << "t=" << t << " n=" << n << " round " << round << " mode " << int(r.mode)
                            << " failed " << (failed.empty() ? "-" : describe(failed[0].reason))
                            << " attempts " << (failed.empty() ? 0 : failed[0].attempts) << " excluded "
                            << [&] {
                                 std::string x;
                                 if (!failed.empty())
                                   for (auto& e : failed[0].excluded)
                                     x += std::to_string(e.signer) + ":" + std::string(to_string(e.reason)) +
                                          "@" + std::to_string(e.attempt) + " ";
                                 return x;
                               }();
    EXPECT_EQ(s[0].signers.size(), t) << "t=" << t << " n=" << n;
    for (auto id : s[0].signers) EXPECT_FALSE(net.crashed.count(id - 1));
    EXPECT_TRUE(cf::verify_signature(d.group->suite(), d.group->public_key(), r.message, s[0].signature))
        << "t=" << t << " n=" << n;
    if (suite == cf::SuiteId::ed25519) {
      EXPECT_TRUE(ed25519_plain_verify(d.group->public_key(), r.message, s[0].signature));
    }
  }
}

}  // namespace
}  // namespace stakecast::frost
