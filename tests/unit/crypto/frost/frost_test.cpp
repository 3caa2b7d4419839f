#include "crypto/frost/frost.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace stakecast::crypto::frost {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream f(std::string(STAKECAST_SOURCE_DIR) + "/data/frost/" + name);
  return nlohmann::json::parse(f);
}

template <std::size_t N>
std::array<std::uint8_t, N> hex(const nlohmann::json& j) {
  auto a = array_from_hex<N>(j.get<std::string>());
  EXPECT_TRUE(a) << j;
  return a.value_or(std::array<std::uint8_t, N>{});
}

// Runs one RFC 9591-format vector file through every step, comparing every intermediate value.
void check_vector(const std::string& file) {
  SCOPED_TRACE(file);
  const auto v = load(file);
  const auto& suite =
      Suite::get(v["config"]["group"] == "ed25519" ? SuiteId::ed25519 : SuiteId::ristretto255);
  EXPECT_EQ(suite.name(), v["config"]["name"].get<std::string>());
  const auto& in = v["inputs"];
  const std::size_t max = std::stoul(v["config"]["MAX_PARTICIPANTS"].get<std::string>());
  const Element gpk =
      hex<32>(in.contains("group_public_key") ? in["group_public_key"] : in["verifying_key_key"]);
  const Bytes msg = *from_hex(in["message"].get<std::string>());

  // Trusted dealer with the vector's polynomial: same shares, same group key.
  std::vector<Scalar> coeffs;
  for (const auto& c : in["share_polynomial_coefficients"]) coeffs.push_back(hex<32>(c));
  auto dealer = dealer_keygen_with_coefficients(suite, hex<32>(in["group_secret_key"]), coeffs, max);
  ASSERT_TRUE(dealer) << dealer.error().message();
  EXPECT_EQ(dealer->group_public_key, gpk);
  std::map<Identifier, Scalar> secret;
  for (const auto& s : in["participant_shares"]) {
    const auto id = s["identifier"].get<Identifier>();
    secret[id] = hex<32>(s["participant_share"]);
    ASSERT_EQ(dealer->shares.at(id - 1).value, secret[id]) << id;
    EXPECT_TRUE(vss_verify(suite, dealer->shares.at(id - 1), dealer->vss_commitment));
  }

  // Round one: nonces from the given randomness, commitments, binding factor inputs and factors.
  std::vector<SigningCommitment> list;
  std::map<Identifier, SigningNonces> nonces;
  for (const auto& o : v["round_one_outputs"]["outputs"]) {
    const auto id = o["identifier"].get<Identifier>();
    SigningNonces& n = nonces[id];
    n.hiding = nonce_generate(suite, hex<32>(o["hiding_nonce_randomness"]), secret[id]);
    n.binding = nonce_generate(suite, hex<32>(o["binding_nonce_randomness"]), secret[id]);
    EXPECT_EQ(n.hiding, hex<32>(o["hiding_nonce"]));
    EXPECT_EQ(n.binding, hex<32>(o["binding_nonce"]));
    auto c = commitment_for(suite, id, n);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->hiding, hex<32>(o["hiding_nonce_commitment"]));
    EXPECT_EQ(c->binding, hex<32>(o["binding_nonce_commitment"]));
    list.push_back(*c);
  }
  ASSERT_TRUE(validate_commitment_list(list, 2));
  std::vector<Bytes> inputs;
  auto factors = compute_binding_factors(suite, gpk, list, msg, &inputs);
  const auto& outs = v["round_one_outputs"]["outputs"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(to_hex(inputs[i]), outs[i]["binding_factor_input"].get<std::string>());
    EXPECT_EQ(factors[i].factor, hex<32>(outs[i]["binding_factor"]));
  }

  // Round two: shares, each verified against its public share; aggregation.
  std::vector<ShareWithKey> shares;
  for (const auto& o : v["round_two_outputs"]["outputs"]) {
    const auto id = o["identifier"].get<Identifier>();
    auto z = sign(suite, id, secret[id], gpk, nonces[id], msg, list);
    ASSERT_TRUE(z);
    EXPECT_EQ(*z, hex<32>(o["sig_share"]));
    auto pk = public_share_from_commitment(suite, id, dealer->vss_commitment);
    ASSERT_TRUE(pk);
    EXPECT_EQ(*pk, *suite.base_mul(secret[id]));
    EXPECT_TRUE(verify_signature_share(suite, id, *pk, *z, list, gpk, msg));
    shares.push_back({id, *z, *pk});
  }
  auto sig = aggregate(suite, list, msg, gpk, shares);
  ASSERT_TRUE(sig) << sig.error().message();
  EXPECT_EQ(to_hex(*sig), v["final_output"]["sig"].get<std::string>());
  EXPECT_TRUE(verify_signature(suite, gpk, msg, *sig));
  if (suite.id() == SuiteId::ed25519) {
    // FROST(Ed25519) signatures are ordinary RFC 8032 signatures.
    EXPECT_EQ(crypto_sign_verify_detached(sig->data(), msg.data(), msg.size(), gpk.data()), 0);
  }
}

