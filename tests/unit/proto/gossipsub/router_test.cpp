// The gossipsub router through its machine interface alone: N routers wired by an in-memory network with
// virtual time; frames are delivered whole, in order, optionally filtered.
#include "proto/gossipsub/router.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "core/varint.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::gossipsub {
namespace {

BytesView body_of(const Bytes& frame) {
  auto d = varint::decode(frame);
  return BytesView(frame).subspan(d.length);
}

Config quick_config() {
  Config c;
  c.heartbeat_initial_delay = 100ms;
  return c;
}

// Topic score parameters that make P4 bite quickly.
TopicScoreParams strict_topic() {
  TopicScoreParams t;
  t.topic_weight = 1;
  t.invalid_message_deliveries_weight = -100;
  t.mesh_message_deliveries_weight = 0;  // no deficit penalty in small test meshes
  return t;
}

struct Net {
  std::vector<crypto::Ed25519Keypair> keys;
  std::vector<PeerId> ids;
  std::vector<std::unique_ptr<Router>> r;
  std::vector<std::vector<Received>> got;
  std::set<std::pair<std::size_t, std::size_t>> links;
  // Return false to drop a frame from -> to.
  std::function<bool(std::size_t, std::size_t, const codec::PubsubRpc&)> filter;
  TimePoint now{};
  SeededEntropy entropy{7};
  std::size_t frames = 0;

  Net(std::size_t n, const Config& cfg, std::vector<Protocol> protos = {}) {
    for (std::size_t i = 0; i < n; ++i) {
      crypto::Ed25519Seed s{};
      s[0] = static_cast<std::uint8_t>(i + 1);
      s[1] = 0x5a;
      keys.push_back(crypto::Ed25519Keypair::from_seed(s));
      ids.push_back(PeerId::from_ed25519(keys.back().public_key()));
      r.push_back(std::make_unique<Router>(ids.back(), keys.back(), cfg, entropy, now));
    }
    got.resize(n);
    protocols = protos;
  }
  std::vector<Protocol> protocols;
  Protocol proto(std::size_t i) const { return i < protocols.size() ? protocols[i] : Protocol::meshsub_v12; }
  std::size_t index(const PeerId& p) const {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), p) - ids.begin());
  }
  void connect(std::size_t a, std::size_t b) {
    links.insert({a, b});
    links.insert({b, a});
    // The protocol a peer is known under is the one its stream negotiated: the lower of the two.
    const Protocol p = std::max(proto(a), proto(b));
    ASSERT_TRUE(r[a]->add_peer(ids[b], p, true, "10.0.0." + std::to_string(b), now));
    ASSERT_TRUE(r[b]->add_peer(ids[a], p, false, "10.0.0." + std::to_string(a), now));
  }
  void connect_all() {
    for (std::size_t a = 0; a < r.size(); ++a)
      for (std::size_t b = a + 1; b < r.size(); ++b) connect(a, b);
  }
  void disconnect(std::size_t a, std::size_t b) {
    links.erase({a, b});
    links.erase({b, a});
    r[a]->remove_peer(ids[b], now);
    r[b]->remove_peer(ids[a], now);
  }
  void pump() {
    for (bool more = true; more;) {
      more = false;
      for (std::size_t i = 0; i < r.size(); ++i) {
        while (auto t = r[i]->poll_transmit()) {
          more = true;
          const std::size_t j = index(t->to);
          if (!links.contains({i, j})) continue;
          const BytesView body = body_of(*t->frame);
          if (filter) {
            auto rpc = codec::decode_pubsub_rpc(body);
            if (rpc && !filter(i, j, *rpc)) continue;
          }
          ++frames;
          (void)r[j]->on_rpc(ids[i], body, now);
        }
      }
      drain_events();
    }
  }
  void drain_events() {
    for (std::size_t i = 0; i < r.size(); ++i)
      while (auto e = r[i]->poll_event())
        if (auto* m = std::get_if<Received>(&*e)) got[i].push_back(*m);
  }
  // Advances virtual time in 100 ms steps, running heartbeats when due.
  void run(Duration d) {
    const TimePoint end = now + d;
    while (now < end) {
      now += 100ms;
      for (auto& x : r)
        if (x->next_deadline() <= now) x->on_deadline(now);
      pump();
    }
  }
  std::size_t count(std::size_t i, const MessageId& id) const {
    return static_cast<std::size_t>(
        std::count_if(got[i].begin(), got[i].end(), [&](const Received& m) { return m.id == id; }));
  }
};

