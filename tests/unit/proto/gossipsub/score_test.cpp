#include "proto/gossipsub/score.hpp"

#include <gtest/gtest.h>

namespace stakecast::gossipsub {
namespace {

PeerId peer(std::uint8_t v) {
  std::array<std::uint8_t, 32> k{};
  k[0] = v;
  return PeerId::from_ed25519(k);
}

ScoreParams params() {
  ScoreParams p;
  TopicScoreParams t;
  t.topic_weight = 1;
  t.time_in_mesh_weight = 0.1;
  t.time_in_mesh_quantum = 1s;
  t.time_in_mesh_cap = 10;
  t.mesh_message_deliveries_threshold = 2;
  t.mesh_message_deliveries_activation = 1s;
  t.mesh_message_deliveries_window = 10ms;
  p.topics["t"] = t;
  p.topic_score_cap = 100;
  return p;
}

TEST(GossipsubScore, TimeInMeshAndFirstDeliveries) {
  Score s(params());
  const PeerId a = peer(1);
  TimePoint now{};
  s.add_peer(a, "1.1.1.1", now);
  EXPECT_EQ(s.score(a, now), 0);
  s.graft(a, "t", now);
  EXPECT_NEAR(s.score(a, now + 5s), 0.5, 1e-9);    // P1: 5 quanta x 0.1
  EXPECT_NEAR(s.score(a, now + 500s), 1.0, 1e-9);  // capped at 10 quanta
  s.validated(a, "t", MessageId{1}, now);
  EXPECT_NEAR(s.score(a, now), 1.0, 1e-9);  // P2 +1 (P1 is 0 at graft time)
}

TEST(GossipsubScore, MeshDeliveryDeficitAndFailurePenalty) {
  Score s(params());
  const PeerId a = peer(1), b = peer(2);
  TimePoint now{};
  s.add_peer(a, "", now);
  s.add_peer(b, "", now);
  s.graft(a, "t", now);
  s.graft(b, "t", now);
  now += 2s;
  s.refresh(now);  // activates P3
  s.refresh(now + 1s);
  now += 1s;
  // a delivers first, b duplicates inside the window: both count as mesh deliveries.
  s.validated(a, "t", MessageId{1}, now);
  s.duplicate(b, "t", MessageId{1}, now + 5ms);
  s.validated(a, "t", MessageId{2}, now);
  s.duplicate(b, "t", MessageId{2}, now + 50ms);  // outside the window: no credit
  // b: 1 delivery, threshold 2 -> deficit 1, P3 = -1; P1 = 3 x 0.1.
  EXPECT_NEAR(s.score(b, now), 0.3 - 1.0, 1e-9);
  s.prune(b, "t");  // P3b: deficit^2 = 1, sticky
  EXPECT_NEAR(s.score(b, now), -1.0, 1e-9);
}

TEST(GossipsubScore, InvalidMessagesColocationBehaviourAndDecay) {
  ScoreParams p = params();
  p.ip_colocation_threshold = 1;
  Score s(p);
  TimePoint now{};
  const PeerId a = peer(1), b = peer(2), c = peer(3);
  s.add_peer(a, "9.9.9.9", now);
  s.rejected(a, "t", MessageId{7}, now);
  s.rejected(a, "t", MessageId{8}, now);
  EXPECT_NEAR(s.score(a, now), -4.0, 1e-9);  // P4 = 2^2 x -1
  s.add_peer(b, "9.9.9.9", now);
  s.add_peer(c, "9.9.9.9", now);
  EXPECT_NEAR(s.score(b, now), -5.0 * 4, 1e-9);  // P6: (3 - 1)^2 x -5
  s.add_penalty(c, 2);
  EXPECT_NEAR(s.score(c, now), -20.0 - 40.0, 1e-9);  // P7: 2^2 x -10
  s.refresh(now);
  s.refresh(now + 1s);  // decay: P4 counter x 0.3, P7 x 0.2
  EXPECT_NEAR(s.score(c, now + 1s), -20.0 - 0.16 * 10, 1e-9);
  // Whitelisted addresses skip P6.
  ScoreParams w = p;
  w.ip_whitelist.insert("9.9.9.9");
  Score s2(w);
  s2.add_peer(a, "9.9.9.9", now);
  s2.add_peer(b, "9.9.9.9", now);
  s2.add_peer(c, "9.9.9.9", now);
  EXPECT_EQ(s2.score(b, now), 0);
}

TEST(GossipsubScore, NegativeScoreIsRetainedAcrossReconnect) {
  Score s(params());
  TimePoint now{};
  const PeerId a = peer(1);
  s.add_peer(a, "", now);
  s.add_penalty(a, 1);
  s.remove_peer(a, now);
  s.add_peer(a, "", now + 1s);
  EXPECT_LT(s.score(a, now + 1s), 0);
  const PeerId b = peer(2);
  s.add_peer(b, "", now);
  s.validated(b, "t", MessageId{1}, now);
  s.remove_peer(b, now);  // non-negative: forgotten
  s.add_peer(b, "", now);
  EXPECT_EQ(s.score(b, now), 0);
}

}  // namespace
}  // namespace stakecast::gossipsub
