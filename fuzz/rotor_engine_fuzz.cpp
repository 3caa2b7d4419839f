// Operation-sequence fuzzer for rotor::Engine: a receiving node fed a mix of genuine shreds (from the
// slot's leader or any relay, in any order, optionally with a byte flipped), raw bytes on each protocol,
// repair requests, time steps and finalization. Checks: no crash, no sanitizer report, and the engine's
// queues stay within their configured bounds.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "proto/rotor/engine.hpp"

using namespace stakecast;
using namespace stakecast::rotor;

namespace {

constexpr std::uint32_t kNodes = 6;

crypto::Ed25519Keypair key(std::uint32_t i) {
  crypto::Ed25519Seed s{};
  store_le32(s.data(), 0xF0220000 + i);
  return crypto::Ed25519Keypair::from_seed(s);
}

struct World {
  std::shared_ptr<const ValidatorSet> set;
  std::vector<std::vector<Bytes>> shreds;  // per slot 1..2: every shred of the block
  EngineConfig cfg;
  World() {
    cfg.shredder = {4, 8, 64};
    cfg.max_outgoing = 4096;
    cfg.max_events = 1024;
    cfg.repair.max_outstanding = 16;
    std::vector<Stake> stakes;
    std::vector<crypto::Ed25519PublicKey> keys;
    for (std::uint32_t i = 0; i < kNodes; ++i) {
      stakes.push_back(Stake{100 - i});
      keys.push_back(key(i).public_key());
    }
    set = *ValidatorSet::create(Epoch{1}, stakes, keys);
    auto shredder = *Shredder::create(cfg.shredder, key(0));
    for (std::uint64_t slot = 1; slot <= 2; ++slot) {
      Bytes block(700 * slot, static_cast<std::uint8_t>(slot));
      auto b = *shredder.shred_block(Slot{slot}, block);
      std::vector<Bytes> all;
      for (const auto& s : b.slices)
        for (std::size_t i = 0; i < s.count; ++i) all.emplace_back(s.shred(i).begin(), s.shred(i).end());
      shreds.push_back(std::move(all));
    }
  }
};

const World& world() {
  static const World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const World& w = world();
  auto e = Engine::create(w.cfg, key(1));
  if (!e) std::abort();
  (void)e->add_epoch(Slot{0}, w.set);
  e->set_leader(Slot{1}, ValidatorIndex{0});
  e->set_leader(Slot{2}, ValidatorIndex{0});
  e->on_slot(Slot{2});
  TimePoint now{};
  std::size_t pos = 0;
  auto byte = [&]() -> std::uint8_t { return pos < size ? data[pos++] : 0; };
  while (pos < size) {
    const std::uint8_t op = byte();
    const std::uint8_t a = byte(), b = byte();
    const std::optional<ValidatorIndex> from =
        a % (kNodes + 1) == kNodes ? std::nullopt
                                   : std::optional<ValidatorIndex>(ValidatorIndex{a % (kNodes + 1u)});
    switch (op % 7) {
      case 0:
      case 1: {  // a genuine shred, maybe with one byte flipped
        const auto& slot = w.shreds[b % 2];
        Bytes s = slot[byte() % slot.size()];
        if (op % 7 == 1) s[byte() % s.size()] ^= static_cast<std::uint8_t>(byte() | 1);
        e->on_message(from, Protocol::shred, s, now);
        break;
      }
      case 2: {  // raw bytes on a protocol
        const std::size_t len = std::min<std::size_t>(b, size - pos);
        e->on_message(from, static_cast<Protocol>(a % 3), BytesView(data + pos, len), now);
        pos += len;
        break;
      }
      case 3:
        now += std::chrono::milliseconds(b);
        e->on_deadline(now);
        break;
      case 4:
        (void)e->request_repair(Slot{1u + b % 3u}, std::nullopt, now);
        break;
      case 5:
        e->on_finalized(Slot{b % 4u});
        break;
      case 6:
        (void)e->send(static_cast<prio::Kind>(a % 9), Slot{2},
                      BytesView(data, std::min<std::size_t>(size, b)), (b & 1) != 0, now);
        break;
    }
    std::size_t out = 0, events = 0;
    while (e->poll_transmit()) ++out;
    while (e->poll_event()) ++events;
    if (out > w.cfg.max_outgoing + 4096 || events > w.cfg.max_events + 65536) std::abort();
  }
  return 0;
}
