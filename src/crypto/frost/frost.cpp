#include "crypto/frost/frost.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace stakecast::crypto::frost {

const char* describe(Errc e) {
  switch (e) {
    case Errc::bad_element:
      return "invalid group element encoding";
    case Errc::bad_scalar:
      return "non-canonical scalar";
    case Errc::zero_scalar:
      return "scalar must not be zero";
    case Errc::bad_identifier:
      return "invalid participant identifier";
    case Errc::bad_threshold:
      return "invalid threshold parameters";
    case Errc::bad_commitment_list:
      return "invalid commitment list";
    case Errc::unknown_participant:
      return "participant not in the commitment list";
    case Errc::invalid_share:
      return "signature share does not verify";
    case Errc::identity_result:
      return "operation produced the identity element";
    case Errc::bad_length:
      return "encoded value has the wrong length";
  }
  return "unknown frost error";
}

namespace {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

Scalar reduce64(const std::array<std::uint8_t, 64>& wide) {
  Scalar s;
  crypto_core_ed25519_scalar_reduce(s.data(), wide.data());
  return s;
}

Scalar s_add(const Scalar& a, const Scalar& b) {
  Scalar r;
  crypto_core_ed25519_scalar_add(r.data(), a.data(), b.data());
  return r;
}
Scalar s_sub(const Scalar& a, const Scalar& b) {
  Scalar r;
  crypto_core_ed25519_scalar_sub(r.data(), a.data(), b.data());
  return r;
}
Scalar s_mul(const Scalar& a, const Scalar& b) {
  Scalar r;
  crypto_core_ed25519_scalar_mul(r.data(), a.data(), b.data());
  return r;
}
bool s_is_zero(const Scalar& a) { return sodium_is_zero(a.data(), a.size()) == 1; }
Scalar s_one() {
  Scalar one{};
  one[0] = 1;
  return one;
}

class Ed25519Suite final : public Suite {
 public:
  SuiteId id() const override { return SuiteId::ed25519; }
  std::string_view name() const override { return "FROST(Ed25519, SHA-512)"; }
  std::string_view context_string() const override { return "FROST-ED25519-SHA512-v1"; }
  Result<Element> deserialize_element(BytesView b) const override {
    if (b.size() != 32) return Errc::bad_length;
    // Canonical, on the curve, in the prime-order subgroup and not of small order (so not the identity).
    if (crypto_core_ed25519_is_valid_point(b.data()) != 1) return Errc::bad_element;
    Element e;
    std::memcpy(e.data(), b.data(), 32);
    return e;
  }
  Result<Element> base_mul(const Scalar& s) const override {
    Element e;
    if (crypto_scalarmult_ed25519_base_noclamp(e.data(), s.data()) != 0) return Errc::identity_result;
    return e;
  }
  Result<Element> mul(const Element& p, const Scalar& s) const override {
    Element e;
    if (crypto_scalarmult_ed25519_noclamp(e.data(), s.data(), p.data()) != 0) return Errc::identity_result;
    return e;
  }
  Result<Element> add(const Element& p, const Element& q) const override {
    Element e;
    if (crypto_core_ed25519_add(e.data(), p.data(), q.data()) != 0) return Errc::identity_result;
    static constexpr Element kIdentity = {1};
    if (e == kIdentity) return Errc::identity_result;
    return e;
  }
  Scalar h2(BytesView m) const override {
    std::array<std::uint8_t, 64> h;
    crypto_hash_sha512(h.data(), m.data(), m.size());
    return reduce64(h);
  }
};

class Ristretto255Suite final : public Suite {
 public:
  SuiteId id() const override { return SuiteId::ristretto255; }
  std::string_view name() const override { return "FROST(ristretto255, SHA-512)"; }
  std::string_view context_string() const override { return "FROST-RISTRETTO255-SHA512-v1"; }
  Result<Element> deserialize_element(BytesView b) const override {
    if (b.size() != 32) return Errc::bad_length;
    if (crypto_core_ristretto255_is_valid_point(b.data()) != 1 || sodium_is_zero(b.data(), 32) == 1)
      return Errc::bad_element;
    Element e;
    std::memcpy(e.data(), b.data(), 32);
    return e;
  }
  Result<Element> base_mul(const Scalar& s) const override {
    Element e;
    if (crypto_scalarmult_ristretto255_base(e.data(), s.data()) != 0) return Errc::identity_result;
    return e;
  }
  Result<Element> mul(const Element& p, const Scalar& s) const override {
    Element e;
    if (crypto_scalarmult_ristretto255(e.data(), s.data(), p.data()) != 0) return Errc::identity_result;
    return e;
  }
  Result<Element> add(const Element& p, const Element& q) const override {
    Element e;
    if (crypto_core_ristretto255_add(e.data(), p.data(), q.data()) != 0 || sodium_is_zero(e.data(), 32) == 1)
      return Errc::identity_result;
    return e;
  }
  Scalar h2(BytesView m) const override { return hash_to_scalar("chal", m); }
};

Bytes concat(std::initializer_list<BytesView> parts) {
  Bytes out;
  for (auto p : parts) append(out, p);
  return out;
}

}  // namespace

