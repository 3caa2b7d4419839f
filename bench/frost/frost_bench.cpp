#include "frost/frost_bench.hpp"

#include <benchmark/benchmark.h>
#include <sodium.h>

#include <memory>

#include "core/rng.hpp"
#include "crypto/frost/frost.hpp"

namespace stakecast::bench {
namespace {

namespace frost = crypto::frost;
constexpr std::size_t kN = 100, kT = 67;

// One signing session among the first kT of kN participants, prepared outside the timed loops.
struct Session {
  const frost::Suite& suite;
  frost::DealerOutput dealer;
  std::vector<frost::SigningCommitment> list;
  std::vector<frost::SigningNonces> nonces;
  std::vector<frost::ShareWithKey> shares;
  Bytes msg = Bytes(32, 0x5a);

  explicit Session(frost::SuiteId suite_id) : suite(frost::Suite::get(suite_id)), nonces(kT) {
    SeededEntropy e(1);
    frost::Scalar secret{9};
    dealer = *frost::trusted_dealer_keygen(suite, secret, kN, kT, e);
    for (std::size_t i = 0; i < kT; ++i)
      list.push_back(
          *frost::commit(suite, static_cast<frost::Identifier>(i + 1), dealer.shares[i].value, e, nonces[i]));
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

void register_suite(frost::SuiteId id) {
  auto s = std::make_shared<Session>(id);
  const std::string tag = suite_tag(id);
  benchmark::RegisterBenchmark(("frost/commit/" + tag).c_str(), [s](benchmark::State& st) {
    SeededEntropy e(2);
    frost::SigningNonces n;
    for (auto _ : st) benchmark::DoNotOptimize(frost::commit(s->suite, 1, s->dealer.shares[0].value, e, n));
  });
  benchmark::RegisterBenchmark(("frost/sign_share/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st)
      benchmark::DoNotOptimize(frost::sign(s->suite, 1, s->dealer.shares[0].value, s->dealer.group_public_key,
                                           s->nonces[0], s->msg, s->list));
  });
  benchmark::RegisterBenchmark(("frost/verify_share/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st)
      benchmark::DoNotOptimize(frost::verify_signature_share(s->suite, 1, s->shares[0].public_share,
                                                             s->shares[0].share, s->list,
                                                             s->dealer.group_public_key, s->msg));
  });
  benchmark::RegisterBenchmark(("frost/aggregate_verified/" + tag).c_str(), [s](benchmark::State& st) {
    for (auto _ : st)
      benchmark::DoNotOptimize(
          frost::aggregate(s->suite, s->list, s->msg, s->dealer.group_public_key, s->shares));
  });
  // Worst case: the last share is invalid, so every share is checked to name the culprit.
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
  const double verify_ns = m["baseline/ed25519_verify"].real_ns;
  nlohmann::json ops = nlohmann::json::array();
  for (auto id : {frost::SuiteId::ristretto255, frost::SuiteId::ed25519}) {
    for (const char* op :
         {"commit", "sign_share", "verify_share", "aggregate_verified", "aggregate_find_cheater"}) {
      const std::string name = std::string("frost/") + op + "/" + suite_tag(id);
      if (!m.count(name)) continue;  // filtered out
      const double ns = m[name].real_ns;
      nlohmann::json j = {{"name", name},
                          {"signers", kT},
                          {"participants", kN},
                          {"median_ms", ns / 1e6},
                          {"baseline", "baseline/ed25519_verify"},
                          {"baseline_ms", verify_ns / 1e6},
                          {"ratio_to_baseline", verify_ns > 0 ? ns / verify_ns : 0}};
      if (std::string(op) == "aggregate_verified") {
        j["target_ms"] = 10.0;
        j["meets_target"] = ns / 1e6 <= 10.0;
      }
      ops.push_back(j);
    }
  }
  return {{"suite", "frost"},
          {"repetitions", options.repetitions},
          {"operations", ops},
          {"baselines",
           {{"ed25519_sign_ms", m["baseline/ed25519_sign"].real_ns / 1e6},
            {"ed25519_verify_ms", verify_ns / 1e6}}}};
}

}  // namespace stakecast::bench
