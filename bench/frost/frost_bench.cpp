#include "frost/frost_bench.hpp"

#include <benchmark/benchmark.h>
#include <sodium.h>

#include <memory>

#include "core/rng.hpp"
#include "crypto/edwards25519_vartime.hpp"
#include "crypto/frost/frost.hpp"

namespace stakecast::bench {
namespace {

namespace frost = crypto::frost;
constexpr std::size_t kN = 100, kT = 67;

// One signing session among the first kT of kN participants, prepared outside the timed loops.
// Figures: median wall and CPU time over repetitions; the target is judged on CPU time (one core) since
// the benchmark box is shared.
struct Session {
  const frost::Suite& suite;
  frost::DealerOutput dealer;
  std::vector<frost::SigningCommitment> list;
  std::vector<frost::SigningNonces> nonces;
  frost::Scalar hiding0{}, binding0{};  // signer 1's nonces, restored before each timed sign
  std::vector<frost::ShareWithKey> shares;
  Bytes msg = Bytes(32, 0x5a);

  explicit Session(frost::SuiteId suite_id) : suite(frost::Suite::get(suite_id)), nonces(kT) {
    SeededEntropy e(1);
    frost::Scalar secret{9};
    dealer = *frost::trusted_dealer_keygen(suite, secret, kN, kT, e);
    for (std::size_t i = 0; i < kT; ++i)
      list.push_back(
          *frost::commit(suite, static_cast<frost::Identifier>(i + 1), dealer.shares[i].value, e, nonces[i]));
    hiding0 = nonces[0].hiding;
    binding0 = nonces[0].binding;
    for (std::size_t i = 0; i < kT; ++i) {
      const auto id = static_cast<frost::Identifier>(i + 1);
      auto z = frost::sign(suite, id, dealer.shares[i].value, dealer.group_public_key, nonces[i], msg, list);
      shares.push_back({id, *z, *frost::public_share_from_commitment(suite, id, dealer.vss_commitment)});
    }
  }
};

std::string suite_tag(frost::SuiteId id) {
  return id == frost::SuiteId::ed25519 ? "ed25519" : "ristretto255";
}

// The group-operation core behind package and verify_shares: sum_i s_i * P_i over 201 public points (the
// batch share check's size for t = 67: D_i, E_i and PK_i), decoding and encoding included, in variable
// time and as 201 libsodium constant-time multiplications and additions.
void register_msm(frost::SuiteId id, const std::shared_ptr<Session>& s) {
  namespace vt = crypto::edwards25519_vartime;
  struct Input {
    std::vector<frost::Element> points;
    std::vector<frost::Scalar> scalars;
  };
  auto in = std::make_shared<Input>();
  SeededEntropy e(3);
  for (std::size_t i = 0; i < kT; ++i) {
    for (const auto& p : {s->list[i].hiding, s->list[i].binding, s->shares[i].public_share}) {
      std::array<std::uint8_t, 64> wide;
      e.fill(wide);
      frost::Scalar k;
      crypto_core_ed25519_scalar_reduce(k.data(), wide.data());
      in->points.push_back(p);
      in->scalars.push_back(k);
    }
  }
  const auto enc = id == frost::SuiteId::ed25519 ? vt::Encoding::ed25519 : vt::Encoding::ristretto255;
  const std::string tag = suite_tag(id);
  benchmark::RegisterBenchmark(("frost/msm_201/" + tag).c_str(), [in, enc](benchmark::State& st) {
    std::vector<vt::Point> pts(in->points.size());
    for (auto _ : st) {
      for (std::size_t i = 0; i < pts.size(); ++i) pts[i] = *vt::decode(enc, in->points[i]);
      benchmark::DoNotOptimize(vt::encode(enc, vt::msm(in->scalars, pts)));
    }
  });
  benchmark::RegisterBenchmark(("frost/msm_201_libsodium/" + tag).c_str(), [in, s](benchmark::State& st) {
    for (auto _ : st) {
      frost::Element acc = *s->suite.mul(in->points[0], in->scalars[0]);
      for (std::size_t i = 1; i < in->points.size(); ++i)
        acc = *s->suite.add(acc, *s->suite.mul(in->points[i], in->scalars[i]));
      benchmark::DoNotOptimize(acc);
    }
  });
}

void register_suite(frost::SuiteId id) {
  auto s = std::make_shared<Session>(id);
  register_msm(id, s);
  const std::string tag = suite_tag(id);
  benchmark::RegisterBenchmark(("frost/commit/" + tag).c_str(), [s](benchmark::State& st) {
    SeededEntropy e(2);
    frost::SigningNonces n;
    for (auto _ : st) benchmark::DoNotOptimize(frost::commit(s->suite, 1, s->dealer.shares[0].value, e, n));
  });
  benchmark::RegisterBenchmark(("frost/sign_share/" + tag).c_str(), [s](benchmark::State& st) {
    frost::SigningNonces n;
    for (auto _ : st) {
      n.hiding = s->hiding0;
      n.binding = s->binding0;
      benchmark::DoNotOptimize(frost::sign(s->suite, 1, s->dealer.shares[0].value, s->dealer.group_public_key,
                                           n, s->msg, s->list));
    }
  });
  benchmark::RegisterBenchmark(("frost/package/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st)
      benchmark::DoNotOptimize(
          frost::SigningPackage::create(s->suite, s->list, s->dealer.group_public_key, s->msg, kT));
  });
  benchmark::RegisterBenchmark(("frost/verify_share/" + tag).c_str(), [s](benchmark::State& st) {
    auto package = *frost::SigningPackage::create(s->suite, s->list, s->dealer.group_public_key, s->msg, kT);
    for (auto _ : st)
      benchmark::DoNotOptimize(package.verify_share(1, s->shares[0].public_share, s->shares[0].share));
  });
  // Optimistic: sum the shares and verify the signature; shares are checked only if that fails.
  benchmark::RegisterBenchmark(("frost/aggregate_optimistic/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st)
      benchmark::DoNotOptimize(
          frost::aggregate(s->suite, s->list, s->msg, s->dealer.group_public_key, s->shares));
  });
  // What the target is about: build the package and verify every share, then sum.
  benchmark::RegisterBenchmark(("frost/aggregate_verify_all/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st) {
      auto package = frost::SigningPackage::create(s->suite, s->list, s->dealer.group_public_key, s->msg, kT);
      benchmark::DoNotOptimize(frost::aggregate_verified(*package, s->shares));
    }
  });
  // Worst case of the optimistic path: the last share is invalid, so every share is checked.
  benchmark::RegisterBenchmark(("frost/aggregate_find_cheater/" + tag).c_str(), [s](benchmark::State& st) {
    auto bad = s->shares;
    bad.back().share[0] ^= 1;
    frost::Identifier culprit = 0;
    for (auto _ : st)
      benchmark::DoNotOptimize(
          frost::aggregate(s->suite, s->list, s->msg, s->dealer.group_public_key, bad, &culprit));
    if (culprit != kT) st.SkipWithError("culprit not named");
  });
}

void register_baselines() {
  benchmark::RegisterBenchmark("baseline/ed25519_sign", [](benchmark::State& st) {
    unsigned char pk[32], sk[64], sig[64], msg[32] = {};
    crypto_sign_keypair(pk, sk);
    for (auto _ : st) benchmark::DoNotOptimize(crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk));
  });
  benchmark::RegisterBenchmark("baseline/ed25519_verify", [](benchmark::State& st) {
    unsigned char pk[32], sk[64], sig[64], msg[32] = {};
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk);
    for (auto _ : st) benchmark::DoNotOptimize(crypto_sign_verify_detached(sig, msg, sizeof msg, pk));
  });
}

}  // namespace