const Suite& Suite::get(SuiteId id) {
  ensure_sodium();
  static const Ed25519Suite ed;
  static const Ristretto255Suite ri;
  return id == SuiteId::ed25519 ? static_cast<const Suite&>(ed) : static_cast<const Suite&>(ri);
}

std::array<std::uint8_t, 64> Suite::hash(std::string_view tag, BytesView m) const {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  const auto ctx = context_string();
  crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(ctx.data()), ctx.size());
  crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(tag.data()), tag.size());
  crypto_hash_sha512_update(&st, m.data(), m.size());
  std::array<std::uint8_t, 64> out;
  crypto_hash_sha512_final(&st, out.data());
  return out;
}

Scalar Suite::hash_to_scalar(std::string_view tag, BytesView m) const { return reduce64(hash(tag, m)); }
Scalar Suite::h1(BytesView m) const { return hash_to_scalar("rho", m); }
Scalar Suite::h3(BytesView m) const { return hash_to_scalar("nonce", m); }
std::array<std::uint8_t, 64> Suite::h4(BytesView m) const { return hash("msg", m); }
std::array<std::uint8_t, 64> Suite::h5(BytesView m) const { return hash("com", m); }

Result<Scalar> deserialize_scalar(BytesView b) {
  if (b.size() != 32) return Errc::bad_length;
  Scalar s;
  std::memcpy(s.data(), b.data(), 32);
  // Canonical iff reducing its 64-byte zero extension gives it back.
  std::array<std::uint8_t, 64> wide{};
  std::memcpy(wide.data(), s.data(), 32);
  if (reduce64(wide) != s) return Errc::bad_scalar;
  return s;
}

Scalar scalar_from_identifier(Identifier id) {
  Scalar s{};
  store_le32(s.data(), id);
  return s;
}

namespace {

Status check_identifier(Identifier id) {
  if (id == 0 || id > kMaxIdentifier) return Errc::bad_identifier;
  return {};
}

// Horner evaluation of the polynomial with coefficients [a_0, a_1, ...] at x.
Scalar polynomial_evaluate(const Scalar& x, std::span<const Scalar> coeffs) {
  Scalar value{};
  for (auto it = coeffs.rbegin(); it != coeffs.rend(); ++it) value = s_add(s_mul(value, x), *it);
  return value;
}

}  // namespace

Result<DealerOutput> dealer_keygen_with_coefficients(const Suite& suite, const Scalar& secret,
                                                     std::span<const Scalar> coefficients,
                                                     std::size_t max_participants) {
  const std::size_t min = coefficients.size() + 1;
  if (min < 2 || max_participants < min || max_participants > kMaxParticipants) return Errc::bad_threshold;
  if (s_is_zero(secret)) return Errc::zero_scalar;
  std::vector<Scalar> coeffs{secret};
  coeffs.insert(coeffs.end(), coefficients.begin(), coefficients.end());
  DealerOutput out;
  for (const auto& c : coeffs) {
    STAKECAST_TRY(Element e, suite.base_mul(c));
    out.vss_commitment.push_back(e);
  }
  out.group_public_key = out.vss_commitment[0];
  for (std::size_t i = 1; i <= max_participants; ++i) {
    const auto id = static_cast<Identifier>(i);
    out.shares.push_back({id, polynomial_evaluate(scalar_from_identifier(id), coeffs)});
  }
  sodium_memzero(coeffs.data(), coeffs.size() * sizeof(Scalar));
  return out;
}