TEST(GossipsubRouter, Protocols) {
  EXPECT_EQ(protocol_id(Protocol::meshsub_v12), "/meshsub/1.2.0");
  EXPECT_EQ(parse_protocol("/floodsub/1.0.0"), Protocol::floodsub);
  EXPECT_FALSE(parse_protocol("/meshsub/9.9.9"));
}

TEST(GossipsubRouter, MeshFormsWithinBoundsAndEveryoneReceivesOnce) {
  Net net(20, quick_config());
  net.connect_all();
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.pump();
  net.run(5s);
  for (std::size_t i = 0; i < net.r.size(); ++i) {
    const auto mesh = net.r[i]->mesh_peers("t");
    EXPECT_GE(mesh.size(), 4u) << i;
    EXPECT_LE(mesh.size(), 12u) << i;
    for (const auto& p : mesh) {  // meshes are symmetric once GRAFT/PRUNE settled
      const auto other = net.r[net.index(p)]->mesh_peers("t");
      EXPECT_NE(std::find(other.begin(), other.end(), net.ids[i]), other.end());
    }
  }
  auto id = net.r[3]->publish("t", as_bytes("hello"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  for (std::size_t i = 0; i < net.r.size(); ++i) {
    EXPECT_EQ(net.count(i, *id), i == 3 ? 0u : 1u) << i;
    if (i == 3) continue;
    const Received& m = net.got[i].back();
    EXPECT_EQ(m.message.from, net.ids[3]);
    EXPECT_EQ(std::string(as_chars(m.message.data)), "hello");
    ASSERT_TRUE(m.message.seqno);
    EXPECT_TRUE(m.subscribed);
  }
  // The default id is js-libp2p's: protobuf PublicKey of the author, then the 8-byte seqno.
  Bytes expect = PeerId::encode_ed25519_public_key(net.keys[3].public_key());
  Bytes seq(8);
  store_be64(seq.data(), *net.got[0].back().message.seqno);
  append(expect, seq);
  EXPECT_EQ(*id, expect);
}

TEST(GossipsubRouter, MeshRepairsAfterPeersLeave) {
  Net net(16, quick_config());
  net.connect_all();
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(3s);
  const auto before = net.r[0]->mesh_peers("t");
  ASSERT_GE(before.size(), 4u);
  for (const auto& p : before) net.disconnect(0, net.index(p));
  EXPECT_TRUE(net.r[0]->mesh_peers("t").empty());
  net.run(2s);
  const auto after = net.r[0]->mesh_peers("t");
  EXPECT_GE(after.size(), 4u);
  for (const auto& p : after) EXPECT_EQ(std::find(before.begin(), before.end(), p), before.end());
  // And messages still reach everyone connected.
  auto id = net.r[0]->publish("t", as_bytes("after repair"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  for (std::size_t i = 1; i < net.r.size(); ++i) EXPECT_EQ(net.count(i, *id), 1u) << i;
}

TEST(GossipsubRouter, GossipRecoversAMessageTheMeshDropped) {
  Config c = quick_config();
  c.d = 1;
  c.d_lo = 1;
  c.d_hi = 2;
  c.d_score = 1;
  c.d_out = 0;
  c.d_lazy = 3;
  c.flood_publish = false;
  Net net(4, c);
  net.connect_all();
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(3s);
  // Node 3 loses every message frame for now (the mesh path drops it).
  bool dropping = true;
  net.filter = [&](std::size_t, std::size_t to, const codec::PubsubRpc& rpc) {
    return !(dropping && to == 3 && !rpc.messages.empty());
  };
  auto id = net.r[0]->publish("t", as_bytes("lost on the mesh"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  EXPECT_EQ(net.count(3, *id), 0u);
  for (std::size_t i = 1; i < 3; ++i) EXPECT_EQ(net.count(i, *id), 1u) << i;
  dropping = false;
  const auto asked = net.r[3]->metrics().iwant_sent;
  net.run(2s);  // a heartbeat sends IHAVE to non-mesh peers; node 3 asks with IWANT
  EXPECT_EQ(net.count(3, *id), 1u);
  EXPECT_GT(net.r[3]->metrics().iwant_sent, asked);
  std::uint64_t answered = 0;
  for (auto& x : net.r) answered += x->metrics().iwant_answered;
  EXPECT_GE(answered, 1u);
}

// Crafts a StrictSign message from `key` with a corrupted signature.
Bytes bad_signature_rpc(const crypto::Ed25519Keypair& key, const Topic& topic, std::uint64_t seq) {
  codec::PubsubMessage m;
  m.from = PeerId::from_ed25519(key.public_key()).bytes();
  m.data = Bytes{1, 2, 3};
  m.seqno = Bytes(8);
  store_be64(m.seqno->data(), seq);
  m.topic = topic;
  auto sig = key.sign(codec::signing_bytes(m));
  sig[0] ^= 1;
  m.signature = Bytes(sig.begin(), sig.end());
  codec::PubsubRpc rpc;
  rpc.messages.push_back(m);
  return codec::encode(rpc);
}

TEST(GossipsubRouter, InvalidMessageSenderIsScoredOutOfTheMeshThenGraylisted) {
  Config c = quick_config();
  c.score.topics["t"] = strict_topic();
  Net net(8, c);
  net.connect_all();
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(3s);
  // Make sure the attacker (7) is in the victim's (0) mesh first.
  auto mesh = net.r[0]->mesh_peers("t");
  if (std::find(mesh.begin(), mesh.end(), net.ids[7]) == mesh.end()) {
    codec::PubsubRpc g;
    g.control.emplace().graft.push_back({"t"});
    ASSERT_TRUE(net.r[0]->on_rpc(net.ids[7], codec::encode(g), net.now));
    mesh = net.r[0]->mesh_peers("t");
  }
  ASSERT_NE(std::find(mesh.begin(), mesh.end(), net.ids[7]), mesh.end());
  EXPECT_GE(net.r[0]->score(net.ids[7], net.now), 0);
  ASSERT_TRUE(net.r[0]->on_rpc(net.ids[7], bad_signature_rpc(net.keys[7], "t", 1), net.now));
  EXPECT_EQ(net.r[0]->metrics().messages_invalid, 1u);
  EXPECT_LT(net.r[0]->score(net.ids[7], net.now), 0);
  net.run(1100ms);
  mesh = net.r[0]->mesh_peers("t");
  EXPECT_EQ(std::find(mesh.begin(), mesh.end(), net.ids[7]), mesh.end());
  // The mesh stays healthy and the others still get messages through it.
  EXPECT_GE(mesh.size(), 4u);
  auto id = net.r[1]->publish("t", as_bytes("ok"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  EXPECT_EQ(net.count(0, *id), 1u);
  // Keep sending invalid messages: below the graylist threshold the RPCs are ignored outright.
  for (std::uint64_t s = 2; s < 10; ++s)
    (void)net.r[0]->on_rpc(net.ids[7], bad_signature_rpc(net.keys[7], "t", s), net.now);
  EXPECT_LT(net.r[0]->score(net.ids[7], net.now), c.thresholds.graylist);
  EXPECT_EQ(net.r[0]->on_rpc(net.ids[7], bad_signature_rpc(net.keys[7], "t", 99), net.now).error(),
            Errc::graylisted);
  // A valid message forwarded by the graylisted peer is not delivered.
  EXPECT_EQ(net.count(0, *id), 1u);
}

TEST(GossipsubRouter, BackoffIsHonouredAndGraftDuringBackoffPenalised) {
  Config c = quick_config();
  Net net(2, c);
  net.connect(0, 1);
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(2s);
  ASSERT_EQ(net.r[0]->mesh_peers("t").size(), 1u);
  // 1 leaves the topic and comes back: its PRUNE carries a 10 s unsubscribe backoff.
  std::vector<std::pair<TimePoint, std::size_t>> grafts;  // time, sender
  net.filter = [&](std::size_t from, std::size_t, const codec::PubsubRpc& rpc) {
    if (rpc.control && !rpc.control->graft.empty()) grafts.emplace_back(net.now, from);
    return true;
  };
  net.r[1]->unsubscribe("t", net.now);
  net.pump();
  EXPECT_TRUE(net.r[0]->mesh_peers("t").empty());
  const TimePoint pruned_at = net.now;
  ASSERT_TRUE(net.r[1]->subscribe("t", net.now));  // 1 itself honours its own backoff: no GRAFT now
  net.pump();
  net.run(15s);
  ASSERT_FALSE(grafts.empty());
  for (const auto& [t, from] : grafts)
    EXPECT_GE(t - pruned_at, c.unsubscribe_backoff) << "GRAFT from " << from;
  EXPECT_EQ(net.r[0]->mesh_peers("t").size(), 1u);
  EXPECT_GE(net.r[0]->score(net.ids[1], net.now), 0);

  // A peer that GRAFTs while we hold a backoff against it is refused and penalised (P7).
  net.r[0]->unsubscribe("t", net.now);
  net.pump();
  ASSERT_TRUE(net.r[0]->subscribe("t", net.now));
  net.pump();
  codec::PubsubRpc g;
  g.control.emplace().graft.push_back({"t"});
  ASSERT_TRUE(net.r[0]->on_rpc(net.ids[1], codec::encode(g), net.now));
  EXPECT_TRUE(net.r[0]->mesh_peers("t").empty());
  EXPECT_LT(net.r[0]->score(net.ids[1], net.now), 0);
}

TEST(GossipsubRouter, IdontwantSentToV12MeshPeersAndHonoured) {
  Config c = quick_config();
  // Node 3 speaks /meshsub/1.1.0.
  Net net(4, c, {Protocol::meshsub_v12, Protocol::meshsub_v12, Protocol::meshsub_v12, Protocol::meshsub_v11});
  net.connect_all();
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(2s);
  std::vector<std::pair<std::size_t, std::size_t>> idontwants;
  net.filter = [&](std::size_t from, std::size_t to, const codec::PubsubRpc& rpc) {
    if (rpc.control && !rpc.control->idontwant.empty()) idontwants.emplace_back(from, to);
    return true;
  };
  auto small = net.r[0]->publish("t", Bytes(511, 1), net.now);
  net.pump();
  EXPECT_TRUE(idontwants.empty());
  auto big = net.r[0]->publish("t", Bytes(512, 2), net.now);
  ASSERT_TRUE(small && big);
  net.pump();
  EXPECT_FALSE(idontwants.empty());
  for (const auto& [from, to] : idontwants) {
    EXPECT_NE(to, 3u);    // never to the 1.1 peer
    EXPECT_NE(from, 0u);  // the publisher sends none
  }
  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(net.count(i, *big), 1u);

  // An IDONTWANT that arrives before the message stops the forward to that peer.
  auto third = net.r[0]->publish("t", Bytes(1000, 3), net.now);
  ASSERT_TRUE(third);
  auto to1 = net.r[0]->poll_transmit(net.ids[1]);
  ASSERT_TRUE(to1);
  codec::PubsubRpc dw;
  dw.control.emplace().idontwant.push_back({{*third}});
  ASSERT_TRUE(net.r[1]->on_rpc(net.ids[2], codec::encode(dw), net.now));
  const auto skipped = net.r[1]->metrics().forwards_skipped_idontwant;
  ASSERT_TRUE(net.r[1]->on_rpc(net.ids[0], body_of(*to1), net.now));
  EXPECT_EQ(net.r[1]->metrics().forwards_skipped_idontwant, skipped + 1);
  while (auto f = net.r[1]->poll_transmit(net.ids[2])) {
    auto rpc = codec::decode_pubsub_rpc(body_of(*f));
    ASSERT_TRUE(rpc);
    EXPECT_TRUE(rpc->messages.empty());
  }
}

TEST(GossipsubRouter, ControlFramesGoBeforeQueuedMessages) {
  Net net(2, quick_config());
  net.connect(0, 1);
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.pump();
  net.run(1s);
  ASSERT_EQ(net.r[0]->mesh_peers("t").size(), 1u);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(net.r[0]->publish("t", Bytes(100, static_cast<std::uint8_t>(i)), net.now));
  net.r[0]->unsubscribe("t", net.now);  // queues a PRUNE and a subscription change after the messages
  auto first = net.r[0]->poll_transmit(net.ids[1]);
  ASSERT_TRUE(first);
  auto rpc = codec::decode_pubsub_rpc(body_of(*first));
  ASSERT_TRUE(rpc);
  EXPECT_TRUE(rpc->messages.empty());
  EXPECT_TRUE(rpc->control && !rpc->control->prune.empty());
}

TEST(GossipsubRouter, MalformedRpcsAndFloodsStayBounded) {
  Config c = quick_config();
  c.max_topics_per_peer = 8;
  Net net(2, c);
  net.connect(0, 1);
  ASSERT_TRUE(net.r[0]->subscribe("t", net.now));
  net.pump();
  const PeerId& evil = net.ids[1];
  Router& r = *net.r[0];
  EXPECT_EQ(r.on_rpc(evil, Bytes{0xff, 0xff, 0xff}, net.now).error(), Errc::malformed_rpc);
  EXPECT_EQ(r.on_rpc(net.ids[0], Bytes{}, net.now).error(), Errc::unknown_peer);
  // Subscription flood: bounded per peer.
  codec::PubsubRpc subs;
  for (int i = 0; i < 500; ++i) subs.subscriptions.push_back({true, "topic" + std::to_string(i)});
  ASSERT_TRUE(r.on_rpc(evil, codec::encode(subs), net.now));
  std::size_t known = 0;
  for (int i = 0; i < 500; ++i) known += r.topic_peers("topic" + std::to_string(i)).size();
  EXPECT_LE(known, 8u);
  // IHAVE flood: at most max_ihave_messages entries and max_ihave_length ids asked per heartbeat.
  std::size_t asked = 0;
  for (int k = 0; k < 30; ++k) {
    codec::PubsubRpc ih;
    auto& ctl = ih.control.emplace();
    ctl.ihave.push_back({"t", {}});
    for (int i = 0; i < 1000; ++i) {
      Bytes id(40, 0);
      store_be32(id.data(), static_cast<std::uint32_t>(k * 1000 + i));
      ctl.ihave.back().message_ids.push_back(id);
    }
    ASSERT_TRUE(r.on_rpc(evil, codec::encode(ih), net.now));
  }
  while (auto f = r.poll_transmit(evil)) {
    auto rpc = codec::decode_pubsub_rpc(body_of(*f));
    ASSERT_TRUE(rpc);
    if (rpc->control)
      for (const auto& w : rpc->control->iwant) asked += w.message_ids.size();
  }
  EXPECT_LE(asked, c.max_ihave_length);
  EXPECT_GT(asked, 0u);
  // IDONTWANT flood: bounded per heartbeat.
  codec::PubsubRpc dw;
  auto& dctl = dw.control.emplace();
  dctl.idontwant.push_back({});
  for (int i = 0; i < 5000; ++i)
    dctl.idontwant.back().message_ids.push_back(Bytes(8, static_cast<std::uint8_t>(i)));
  ASSERT_TRUE(r.on_rpc(evil, codec::encode(dw), net.now));
  EXPECT_LE(r.metrics().idontwant_received, c.idontwant_max_messages);
  // Messages for unknown topics, bad policy fields, oversize: scored, never delivered, no crash.
  codec::PubsubRpc junk;
  junk.messages.push_back(codec::PubsubMessage{});
  junk.messages.push_back(codec::PubsubMessage{Bytes{1}, Bytes{2}, Bytes{3}, "nobody", Bytes{4}, Bytes{5}});
  ASSERT_TRUE(r.on_rpc(evil, codec::encode(junk), net.now));
  EXPECT_EQ(r.metrics().messages_invalid, 2u);
  // The broken IWANT promises (ids that never arrive) are penalised after the follow-up time.
  net.run(4s);
  EXPECT_GT(r.metrics().broken_promises, 0u);
  EXPECT_LT(r.score(evil, net.now), 0);
  EXPECT_EQ(r.mcache_size(), 0u);
}

TEST(GossipsubRouter, FanoutPublishWithoutSubscribing) {
  Config c = quick_config();
  c.flood_publish = false;
  c.fanout_ttl = 2s;
  Net net(10, c);
  net.connect_all();
  for (std::size_t i = 1; i < 10; ++i) ASSERT_TRUE(net.r[i]->subscribe("t", net.now));
  net.run(2s);
  auto id = net.r[0]->publish("t", as_bytes("from outside"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  for (std::size_t i = 1; i < 10; ++i) EXPECT_EQ(net.count(i, *id), 1u);
  EXPECT_EQ(net.r[0]->metrics().messages_forwarded, c.d);  // to the fanout only
  // Subscribing turns the fanout into the mesh.
  ASSERT_TRUE(net.r[0]->subscribe("t", net.now));
  EXPECT_EQ(net.r[0]->mesh_peers("t").size(), c.d);
}

TEST(GossipsubRouter, FloodsubPeersGetMessagesButNoControl) {
  Net net(3, quick_config(), {Protocol::meshsub_v12, Protocol::meshsub_v12, Protocol::floodsub});
  net.connect_all();
  bool control_to_floodsub = false;
  net.filter = [&](std::size_t, std::size_t to, const codec::PubsubRpc& rpc) {
    if (to == 2 && rpc.control) control_to_floodsub = true;
    return true;
  };
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(2s);
  auto id = net.r[0]->publish("t", Bytes(600, 1), net.now);
  ASSERT_TRUE(id);
  net.pump();
  auto id2 = net.r[2]->publish("t", as_bytes("from floodsub"), net.now);
  ASSERT_TRUE(id2);
  net.pump();
  EXPECT_EQ(net.count(2, *id), 1u);
  EXPECT_EQ(net.count(0, *id2), 1u);
  EXPECT_EQ(net.count(1, *id2), 1u);
  EXPECT_FALSE(control_to_floodsub);
  EXPECT_TRUE(net.r[0]->mesh_peers("t").size() == 1u);  // the floodsub peer is never in a mesh
}

TEST(GossipsubRouter, AsyncValidationRejectPenalisesAcceptForwards) {
  Config c = quick_config();
  c.async_validation = true;
  c.score.topics["t"] = strict_topic();
  Net net(3, c);
  net.connect(0, 1);
  net.connect(1, 2);
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(2s);
  auto good = net.r[0]->publish("t", as_bytes("good"), net.now);
  auto bad = net.r[0]->publish("t", as_bytes("bad"), net.now);
  ASSERT_TRUE(good && bad);
  net.pump();
  ASSERT_EQ(net.got[1].size(), 2u);
  EXPECT_TRUE(net.got[2].empty());  // held at 1 until validated
  net.r[1]->report_validation(*good, Validation::accept, net.now);
  net.r[1]->report_validation(*bad, Validation::reject, net.now);
  net.pump();
  EXPECT_EQ(net.count(2, *good), 1u);
  EXPECT_EQ(net.count(2, *bad), 0u);
  EXPECT_LT(net.r[1]->score(net.ids[0], net.now), 0);
}

TEST(GossipsubRouter, StrictNoSignRejectsSignedMessages) {
  Config c = quick_config();
  c.signature_policy = SignaturePolicy::strict_no_sign;
  Net net(2, c);
  net.connect(0, 1);
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.run(1s);
  auto id = net.r[0]->publish("t", as_bytes("anonymous"), net.now);
  ASSERT_TRUE(id);
  net.pump();
  ASSERT_EQ(net.count(1, *id), 1u);
  EXPECT_FALSE(net.got[1].back().message.from);
  const auto h = crypto::sha256(as_bytes("anonymous"));
  EXPECT_EQ(*id, Bytes(h.begin(), h.end()));
  ASSERT_TRUE(net.r[1]->on_rpc(net.ids[0], bad_signature_rpc(net.keys[0], "t", 5), net.now));
  EXPECT_EQ(net.r[1]->metrics().messages_invalid, 1u);
  // Publishing the same data again is the same message id under StrictNoSign.
  EXPECT_EQ(net.r[0]->publish("t", as_bytes("anonymous"), net.now).error(), Errc::duplicate_message);
}

TEST(GossipsubRouter, OversubscribedMeshIsPrunedKeepingOutboundPeers) {
  Config c = quick_config();
  Net net(20, c);
  // Everyone dials 0, so 0 has 19 inbound peers; then 0 dials 3 of them outbound.
  for (std::size_t i = 1; i < 20; ++i) net.connect(i, 0);
  for (auto& x : net.r) ASSERT_TRUE(x->subscribe("t", net.now));
  net.pump();
  net.run(3s);
  const auto mesh = net.r[0]->mesh_peers("t");
  EXPECT_GE(mesh.size(), c.d_lo);
  EXPECT_LE(mesh.size(), c.d_hi);
  EXPECT_GT(net.r[0]->metrics().prunes_sent + net.r[0]->metrics().grafts_sent, 0u);
}

}  // namespace
}  // namespace stakecast::gossipsub
