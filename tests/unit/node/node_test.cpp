#include "node/node.hpp"

#include <gtest/gtest.h>

namespace stakecast::node {
namespace {

crypto::Ed25519Keypair key(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}

template <class T>
std::vector<T> take(std::vector<Event>& events) {
  std::vector<T> out;
  for (auto& e : events)
    if (auto* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

// Two nodes joined by an in-memory "TCP" connection.
struct Link {
  SeededEntropy ea{1}, eb{2};
  Node a{key(1), Config{}, ea};
  Node b{key(2), Config{}, eb};
  ConnId ca{}, cb{};
  TimePoint now{};
  std::vector<Event> ev_a, ev_b;

  void connect(std::optional<PeerId> expected) {
    ca = *a.add_connection(Direction::outbound, *Multiaddr::parse("/ip4/127.0.0.1/tcp/2"), expected, now);
    cb = *b.add_connection(Direction::inbound, *Multiaddr::parse("/ip4/127.0.0.1/tcp/1"), std::nullopt, now);
  }
  void pump() {
    Bytes buf(100'000);
    for (int i = 0; i < 200; ++i) {
      bool moved = false;
      if (std::size_t n = a.poll_transmit(ca, buf)) {
        (void)b.on_bytes(cb, BytesView(buf).first(n), now);
        moved = true;
      }
      if (std::size_t n = b.poll_transmit(cb, buf)) {
        (void)a.on_bytes(ca, BytesView(buf).first(n), now);
        moved = true;
      }
      while (auto e = a.poll_event()) ev_a.push_back(*e);
      while (auto e = b.poll_event()) ev_b.push_back(*e);
      if (!moved) return;
    }
  }
};

TEST(Node, UpgradesIdentifiesAndPings) {
  Link l;
  l.b.register_protocol("/echo/1.0.0");
  l.connect(l.b.peer_id());
  l.pump();
  auto est_a = take<ConnectionEstablished>(l.ev_a);
  auto est_b = take<ConnectionEstablished>(l.ev_b);
  ASSERT_EQ(est_a.size(), 1u);
  ASSERT_EQ(est_b.size(), 1u);
  EXPECT_EQ(est_a[0].peer, l.b.peer_id());
  EXPECT_EQ(est_b[0].peer, l.a.peer_id());
  EXPECT_EQ(est_b[0].direction, Direction::inbound);
  auto id_a = take<IdentifyReceived>(l.ev_a);
  ASSERT_EQ(id_a.size(), 1u);
  EXPECT_EQ(id_a[0].info.peer, l.b.peer_id());
  EXPECT_EQ(id_a[0].info.agent_version, "stakecast/0.1.0");
  EXPECT_NE(std::find(id_a[0].info.protocols.begin(), id_a[0].info.protocols.end(), "/echo/1.0.0"),
            id_a[0].info.protocols.end());
  ASSERT_EQ(take<IdentifyReceived>(l.ev_b).size(), 1u);

  ASSERT_TRUE(l.a.ping(l.ca, l.now));
  l.pump();
  auto pings = take<PingResult>(l.ev_a);
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_TRUE(pings[0].ok);
}

TEST(Node, AppStreamsCarryBytesBothWays) {
  Link l;
  l.b.register_protocol("/echo/1.0.0");
  l.connect(std::nullopt);
  l.pump();
  auto sid = l.a.open_stream(l.ca, {"/nope/1.0.0", "/echo/1.0.0"});
  ASSERT_TRUE(sid);
  l.pump();
  auto opened_a = take<StreamOpened>(l.ev_a);
  ASSERT_EQ(opened_a.size(), 1u);
  EXPECT_EQ(opened_a[0].protocol, "/echo/1.0.0");
  EXPECT_FALSE(opened_a[0].inbound);
  ASSERT_EQ(*l.a.write(l.ca, *sid, as_bytes("hello stream")), 12u);
  ASSERT_TRUE(l.a.close_write(l.ca, *sid));
  l.pump();
  auto opened_b = take<StreamOpened>(l.ev_b);
  ASSERT_EQ(opened_b.size(), 1u);
  EXPECT_TRUE(opened_b[0].inbound);
  Bytes buf(100);
  buf.resize(l.b.read(l.cb, opened_b[0].stream, buf, l.now));
  EXPECT_EQ(as_chars(buf), "hello stream");
  EXPECT_EQ(take<StreamRemoteClosed>(l.ev_b).size(), 1u);

  auto refused = l.a.open_stream(l.ca, {"/unknown/1.0.0"});
  ASSERT_TRUE(refused);
  l.pump();
  auto failed = take<StreamFailed>(l.ev_a);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].stream, *refused);
}

TEST(Node, DialingTheWrongPeerIsRefusedWithAClearError) {
  Link l;
  l.connect(PeerId::from_ed25519(key(9).public_key()));
  l.pump();
  EXPECT_TRUE(take<ConnectionEstablished>(l.ev_a).empty());
  auto closed = take<ConnectionClosed>(l.ev_a);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].reason, "noise: remote peer id is not the one dialed");
  EXPECT_TRUE(l.a.is_closed(l.ca));
}

TEST(Node, GarbageClosesOnlyThatConnectionAndTimeoutsFire) {
  Link l;
  l.connect(std::nullopt);
  l.pump();
  auto other = *l.b.add_connection(Direction::inbound, Multiaddr{}, std::nullopt, l.now);
  EXPECT_FALSE(l.b.on_bytes(other, Bytes(40, 0xff), l.now));
  EXPECT_TRUE(l.b.is_closed(other));
  EXPECT_FALSE(l.b.is_closed(l.cb));  // the good connection keeps serving
  auto slow = *l.b.add_connection(Direction::inbound, Multiaddr{}, std::nullopt, l.now);
  EXPECT_EQ(l.b.next_deadline(), l.now + 10s);
  l.b.on_deadline(l.now + 10s);
  EXPECT_TRUE(l.b.is_closed(slow));
  EXPECT_FALSE(l.b.is_closed(l.cb));
  Config tight;
  tight.max_connections = 1;
  SeededEntropy e(5);
  Node n(key(5), tight, e);
  ASSERT_TRUE(n.add_connection(Direction::inbound, Multiaddr{}, std::nullopt, l.now));
  EXPECT_EQ(n.add_connection(Direction::inbound, Multiaddr{}, std::nullopt, l.now).error(),
            Errc::connection_limit);
}

}  // namespace
}  // namespace stakecast::node
