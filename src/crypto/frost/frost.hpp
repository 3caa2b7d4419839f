// FROST threshold Schnorr signatures, RFC 9591, for the ciphersuites FROST(Ed25519, SHA-512) and
// FROST(ristretto255, SHA-512), over libsodium. SPEC: RFC 9591 sections 4-6 and appendix C (trusted
// dealer). The protocol functions are written once against the Suite interface. Secrets stay in
// libsodium's constant-time operations and are wiped; every received element and scalar is validated
// (canonical encoding, not the identity). Sums of public values (group commitment, share and signature
// checks) use the variable-time crypto/edwards25519_vartime after that validation. Nonces come from
// injected Entropy. No I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "crypto/edwards25519_vartime.hpp"

namespace stakecast::crypto::frost {

enum class Errc {
  bad_element = 1,      // not a canonical encoding of a non-identity element of the prime-order group
  bad_scalar,           // not a canonical scalar (≥ the group order)
  zero_scalar,          // a scalar that must be non-zero is zero (e.g. a secret key)
  bad_identifier,       // identifier 0 or above kMaxIdentifier
  bad_threshold,        // min < 2, max < min, or max above kMaxParticipants
  bad_commitment_list,  // empty, not sorted by identifier, duplicates, or fewer than the threshold
  unknown_participant,  // identifier not in the commitment list
  invalid_share,        // a signature share that does not verify (see the culprit out-parameter)
  identity_result,      // an operation produced the identity element (negligible for honest inputs)
  bad_length,           // encoded value of the wrong size
  nonce_reused,         // signing nonces already consumed (or never generated)
  commitment_mismatch,  // the list's commitment for this signer is not the one its nonces give
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "frost")

using Scalar = std::array<std::uint8_t, 32>;   // little-endian, < L
using Element = std::array<std::uint8_t, 32>;  // RFC 8032 or ristretto255 encoding
using Identifier = std::uint32_t;

inline constexpr Identifier kMaxIdentifier = 65535;
inline constexpr std::size_t kMaxParticipants = 65535;

enum class SuiteId { ed25519, ristretto255 };

// Group and hash operations of one ciphersuite (RFC 9591 section 6).
class Suite {
 public:
  static const Suite& get(SuiteId id);
  virtual ~Suite() = default;

  virtual SuiteId id() const = 0;
  virtual std::string_view name() const = 0;            // e.g. "FROST(Ed25519, SHA-512)"
  virtual std::string_view context_string() const = 0;  // e.g. "FROST-ED25519-SHA512-v1"

  // Errors: bad_length, bad_element.
  virtual Result<Element> deserialize_element(BytesView b) const = 0;
  // G * s; errors: identity_result (s = 0).
  virtual Result<Element> base_mul(const Scalar& s) const = 0;
  // P * s; errors: identity_result.
  virtual Result<Element> mul(const Element& p, const Scalar& s) const = 0;
  // P + Q; errors: identity_result (or invalid inputs).
  virtual Result<Element> add(const Element& p, const Element& q) const = 0;

  Scalar h1(BytesView m) const;              // binding factor: H(ctx || "rho" || m) mod L
  virtual Scalar h2(BytesView m) const = 0;  // challenge (Ed25519: plain SHA-512 of m, for compatibility)
  Scalar h3(BytesView m) const;              // nonce: H(ctx || "nonce" || m) mod L
  std::array<std::uint8_t, 64> h4(BytesView m) const;  // message hash: H(ctx || "msg" || m)
  std::array<std::uint8_t, 64> h5(BytesView m) const;  // commitment list hash: H(ctx || "com" || m)

