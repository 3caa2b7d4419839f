// Variable-time arithmetic on the Edwards25519 group, for PUBLIC data only: field arithmetic mod
// 2^255 - 19, extended twisted Edwards coordinates, RFC 8032 and ristretto255 encodings, and a
// multi-scalar multiplication (Straus / interleaved wNAF). SPEC: RFC 8032 5.1 (curve, encoding),
// RFC 7748 4.1 (field), RFC 9496 4 (ristretto255). No I/O.
//
// SECURITY: every function here runs in time (and touches memory) depending on its inputs. Never pass
// secret scalars or secret points: nonces, key shares and signature-share computation stay on
// libsodium's constant-time operations. Use this only for verification and for sums of public values
// (commitments, public shares, received signature shares). Decoding here checks canonical encoding and
// curve membership only; received elements must still be validated by the caller's full check (for
// Ed25519, prime-order subgroup membership) before their decoded form is used.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace stakecast::crypto::edwards25519_vartime {

// A field element mod p = 2^255 - 19 in five 51-bit limbs (limbs may exceed 51 bits between operations).
struct Fe {
  std::uint64_t v[5];
};

// A point (X : Y : Z : T) in extended twisted Edwards coordinates: x = X/Z, y = Y/Z, x*y = T/Z, on
// -x^2 + y^2 = 1 + d*x^2*y^2 (RFC 8032 5.1).
struct Point {
  Fe X, Y, Z, T;
};

using Bytes32 = std::array<std::uint8_t, 32>;
// A little-endian scalar; any 256-bit value is accepted by msm() (no reduction mod L is assumed).
using Scalar = std::array<std::uint8_t, 32>;

enum class Encoding { ed25519, ristretto255 };

Point identity();
const Point& base_point();  // the RFC 8032 base point B (also ristretto255's generator)

Point add(const Point& p, const Point& q);  // complete: valid for p == q and for the identity
Point sub(const Point& p, const Point& q);
Point dbl(const Point& p);
Point neg(const Point& p);

// RFC 8032 5.1.3 (canonical y, on the curve; no subgroup check) or RFC 9496 4.3.1 (canonical, non-negative
// s, the full ristretto255 check). nullopt when rejected.
std::optional<Point> decode(Encoding enc, const Bytes32& b);
// RFC 8032 5.1.2 or RFC 9496 4.3.2.
Bytes32 encode(Encoding enc, const Point& p);
// Group equality: projective equality for RFC 8032 points, RFC 9496 4.5 equality for ristretto255
// (equal modulo the 4-torsion the encoding quotients out).
bool equal(Encoding enc, const Point& p, const Point& q);
bool is_identity(Encoding enc, const Point& p);

// sum_i scalars[i] * points[i] (+ base_scalar * B when given). Sizes must match (extra entries of the
// longer span are ignored). Straus' interleaved method with width-5 NAF tables per point and a cached
// width-8 table for B: about 256 doublings plus ~43 additions per full-size scalar.
Point msm(std::span<const Scalar> scalars, std::span<const Point> points,
          const Scalar* base_scalar = nullptr);

// Field element helpers, exposed for tests.
Fe fe_from_bytes(const Bytes32& b);  // bit 255 ignored
Bytes32 fe_to_bytes(const Fe& a);    // canonical
Fe fe_mul(const Fe& a, const Fe& b);
Fe fe_invert(const Fe& a);

}  // namespace stakecast::crypto::edwards25519_vartime
