#include "frost_command.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>

#include "crypto/sha256.hpp"
#include "io/host.hpp"
#include "node/rotor_service.hpp"
#include "proto/frost/endpoint.hpp"

namespace stakecast::apps {

void add_frost_options(CLI::App& cmd, FrostSignOptions& o) {
  cmd.add_option("--suite", o.suite, "ciphersuite")
      ->check(CLI::IsMember({"ed25519", "ristretto255"}))
      ->capture_default_str();
  cmd.add_option("--signers", o.signers, "nodes, each holding one key share")
      ->check(CLI::Range(2, 200))
      ->capture_default_str();
  cmd.add_option("--threshold", o.threshold, "signatures needed")
      ->check(CLI::Range(2, 200))
      ->capture_default_str();
  cmd.add_option("--message", o.message, "text to sign")->capture_default_str();
  cmd.add_option("--crash", o.crash, "signers that never come up (chosen by --seed)")->capture_default_str();
  cmd.add_option("--cheat", o.cheat, "signers that send invalid shares (chosen by --seed)")
      ->capture_default_str();
  cmd.add_option("--seed", o.seed, "key generation and fault placement")->capture_default_str();
  cmd.add_option("--mode", o.mode, "session mode")
      ->check(CLI::IsMember({"coordinated", "broadcast"}))
      ->capture_default_str();
  cmd.add_option("--attempt-ms", o.attempt_ms, "attempt deadline")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  cmd.add_option("--timeout", o.timeout_s, "give up after this many seconds")->capture_default_str();
}

namespace {

using nlohmann::json;
namespace cf = crypto::frost;

crypto::Ed25519Keypair identity(std::uint64_t seed, std::uint32_t i) {
  std::uint8_t in[12];
  store_le64(in, seed);
  store_le32(in + 8, i);
  return crypto::Ed25519Keypair::from_seed(crypto::sha256(in));
}

// One local node: a libp2p host, the Rotor engine on it, and the node's FROST endpoint on the engine.
struct LocalNode {
  io::Host host;
  rotor::Engine engine;
  node::RotorService service;
  frost::Endpoint endpoint;
  std::vector<frost::Event> events;
  std::size_t connections = 0;

  LocalNode(const crypto::Ed25519Keypair& key, const std::shared_ptr<const rotor::ValidatorSet>& set,
            frost::Endpoint ep)
      : host(key, {}),
        engine(*rotor::Engine::create({}, key)),
        service(host.node(), engine),
        endpoint(std::move(ep)) {
    (void)engine.add_epoch(Slot{0}, set);
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
    const TimePoint now = host.now();
    while (auto ev = engine.poll_event())
      if (auto* d = std::get_if<rotor::Delivered>(&*ev)) (void)endpoint.on_delivered(*d, now);
    endpoint.flush(engine, now);
    while (auto e = endpoint.poll_event()) events.push_back(std::move(*e));
    service.flush();
  }
  void tick() {
    const TimePoint now = host.now();
    if (engine.next_deadline() <= now || endpoint.next_deadline() <= now) {
      if (engine.next_deadline() <= now) engine.on_deadline(now);
      endpoint.on_deadline(now);
      after_input();
      host.kick();
    }
    host.context().poll();
  }
};

int fail(const std::string& what) {
  std::cout << json{{"error", what}}.dump() << "\n";
  return 2;
}

}  // namespace

int run_frost_sign(const FrostSignOptions& o) {
  const std::uint32_t n = o.signers;
  const std::uint32_t t = o.threshold;
  if (t > n) return fail("--threshold must not exceed --signers");
  if (o.crash + o.cheat > n - 1)
    return fail("--crash + --cheat must leave the coordinator (identifier 1) honest");
  const auto suite_id = o.suite == "ed25519" ? cf::SuiteId::ed25519 : cf::SuiteId::ristretto255;
  const cf::Suite& suite = cf::Suite::get(suite_id);

  // Trusted-dealer keys (RFC 9591 appendix C) and identity keys, all from --seed.
  SeededEntropy entropy(o.seed);
  cf::Scalar secret{};
  entropy.fill(secret);
  secret[31] &= 0x0f;
  auto dealt = cf::trusted_dealer_keygen(suite, secret, n, t, entropy);
  if (!dealt) return fail("key generation: " + dealt.error().message());
  std::vector<Stake> stakes;
  std::vector<crypto::Ed25519PublicKey> keys;
  std::vector<frost::Member> members;
  for (std::uint32_t i = 0; i < n; ++i) {
    stakes.push_back(Stake{1000});
    keys.push_back(identity(o.seed, i).public_key());
    members.push_back({dealt->shares[i].id, ValidatorIndex{i}, *suite.base_mul(dealt->shares[i].value)});
  }
  auto set = rotor::ValidatorSet::create(Epoch{1}, stakes, keys);
  if (!set) return fail("validator set: " + set.error().message());
  auto group = frost::Group::create(suite_id, dealt->group_public_key, t, members);
  if (!group) return fail("group: " + group.error().message());

  // Faulty signers: distinct identifiers other than 1, drawn by --seed, the invited ones (2..t) first.
  auto rng = DeterministicRng::from_u64(o.seed ^ 0xfa017ULL);
  std::vector<std::uint32_t> pool_first, pool_rest;
  for (std::uint32_t id = 2; id <= n; ++id) (id <= t ? pool_first : pool_rest).push_back(id);
  auto draw = [&]() {
    auto& pool = pool_first.empty() ? pool_rest : pool_first;
    const std::size_t k = rng.uniform(pool.size());
    const std::uint32_t id = pool[k];
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(k));
    return id;
  };
  std::set<std::uint32_t> crashed, cheaters;
  for (std::uint32_t k = 0; k < o.crash; ++k) crashed.insert(draw());
  for (std::uint32_t k = 0; k < o.cheat; ++k) cheaters.insert(draw());

