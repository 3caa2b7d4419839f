#include "crypto/frost/frost.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace stakecast::crypto::frost {

namespace vt = edwards25519_vartime;

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
    case Errc::nonce_reused:
      return "signing nonces already used";
    case Errc::commitment_mismatch:
      return "commitment list does not hold this signer's commitment";
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
Scalar s_neg(const Scalar& a) {
  Scalar r;
  crypto_core_ed25519_scalar_negate(r.data(), a.data());
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
    // SECURITY: libsodium 1.0.18 ignores bit 255 here, but RFC 9496 4.3.1 requires s < p: reject it.
    if ((b[31] & 0x80) != 0 || crypto_core_ristretto255_is_valid_point(b.data()) != 1 ||
        sodium_is_zero(b.data(), 32) == 1)
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

vt::Encoding encoding(const Suite& suite) {
  return suite.id() == SuiteId::ed25519 ? vt::Encoding::ed25519 : vt::Encoding::ristretto255;
}

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

SigningNonces::SigningNonces(SigningNonces&& o) noexcept : hiding(o.hiding), binding(o.binding) { o.wipe(); }
SigningNonces& SigningNonces::operator=(SigningNonces&& o) noexcept {
  if (this != &o) {
    hiding = o.hiding;
    binding = o.binding;
    o.wipe();
  }
  return *this;
}
SigningNonces::~SigningNonces() { wipe(); }
void SigningNonces::wipe() {
  sodium_memzero(hiding.data(), hiding.size());
  sodium_memzero(binding.data(), binding.size());
}
bool SigningNonces::empty() const { return s_is_zero(hiding) || s_is_zero(binding); }

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
// R = sum D_i + sum rho_i * E_i over the public commitments as one variable-time multi-scalar
// multiplication; keeps the decoded D_i and E_i. The elements were validated by deserialize_element.
Result<vt::Point> group_commitment_point(const Suite& suite, std::span<const SigningCommitment> list,
                                         std::span<const BindingFactor> factors,
                                         std::vector<vt::Point>& hiding, std::vector<vt::Point>& binding) {
  if (list.empty() || factors.size() != list.size()) return Errc::bad_commitment_list;
  const auto enc = encoding(suite);
  hiding.clear();
  binding.clear();
  hiding.reserve(list.size());
  binding.reserve(list.size());
  std::vector<vt::Scalar> rho;
  rho.reserve(list.size());
  vt::Point sum_hiding = vt::identity();
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto d = vt::decode(enc, list[i].hiding);
    auto e = vt::decode(enc, list[i].binding);
    if (!d || !e) return Errc::bad_element;
    sum_hiding = vt::add(sum_hiding, *d);
    hiding.push_back(*d);
    binding.push_back(*e);
    rho.push_back(factors[i].factor);
  }
  const vt::Point r = vt::add(sum_hiding, vt::msm(rho, binding));
  if (vt::is_identity(enc, r)) return Errc::identity_result;
  return r;
}
}  // namespace

