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
