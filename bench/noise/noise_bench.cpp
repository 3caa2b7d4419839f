#include "noise/noise_bench.hpp"

#include <benchmark/benchmark.h>

#include <memory>

#include "core/rng.hpp"
#include "proto/noise/session.hpp"

namespace stakecast::bench {
namespace {

constexpr std::size_t kBulk = 1 << 20;
constexpr std::size_t kSmall = 64;
const TimePoint kNow{};

crypto::Ed25519Keypair identity(std::uint8_t b) {
  crypto::Ed25519Seed seed;
  seed.fill(b);
  return crypto::Ed25519Keypair::from_seed(seed);
}

std::size_t drain(noise::Session& s, Bytes& wire) {
  std::size_t n = 0;
  while (std::size_t k = s.poll_transmit(MutBytes(wire).subspan(n))) n += k;
  return n;
}

// A connected pair with its wire buffer, built outside the timed loops.
struct Pair {
  SeededEntropy e1{1}, e2{2};
  noise::Session a{noise::Role::initiator, identity(1), e1, kNow};
  noise::Session b{noise::Role::responder, identity(2), e2, kNow};
  Bytes wire = Bytes(kBulk + kBulk / 100 + 1024);
  Pair() {
    for (int i = 0; i < 3; ++i) {
      if (!b.on_bytes(BytesView(wire).first(drain(a, wire)), kNow)) std::abort();
      if (!a.on_bytes(BytesView(wire).first(drain(b, wire)), kNow)) std::abort();
    }
    if (!a.handshake_complete() || !b.handshake_complete()) std::abort();
  }
};

void transport(benchmark::State& st, std::size_t write_size) {
  Pair p;
  Bytes data(write_size);
  DeterministicRng::from_u64(3).fill(data);
  const std::size_t writes = std::max<std::size_t>(1, kBulk / write_size);
  for (auto _ : st) {
    for (std::size_t i = 0; i < writes; ++i) {
      if (!p.a.write(data)) st.SkipWithError("write failed");
      if (!p.b.on_bytes(BytesView(p.wire).first(drain(p.a, p.wire)), kNow)) st.SkipWithError("read failed");
      benchmark::DoNotOptimize(p.b.plaintext().data());
      p.b.clear_plaintext();
    }
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * writes * write_size));
}

// The same pieces sealed and opened with one cipher object per direction: the floor for transport.
void seal_open(benchmark::State& st, std::size_t write_size) {
  noise::CipherState send, recv;
  std::array<std::uint8_t, 32> k;
  k.fill(7);
  send.initialize_key(k);
  recv.initialize_key(k);
  Bytes data(write_size);
  DeterministicRng::from_u64(3).fill(data);
  const std::size_t writes = std::max<std::size_t>(1, kBulk / write_size);
  Bytes sealed, opened;
  sealed.reserve(noise::kMaxMessage);
  opened.reserve(noise::kMaxMessage);
  for (auto _ : st) {
    for (std::size_t i = 0; i < writes; ++i) {
      for (BytesView rest(data); !rest.empty();) {
        const BytesView piece = rest.first(std::min(rest.size(), noise::kMaxPlaintextPerFrame));
        rest = rest.subspan(piece.size());
        sealed.clear();
        opened.clear();
        if (!send.encrypt_with_ad({}, piece, sealed) || !recv.decrypt_with_ad({}, sealed, opened))
          st.SkipWithError("cipher failed");
        benchmark::DoNotOptimize(opened.data());
      }
    }
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * writes * write_size));
}

void handshake(benchmark::State& st) {
  const auto id1 = identity(1), id2 = identity(2);
  const auto expected = PeerId::from_ed25519(id2.public_key());
  SeededEntropy e(5);
  Bytes wire(4096);
  for (auto _ : st) {
    noise::Session a(noise::Role::initiator, id1, e, kNow, expected);
    noise::Session b(noise::Role::responder, id2, e, kNow);
    for (int i = 0; i < 2; ++i) {
      (void)b.on_bytes(BytesView(wire).first(drain(a, wire)), kNow);
      (void)a.on_bytes(BytesView(wire).first(drain(b, wire)), kNow);
    }
    if (!a.handshake_complete() || !b.handshake_complete()) st.SkipWithError("handshake failed");
  }
}

