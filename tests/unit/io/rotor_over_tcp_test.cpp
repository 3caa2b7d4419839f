// Rotor over the real libp2p host: five validators on loopback TCP (Noise, Yamux, multistream-select),
// each running rotor::Engine through node::RotorService; a leader's block reaches every validator.
#include <gtest/gtest.h>

#include <chrono>

#include "io/host.hpp"
#include "node/rotor_service.hpp"

namespace stakecast::io {
namespace {

crypto::Ed25519Keypair key(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), 0xC0FFEE00 + i);
  return crypto::Ed25519Keypair::from_seed(s);
}

struct Validator {
  Host host;
  rotor::Engine engine;
  node::RotorService service;
  std::vector<rotor::BlockDoneEvent> blocks;
  // Direct messages, each with the blocks completed and the shreds received when it arrived (one
  // stream's bytes per readable event, so no shred read after the message is counted).
  struct Vote {
    rotor::Delivered msg;
    std::size_t blocks_then = 0;
    std::uint64_t shreds_then = 0;
  };
  std::vector<Vote> votes;
  std::size_t connections = 0;

  Validator(std::uint32_t i, const std::shared_ptr<const rotor::ValidatorSet>& set,
            const rotor::EngineConfig& cfg)
      : host(key(i), {}), engine(*rotor::Engine::create(cfg, key(i))), service(host.node(), engine) {
    EXPECT_TRUE(engine.add_epoch(Slot{0}, set));
    engine.on_slot(Slot{1});
    service.set_validators(*set);
    host.on_event([this](const node::Event& e) {
      if (std::holds_alternative<node::ConnectionEstablished>(e)) ++connections;
      service.on_event(e, host.now());
      after_input();
    });
    host.on_writable([this] { service.flush(); });
  }
  void after_input() {
    while (auto ev = engine.poll_event()) {
      if (auto* b = std::get_if<rotor::BlockDoneEvent>(&*ev)) blocks.push_back(std::move(*b));
      if (auto* d = std::get_if<rotor::Delivered>(&*ev))
        votes.push_back({*d, blocks.size(), engine.metrics().shreds_received});
    }
    service.flush();
  }
  void tick() {
    if (engine.next_deadline() <= host.now()) {
      engine.on_deadline(host.now());
      after_input();
      host.kick();
    }
    host.context().poll();
  }
};

// kN validators (stakes 1000, 900, ...) on loopback TCP, every pair connected once.
struct Mesh {
  std::vector<std::unique_ptr<Validator>> vs;
  std::chrono::steady_clock::time_point give_up;

  // Liveness bound only (not a performance check): give up after `limit` of wall time.
  Mesh(std::uint32_t n, const rotor::EngineConfig& cfg, std::chrono::seconds limit)
      : give_up(std::chrono::steady_clock::now() + limit) {
    std::vector<Stake> stakes;
    std::vector<crypto::Ed25519PublicKey> keys;
    for (std::uint32_t i = 0; i < n; ++i) {
      stakes.push_back(Stake{1000 - 100 * i});
      keys.push_back(key(i).public_key());
    }
    auto set = *rotor::ValidatorSet::create(Epoch{1}, stakes, keys);
    std::vector<Multiaddr> addrs;
    for (std::uint32_t i = 0; i < n; ++i) {
      vs.push_back(std::make_unique<Validator>(i, set, cfg));
      auto a = vs.back()->host.listen(*Multiaddr::parse("/ip4/127.0.0.1/tcp/0"));
      EXPECT_TRUE(a);
      if (a) addrs.push_back(a->with_peer_id(vs.back()->host.node().peer_id()));
    }
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t j = i + 1; j < addrs.size(); ++j)
        vs[i]->host.dial(addrs[j], [](std::string what) { FAIL() << what; });
  }
  template <class F>
  bool run_until(F&& done) {
    while (!done() && std::chrono::steady_clock::now() < give_up)
      for (auto& v : vs) v->tick();
    return done();
  }
  bool connected() {
    return run_until([&] {
      for (auto& v : vs)
        if (v->connections < vs.size() - 1) return false;
      return true;
    });
  }
  bool all_have_block() {
    return run_until([&] {
      for (std::size_t i = 1; i < vs.size(); ++i)
        if (vs[i]->blocks.empty()) return false;
      return true;
    });
  }
};