TEST(FrostVectors, Rfc9591Ed25519) { check_vector("rfc9591-frost-ed25519-sha512.json"); }
TEST(FrostVectors, Rfc9591Ristretto255) { check_vector("rfc9591-frost-ristretto255-sha512.json"); }
TEST(FrostVectors, ZcashAlternateEd25519) { check_vector("zf-frost-ed25519-vectors.json"); }
TEST(FrostVectors, ZcashAlternateRistretto255) { check_vector("zf-frost-ristretto255-vectors.json"); }
TEST(FrostVectors, BigIdentifierEd25519) { check_vector("zf-frost-ed25519-vectors-big-identifier.json"); }
TEST(FrostVectors, BigIdentifierRistretto255) {
  check_vector("zf-frost-ristretto255-vectors-big-identifier.json");
}

TEST(FrostVectors, InvalidElementsRejected) {
  for (auto [file, id] : {std::pair{"zf-frost-ed25519-elements.json", SuiteId::ed25519},
                          std::pair{"zf-frost-ristretto255-elements.json", SuiteId::ristretto255}}) {
    auto bytes = from_hex(load(file)["elements"]["invalid_element"].get<std::string>());
    ASSERT_TRUE(bytes);
    EXPECT_EQ(Suite::get(id).deserialize_element(*bytes).error(), Errc::bad_element) << file;
  }
}

TEST(Frost, RejectsIdentityNonCanonicalAndBadScalars) {
  const auto& ed = Suite::get(SuiteId::ed25519);
  const auto& ri = Suite::get(SuiteId::ristretto255);
  Element ed_identity{1};
  EXPECT_EQ(ed.deserialize_element(ed_identity).error(), Errc::bad_element);
  EXPECT_EQ(ri.deserialize_element(Element{}).error(), Errc::bad_element);
  Element ones;
  ones.fill(0xff);
  EXPECT_EQ(ed.deserialize_element(ones).error(), Errc::bad_element);
  EXPECT_EQ(ri.deserialize_element(ones).error(), Errc::bad_element);
  EXPECT_EQ(ed.deserialize_element(Bytes(31, 1)).error(), Errc::bad_length);
  // L itself is not canonical; L - 1 is.
  auto l = *from_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  EXPECT_EQ(deserialize_scalar(l).error(), Errc::bad_scalar);
  l[0] -= 1;
  EXPECT_TRUE(deserialize_scalar(l));
  EXPECT_EQ(deserialize_scalar(Bytes(33, 0)).error(), Errc::bad_length);
  // A valid base point multiple round-trips through validation.
  Scalar two{2};
  EXPECT_TRUE(ri.deserialize_element(*ri.base_mul(two)));
  EXPECT_TRUE(ed.deserialize_element(*ed.base_mul(two)));
  EXPECT_EQ(ed.base_mul(Scalar{}).error(), Errc::identity_result);
}