Result<Element> compute_group_commitment(const Suite& suite, std::span<const SigningCommitment> list,
                                         std::span<const BindingFactor> factors) {
  std::vector<vt::Point> hiding, binding;
  STAKECAST_TRY(vt::Point r, group_commitment_point(suite, list, factors, hiding, binding));
  return vt::encode(encoding(suite), r);
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

__extension__ using u128 = unsigned __int128;  // GCC and clang both provide it on 64-bit targets

Scalar scalar_from_u128(u128 v) {
  Scalar s{};
  for (std::size_t i = 0; i < 16; ++i) s[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return s;
}

// Every lambda_i = prod_{j != i} x_j / (x_j - x_i) of a valid list, with one inversion (Montgomery's
// batch trick). PERF: identifiers are below 2^16, so seven differences multiply exactly in 128 bits (below
// L) before one scalar multiplication: about t^2/7 scalar multiplications instead of t^2.
Result<std::vector<Scalar>> all_interpolating_values(std::span<const SigningCommitment> list) {
  const std::size_t t = list.size();
  std::vector<Scalar> x(t), den(t);
  Scalar all = s_one();
  for (std::size_t i = 0; i < t; ++i) {
    x[i] = scalar_from_identifier(list[i].id);
    all = s_mul(all, x[i]);
  }
  for (std::size_t i = 0; i < t; ++i) {
    Scalar d = x[i];  // lambda_i = all / (x_i * prod_{j != i} (x_j - x_i))
    u128 chunk = 1;
    int in_chunk = 0;
    bool negative = false;
    for (std::size_t j = 0; j < t; ++j) {
      if (j == i) continue;
      const auto diff = static_cast<std::int64_t>(list[j].id) - static_cast<std::int64_t>(list[i].id);
      negative ^= diff < 0;
      chunk *= static_cast<std::uint64_t>(diff < 0 ? -diff : diff);
      if (++in_chunk == 7) {
        d = s_mul(d, scalar_from_u128(chunk));
        chunk = 1;
        in_chunk = 0;
      }
    }
    if (in_chunk > 0) d = s_mul(d, scalar_from_u128(chunk));
    den[i] = negative ? s_neg(d) : d;
  }
  // prefix[i] = den_0 * ... * den_{i-1}
  std::vector<Scalar> prefix(t);
  Scalar acc = s_one();
  for (std::size_t i = 0; i < t; ++i) {
    prefix[i] = acc;
    acc = s_mul(acc, den[i]);
  }
  Scalar inv;
  if (crypto_core_ed25519_scalar_invert(inv.data(), acc.data()) != 0) return Errc::bad_commitment_list;
  std::vector<Scalar> out(t);
  for (std::size_t i = t; i-- > 0;) {
    out[i] = s_mul(s_mul(inv, prefix[i]), all);  // inv * prefix[i] = 1 / den_i
    inv = s_mul(inv, den[i]);
  }
  return out;
}

}  // namespace

Result<SigningPackage> SigningPackage::create(const Suite& suite, std::span<const SigningCommitment> list,
                                              const Element& group_public_key, BytesView msg,
                                              std::size_t min_participants) {
  STAKECAST_TRY_STATUS(validate_commitment_list(list, std::max<std::size_t>(min_participants, 1)));
  SigningPackage p;
  p.suite_ = &suite;
  p.list_.assign(list.begin(), list.end());
  p.group_public_key_ = group_public_key;
  p.factors_ = compute_binding_factors(suite, group_public_key, list, msg);
  STAKECAST_TRY(vt::Point r,
                group_commitment_point(suite, list, p.factors_, p.hiding_points_, p.binding_points_));
  p.group_commitment_ = vt::encode(encoding(suite), r);
  p.challenge_ = compute_challenge(suite, p.group_commitment_, group_public_key, msg);
  STAKECAST_TRY(p.lambdas_, all_interpolating_values(list));
  return p;
}

std::optional<std::size_t> SigningPackage::position(Identifier id) const {
  // The list is sorted by identifier.
  auto it =
      std::lower_bound(list_.begin(), list_.end(), id, [](const auto& c, Identifier v) { return c.id < v; });
  if (it == list_.end() || it->id != id) return std::nullopt;
  return static_cast<std::size_t>(it - list_.begin());
}

Result<Scalar> SigningPackage::sign(Identifier id, const Scalar& secret, SigningNonces& nonces) const {
  auto pos = position(id);
  if (!pos) return Errc::unknown_participant;
  if (nonces.empty()) return Errc::nonce_reused;
  // SECURITY: sign only a package that carries our own commitment; otherwise a coordinator could make us
  // answer for a commitment we never made.
  auto own = commitment_for(*suite_, id, nonces);
  if (!own || own->hiding != list_[*pos].hiding || own->binding != list_[*pos].binding) {
    nonces.wipe();
    return Errc::commitment_mismatch;
  }
  // z_i = d_i + e_i * rho_i + lambda_i * s_i * c
  Scalar bound = s_mul(nonces.binding, factors_[*pos].factor);
  Scalar keyed = s_mul(s_mul(lambdas_[*pos], secret), challenge_);
  Scalar z = s_add(s_add(nonces.hiding, bound), keyed);
  sodium_memzero(bound.data(), bound.size());
  sodium_memzero(keyed.data(), keyed.size());
  nonces.wipe();
  return z;
}

Status SigningPackage::verify_share(Identifier id, const Element& public_share, const Scalar& share) const {
  auto pos = position(id);
  if (!pos) return Errc::unknown_participant;
  const auto enc = encoding(*suite_);
  const auto pk = vt::decode(enc, public_share);
  if (!pk) return Errc::invalid_share;
  // G*z_i - E_i*rho_i - PK_i*(c*lambda_i) == D_i, all public (variable time).
  const vt::Scalar scalars[] = {factors_[*pos].factor, s_mul(challenge_, lambdas_[*pos])};
  const vt::Point points[] = {vt::neg(binding_points_[*pos]), vt::neg(*pk)};
  if (!vt::equal(enc, vt::msm(scalars, points, &share), hiding_points_[*pos])) return Errc::invalid_share;
  return {};
}

Status SigningPackage::verify_shares(std::span<const ShareWithKey> shares, Identifier* culprit) const {
  const std::size_t t = list_.size();
  if (shares.size() != t) return Errc::bad_commitment_list;
  for (std::size_t i = 0; i < t; ++i)
    if (shares[i].id != list_[i].id) return Errc::bad_commitment_list;  // one share per signer, in order
  const auto enc = encoding(*suite_);
  // SECURITY: the r_i come from a hash of everything the signers sent, so no signer can know them before
  // fixing its share; shares with errors e_i pass only if sum r_i * e_i = 0, probability <= 2^-128 per
  // hash query (offsetting errors, which fool the sum check of aggregate(), included).
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  const auto ctx = suite_->context_string();
  crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(ctx.data()), ctx.size());
  static constexpr char kTag[] = "batch";
  crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(kTag), sizeof kTag - 1);
  crypto_hash_sha512_update(&st, group_public_key_.data(), 32);
  crypto_hash_sha512_update(&st, group_commitment_.data(), 32);
  crypto_hash_sha512_update(&st, challenge_.data(), 32);
  for (std::size_t i = 0; i < t; ++i) {
    const Scalar id = scalar_from_identifier(list_[i].id);
    for (const auto* part :
         {&id, &list_[i].hiding, &list_[i].binding, &shares[i].public_share, &shares[i].share})
      crypto_hash_sha512_update(&st, part->data(), 32);
  }
  std::array<std::uint8_t, 68> seed{};  // transcript hash || block counter
  crypto_hash_sha512_final(&st, seed.data());

  std::vector<vt::Scalar> scalars;
  std::vector<vt::Point> points;
  scalars.reserve(3 * t);
  points.reserve(3 * t);
  Scalar base{};
  bool decoded = true;
  std::array<std::uint8_t, 64> block{};
  for (std::size_t i = 0; i < t && decoded; ++i) {
    if (i % 4 == 0) {
      store_le32(seed.data() + 64, static_cast<std::uint32_t>(i / 4));
      crypto_hash_sha512(block.data(), seed.data(), seed.size());
    }
    Scalar r{};  // 128 bits
    std::memcpy(r.data(), block.data() + 16 * (i % 4), 16);
    const auto pk = vt::decode(enc, shares[i].public_share);
    if (!pk) {
      decoded = false;
      break;
    }
    // r_i * (G*z_i - D_i - E_i*rho_i - PK_i*(c*lambda_i))
    base = s_add(base, s_mul(r, shares[i].share));
    scalars.push_back(r);
    points.push_back(vt::neg(hiding_points_[i]));
    scalars.push_back(s_mul(r, factors_[i].factor));
    points.push_back(vt::neg(binding_points_[i]));
    scalars.push_back(s_mul(r, s_mul(challenge_, lambdas_[i])));
    points.push_back(vt::neg(*pk));
  }
  if (decoded && vt::is_identity(enc, vt::msm(scalars, points, &base))) return {};
  // Some share is wrong: find it.
  for (const auto& s : shares) {
    if (!verify_share(s.id, s.public_share, s.share)) {
      if (culprit != nullptr) *culprit = s.id;
      return Errc::invalid_share;
    }
  }
  if (culprit != nullptr) *culprit = 0;  // unreachable for consistent inputs
  return Errc::invalid_share;
}

