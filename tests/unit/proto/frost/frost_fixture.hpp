// Test helpers for proto/frost: a dealt group (trusted dealer, RFC 9591 appendix C) whose member i+1 is
// validator i, and a small in-memory network with virtual time that routes the machines' Outgoing
// messages between nodes (per-pair latency, crashes, per-sender filters). The network scenarios over the
// real rotor::Engine are in endpoint_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "proto/frost/endpoint.hpp"

namespace stakecast::frost::test {

struct Dealt {
  std::shared_ptr<const Group> group;
  std::vector<cf::Scalar> secrets;  // secrets[i] is validator i's share (identifier i + 1)
};

inline Dealt deal(cf::SuiteId suite, std::size_t n, std::size_t t, std::uint64_t seed = 1) {
  SeededEntropy e(seed);
  const cf::Suite& s = cf::Suite::get(suite);
  cf::Scalar secret{};
  e.fill(secret);
  secret[31] &= 0x0f;  // below the group order
  auto out = cf::trusted_dealer_keygen(s, secret, n, t, e);
  EXPECT_TRUE(out) << out.error().message();
  Dealt d;
  std::vector<Member> members;
  for (const auto& sh : out->shares) {
    members.push_back(Member{sh.id, ValidatorIndex{sh.id - 1}, *s.base_mul(sh.value)});
    d.secrets.push_back(sh.value);
  }
  auto g = Group::create(suite, out->group_public_key, t, members);
  EXPECT_TRUE(g) << g.error().message();
  d.group = *g;
  return d;
}

// N nodes; node i is validator i with a Participant (if i < members) and optionally a Coordinator.
struct Net {
  struct Node {
    std::optional<Participant> p;
    std::optional<Coordinator> c;
    std::vector<std::error_code> errors;
    std::vector<Event> events;    // the coordinator's
    std::vector<Event> p_events;  // the participant's
  };
  struct Flight {
    std::uint32_t from, to;
    Bytes payload;
  };

  Net(const Dealt& d, std::uint32_t coordinator, ParticipantConfig pc = {}, CoordinatorConfig cc = {})
      : dealt(d) {
    const std::size_t n = std::max<std::size_t>(d.secrets.size(), coordinator + 1);
    nodes.resize(n);
    entropy.reserve(n);
    for (std::size_t i = 0; i < n; ++i) entropy.emplace_back(1000 + i);
    for (std::uint32_t i = 0; i < d.secrets.size(); ++i) {
      auto p = Participant::create(pc, d.group, ValidatorIndex{i}, d.secrets[i], entropy[i]);
      EXPECT_TRUE(p) << p.error().message();
      nodes[i].p.emplace(std::move(*p));
    }
    auto c = Coordinator::create(cc, d.group, ValidatorIndex{coordinator});
    EXPECT_TRUE(c);
    nodes[coordinator].c.emplace(std::move(*c));
    coord = coordinator;
  }

  Coordinator& coordinator() { return *nodes[coord].c; }

  void pump(std::uint32_t i) {
    Node& n = nodes[i];
    for (;;) {
      std::optional<Outgoing> o;
      if (n.c) o = n.c->poll_transmit();
      if (!o && n.p) o = n.p->poll_transmit();
      if (!o) break;
      if (filters.count(i) && !filters[i](*o)) continue;
      ++sent[i];
      for (auto to : o->to) {
        const Duration d = to.get() == i ? Duration{0} : (latency ? latency(i, to.get()) : delay);
        flights.emplace(std::make_tuple(now + d, seq++), Flight{i, to.get(), o->payload});
      }
    }
    if (n.c)
      while (auto e = n.c->poll_event()) n.events.push_back(std::move(*e));
    if (n.p)
      while (auto e = n.p->poll_event()) n.p_events.push_back(std::move(*e));
  }

  void deliver(const Flight& f) {
    Node& n = nodes[f.to];
    auto st =
        route(n.p ? &*n.p : nullptr, n.c ? &*n.c : nullptr, ValidatorIndex{f.from}, f.payload, now, nullptr);
    if (!st) n.errors.push_back(st.error());
  }

  void run(TimePoint until) {
    for (std::uint32_t i = 0; i < nodes.size(); ++i) pump(i);
    for (;;) {
      TimePoint next = flights.empty() ? TimePoint::max() : std::get<0>(flights.begin()->first);
      for (auto& n : nodes) {
        if (n.p) next = std::min(next, n.p->next_deadline());
        if (n.c) next = std::min(next, n.c->next_deadline());
      }
      if (next == TimePoint::max() || next > until) break;
      now = std::max(now, next);
      while (!flights.empty() && std::get<0>(flights.begin()->first) <= now) {
        Flight f = flights.begin()->second;
        flights.erase(flights.begin());
        if (crashed.count(f.to)) continue;
        deliver(f);
        pump(f.to);
      }
      for (std::uint32_t i = 0; i < nodes.size(); ++i) {
        if (crashed.count(i)) continue;
        Node& n = nodes[i];
        if (n.p && n.p->next_deadline() <= now) (void)n.p->on_deadline(now);
        if (n.c && n.c->next_deadline() <= now) (void)n.c->on_deadline(now);
        pump(i);
      }
    }
    if (now < until && until != TimePoint::max()) now = until;
  }

  template <class T>
  std::vector<T> events_of(std::uint32_t i, bool participant = false) const {
    std::vector<T> out;
    for (const auto& e : participant ? nodes[i].p_events : nodes[i].events)
      if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
  }

  const Dealt& dealt;
  std::vector<SeededEntropy> entropy;
  std::vector<Node> nodes;
  std::uint32_t coord = 0;
  TimePoint now{};
  Duration delay = std::chrono::milliseconds(10);
  std::function<Duration(std::uint32_t, std::uint32_t)> latency;
  std::map<std::uint32_t, std::function<bool(Outgoing&)>> filters;
  std::set<std::uint32_t> crashed;
  std::map<std::uint32_t, std::size_t> sent;
  std::map<std::tuple<TimePoint, std::uint64_t>, Flight> flights;
  std::uint64_t seq = 0;
};

inline SessionId session_id(std::uint8_t b) {
  SessionId id{};
  id.fill(b);
  return id;
}

// Replaces the share in an outgoing share message with another canonical scalar (a cheating signer).
inline bool corrupt_share(Outgoing& o) {
  auto h = codec::peek_frost(o.payload);
  if (h && h->type == codec::FrostType::share) o.payload[37] ^= 1;
  return true;
}

}  // namespace stakecast::frost::test