Result<DealerOutput> trusted_dealer_keygen(const Suite& suite, const Scalar& secret,
                                           std::size_t max_participants, std::size_t min_participants,
                                           Entropy& entropy) {
  if (min_participants < 2 || max_participants < min_participants || max_participants > kMaxParticipants)
    return Errc::bad_threshold;
  std::vector<Scalar> coeffs(min_participants - 1);
  for (auto& c : coeffs) {
    std::array<std::uint8_t, 64> wide;
    entropy.fill(wide);
    c = reduce64(wide);
    sodium_memzero(wide.data(), wide.size());
  }
  auto out = dealer_keygen_with_coefficients(suite, secret, coeffs, max_participants);
  sodium_memzero(coeffs.data(), coeffs.size() * sizeof(Scalar));
  return out;
}

Result<Element> public_share_from_commitment(const Suite& suite, Identifier id,
                                             std::span<const Element> vss_commitment) {
  STAKECAST_TRY_STATUS(check_identifier(id));
  if (vss_commitment.empty()) return Errc::bad_commitment_list;
  const Scalar x = scalar_from_identifier(id);
  Scalar power = s_one();
  std::optional<Element> acc;
  for (const auto& c : vss_commitment) {
    STAKECAST_TRY(Element term, suite.mul(c, power));
    if (acc) {
      STAKECAST_TRY(Element sum, suite.add(*acc, term));
      acc = sum;
    } else {
      acc = term;
    }
    power = s_mul(power, x);
  }
  return *acc;
}

Status vss_verify(const Suite& suite, const SecretShare& share, std::span<const Element> vss_commitment) {
  STAKECAST_TRY_STATUS(check_identifier(share.id));
  auto lhs = suite.base_mul(share.value);
  auto rhs = public_share_from_commitment(suite, share.id, vss_commitment);
  if (!lhs || !rhs || *lhs != *rhs) return Errc::invalid_share;
  return {};
}

SigningNonces::~SigningNonces() {
  sodium_memzero(hiding.data(), hiding.size());
  sodium_memzero(binding.data(), binding.size());
}

Scalar nonce_generate(const Suite& suite, const std::array<std::uint8_t, 32>& random_bytes,
                      const Scalar& secret) {
  std::array<std::uint8_t, 64> input;
  std::memcpy(input.data(), random_bytes.data(), 32);
  std::memcpy(input.data() + 32, secret.data(), 32);
  Scalar n = suite.h3(input);
  sodium_memzero(input.data(), input.size());
  return n;
}

Result<SigningCommitment> commitment_for(const Suite& suite, Identifier id, const SigningNonces& nonces) {
  STAKECAST_TRY_STATUS(check_identifier(id));
  SigningCommitment c;
  c.id = id;
  STAKECAST_TRY(c.hiding, suite.base_mul(nonces.hiding));
  STAKECAST_TRY(c.binding, suite.base_mul(nonces.binding));
  return c;
}

Result<SigningCommitment> commit(const Suite& suite, Identifier id, const Scalar& secret, Entropy& entropy,
                                 SigningNonces& nonces_out) {
  std::array<std::uint8_t, 32> r;
  entropy.fill(r);
  nonces_out.hiding = nonce_generate(suite, r, secret);
  entropy.fill(r);
  nonces_out.binding = nonce_generate(suite, r, secret);
  sodium_memzero(r.data(), r.size());
  return commitment_for(suite, id, nonces_out);
}

Status validate_commitment_list(std::span<const SigningCommitment> list, std::size_t min_participants) {
  if (list.empty() || list.size() < min_participants || list.size() > kMaxParticipants)
    return Errc::bad_commitment_list;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].id == 0 || list[i].id > kMaxIdentifier) return Errc::bad_commitment_list;
    if (i > 0 && list[i - 1].id >= list[i].id) return Errc::bad_commitment_list;
  }
  return {};
}