Result<Signature> SigningPackage::sum(std::span<const Scalar> shares) const {
  if (shares.size() != list_.size()) return Errc::bad_commitment_list;
  Scalar z{};
  for (const auto& s : shares) z = s_add(z, s);
  Signature sig;
  std::memcpy(sig.data(), group_commitment_.data(), 32);
  std::memcpy(sig.data() + 32, z.data(), 32);
  return sig;
}

Result<Scalar> sign(const Suite& suite, Identifier id, const Scalar& secret, const Element& group_public_key,
                    SigningNonces& nonces, BytesView msg, std::span<const SigningCommitment> list) {
  auto package = SigningPackage::create(suite, list, group_public_key, msg);
  if (!package) {
    nonces.wipe();
    return Err(package.error());
  }
  return package->sign(id, secret, nonces);
}

Status verify_signature_share(const Suite& suite, Identifier id, const Element& public_share,
                              const Scalar& share, std::span<const SigningCommitment> list,
                              const Element& group_public_key, BytesView msg) {
  STAKECAST_TRY(SigningPackage package, SigningPackage::create(suite, list, group_public_key, msg));
  return package.verify_share(id, public_share, share);
}

namespace {
Result<std::vector<Scalar>> shares_in_order(const SigningPackage& package,
                                            std::span<const ShareWithKey> shares) {
  const auto list = package.commitments();
  if (shares.size() != list.size()) return Errc::bad_commitment_list;
  std::vector<Scalar> z(shares.size());
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].id != list[i].id) return Errc::bad_commitment_list;  // one share per signer, in order
    z[i] = shares[i].share;
  }
  return z;
}
}  // namespace

