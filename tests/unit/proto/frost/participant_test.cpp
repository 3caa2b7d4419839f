// One Participant fed crafted messages: typed rejections that leave its sessions intact, bounds, replay
// and nonce rules. The participant sits at validator 1 (identifier 2) of a 2-of-4 group; validator 0 acts
// as coordinator.
#include "proto/frost/participant.hpp"

#include <gtest/gtest.h>

#include "core/machine.hpp"
#include "frost_fixture.hpp"

namespace stakecast::frost {
namespace {

static_assert(PeerMachine<Participant>);

using test::deal;
using test::session_id;

constexpr ValidatorIndex kCoord{0};
constexpr ValidatorIndex kSelf{1};

struct Fixture {
  explicit Fixture(cf::SuiteId suite = cf::SuiteId::ristretto255, ParticipantConfig pc = {})
      : d(deal(suite, 4, 2)),
        entropy(9),
        p(*Participant::create(pc, d.group, kSelf, d.secrets[1], entropy)) {}

  codec::FrostCoordination opening(std::uint8_t sid, std::uint8_t attempt = 1,
                                   FrostMode mode = FrostMode::coordinated) {
    codec::FrostCoordination m;
    m.header = {codec::FrostType::coordination, session_id(sid), attempt};
    m.mode = mode;
    m.threshold = 2;
    m.deadline_ms = 500;
    m.slot = Slot{3};
    m.signers = {1, 2, 3};
    m.message = {'m'};
    return m;
  }
  // Opens and returns our commitment.
  codec::FrostCommitment open(std::uint8_t sid, std::uint8_t attempt = 1,
                              FrostMode mode = FrostMode::coordinated) {
    EXPECT_TRUE(p.on_message(kCoord, codec::encode(opening(sid, attempt, mode)), now));
    auto o = p.poll_transmit();
    EXPECT_TRUE(o);
    EXPECT_EQ(o->kind, prio::Kind::threshold_commitment);
    return *codec::parse_commitment(o->payload);
  }
  // A real commitment of identifier 1 (validator 0) with nonces kept in `nonces1`.
  codec::FrostCommitment other(std::uint8_t sid, std::uint8_t attempt = 1) {
    auto c = *cf::commit(d.group->suite(), 1, d.secrets[0], entropy, nonces1);
    codec::FrostCommitment m;
    m.header = {codec::FrostType::commitment, session_id(sid), attempt};
    m.signer = 1;
    m.hiding = c.hiding;
    m.binding = c.binding;
    return m;
  }
  codec::FrostPackage package(std::uint8_t sid, const codec::FrostCommitment& a,
                              const codec::FrostCommitment& b, std::uint8_t attempt = 1) {
    codec::FrostPackage m;
    m.header = {codec::FrostType::package, session_id(sid), attempt};
    for (const auto* c : {&a, &b}) m.commitments.push_back({c->signer, c->hiding, c->binding});
    return m;
  }
  std::error_code feed(ValidatorIndex from, const Bytes& b) { return p.on_message(from, b, now).error(); }