std::vector<BindingFactor> compute_binding_factors(const Suite& suite, const Element& group_public_key,
                                                   std::span<const SigningCommitment> list, BytesView msg,
                                                   std::vector<Bytes>* inputs) {
  Bytes encoded;
  encoded.reserve(list.size() * 96);
  for (const auto& c : list) {
    const Scalar id = scalar_from_identifier(c.id);
    append(encoded, id);
    append(encoded, c.hiding);
    append(encoded, c.binding);
  }
  const auto msg_hash = suite.h4(msg);
  const auto com_hash = suite.h5(encoded);
  Bytes rho = concat({group_public_key, msg_hash, com_hash});
  const std::size_t prefix = rho.size();
  std::vector<BindingFactor> out;
  out.reserve(list.size());
  for (const auto& c : list) {
    rho.resize(prefix);
    append(rho, scalar_from_identifier(c.id));
    if (inputs != nullptr) inputs->push_back(rho);
    out.push_back({c.id, suite.h1(rho)});
  }
  return out;
}

namespace {
// Sum of D_i + E_i * rho_i; keeps each term in *terms when given (the coordinator's share checks).
Result<Element> sum_commitments(const Suite& suite, std::span<const SigningCommitment> list,
                                std::span<const BindingFactor> factors, std::vector<Element>* terms) {
  std::optional<Element> acc;
  for (std::size_t i = 0; i < list.size(); ++i) {
    STAKECAST_TRY(Element bound, suite.mul(list[i].binding, factors[i].factor));
    STAKECAST_TRY(Element term, suite.add(list[i].hiding, bound));
    if (terms != nullptr) terms->push_back(term);
    if (acc) {
      STAKECAST_TRY(Element sum, suite.add(*acc, term));
      acc = sum;
    } else {
      acc = term;
    }
  }
  if (!acc) return Errc::bad_commitment_list;
  return *acc;
}
}  // namespace

Result<Element> compute_group_commitment(const Suite& suite, std::span<const SigningCommitment> list,
                                         std::span<const BindingFactor> factors) {
  return sum_commitments(suite, list, factors, nullptr);
}

Scalar compute_challenge(const Suite& suite, const Element& group_commitment, const Element& group_public_key,
                         BytesView msg) {
  return suite.h2(concat({group_commitment, group_public_key, msg}));
}

Result<Scalar> derive_interpolating_value(std::span<const SigningCommitment> list, Identifier x_i) {
  const bool present = std::any_of(list.begin(), list.end(), [&](const auto& c) { return c.id == x_i; });
  if (!present) return Errc::unknown_participant;
  const Scalar xi = scalar_from_identifier(x_i);
  Scalar num = s_one(), den = s_one();
  for (const auto& c : list) {
    if (c.id == x_i) continue;
    const Scalar xj = scalar_from_identifier(c.id);
    num = s_mul(num, xj);
    den = s_mul(den, s_sub(xj, xi));
  }
  Scalar inv;
  if (crypto_core_ed25519_scalar_invert(inv.data(), den.data()) != 0) return Errc::bad_commitment_list;
  return s_mul(num, inv);
}

namespace {

struct SigningContext {
  std::vector<BindingFactor> factors;
  std::vector<Element> comm_shares;  // D_i + E_i * rho_i, in list order
  Element group_commitment{};
  Scalar challenge{};
};

Result<SigningContext> signing_context(const Suite& suite, std::span<const SigningCommitment> list,
                                       const Element& group_public_key, BytesView msg) {
  STAKECAST_TRY_STATUS(validate_commitment_list(list, 1));
  SigningContext ctx;
  ctx.factors = compute_binding_factors(suite, group_public_key, list, msg);
  STAKECAST_TRY(ctx.group_commitment, sum_commitments(suite, list, ctx.factors, &ctx.comm_shares));
  ctx.challenge = compute_challenge(suite, ctx.group_commitment, group_public_key, msg);
  return ctx;
}

std::optional<std::size_t> position(std::span<const SigningCommitment> list, Identifier id) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].id == id) return i;
  return std::nullopt;
}

