// libFuzzer target: operation sequences on a gossipsub Router. The input is cut into records
// [op][len][bytes]: an RPC from one of three peers, a heartbeat, a publish, (un)subscribe, a validation
// verdict. Checks: no crash, bounded state (mcache, seen cache, queues).
#include <cstdint>

#include "proto/gossipsub/router.hpp"

using namespace stakecast;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto key = crypto::Ed25519Keypair::from_seed(crypto::Ed25519Seed{});
  SeededEntropy entropy(1);
  gossipsub::Config cfg;
  cfg.max_queued_messages = 64;
  cfg.max_queued_control = 64;
  cfg.async_validation = size > 0 && (data[0] & 1);
  TimePoint now{};
  gossipsub::Router r(PeerId::from_ed25519(key.public_key()), key, cfg, entropy, now);
  std::vector<PeerId> peers;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    std::array<std::uint8_t, 32> k{};
    k[0] = i;
    peers.push_back(PeerId::from_ed25519(k));
    (void)r.add_peer(peers.back(), static_cast<gossipsub::Protocol>(i % 4), i == 1, "10.0.0.1", now);
  }
  (void)r.subscribe("t", now);
  std::vector<gossipsub::MessageId> ids;
  BytesView in(data, size);
  while (in.size() >= 2) {
    const std::uint8_t op = in[0];
    const std::size_t len = std::min<std::size_t>(in[1] * 16u, in.size() - 2);
    const BytesView body = in.subspan(2, len);
    in = in.subspan(2 + len);
    switch (op % 6) {
      case 0:
      case 1:
        (void)r.on_rpc(peers[op % 3], body, now);
        break;
      case 2:
        now += std::chrono::milliseconds(100 + op);
        r.on_deadline(now);
        break;
      case 3:
        if (auto id = r.publish("t", body, now)) ids.push_back(*id);
        break;
      case 4:
        if (op & 8) {
          r.unsubscribe("t", now);
        } else {
          (void)r.subscribe(op & 16 ? "t" : "u", now);
        }
        break;
      case 5:
        while (auto e = r.poll_event())
          if (auto* m = std::get_if<gossipsub::Received>(&*e))
            r.report_validation(m->id, static_cast<gossipsub::Validation>(op % 3), now);
        if (op & 32) r.remove_peer(peers[op % 3], now);
        break;
    }
    while (r.poll_transmit()) {
    }
    if (r.mcache_size() > cfg.max_mcache_messages || r.seen_size() > cfg.max_seen) __builtin_trap();
  }
  return 0;
}