Result<Signature> aggregate(const Suite& suite, std::span<const SigningCommitment> list, BytesView msg,
                            const Element& group_public_key, std::span<const ShareWithKey> shares,
                            Identifier* culprit) {
  STAKECAST_TRY(SigningPackage package, SigningPackage::create(suite, list, group_public_key, msg));
  STAKECAST_TRY(std::vector<Scalar> z, shares_in_order(package, shares));
  STAKECAST_TRY(Signature sig, package.sum(z));
  // RFC 9591 5.3: verify the aggregate; only if it fails, check the shares to name the culprit. Valid
  // shares sum to a valid signature, so the common case costs one signature check.
  if (verify_signature(suite, group_public_key, msg, sig)) return sig;
  if (package.verify_shares(shares, culprit)) {
    // Every share checks out against its public share, yet the sum does not verify: the public shares
    // are not a sharing of the group key (caller's inputs are inconsistent).
    if (culprit != nullptr) *culprit = 0;
  }
  return Errc::invalid_share;
}

Result<Signature> aggregate_verified(const SigningPackage& package, std::span<const ShareWithKey> shares,
                                     Identifier* culprit) {
  STAKECAST_TRY(std::vector<Scalar> z, shares_in_order(package, shares));
  STAKECAST_TRY_STATUS(package.verify_shares(shares, culprit));
  // Valid shares of a consistent sharing always sum to a valid signature (RFC 9591 5.3), so no final check.
  return package.sum(z);
}

bool verify_signature(const Suite& suite, const Element& group_public_key, BytesView msg,
                      const Signature& sig) {
  auto r = suite.deserialize_element(BytesView(sig).first(32));
  auto z = deserialize_scalar(BytesView(sig).subspan(32));
  if (!r || !z || !suite.deserialize_element(group_public_key)) return false;
  const Scalar c = compute_challenge(suite, *r, group_public_key, msg);
  // G*z - PK*c == R on validated public values (variable time).
  const auto enc = encoding(suite);
  const auto r_point = vt::decode(enc, *r);
  const auto pk = vt::decode(enc, group_public_key);
  if (!r_point || !pk) return false;
  const vt::Point neg_pk = vt::neg(*pk);
  return vt::equal(enc, vt::msm(std::span(&c, 1), std::span(&neg_pk, 1), &*z), *r_point);
}

}  // namespace stakecast::crypto::frost
