#include "sim/vote_node.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/block_run.hpp"

namespace stakecast::sim {
namespace {

using std::chrono::milliseconds;

// A table with the given stakes (descending) and distinct synthetic keys.
StakeTable table(const std::vector<std::uint64_t>& stakes) {
  std::string csv = "identity_key,stake,region,addrs\n";
  for (std::size_t i = 0; i < stakes.size(); ++i) {
    char key[65];
    std::snprintf(key, sizeof key, "%064zx", i + 1);
    csv += std::string(key) + "," + std::to_string(stakes[i]) + ",,\n";
  }
  auto t = StakeTable::parse_stakecast_csv(csv);
  EXPECT_TRUE(t) << t.error().message();
  return std::move(t).value();
}

BlockRunResult run(const StakeTable& t, Duration d, VoteConfig vc, Strategy s = Strategy::direct) {
  BlockRunConfig c;
  c.strategy = s;
  c.block_bytes = 2000;
  c.votes = true;
  c.vote = vc;
  auto r = run_block(t, std::make_shared<ConstantLatency>(d), c);
  EXPECT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->votes);
  return std::move(r).value();
}

TEST(VoteNode, EqualStakesFinalizeFastAfterTwoHops) {
  // Five equal validators, 10 ms between any two. The block reaches the others at 10 ms; the leader's vote
  // too, so they hold 40% then. Everyone's vote arrives at 20 ms: 100%, notarized and fast-finalized.
  const auto t = table({20, 20, 20, 20, 20});
  const auto r = run(t, milliseconds(10), {});
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& v = r.votes->times[i];
    ASSERT_TRUE(v.notarized && v.finalized && v.fast_finalized) << i;
    EXPECT_EQ(r.votes->notarized[i], milliseconds(20)) << i;
    EXPECT_EQ(r.votes->finalized[i], milliseconds(20)) << i;
  }
  EXPECT_EQ(r.votes->fast, t.size());
  EXPECT_EQ(r.votes->final.stake50, milliseconds(20));
  EXPECT_EQ(r.votes->final.max, milliseconds(20));
  // Votes are not block bytes: amplification stays the block's.
  EXPECT_NEAR(r.amplification, (2000.0 + kDirectHeaderBytes) / 2000.0, 1e-9);
  EXPECT_EQ(r.votes->bytes_sent[1], 2 * 192u * 4 + 2 * 448u * 4);  // 2 votes and 2 certificates to 4 peers
}

TEST(VoteNode, WithoutTheFastPathASecondRoundFinalizes) {
  // Fast finalization can never happen (more than 100% needed): notarized at 20 ms, finalization votes
  // sent then arrive at 30 ms.
  const auto t = table({20, 20, 20, 20, 20});
  VoteConfig vc;
  vc.fast_permille = 1000;
  vc.certificates = false;
  const auto r = run(t, milliseconds(10), vc);
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(r.votes->notarized[i], milliseconds(20)) << i;
    EXPECT_EQ(r.votes->finalized[i], milliseconds(30)) << i;
    EXPECT_FALSE(r.votes->times[i].fast_finalized);
  }
  EXPECT_EQ(r.votes->slow, t.size());
}

TEST(VoteNode, NotarizationAtSixtyPercentFinalizationAtEighty) {
  // Leader 50%, then 20%, 15%, 15%. At 10 ms each other validator holds the block, the leader's vote and
  // its own: 65-70% > 60%, notarized at once (it sends its certificate and finalization vote). The leader
  // hears votes only at 20 ms. Fast finalization needs > 80%: at 20 ms for everyone.
  const auto t = table({50, 20, 15, 15});
  const auto r = run(t, milliseconds(10), {});
  EXPECT_EQ(r.votes->notarized[0], milliseconds(20));
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_EQ(r.votes->notarized[i], milliseconds(10)) << i;
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(r.votes->finalized[i], milliseconds(20)) << i;
  EXPECT_EQ(r.votes->fast, t.size());
  // Stake-weighted: the leader's 50% is notarized at 20 ms.
  EXPECT_EQ(r.votes->notar.stake50, milliseconds(10));
  EXPECT_EQ(r.votes->notar.stake60, milliseconds(20));
  EXPECT_EQ(r.votes->notar.p50, milliseconds(10));
}

TEST(VoteNode, AValidatorAboveSixtyPercentFinalizesAlone) {
  // Leader 70%: its own notarization and finalization votes exceed 60% at once (time 0); the others add
  // the leader's finalization vote to their own at 10 ms.
  const auto t = table({70, 10, 10, 10});
  const auto r = run(t, milliseconds(10), {});
  EXPECT_EQ(r.votes->finalized[0], milliseconds(0));
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_EQ(r.votes->finalized[i], milliseconds(10)) << i;
  EXPECT_EQ(r.votes->slow, t.size());
}

TEST(VoteNode, VotesWaitForTheBlockAndRunOverRotor) {
  // Over the real Rotor engine (1 ms links): every validator gets the block, then finalizes, never before.
  std::vector<std::uint64_t> stakes;
  for (int i = 0; i < 40; ++i) stakes.push_back(1000 - static_cast<std::uint64_t>(i) * 10);
  const auto t = table(stakes);
  const auto r = run(t, milliseconds(1), {}, Strategy::rotor_psp);
  EXPECT_EQ(r.complete, t.size() - 1);
  for (std::size_t i = 0; i < t.size(); ++i) {
    ASSERT_TRUE(r.votes->finalized[i] && r.arrival[i]) << i;
    EXPECT_GE(*r.votes->notarized[i], *r.arrival[i]) << i;
    EXPECT_GE(*r.votes->finalized[i], *r.votes->notarized[i]) << i;
  }
}

}  // namespace
}  // namespace stakecast::sim