// The public-key operations of one handshake (both sides), done directly.
void handshake_crypto(benchmark::State& st) {
  const auto id1 = identity(1), id2 = identity(2);
  SeededEntropy e(5);
  const Bytes msg(56, 9);  // "noise-libp2p-static-key:" || 32-byte key
  for (auto _ : st) {
    auto s1 = crypto::X25519Keypair::generate(e), e1 = crypto::X25519Keypair::generate(e);
    auto s2 = crypto::X25519Keypair::generate(e), e2 = crypto::X25519Keypair::generate(e);
    benchmark::DoNotOptimize(crypto::x25519(e1.secret, e2.pub));  // ee, both sides
    benchmark::DoNotOptimize(crypto::x25519(e2.secret, e1.pub));
    benchmark::DoNotOptimize(crypto::x25519(e1.secret, s2.pub));  // es
    benchmark::DoNotOptimize(crypto::x25519(s2.secret, e1.pub));
    benchmark::DoNotOptimize(crypto::x25519(s1.secret, e2.pub));  // se
    benchmark::DoNotOptimize(crypto::x25519(e2.secret, s1.pub));
    const auto sig1 = id1.sign(msg), sig2 = id2.sign(msg);
    benchmark::DoNotOptimize(crypto::ed25519_verify(id1.public_key(), msg, sig1));
    benchmark::DoNotOptimize(crypto::ed25519_verify(id2.public_key(), msg, sig2));
  }
}

}  // namespace

nlohmann::json run_noise(const Options& options) {
  benchmark::RegisterBenchmark("noise/transport/1MiB", [](benchmark::State& st) { transport(st, kBulk); });
  benchmark::RegisterBenchmark("baseline/seal_open/1MiB", [](benchmark::State& st) { seal_open(st, kBulk); });
  benchmark::RegisterBenchmark("noise/transport/64B", [](benchmark::State& st) { transport(st, kSmall); });
  benchmark::RegisterBenchmark("baseline/seal_open/64B", [](benchmark::State& st) { seal_open(st, kSmall); });
  benchmark::RegisterBenchmark("noise/handshake", handshake);
  benchmark::RegisterBenchmark("baseline/handshake_crypto", handshake_crypto);
  auto m = run(options);
  nlohmann::json out = {{"suite", "noise"}, {"repetitions", options.repetitions}};
  nlohmann::json figures = nlohmann::json::array();
  if (m.count("noise/transport/1MiB") && m.count("baseline/seal_open/1MiB"))
    figures.push_back(compare_throughput("noise/transport/1MiB", m["noise/transport/1MiB"],
                                         "baseline/seal_open/1MiB", m["baseline/seal_open/1MiB"], 0.8));
  if (m.count("noise/transport/64B") && m.count("baseline/seal_open/64B"))
    figures.push_back(compare_throughput("noise/transport/64B", m["noise/transport/64B"],
                                         "baseline/seal_open/64B", m["baseline/seal_open/64B"], 0.5));
  if (m.count("noise/handshake") && m.count("baseline/handshake_crypto")) {
    const auto& h = m["noise/handshake"];
    const auto& floor = m["baseline/handshake_crypto"];
    // Share of the handshake's CPU time spent in the public-key work it cannot avoid (1.0 = no overhead
    // at all). CPU time, because wall time on the shared benchmark box is noisier.
    const double ratio = paired_ratio(floor, h, &Sample::cpu_ns);
    figures.push_back({{"name", "noise/handshake"},
                       {"median_us", h.real_ns / 1e3},
                       {"median_cpu_us", h.cpu_ns / 1e3},
                       {"baseline", "baseline/handshake_crypto"},
                       {"baseline_us", floor.real_ns / 1e3},
                       {"baseline_cpu_us", floor.cpu_ns / 1e3},
                       {"ratio", ratio},
                       {"target_ratio", 0.8},
                       {"meets_target", ratio >= 0.8}});
  }
  out["figures"] = figures;
  return out;
}

}  // namespace stakecast::bench