  std::vector<SeededEntropy> nonce_entropy;
  nonce_entropy.reserve(n);
  SystemEntropy os;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint64_t s = 0;
    os.fill(MutBytes(reinterpret_cast<std::uint8_t*>(&s), sizeof s));  // nonces: fresh OS randomness
    nonce_entropy.emplace_back(s);
  }
  std::vector<std::unique_ptr<LocalNode>> nodes(n);
  std::vector<Multiaddr> addrs(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (crashed.count(i + 1)) continue;
    auto p =
        frost::Participant::create({}, *group, ValidatorIndex{i}, dealt->shares[i].value, nonce_entropy[i]);
    if (!p) return fail("participant: " + p.error().message());
    std::optional<frost::Coordinator> c;
    if (i == 0) c.emplace(*frost::Coordinator::create({}, *group, ValidatorIndex{0}));
    nodes[i] = std::make_unique<LocalNode>(identity(o.seed, i), *set,
                                           frost::Endpoint(ValidatorIndex{i}, std::move(*p), std::move(c)));
    if (cheaters.count(i + 1))
      nodes[i]->endpoint.set_filter([](frost::Outgoing& out) {
        auto h = codec::peek_frost(out.payload);
        if (h && h->type == codec::FrostType::share) out.payload[codec::kFrostHeaderSize + 2] ^= 1;
        return true;
      });
    auto a = nodes[i]->host.listen(*Multiaddr::parse("/ip4/127.0.0.1/tcp/0"));
    if (!a) return fail("listen: " + a.error().message());
    addrs[i] = a->with_peer_id(nodes[i]->host.node().peer_id());
  }
  std::string dial_error;
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t j = i + 1; j < n; ++j)
      if (nodes[i] && nodes[j]) nodes[i]->host.dial(addrs[j], [&](std::string what) { dial_error = what; });

  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000));
  auto run_until = [&](auto&& done) {
    while (!done() && dial_error.empty() && std::chrono::steady_clock::now() < give_up)
      for (auto& v : nodes)
        if (v) v->tick();
    return done();
  };
  const std::size_t up = n - crashed.size();
  if (!run_until([&] {
        for (auto& v : nodes)
          if (v && v->connections < up - 1) return false;
        return true;
      }))
    return fail(dial_error.empty() ? "nodes did not connect in time" : "dial: " + dial_error);

  LocalNode& coord = *nodes[0];
  frost::OpenRequest r;
  crypto::Hash256 sid = crypto::sha256(as_bytes(o.message));
  std::copy(sid.begin(), sid.end(), r.id.begin());
  r.message.assign(o.message.begin(), o.message.end());
  r.slot = Slot{1};
  r.mode = o.mode == "broadcast" ? frost::FrostMode::broadcast : frost::FrostMode::coordinated;
  r.attempt_timeout = std::chrono::milliseconds(o.attempt_ms);
  const auto started = std::chrono::steady_clock::now();
  if (auto st = coord.endpoint.open(r, coord.host.now()); !st) return fail("open: " + st.error().message());
  coord.after_input();
  coord.host.kick();
  const frost::Signed* result = nullptr;
  const frost::Failed* failed = nullptr;
  run_until([&] {
    for (const auto& e : coord.events) {
      if (auto* s = std::get_if<frost::Signed>(&e); s && s->by_coordinator) result = s;
      if (auto* f = std::get_if<frost::Failed>(&e)) failed = f;
    }
    return result || failed;
  });
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  json out;
  out["suite"] = std::string(suite.name());
  out["group_public_key"] = to_hex(dealt->group_public_key);
  out["message"] = to_hex(r.message);
  out["crashed"] = crashed;
  out["cheaters"] = cheaters;
  auto excluded_json = [&](const std::vector<frost::Exclusion>& xs) {
    json a = json::array();
    for (const auto& x : xs)
      a.push_back({{"signer", x.signer},
                   {"reason", frost::to_string(x.reason)},
                   {"attempt", x.attempt},
                   {"evidence", x.evidence.has_value()}});
    return a;
  };
  if (result) {
    out["signature"] = to_hex(result->signature);
    out["signers"] = result->signers;
    out["excluded"] = excluded_json(result->excluded);
    out["attempts"] = result->attempts;
    out["verified"] = cf::verify_signature(suite, dealt->group_public_key, r.message, result->signature);
  } else {
    out["signature"] = nullptr;
    out["error"] = failed ? frost::describe(failed->reason) : "timed out";
    if (failed) out["excluded"] = excluded_json(failed->excluded);
  }
  out["elapsed_ms"] = elapsed_ms;
  std::cout << out.dump() << "\n" << std::flush;
  return result && out["verified"].get<bool>() ? 0 : 1;
}

}  // namespace stakecast::apps