 protected:
  Scalar hash_to_scalar(std::string_view tag, BytesView m) const;
  std::array<std::uint8_t, 64> hash(std::string_view tag, BytesView m) const;
};

// Scalar helpers (the order L is shared by both suites).
// Errors: bad_length, bad_scalar.
Result<Scalar> deserialize_scalar(BytesView b);
Scalar scalar_from_identifier(Identifier id);

struct SecretShare {
  Identifier id = 0;
  Scalar value{};
};

struct DealerOutput {
  Element group_public_key{};
  std::vector<Element> vss_commitment;  // G * a_j for the polynomial coefficients a_0..a_{min-1}
  std::vector<SecretShare> shares;      // identifiers 1..max
};

// RFC 9591 appendix C.1. Errors: bad_threshold, zero_scalar, bad_scalar.
Result<DealerOutput> trusted_dealer_keygen(const Suite& suite, const Scalar& secret,
                                           std::size_t max_participants, std::size_t min_participants,
                                           Entropy& entropy);
// Same with given coefficients a_1..a_{min-1} (for test vectors).
Result<DealerOutput> dealer_keygen_with_coefficients(const Suite& suite, const Scalar& secret,
                                                     std::span<const Scalar> coefficients,
                                                     std::size_t max_participants);
// RFC 9591 appendix C.2: checks a share against the dealer's VSS commitment. Errors: bad_identifier,
// invalid_share.
Status vss_verify(const Suite& suite, const SecretShare& share, std::span<const Element> vss_commitment);
// A participant's public share from the VSS commitment: sum_j C_j * id^j.
Result<Element> public_share_from_commitment(const Suite& suite, Identifier id,
                                             std::span<const Element> vss_commitment);

// Round one.
// A signer's secret nonces for one signing operation. Move-only, wiped on destruction, and consumed
// (wiped) by sign(): a second sign() with the same object fails with nonce_reused (RFC 9591 4.1, 5.2).
struct SigningNonces {
  Scalar hiding{};
  Scalar binding{};
  SigningNonces() = default;
  SigningNonces(const SigningNonces&) = delete;
  SigningNonces& operator=(const SigningNonces&) = delete;
  SigningNonces(SigningNonces&& o) noexcept;
  SigningNonces& operator=(SigningNonces&& o) noexcept;
  ~SigningNonces();
  bool empty() const;  // consumed or never set
  void wipe();
};
struct SigningCommitment {
  Identifier id = 0;
  Element hiding{};
  Element binding{};
};

// nonce_generate (RFC 9591 4.1) with explicit random bytes (for vectors).
Scalar nonce_generate(const Suite& suite, const std::array<std::uint8_t, 32>& random_bytes,
                      const Scalar& secret);
// commit (RFC 9591 5.1): fresh nonces from entropy. Errors: bad_identifier, identity_result.
Result<SigningCommitment> commit(const Suite& suite, Identifier id, const Scalar& secret, Entropy& entropy,
                                 SigningNonces& nonces_out);
Result<SigningCommitment> commitment_for(const Suite& suite, Identifier id, const SigningNonces& nonces);

// Validates a commitment list: sorted by identifier, distinct, non-zero, at least `min` entries.
Status validate_commitment_list(std::span<const SigningCommitment> list, std::size_t min_participants);

struct BindingFactor {
  Identifier id = 0;
  Scalar factor{};
};
// RFC 9591 4.4 (list must be valid). Also returns the encoded rho inputs when `inputs` is given.
std::vector<BindingFactor> compute_binding_factors(const Suite& suite, const Element& group_public_key,
                                                   std::span<const SigningCommitment> list, BytesView msg,
                                                   std::vector<Bytes>* inputs = nullptr);
Result<Element> compute_group_commitment(const Suite& suite, std::span<const SigningCommitment> list,
                                         std::span<const BindingFactor> factors);
Scalar compute_challenge(const Suite& suite, const Element& group_commitment, const Element& group_public_key,
                         BytesView msg);
// Lagrange coefficient of x_i over the identifiers of the list. Errors: unknown_participant.
Result<Scalar> derive_interpolating_value(std::span<const SigningCommitment> list, Identifier x_i);

using Signature = std::array<std::uint8_t, 64>;  // R || z

struct ShareWithKey {
  Identifier id = 0;
  Scalar share{};
  Element public_share{};
};

// Everything one signing package determines (RFC 9591 4.4-4.6): binding factors, each signer's
// commitment share D_i + E_i * rho_i, the group commitment R, the challenge c and the Lagrange
// coefficients. Built once per package (one variable-time multi-scalar multiplication over public
// commitments, one batched inversion), so a signer's share or the coordinator's check of one share then
// costs O(1) group operations.
class SigningPackage {
 public:
  // Validates the list (sorted, distinct, non-zero identifiers, at least min_participants entries).
  // Elements in the list must already be validated (deserialize_element). Errors: bad_commitment_list,
  // bad_element (an element that does not decode), identity_result.
  static Result<SigningPackage> create(const Suite& suite, std::span<const SigningCommitment> list,
                                       const Element& group_public_key, BytesView msg,
                                       std::size_t min_participants = 1);