// Share check against a precomputed context: G*z_i == D_i + E_i*rho_i + PK_i*(c*lambda_i).
Status check_share(const Suite& suite, const SigningContext& ctx, std::span<const SigningCommitment> list,
                   Identifier id, const Element& public_share, const Scalar& share) {
  auto pos = position(list, id);
  if (!pos) return Errc::unknown_participant;
  STAKECAST_TRY(Scalar lambda, derive_interpolating_value(list, id));
  STAKECAST_TRY(Element pk_term, suite.mul(public_share, s_mul(ctx.challenge, lambda)));
  STAKECAST_TRY(Element rhs, suite.add(ctx.comm_shares[*pos], pk_term));
  auto lhs = suite.base_mul(share);
  if (!lhs || *lhs != rhs) return Errc::invalid_share;
  return {};
}

}  // namespace

Result<Scalar> sign(const Suite& suite, Identifier id, const Scalar& secret, const Element& group_public_key,
                    const SigningNonces& nonces, BytesView msg, std::span<const SigningCommitment> list) {
  STAKECAST_TRY(SigningContext ctx, signing_context(suite, list, group_public_key, msg));
  auto pos = position(list, id);
  if (!pos) return Errc::unknown_participant;
  STAKECAST_TRY(Scalar lambda, derive_interpolating_value(list, id));
  // z_i = d_i + e_i * rho_i + lambda_i * s_i * c
  Scalar bound = s_mul(nonces.binding, ctx.factors[*pos].factor);
  Scalar keyed = s_mul(s_mul(lambda, secret), ctx.challenge);
  Scalar z = s_add(s_add(nonces.hiding, bound), keyed);
  sodium_memzero(bound.data(), bound.size());
  sodium_memzero(keyed.data(), keyed.size());
  return z;
}

Status verify_signature_share(const Suite& suite, Identifier id, const Element& public_share,
                              const Scalar& share, std::span<const SigningCommitment> list,
                              const Element& group_public_key, BytesView msg) {
  STAKECAST_TRY(SigningContext ctx, signing_context(suite, list, group_public_key, msg));
  return check_share(suite, ctx, list, id, public_share, share);
}

Result<Signature> aggregate(const Suite& suite, std::span<const SigningCommitment> list, BytesView msg,
                            const Element& group_public_key, std::span<const ShareWithKey> shares,
                            Identifier* culprit) {
  STAKECAST_TRY(SigningContext ctx, signing_context(suite, list, group_public_key, msg));
  if (shares.size() != list.size()) return Errc::bad_commitment_list;
  Scalar z{};
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].id != list[i].id)
      return Errc::bad_commitment_list;  // one share per listed signer, in order
    z = s_add(z, shares[i].share);
  }
  Signature sig;
  std::memcpy(sig.data(), ctx.group_commitment.data(), 32);
  std::memcpy(sig.data() + 32, z.data(), 32);
  // RFC 9591 5.3: verify the aggregate; only if it fails, verify each share to name the culprit. Valid
  // shares sum to a valid signature, so the common case costs two scalar multiplications, not 2t.
  if (verify_signature(suite, group_public_key, msg, sig)) return sig;
  for (const auto& s : shares) {
    if (!check_share(suite, ctx, list, s.id, s.public_share, s.share)) {
      if (culprit != nullptr) *culprit = s.id;
      return Errc::invalid_share;
    }
  }
  // Every share checks out against its public share, yet the sum does not verify: the public shares are
  // not a sharing of the group key (caller's inputs are inconsistent).
  if (culprit != nullptr) *culprit = 0;
  return Errc::invalid_share;
}

bool verify_signature(const Suite& suite, const Element& group_public_key, BytesView msg,
                      const Signature& sig) {
  auto r = suite.deserialize_element(BytesView(sig).first(32));
  auto z = deserialize_scalar(BytesView(sig).subspan(32));
  if (!r || !z || !suite.deserialize_element(group_public_key)) return false;
  const Scalar c = compute_challenge(suite, *r, group_public_key, msg);
  auto lhs = suite.base_mul(*z);
  auto pk_c = suite.mul(group_public_key, c);
  if (!lhs || !pk_c) return false;
  auto rhs = suite.add(*r, *pk_c);
  return rhs && *lhs == *rhs;
}

}  // namespace stakecast::crypto::frost