  test::Dealt d;
  SeededEntropy entropy;
  Participant p;
  cf::SigningNonces nonces1;
  TimePoint now{};
};

TEST(Participant, CreateChecksMembershipAndTheShare) {
  auto d = deal(cf::SuiteId::ed25519, 3, 2);
  SeededEntropy e(1);
  EXPECT_EQ(Participant::create({}, d.group, ValidatorIndex{7}, d.secrets[0], e).error(), Errc::not_a_member);
  EXPECT_EQ(Participant::create({}, d.group, ValidatorIndex{1}, d.secrets[0], e).error(),
            Errc::invalid_group);
  cf::Scalar big;
  big.fill(0xff);
  EXPECT_EQ(Participant::create({}, d.group, ValidatorIndex{0}, big, e).error(), cf::Errc::bad_scalar);
  EXPECT_TRUE(Participant::create({}, d.group, ValidatorIndex{0}, d.secrets[0], e));
}

TEST(Participant, SignsAValidPackageOnceAndTheShareVerifies) {
  Fixture f;
  auto mine = f.open(1);
  auto theirs = f.other(1);
  const Bytes pkg = codec::encode(f.package(1, theirs, mine));
  ASSERT_TRUE(f.p.on_message(kCoord, pkg, f.now));
  auto o = f.p.poll_transmit();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->to, std::vector<ValidatorIndex>{kCoord});
  EXPECT_EQ(o->kind, prio::Kind::signature_share);
  EXPECT_EQ(o->slot, Slot{3});
  auto sh = *codec::parse_share(o->payload);
  std::vector<cf::SigningCommitment> list = {{1, theirs.hiding, theirs.binding},
                                             {2, mine.hiding, mine.binding}};
  EXPECT_TRUE(cf::verify_signature_share(f.d.group->suite(), 2, f.d.group->by_id(2)->public_share, sh.share,
                                         list, f.d.group->public_key(), Bytes{'m'}));
  // SECURITY: the same package again, or another one for this attempt, gets no second share.
  EXPECT_EQ(f.feed(kCoord, pkg), Errc::duplicate);
  EXPECT_FALSE(f.p.poll_transmit());
}

TEST(Participant, MalformedAndOutOfPlaceMessagesAreTypedAndChangeNothing) {
  Fixture f;
  auto mine = f.open(1);
  auto theirs = f.other(1);
  auto pkg = f.package(1, theirs, mine);
  // Wrong session id, unknown coordinator, later and earlier attempts.
  auto bad = pkg;
  bad.header.session = session_id(2);
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::unknown_session);
  EXPECT_EQ(f.feed(ValidatorIndex{3}, codec::encode(pkg)), Errc::unknown_session);
  bad = pkg;
  bad.header.attempt = 2;
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::unknown_session);
  bad.header.attempt = 0;
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::stale);
  // Package contents.
  bad = pkg;
  bad.commitments[0].hiding.fill(0xff);
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), cf::Errc::bad_element);
  bad = pkg;
  bad.commitments[0].binding = cf::Element{};
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), cf::Errc::bad_element);
  bad = pkg;
  bad.commitments[1].binding = theirs.binding;  // not the commitment we sent
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::bad_package);
  bad = pkg;
  bad.commitments.pop_back();  // without us (and below the threshold)
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::bad_package);
  bad = pkg;
  bad.commitments[0].signer = 4;  // not invited
  std::swap(bad.commitments[0], bad.commitments[1]);
  EXPECT_EQ(f.feed(kCoord, codec::encode(bad)), Errc::bad_package);
  Bytes cut = codec::encode(pkg);
  cut.resize(cut.size() - 1);
  EXPECT_EQ(f.feed(kCoord, cut), codec::FrostWireErrc::truncated);
  EXPECT_EQ(f.feed(kCoord, Bytes{9, 9}), codec::FrostWireErrc::bad_version);
  // Shares and commitments are not for a participant in coordinated mode.
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(theirs)), Errc::unknown_session);
  EXPECT_FALSE(f.p.poll_transmit());
  // Nothing above changed the session: the genuine package is signed.
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(pkg), f.now));
  EXPECT_TRUE(f.p.poll_transmit());
}

TEST(Participant, OpeningsAreCheckedAndNeverReplayed) {
  Fixture f;
  auto o = f.opening(1);
  o.threshold = 3;
  o.signers = {1, 2, 3};
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(o), f.now));  // a stricter threshold is fine
  (void)f.p.poll_transmit();
  auto low = f.opening(2);
  low.threshold = 2;
  auto d3 = deal(cf::SuiteId::ristretto255, 4, 3);  // a group with threshold 3
  SeededEntropy e(3);
  auto p3 = *Participant::create({}, d3.group, kSelf, d3.secrets[1], e);
  EXPECT_EQ(p3.on_message(kCoord, codec::encode(low), f.now).error(), Errc::bad_threshold);
  auto x = f.opening(3);
  x.signers = {1, 2, 9};
  EXPECT_EQ(f.feed(kCoord, codec::encode(x)), Errc::unknown_member);
  x.signers = {1, 3};
  EXPECT_EQ(f.feed(kCoord, codec::encode(x)), Errc::not_a_signer);
  // Replays: the same attempt is a duplicate, an older one stale, and a closed session stays closed.
  EXPECT_EQ(f.feed(kCoord, codec::encode(o)), Errc::duplicate);
  auto o2 = f.opening(1, 2);
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(o2), f.now));
  EXPECT_EQ(f.feed(kCoord, codec::encode(o)), Errc::stale);
  f.now = f.p.next_deadline();
  EXPECT_TRUE(f.p.on_deadline(f.now));
  EXPECT_EQ(f.p.sessions(), 0u);
  EXPECT_EQ(f.feed(kCoord, codec::encode(o2)), Errc::stale);
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(f.opening(1, 3)), f.now));  // a genuinely new attempt
}