  const Suite& suite() const { return *suite_; }
  std::span<const SigningCommitment> commitments() const { return list_; }
  std::span<const BindingFactor> binding_factors() const { return factors_; }
  const Element& group_commitment() const { return group_commitment_; }
  const Element& group_public_key() const { return group_public_key_; }
  const Scalar& challenge() const { return challenge_; }
  // Position of a signer in the list, if present.
  std::optional<std::size_t> position(Identifier id) const;
  // lambda_i for the signer at `position`.
  const Scalar& lambda(std::size_t position) const { return lambdas_[position]; }

  // Round two (RFC 9591 5.2): z_i = d_i + e_i * rho_i + lambda_i * s_i * c. Consumes the nonces. Checks
  // that the list holds this signer's commitment as its nonces give it. Errors: unknown_participant,
  // nonce_reused, commitment_mismatch, identity_result.
  Result<Scalar> sign(Identifier id, const Scalar& secret, SigningNonces& nonces) const;
  // RFC 9591 5.4: G * z_i == D_i + E_i * rho_i + PK_i * (c * lambda_i). Errors: unknown_participant,
  // invalid_share.
  Status verify_share(Identifier id, const Element& public_share, const Scalar& share) const;
  // Every share at once (one per signer, in list order): the randomized batch equation
  //   sum_i r_i * (G*z_i - R_i - PK_i*(c*lambda_i)) == identity,  R_i = D_i + E_i*rho_i,
  // with 128-bit r_i hashed from the whole transcript (commitments, public shares, shares, R, c), as one
  // multi-scalar multiplication of 3t + 1 points. A set with any invalid share passes with probability
  // at most 2^-128. Only if the batch fails are the shares checked one by one; the first invalid one is
  // named in *culprit (0 if none is: the public shares are inconsistent). Errors: bad_commitment_list
  // (wrong count or order), invalid_share.
  Status verify_shares(std::span<const ShareWithKey> shares, Identifier* culprit = nullptr) const;
  // R || sum of the shares (one per signer, in list order); no verification. Errors: bad_commitment_list
  // (wrong count).
  Result<Signature> sum(std::span<const Scalar> shares) const;

 private:
  SigningPackage() = default;
  const Suite* suite_ = nullptr;
  std::vector<SigningCommitment> list_;
  std::vector<BindingFactor> factors_;
  // Decoded D_i and E_i, in list order (public; for the variable-time checks).
  std::vector<edwards25519_vartime::Point> hiding_points_, binding_points_;
  std::vector<Scalar> lambdas_;
  Element group_public_key_{};
  Element group_commitment_{};
  Scalar challenge_{};
};

// Round two (RFC 9591 5.2) in one call: builds the package and signs. Consumes the nonces. Errors:
// bad_commitment_list, unknown_participant, nonce_reused, commitment_mismatch, identity_result.
Result<Scalar> sign(const Suite& suite, Identifier id, const Scalar& secret, const Element& group_public_key,
                    SigningNonces& nonces, BytesView msg, std::span<const SigningCommitment> list);

// RFC 9591 5.4 in one call. Errors: bad_commitment_list, unknown_participant, invalid_share,
// identity_result.
Status verify_signature_share(const Suite& suite, Identifier id, const Element& public_share,
                              const Scalar& share, std::span<const SigningCommitment> list,
                              const Element& group_public_key, BytesView msg);

// RFC 9591 5.3: sums the shares (one per signer, in list order) and verifies the aggregate signature; if
// it does not verify, checks the shares (SigningPackage::verify_shares) and names the first invalid one in
// *culprit (0 when every share verifies but the public shares are inconsistent with the group key).
// NOTE: shares with offsetting errors sum to a valid signature and are not flagged here; use
// aggregate_verified when every share must be correct.
// Errors: bad_commitment_list, invalid_share, identity_result.
Result<Signature> aggregate(const Suite& suite, std::span<const SigningCommitment> list, BytesView msg,
                            const Element& group_public_key, std::span<const ShareWithKey> shares,
                            Identifier* culprit = nullptr);
// Aggregation that checks every share before summing (SigningPackage::verify_shares: one batch check,
// one-by-one only if it fails), what a coordinator does when it must name a cheater, not only learn that
// the sum fails. Errors as aggregate().
Result<Signature> aggregate_verified(const SigningPackage& package, std::span<const ShareWithKey> shares,
                                     Identifier* culprit = nullptr);
// Plain Schnorr verification of an aggregate signature: G*z == R + PK*c.
bool verify_signature(const Suite& suite, const Element& group_public_key, BytesView msg,
                      const Signature& sig);

}  // namespace stakecast::crypto::frost

STAKECAST_ERRC_ENUM(stakecast::crypto::frost::Errc)
