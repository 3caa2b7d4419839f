#include "demo.hpp"

#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include "core/rng.hpp"
#include "proto/rotor/shredder.hpp"
#include "proto/rotor/slice_decoder.hpp"

namespace stakecast::apps {
namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}
std::string short_hex(const crypto::Hash256& h) { return to_hex(BytesView(h).first(8)) + "…"; }
}  // namespace

int run_demo(const DemoOptions& o) {
  auto rng = DeterministicRng::from_u64(o.seed);
  Bytes block(o.block_bytes);
  rng.fill(block);
  SeededEntropy entropy(o.seed);
  auto leader = crypto::Ed25519Keypair::generate(entropy);
  rotor::ShredderConfig cfg;  // 32 data + 32 parity shreds of up to 32 KiB per slice
  auto shredder = rotor::Shredder::create(cfg, leader);
  if (!shredder) {
    std::printf("shredder: %s\n", shredder.error().message().c_str());
    return 1;
  }

  std::printf("Stakecast shred demo: one block through the Rotor shred layer\n");
  std::printf("  block      %zu bytes, coding %u data + %u parity shreds per slice (kappa = %.1f)\n",
              block.size(), cfg.data_shreds, cfg.total_shreds - cfg.data_shreds,
              static_cast<double>(cfg.total_shreds) / cfg.data_shreds);

  auto t0 = Clock::now();
  auto shredded = shredder->shred_block(Slot{1}, block);
  const double t_leader = ms_since(t0);
  if (!shredded) {
    std::printf("shredding failed: %s\n", shredded.error().message().c_str());
    return 1;
  }
  std::size_t shreds = 0, wire = 0;
  for (const auto& s : shredded->slices) {
    shreds += s.count;
    wire += s.count * s.shred_size;
  }
  std::printf(
      "  leader     %zu slices, %zu shreds, %zu wire bytes (%.2fx the block), one signature per slice\n",
      shredded->slices.size(), shreds, wire, static_cast<double>(wire) / static_cast<double>(block.size()));
  std::printf("             block hash %s, shredded in %.2f ms\n", short_hex(shredded->block_hash).c_str(),
              t_leader);

  // Drop a third of every slice's shreds at random; deliver the rest in random order.
  std::vector<BytesView> arriving;
  std::size_t dropped = 0;
  for (const auto& s : shredded->slices) {
    std::vector<std::size_t> order(s.count);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
    const std::size_t drop = s.count / 3;
    dropped += drop;
    for (std::size_t i = drop; i < order.size(); ++i) arriving.push_back(s.shred(order[i]));
  }
  std::printf("  network    dropped %zu of %zu shreds (a third), delivering %zu in random order\n", dropped,
              shreds, arriving.size());

  rotor::SliceDecoder decoder;
  std::size_t accepted = 0, ignored = 0, rejected = 0;
  t0 = Clock::now();
  for (auto w : arriving) {
    auto r = decoder.on_shred(w, ValidatorIndex{1}, ValidatorIndex{0}, leader.public_key());
    if (r.outcome == rotor::ShredOutcome::okay || r.outcome == rotor::ShredOutcome::completes)
      ++accepted;
    else if (r.outcome == rotor::ShredOutcome::ignored)
      ++ignored;
    else
      ++rejected;
  }
  const double t_receiver = ms_since(t0);
  std::optional<rotor::BlockDoneEvent> done;
  while (auto e = decoder.poll_event())
    if (auto* b = std::get_if<rotor::BlockDoneEvent>(&*e)) done = std::move(*b);
  std::printf(
      "  receiver   verified and used %zu shreds, %zu arrived after their slice was complete, %zu rejected\n",
      accepted, ignored, rejected);
  if (!done) {
    std::printf("  FAILED: the block was not rebuilt\n");
    return 1;
  }
  const bool same = done->block == block, hash_ok = done->block_hash == shredded->block_hash;
  std::printf("             rebuilt, re-encoded and root-checked in %.2f ms\n", t_receiver);
  std::printf("  result     block %s the original, hash %s %s\n", same ? "equals" : "DIFFERS from",
              short_hex(done->block_hash).c_str(), hash_ok ? "matches" : "DOES NOT match");
  return same && hash_ok ? 0 : 1;
}

}  // namespace stakecast::apps