TEST(Participant, EachAttemptHasFreshNoncesAndOldPackagesAreStale) {
  Fixture f;
  auto c1 = f.open(1, 1);
  auto c2 = f.open(1, 2);
  EXPECT_NE(c1.hiding, c2.hiding);
  EXPECT_NE(c1.binding, c2.binding);
  auto theirs = f.other(1, 1);
  EXPECT_EQ(f.feed(kCoord, codec::encode(f.package(1, theirs, c1, 1))), Errc::stale);
  EXPECT_FALSE(f.p.poll_transmit());
}

TEST(Participant, SessionsAreBoundedInTotalAndPerCoordinator) {
  ParticipantConfig pc;
  pc.max_sessions = 3;
  pc.max_sessions_per_coordinator = 2;
  Fixture f(cf::SuiteId::ed25519, pc);
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(f.opening(1)), f.now));
  EXPECT_TRUE(f.p.on_message(kCoord, codec::encode(f.opening(2)), f.now));
  EXPECT_EQ(f.feed(kCoord, codec::encode(f.opening(3))), Errc::too_many_sessions);
  EXPECT_TRUE(f.p.on_message(ValidatorIndex{2}, codec::encode(f.opening(3)), f.now));
  EXPECT_EQ(f.feed(ValidatorIndex{3}, codec::encode(f.opening(4))), Errc::too_many_sessions);
  EXPECT_EQ(f.p.sessions(), 3u);
  // Oversized signer sets and messages are refused before anything is stored.
  ParticipantConfig small;
  small.max_signers = 2;
  small.max_message = 0;
  Fixture g(cf::SuiteId::ed25519, small);
  EXPECT_EQ(g.feed(kCoord, codec::encode(g.opening(1))), codec::FrostWireErrc::too_many_signers);
  auto o = g.opening(1);
  o.signers = {1, 2};
  EXPECT_EQ(g.feed(kCoord, codec::encode(o)), codec::FrostWireErrc::message_too_large);
  EXPECT_EQ(g.p.sessions(), 0u);
}

TEST(Participant, BroadcastModeChecksSendersDuplicatesAndElements) {
  Fixture f;
  auto mine = f.open(1, 1, FrostMode::broadcast);
  (void)mine;
  auto theirs = f.other(1);
  EXPECT_EQ(f.feed(ValidatorIndex{2}, codec::encode(theirs)), Errc::wrong_sender);  // id 1 is validator 0
  auto bad = theirs;
  bad.hiding.fill(0xff);
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(bad)), cf::Errc::bad_element);
  bad = theirs;
  bad.signer = 4;
  EXPECT_EQ(f.feed(ValidatorIndex{3}, codec::encode(bad)), Errc::not_a_signer);
  EXPECT_EQ(f.feed(ValidatorIndex{9}, codec::encode(theirs)), Errc::unknown_member);
  EXPECT_TRUE(f.p.on_message(ValidatorIndex{0}, codec::encode(theirs), f.now));
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(theirs)), Errc::duplicate);
  auto other = f.other(1);  // fresh nonces: a different commitment from the same signer
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(other)), Errc::duplicate_commitment);
  // Shares: non-canonical scalar, then a wrong one.
  codec::FrostShare sh;
  sh.header = {codec::FrostType::share, session_id(1), 1};
  sh.signer = 1;
  sh.share.fill(0xff);
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(sh)), cf::Errc::bad_scalar);
  sh.share = cf::Scalar{1};
  // Before the package exists a share is held (checked once the package is built); a copy is a duplicate.
  EXPECT_TRUE(f.p.on_message(ValidatorIndex{0}, codec::encode(sh), f.now));
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(sh)), Errc::duplicate);
}

TEST(Participant, EarlyBroadcastMessagesWaitForTheirOpeningWithinBounds) {
  ParticipantConfig pc;
  pc.max_early = 1;
  Fixture f(cf::SuiteId::ristretto255, pc);
  auto theirs = f.other(1);
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(theirs)), Errc::unknown_session);
  EXPECT_EQ(f.p.early_messages(), 1u);
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(f.other(2))), Errc::unknown_session);
  EXPECT_EQ(f.p.early_messages(), 1u);
  EXPECT_EQ(f.p.dropped(), 1u);
  f.open(1, 1, FrostMode::broadcast);
  EXPECT_EQ(f.p.early_messages(), 0u);
  // The early commitment was applied: a copy now is a duplicate.
  EXPECT_EQ(f.feed(ValidatorIndex{0}, codec::encode(theirs)), Errc::duplicate);
}

}  // namespace
}  // namespace stakecast::frost