TEST(RotorOverTcp, LeaderBlockReachesEveryValidatorThroughTheLibp2pHost) {
  constexpr std::uint32_t kN = 5;
  rotor::EngineConfig cfg;
  cfg.shredder = {8, 16, 4096};  // kappa = 2, 32 KiB slices
  Mesh m(kN, cfg, std::chrono::seconds(20));
  auto& vs = m.vs;
  ASSERT_TRUE(m.connected());

  Bytes block(100'000);
  DeterministicRng::from_u64(7).fill(block);
  for (auto& v : vs) v->engine.set_leader(Slot{2}, ValidatorIndex{0});
  for (auto& v : vs) v->engine.on_slot(Slot{2});
  auto hash = vs[0]->engine.broadcast_block(Slot{2}, block, vs[0]->host.now());
  ASSERT_TRUE(hash) << hash.error().message();
  vs[0]->service.flush();
  vs[0]->host.kick();
  ASSERT_TRUE(m.all_have_block());
  for (std::uint32_t i = 1; i < kN; ++i) {
    EXPECT_EQ(vs[i]->blocks[0].block, block) << i;
    EXPECT_EQ(vs[i]->blocks[0].block_hash, *hash) << i;
    EXPECT_EQ(vs[i]->service.metrics().bad_frames, 0u);
    EXPECT_GT(vs[i]->service.metrics().frames_received, 0u);
  }
  EXPECT_EQ(vs[0]->service.metrics().dropped_no_connection, 0u);
}

// A Critical vote sent while an 8 MiB block is queued to the same peers, on the same connections: it
// travels on its own Yamux stream at priority 0 and arrives before the block's remaining bytes.
TEST(RotorOverTcp, CriticalVoteOvertakesAQueuedEightMiBBlockOnTheSameConnection) {
  constexpr std::uint32_t kN = 3;
  rotor::EngineConfig cfg;  // production shreds: 32 of 64, 32 KiB: 16 MiB leave the leader
  Mesh m(kN, cfg, std::chrono::seconds(60));
  auto& vs = m.vs;
  ASSERT_TRUE(m.connected());
  // Warm the direct streams up (negotiated once per connection), so the vote below waits for nothing
  // but the scheduler.
  for (auto& v : vs) v->engine.on_slot(Slot{2});
  ASSERT_TRUE(vs[0]->engine.send(prio::Kind::vote, Slot{2}, Bytes(100, 1), false, vs[0]->host.now()));
  vs[0]->service.flush();
  vs[0]->host.kick();
  ASSERT_TRUE(m.run_until([&] { return vs[1]->votes.size() == 1 && vs[2]->votes.size() == 1; }));

  Bytes block(8u << 20);
  DeterministicRng::from_u64(8).fill(block);
  for (auto& v : vs) v->engine.set_leader(Slot{3}, ValidatorIndex{0});
  for (auto& v : vs) v->engine.on_slot(Slot{3});
  ASSERT_TRUE(vs[0]->engine.broadcast_block(Slot{3}, block, vs[0]->host.now()));
  vs[0]->service.flush();  // every shred frame is now queued on the leader's shred streams
  auto vote = vs[0]->engine.send(prio::Kind::vote, Slot{3}, Bytes(120, 2), false, vs[0]->host.now());
  ASSERT_TRUE(vote);
  vs[0]->service.flush();
  vs[0]->host.kick();
  ASSERT_TRUE(m.all_have_block());
  for (std::uint32_t i = 1; i < kN; ++i) {
    auto& v = *vs[i];
    ASSERT_EQ(v.votes.size(), 2u) << i;
    EXPECT_EQ(v.votes[1].msg.id, *vote);
    EXPECT_EQ(v.votes[1].blocks_then, 0u) << i;
    ASSERT_EQ(v.blocks.size(), 1u);
    EXPECT_EQ(v.blocks[0].block, block);
    // The vote overtook nearly all of the block: far fewer than the gamma = 256 shreds needed had
    // arrived when it did.
    const std::uint64_t total = v.engine.metrics().shreds_received;
    EXPECT_LT(v.votes[1].shreds_then, 64u) << i << ": " << v.votes[1].shreds_then << " of " << total;
    EXPECT_GE(total, 8u * 32u);
    EXPECT_EQ(v.service.metrics().bad_frames, 0u);
  }
  EXPECT_EQ(vs[0]->service.metrics().dropped_backlog, 0u);
  EXPECT_EQ(vs[0]->service.metrics().dropped_no_connection, 0u);
}

}  // namespace
}  // namespace stakecast::io