Scalar two_scalar() { return Scalar{2}; }

TEST(Frost, RejectsNonCanonicalSmallOrderAndMixedOrderEncodings) {
  const auto& ed = Suite::get(SuiteId::ed25519);
  const auto& ri = Suite::get(SuiteId::ristretto255);
  // Ed25519: y = p + 1 is a non-canonical encoding of the identity; y = p + 2 would be y = 2 again.
  EXPECT_EQ(
      ed.deserialize_element(*from_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
          .error(),
      Errc::bad_element);
  // A point of order 8, and a point of order 8 L (the base point plus that torsion point).
  const auto t8 = *array_from_hex<32>("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  EXPECT_EQ(ed.deserialize_element(t8).error(), Errc::bad_element);
  const Element g = *ed.base_mul(Scalar{1});
  Element mixed;
  ASSERT_EQ(crypto_core_ed25519_add(mixed.data(), g.data(), t8.data()), 0);
  EXPECT_EQ(ed.deserialize_element(mixed).error(), Errc::bad_element);
  EXPECT_TRUE(ed.deserialize_element(g));
  // ristretto255: s = p is not canonical, s = 1 is negative (odd); both are invalid encodings.
  EXPECT_EQ(
      ri.deserialize_element(*from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
          .error(),
      Errc::bad_element);
  EXPECT_EQ(ri.deserialize_element(Element{1}).error(), Errc::bad_element);
  // ristretto255: a valid encoding with bit 255 set is s + 2^255 >= p (RFC 9496 4.3.1); libsodium 1.0.18
  // ignores that bit, so the suite must check it.
  Element high = *ri.base_mul(two_scalar());
  high[31] |= 0x80;
  EXPECT_EQ(ri.deserialize_element(high).error(), Errc::bad_element);
  // Scalars: every value from L to 2^256 - 1 is rejected, not reduced.
  auto big = *from_hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  EXPECT_EQ(deserialize_scalar(big).error(), Errc::bad_scalar);
  auto l_plus_1 = *from_hex("eed3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  EXPECT_EQ(deserialize_scalar(l_plus_1).error(), Errc::bad_scalar);
}

TEST(Frost, OversizedSignerSetsRejected) {
  std::vector<SigningCommitment> list(kMaxParticipants + 1);
  for (std::size_t i = 0; i < list.size(); ++i) list[i].id = static_cast<Identifier>(i + 1);
  EXPECT_EQ(validate_commitment_list(list, 2).error(), Errc::bad_commitment_list);
  list.resize(3);
  list[2].id = kMaxIdentifier + 1;
  EXPECT_EQ(validate_commitment_list(list, 2).error(), Errc::bad_commitment_list);
}

namespace {
Scalar s_add_one(const Scalar& a) {
  Scalar one{1}, r;
  crypto_core_ed25519_scalar_add(r.data(), a.data(), one.data());
  return r;
}
struct Signers {
  const Suite& suite;
  DealerOutput dealer;
  std::vector<SigningCommitment> list;
  std::vector<SigningNonces> nonces;
  Bytes msg = {'h', 'i'};
};
Signers make_signers(SuiteId id, std::size_t n, std::size_t t, std::uint64_t seed) {
  SeededEntropy e(seed);
  Signers s{Suite::get(id), {}, {}, {}, {}};
  s.dealer = *trusted_dealer_keygen(s.suite, Scalar{5}, n, t, e);
  s.nonces.resize(t);
  for (std::size_t i = 0; i < t; ++i)
    s.list.push_back(
        *commit(s.suite, static_cast<Identifier>(i + 1), s.dealer.shares[i].value, e, s.nonces[i]));
  return s;
}
}  // namespace

TEST(Frost, NoncesAreConsumedBySigning) {
  for (auto id : {SuiteId::ed25519, SuiteId::ristretto255}) {
    auto s = make_signers(id, 4, 3, 9);
    auto package = SigningPackage::create(s.suite, s.list, s.dealer.group_public_key, s.msg, 3);
    ASSERT_TRUE(package);
    auto z = package->sign(1, s.dealer.shares[0].value, s.nonces[0]);
    ASSERT_TRUE(z);
    EXPECT_TRUE(s.nonces[0].empty());
    EXPECT_EQ(package->sign(1, s.dealer.shares[0].value, s.nonces[0]).error(), Errc::nonce_reused);
    // A moved-from nonce object is empty too: copies cannot be made and moves do not duplicate.
    SigningNonces moved = std::move(s.nonces[1]);
    EXPECT_TRUE(s.nonces[1].empty());
    EXPECT_FALSE(moved.empty());
    // Signer 3 refuses a list whose entry for it is not its own commitment (and burns the nonces).
    auto forged = s.list;
    std::swap(forged[2].hiding, forged[2].binding);
    auto bad = SigningPackage::create(s.suite, forged, s.dealer.group_public_key, s.msg);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->sign(3, s.dealer.shares[2].value, s.nonces[2]).error(), Errc::commitment_mismatch);
    EXPECT_TRUE(s.nonces[2].empty());
    EXPECT_EQ(package->sign(4, s.dealer.shares[3].value, moved).error(), Errc::unknown_participant);
  }
}

TEST(Frost, PackageLambdasMatchTheRfcFormula) {
  auto s = make_signers(SuiteId::ristretto255, 300, 40, 3);
  // Spread identifiers out, including ones above 255, so differences cover both signs.
  for (std::size_t i = 0; i < s.list.size(); ++i) s.list[i].id = static_cast<Identifier>(1 + i * 7);
  auto package = SigningPackage::create(s.suite, s.list, s.dealer.group_public_key, s.msg);
  ASSERT_TRUE(package);
  for (std::size_t i = 0; i < s.list.size(); ++i)
    EXPECT_EQ(package->lambda(i), *derive_interpolating_value(s.list, s.list[i].id)) << i;
  EXPECT_EQ(package->position(8), std::optional<std::size_t>(1));
  EXPECT_EQ(package->position(9), std::nullopt);
  // Identifiers up to the maximum: seven differences of up to 2^16 multiply exactly in 128 bits.
  for (std::size_t i = 0; i < s.list.size(); ++i)
    s.list[i].id = static_cast<Identifier>(kMaxIdentifier - (s.list.size() - 1 - i) * 1601);
  package = SigningPackage::create(s.suite, s.list, s.dealer.group_public_key, s.msg);
  ASSERT_TRUE(package);
  for (std::size_t i = 0; i < s.list.size(); ++i)
    EXPECT_EQ(package->lambda(i), *derive_interpolating_value(s.list, s.list[i].id)) << i;
}

namespace {
// t = 67 of n = 100 signers with their shares, the coordinator's view.
struct Signed {
  Signers s;
  SigningPackage package;
  std::vector<ShareWithKey> shares;
};
Signed sign_all(SuiteId id, std::uint64_t seed) {
  auto s = make_signers(id, 100, 67, seed);
  auto package = *SigningPackage::create(s.suite, s.list, s.dealer.group_public_key, s.msg, 67);
  std::vector<ShareWithKey> shares;
  for (std::size_t i = 0; i < s.list.size(); ++i) {
    const auto sid = s.list[i].id;
    shares.push_back({sid, *package.sign(sid, s.dealer.shares[i].value, s.nonces[i]),
                      *public_share_from_commitment(s.suite, sid, s.dealer.vss_commitment)});
  }
  return Signed{std::move(s), std::move(package), std::move(shares)};
}
}  // namespace

// The variable-time group commitment equals the sum computed with libsodium's constant-time operations.
TEST(Frost, GroupCommitmentMatchesLibsodiumSum) {
  for (auto id : {SuiteId::ed25519, SuiteId::ristretto255}) {
    const auto g = sign_all(id, 21);
    const auto& s = g.s;
    const auto* package = &g.package;
    std::optional<Element> sum;
    for (std::size_t i = 0; i < s.list.size(); ++i) {
      const Element term = *s.suite.add(
          s.list[i].hiding, *s.suite.mul(s.list[i].binding, package->binding_factors()[i].factor));
      sum = sum ? *s.suite.add(*sum, term) : term;
    }
    EXPECT_EQ(package->group_commitment(), *sum);
    EXPECT_EQ(*compute_group_commitment(s.suite, s.list, package->binding_factors()), *sum);
  }
}

TEST(Frost, BatchVerificationNamesASingleBadShareAmong67) {
  for (auto id : {SuiteId::ed25519, SuiteId::ristretto255}) {
    auto g = sign_all(id, 22);
    EXPECT_TRUE(g.package.verify_shares(g.shares));
    auto sig = aggregate_verified(g.package, g.shares);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(verify_signature(g.s.suite, g.s.dealer.group_public_key, g.s.msg, *sig));
    for (const std::size_t bad : {std::size_t{0}, std::size_t{33}, std::size_t{66}}) {
      auto shares = g.shares;
      shares[bad].share = s_add_one(shares[bad].share);
      Identifier culprit = 0;
      EXPECT_EQ(g.package.verify_shares(shares, &culprit).error(), Errc::invalid_share);
      EXPECT_EQ(culprit, shares[bad].id);
      culprit = 0;
      EXPECT_EQ(aggregate_verified(g.package, shares, &culprit).error(), Errc::invalid_share);
      EXPECT_EQ(culprit, shares[bad].id);
      culprit = 0;
      EXPECT_EQ(
          aggregate(g.s.suite, g.s.list, g.s.msg, g.s.dealer.group_public_key, shares, &culprit).error(),
          Errc::invalid_share);
      EXPECT_EQ(culprit, shares[bad].id);
    }
    // A wrong public share is caught too (it is part of the batch equation).
    auto shares = g.shares;
    shares[10].public_share = shares[11].public_share;
    Identifier culprit = 0;
    EXPECT_EQ(g.package.verify_shares(shares, &culprit).error(), Errc::invalid_share);
    EXPECT_EQ(culprit, shares[10].id);
  }
}

// Shares 5 and 40 carry errors +d and -d: their sum, hence the aggregate signature, is still valid, so
// the optimistic aggregate() accepts them; the batch check does not and names the first.
TEST(Frost, BatchVerificationCatchesOffsettingErrors) {
  for (auto id : {SuiteId::ed25519, SuiteId::ristretto255}) {
    auto g = sign_all(id, 23);
    auto shares = g.shares;
    Scalar d{};
    d[0] = 0x2a;
    d[9] = 0x17;
    Scalar neg_d;
    crypto_core_ed25519_scalar_negate(neg_d.data(), d.data());
    crypto_core_ed25519_scalar_add(shares[5].share.data(), shares[5].share.data(), d.data());
    crypto_core_ed25519_scalar_add(shares[40].share.data(), shares[40].share.data(), neg_d.data());
    auto optimistic = aggregate(g.s.suite, g.s.list, g.s.msg, g.s.dealer.group_public_key, shares);
    ASSERT_TRUE(optimistic);
    EXPECT_TRUE(verify_signature(g.s.suite, g.s.dealer.group_public_key, g.s.msg, *optimistic));
    Identifier culprit = 0;
    EXPECT_EQ(g.package.verify_shares(shares, &culprit).error(), Errc::invalid_share);
    EXPECT_EQ(culprit, shares[5].id);
    EXPECT_EQ(aggregate_verified(g.package, shares, &culprit).error(), Errc::invalid_share);
    EXPECT_FALSE(g.package.verify_share(shares[40].id, shares[40].public_share, shares[40].share));
    // Wrong count or order is a list error, not a share error.
    auto swapped = g.shares;
    std::swap(swapped[0], swapped[1]);
    EXPECT_EQ(g.package.verify_shares(swapped).error(), Errc::bad_commitment_list);
    swapped.pop_back();
    EXPECT_EQ(g.package.verify_shares(swapped).error(), Errc::bad_commitment_list);
  }
}

TEST(Frost, VerifiedAggregationNamesEveryKindOfBadShare) {
  for (auto id : {SuiteId::ed25519, SuiteId::ristretto255}) {
    auto s = make_signers(id, 7, 5, 11);
    auto package = SigningPackage::create(s.suite, s.list, s.dealer.group_public_key, s.msg, 5);
    ASSERT_TRUE(package);
    std::vector<ShareWithKey> shares;
    for (std::size_t i = 0; i < 5; ++i) {
      const auto pid = static_cast<Identifier>(i + 1);
      auto z = package->sign(pid, s.dealer.shares[i].value, s.nonces[i]);
      ASSERT_TRUE(z);
      shares.push_back({pid, *z, *public_share_from_commitment(s.suite, pid, s.dealer.vss_commitment)});
      EXPECT_TRUE(package->verify_share(pid, shares.back().public_share, *z));
    }
    auto sig = aggregate_verified(*package, shares);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(verify_signature(s.suite, s.dealer.group_public_key, s.msg, *sig));
    // The optimistic path gives the same signature.
    EXPECT_EQ(*aggregate(s.suite, s.list, s.msg, s.dealer.group_public_key, shares), *sig);
    // A share checked against another signer's public share fails; a share for someone outside the
    // package is unknown; shares out of order are refused.
    EXPECT_EQ(package->verify_share(2, shares[0].public_share, shares[1].share).error(), Errc::invalid_share);
    EXPECT_EQ(package->verify_share(6, shares[0].public_share, shares[0].share).error(),
              Errc::unknown_participant);
    auto swapped = shares;
    std::swap(swapped[0], swapped[1]);
    EXPECT_EQ(aggregate_verified(*package, swapped).error(), Errc::bad_commitment_list);
    // Two cheaters whose errors cancel still produce a valid sum; only per-share checks name them.
    auto cancel = shares;
    Scalar delta{3};
    crypto_core_ed25519_scalar_add(cancel[1].share.data(), cancel[1].share.data(), delta.data());
    crypto_core_ed25519_scalar_sub(cancel[3].share.data(), cancel[3].share.data(), delta.data());
    EXPECT_TRUE(aggregate(s.suite, s.list, s.msg, s.dealer.group_public_key, cancel));
    Identifier culprit = 0;
    EXPECT_EQ(aggregate_verified(*package, cancel, &culprit).error(), Errc::invalid_share);
    EXPECT_EQ(culprit, 2u);
  }
}

TEST(Frost, CommitmentListAndThresholdValidation) {
  const auto& s = Suite::get(SuiteId::ristretto255);
  SeededEntropy e(1);
  Scalar secret{7};
  EXPECT_EQ(trusted_dealer_keygen(s, secret, 3, 1, e).error(), Errc::bad_threshold);
  EXPECT_EQ(trusted_dealer_keygen(s, secret, 2, 3, e).error(), Errc::bad_threshold);
  EXPECT_EQ(trusted_dealer_keygen(s, Scalar{}, 3, 2, e).error(), Errc::zero_scalar);
  EXPECT_EQ(trusted_dealer_keygen(s, secret, kMaxParticipants + 1, 2, e).error(), Errc::bad_threshold);
  SigningCommitment a{1, {}, {}}, b{2, {}, {}};
  std::vector<SigningCommitment> unsorted{b, a}, dup{a, a}, ok{a, b}, zero{{0, {}, {}}, a};
  EXPECT_EQ(validate_commitment_list(unsorted, 2).error(), Errc::bad_commitment_list);
  EXPECT_EQ(validate_commitment_list(dup, 2).error(), Errc::bad_commitment_list);
  EXPECT_EQ(validate_commitment_list(zero, 2).error(), Errc::bad_commitment_list);
  EXPECT_EQ(validate_commitment_list(ok, 3).error(), Errc::bad_commitment_list);
  EXPECT_TRUE(validate_commitment_list(ok, 2));
  EXPECT_EQ(derive_interpolating_value(ok, 5).error(), Errc::unknown_participant);
}

// Any t honest signers of a random t-of-n sharing produce a valid signature; a corrupted share is caught
// and its signer named.
TEST(FrostProperty, AnyThresholdSubsetSignsAndCheatersAreNamed) {
  SeededEntropy e(42);
  auto rng = DeterministicRng::from_u64(43);
  for (int trial = 0; trial < 12; ++trial) {
    const auto& suite = Suite::get(trial % 2 ? SuiteId::ed25519 : SuiteId::ristretto255);
    const std::size_t n = 2 + rng.uniform(49);     // 2..50
    const std::size_t t = 2 + rng.uniform(n - 1);  // 2..n
    std::array<std::uint8_t, 64> wide;
    e.fill(wide);
    Scalar secret;
    crypto_core_ed25519_scalar_reduce(secret.data(), wide.data());
    auto dealer = trusted_dealer_keygen(suite, secret, n, t, e);
    ASSERT_TRUE(dealer);
    // A random subset of t signers, sorted by identifier.
    std::vector<Identifier> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = static_cast<Identifier>(i + 1);
    for (std::size_t i = n; i > 1; --i) std::swap(ids[i - 1], ids[rng.uniform(i)]);
    ids.resize(t);
    std::sort(ids.begin(), ids.end());
    std::vector<SigningCommitment> list;
    std::vector<SigningNonces> nonces(t);
    for (std::size_t i = 0; i < t; ++i) {
      auto c = commit(suite, ids[i], dealer->shares[ids[i] - 1].value, e, nonces[i]);
      ASSERT_TRUE(c);
      list.push_back(*c);
    }
    const Bytes msg = {static_cast<std::uint8_t>(trial), 'm', 's', 'g'};
    std::vector<ShareWithKey> shares;
    for (std::size_t i = 0; i < t; ++i) {
      auto z = sign(suite, ids[i], dealer->shares[ids[i] - 1].value, dealer->group_public_key, nonces[i], msg,
                    list);
      ASSERT_TRUE(z);
      shares.push_back({ids[i], *z, *public_share_from_commitment(suite, ids[i], dealer->vss_commitment)});
    }
    auto sig = aggregate(suite, list, msg, dealer->group_public_key, shares);
    ASSERT_TRUE(sig) << "n=" << n << " t=" << t;
    EXPECT_TRUE(verify_signature(suite, dealer->group_public_key, msg, *sig));
    if (suite.id() == SuiteId::ed25519) {
      EXPECT_EQ(
          crypto_sign_verify_detached(sig->data(), msg.data(), msg.size(), dealer->group_public_key.data()),
          0);
    }
    Bytes other = msg;
    other.push_back('!');
    EXPECT_FALSE(verify_signature(suite, dealer->group_public_key, other, *sig));

    const std::size_t cheat = rng.uniform(t);
    shares[cheat].share[0] ^= 1;
    Identifier culprit = 0;
    EXPECT_EQ(aggregate(suite, list, msg, dealer->group_public_key, shares, &culprit).error(),
              Errc::invalid_share);
    EXPECT_EQ(culprit, ids[cheat]);
  }
}

}  // namespace
}  // namespace stakecast::crypto::frost
