#include "node/gossipsub_service.hpp"

#include <gtest/gtest.h>

namespace stakecast::node {
namespace {

crypto::Ed25519Keypair key(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}

// Two nodes with a gossipsub router each, joined by an in-memory "TCP" connection.
struct Pair {
  SeededEntropy ea{1}, eb{2}, ra{3}, rb{4};
  Node a{key(1), Config{}, ea};
  Node b{key(2), Config{}, eb};
  TimePoint now{};
  gossipsub::Router ga{a.peer_id(), key(1), gossipsub::Config{}, ra, now};
  gossipsub::Router gb{b.peer_id(), key(2), gossipsub::Config{}, rb, now};
  GossipsubService sa{a, ga};
  GossipsubService sb{b, gb};
  ConnId ca{}, cb{};
  std::vector<gossipsub::Received> got_a, got_b;

  void connect() {
    ca = *a.add_connection(Direction::outbound, *Multiaddr::parse("/ip4/127.0.0.1/tcp/2"), b.peer_id(), now);
    cb = *b.add_connection(Direction::inbound, *Multiaddr::parse("/ip4/127.0.0.1/tcp/1"), std::nullopt, now);
  }
  void pump() {
    Bytes buf(100'000);
    for (int i = 0; i < 2000; ++i) {
      bool moved = false;
      if (std::size_t n = a.poll_transmit(ca, buf)) {
        (void)b.on_bytes(cb, BytesView(buf).first(n), now);
        moved = true;
      }
      if (std::size_t n = b.poll_transmit(cb, buf)) {
        (void)a.on_bytes(ca, BytesView(buf).first(n), now);
        moved = true;
      }
      while (auto e = a.poll_event()) sa.on_event(*e, now);
      while (auto e = b.poll_event()) sb.on_event(*e, now);
      sa.flush();
      sb.flush();
      while (auto e = ga.poll_event())
        if (auto* m = std::get_if<gossipsub::Received>(&*e)) got_a.push_back(*m);
      while (auto e = gb.poll_event())
        if (auto* m = std::get_if<gossipsub::Received>(&*e)) got_b.push_back(*m);
      if (!moved) return;
    }
  }
  void run(Duration d) {
    const TimePoint end = now + d;
    while (now < end) {
      now += 100ms;
      ga.on_deadline(now);
      gb.on_deadline(now);
      sa.flush();
      sb.flush();
      pump();
    }
  }
};

TEST(GossipsubService, NegotiatesMeshsub12AndCarriesMessagesBothWays) {
  Pair p;
  ASSERT_TRUE(p.ga.subscribe("blocks", p.now));
  ASSERT_TRUE(p.gb.subscribe("blocks", p.now));
  p.connect();
  p.pump();
  EXPECT_EQ(p.sa.protocol_of(p.b.peer_id()), gossipsub::Protocol::meshsub_v12);
  EXPECT_EQ(p.sb.protocol_of(p.a.peer_id()), gossipsub::Protocol::meshsub_v12);
  p.run(2s);
  EXPECT_EQ(p.ga.mesh_peers("blocks").size(), 1u);
  EXPECT_EQ(p.gb.mesh_peers("blocks").size(), 1u);
  auto id1 = p.ga.publish("blocks", Bytes(100'000, 7), p.now);
  auto id2 = p.gb.publish("blocks", as_bytes("hi"), p.now);
  ASSERT_TRUE(id1 && id2);
  p.sa.flush();
  p.sb.flush();
  p.pump();
  ASSERT_EQ(p.got_b.size(), 1u);
  EXPECT_EQ(p.got_b[0].id, *id1);
  EXPECT_EQ(p.got_b[0].message.data, Bytes(100'000, 7));
  EXPECT_EQ(p.got_b[0].source, p.a.peer_id());
  ASSERT_EQ(p.got_a.size(), 1u);
  EXPECT_EQ(p.got_a[0].id, *id2);
  EXPECT_EQ(p.sa.metrics().bad_frames + p.sb.metrics().bad_frames, 0u);
}

TEST(GossipsubService, ClosingTheConnectionRemovesThePeer) {
  Pair p;
  ASSERT_TRUE(p.ga.subscribe("t", p.now));
  ASSERT_TRUE(p.gb.subscribe("t", p.now));
  p.connect();
  p.pump();
  p.run(2s);
  ASSERT_TRUE(p.ga.has_peer(p.b.peer_id()));
  p.a.on_transport_closed(p.ca, "test");
  p.pump();
  EXPECT_FALSE(p.ga.has_peer(p.b.peer_id()));
  EXPECT_TRUE(p.ga.mesh_peers("t").empty());
}

}  // namespace
}  // namespace stakecast::node
