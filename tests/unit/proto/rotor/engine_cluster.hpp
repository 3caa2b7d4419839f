// Test support: N rotor::Engine nodes with real keys and crypto over the loopback network.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "proto/rotor/engine.hpp"
#include "proto/rotor/loopback_net.hpp"

namespace stakecast::rotor::test {

inline crypto::Ed25519Keypair node_key(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), 0x5EED0000 + i);
  return crypto::Ed25519Keypair::from_seed(s);
}

// Stake falling like 1/(i+1) with a floor: a few heavy validators and a long tail, like real sets.
inline std::vector<Stake> skewed_stakes(std::size_t n) {
  std::vector<Stake> s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(Stake{200 + 100'000 / (i + 1)});
  return s;
}

inline EngineConfig small_shreds() {
  EngineConfig c;
  c.shredder = {32, 64, 256};  // kappa = 2, 256-byte shreds: 8192-byte slices
  return c;
}

struct Cluster {
  Cluster(std::size_t n, EngineConfig cfg = small_shreds(), LoopbackConfig net_cfg = {},
          std::vector<Stake> stakes = {})
      : net(net_cfg, make(n, cfg, stakes.empty() ? skewed_stakes(n) : stakes)) {}

  std::vector<Engine> make(std::size_t n, const EngineConfig& cfg, const std::vector<Stake>& stakes) {
    std::vector<crypto::Ed25519PublicKey> keys;
    for (std::uint32_t i = 0; i < n; ++i) keys.push_back(node_key(i).public_key());
    set = *ValidatorSet::create(Epoch{1}, stakes, keys);
    std::vector<Engine> out;
    for (std::uint32_t i = 0; i < n; ++i) {
      auto e = Engine::create(cfg, node_key(i));
      EXPECT_TRUE(e);
      out.push_back(std::move(*e));
      EXPECT_TRUE(out.back().add_epoch(Slot{0}, set));
      out.back().on_slot(Slot{1});
    }
    return out;
  }

  void lead(Slot slot, std::uint32_t leader) {
    for (std::uint32_t i = 0; i < net.size(); ++i) net.node(i).set_leader(slot, ValidatorIndex{leader});
  }

  void collect() {
    for (std::uint32_t i = 0; i < net.size(); ++i)
      while (auto e = net.node(i).poll_event()) events[i].push_back(std::move(*e));
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

  std::vector<Misbehaviour> reports(std::uint32_t node, Offence offence) const {
    std::vector<Misbehaviour> out;
    for (const auto& m : of<Misbehaviour>(node))
      if (m.offence == offence) out.push_back(m);
    return out;
  }

  // Crashes validators (never `keep`) from the lowest index upward until at least `fraction` of the
  // stake of all validators but `keep` is down. Returns the crashed set.
  std::set<std::uint32_t> crash_stake(double fraction, std::uint32_t keep, std::uint32_t start = 1) {
    std::uint64_t total = 0;
    for (std::uint32_t v = 0; v < set->size(); ++v)
      if (v != keep) total += set->stake(ValidatorIndex{v}).get();
    std::set<std::uint32_t> down;
    std::uint64_t crashed = 0;
    const auto target = static_cast<std::uint64_t>(fraction * static_cast<double>(total));
    const auto n = static_cast<std::uint32_t>(set->size());
    for (std::uint32_t v = start; crashed < target; v = (v + 1) % n) {
      if (v == keep || down.count(v)) continue;
      down.insert(v);
      crashed += set->stake(ValidatorIndex{v}).get();
      net.crash(v);
    }
    return down;
  }

  std::shared_ptr<const ValidatorSet> set;
  LoopbackNet<Engine> net;
  std::map<std::uint32_t, std::vector<EngineEvent>> events;
};

inline Bytes test_block(std::size_t n, std::uint64_t seed) {
  Bytes b(n);
  DeterministicRng::from_u64(seed).fill(b);
  return b;
}

}  // namespace stakecast::rotor::test