nlohmann::json run_frost(const Options& options) {
  for (auto id : {frost::SuiteId::ristretto255, frost::SuiteId::ed25519}) register_suite(id);
  register_baselines();
  auto m = run(options);
  const auto& verify = m["baseline/ed25519_verify"];
  nlohmann::json ops = nlohmann::json::array();
  for (auto id : {frost::SuiteId::ristretto255, frost::SuiteId::ed25519}) {
    for (const char* op :
         {"commit", "sign_share", "package", "verify_share", "aggregate_optimistic", "aggregate_verify_all",
          "aggregate_find_cheater", "msm_201", "msm_201_libsodium"}) {
      const std::string name = std::string("frost/") + op + "/" + suite_tag(id);
      if (!m.count(name)) continue;  // filtered out
      const auto& r = m[name];
      nlohmann::json j = {{"name", name},
                          {"signers", kT},
                          {"participants", kN},
                          {"median_ms", r.real_ns / 1e6},
                          {"median_cpu_ms", r.cpu_ns / 1e6},
                          {"baseline", "baseline/ed25519_verify"},
                          {"baseline_ms", verify.real_ns / 1e6},
                          {"ratio_to_baseline", paired_ratio(r, verify, &Sample::real_ns)}};
      const std::string sodium = "frost/msm_201_libsodium/" + suite_tag(id);
      if (std::string(op) == "msm_201" && m.count(sodium))
        j["ratio_to_libsodium"] = paired_ratio(r, m[sodium], &Sample::real_ns);
      if (std::string(op) == "aggregate_verify_all") {
        j["target_ms"] = 10.0;
        j["meets_target"] = r.cpu_ns / 1e6 <= 10.0;
      }
      ops.push_back(j);
    }
  }
  return {{"suite", "frost"},
          {"repetitions", options.repetitions},
          {"operations", ops},
          {"baselines",
           {{"ed25519_sign_ms", m["baseline/ed25519_sign"].real_ns / 1e6},
            {"ed25519_verify_ms", verify.real_ns / 1e6},
            {"ed25519_verify_cpu_ms", verify.cpu_ns / 1e6}}}};
}

}  // namespace stakecast::bench
