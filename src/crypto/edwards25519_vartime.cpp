#include "crypto/edwards25519_vartime.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace stakecast::crypto::edwards25519_vartime {
namespace {

using u64 = std::uint64_t;
__extension__ using u128 = unsigned __int128;  // GCC and clang both provide it on 64-bit targets
constexpr u64 kMask = (u64{1} << 51) - 1;

// ---- field arithmetic mod p = 2^255 - 19 (RFC 7748 4.1) ----
// Invariant: outputs of fe_mul/fe_sq/fe_sub have limbs below 2^52; fe_add of two such stays below 2^53,
// which fe_mul and fe_sub accept (products stay far below 2^128, 4p covers a subtrahend below 2^53).

constexpr Fe kZero{{0, 0, 0, 0, 0}};
constexpr Fe kOne{{1, 0, 0, 0, 0}};

Fe fe_add(const Fe& a, const Fe& b) {
  return Fe{{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// Propagates carries from limb 0 up to limb 4 and returns the carry out of limb 4 (a multiple of 2^255).
u64 propagate(u64 (&h)[5]) {
  for (int i = 0; i < 4; ++i) {
    h[i + 1] += h[i] >> 51;
    h[i] &= kMask;
  }
  const u64 top = h[4] >> 51;
  h[4] &= kMask;
  return top;
}

Fe fe_carry(u64 h0, u64 h1, u64 h2, u64 h3, u64 h4) {
  u64 h[5] = {h0, h1, h2, h3, h4};
  h[0] += propagate(h) * 19;  // 2^255 = 19 mod p
  return Fe{{h[0], h[1], h[2], h[3], h[4]}};
}

// a - b computed as a + 4p - b so no limb underflows.
Fe fe_sub(const Fe& a, const Fe& b) {
  constexpr u64 k4p0 = 4 * (kMask - 18), k4p = 4 * kMask;
  return fe_carry(a.v[0] + k4p0 - b.v[0], a.v[1] + k4p - b.v[1], a.v[2] + k4p - b.v[2], a.v[3] + k4p - b.v[3],
                  a.v[4] + k4p - b.v[4]);
}

Fe fe_neg(const Fe& a) { return fe_sub(kZero, a); }

Fe fe_reduce_wide(u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
  r1 += static_cast<u64>(r0 >> 51);
  u64 h0 = static_cast<u64>(r0) & kMask;
  r2 += static_cast<u64>(r1 >> 51);
  u64 h1 = static_cast<u64>(r1) & kMask;
  r3 += static_cast<u64>(r2 >> 51);
  const u64 h2 = static_cast<u64>(r2) & kMask;
  r4 += static_cast<u64>(r3 >> 51);
  const u64 h3 = static_cast<u64>(r3) & kMask;
  const u128 top = (r4 >> 51) * 19 + h0;
  const u64 h4 = static_cast<u64>(r4) & kMask;
  h0 = static_cast<u64>(top) & kMask;
  h1 += static_cast<u64>(top >> 51);
  return Fe{{h0, h1, h2, h3, h4}};
}

Fe fe_sq(const Fe& a) {
  const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
  const u64 a0_2 = 2 * a0, a1_2 = 2 * a1, a2_2 = 2 * a2;
  const u64 a3_19 = 19 * a3, a4_19 = 19 * a4;
  const u128 r0 = u128(a0) * a0 + u128(a1_2) * a4_19 + u128(a2_2) * a3_19;
  const u128 r1 = u128(a0_2) * a1 + u128(a2_2) * a4_19 + u128(a3) * a3_19;
  const u128 r2 = u128(a0_2) * a2 + u128(a1) * a1 + u128(2 * a3) * a4_19;
  const u128 r3 = u128(a0_2) * a3 + u128(a1_2) * a2 + u128(a4) * a4_19;
  const u128 r4 = u128(a0_2) * a4 + u128(a1_2) * a3 + u128(a2) * a2;
  return fe_reduce_wide(r0, r1, r2, r3, r4);
}

Fe fe_sq_n(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = fe_sq(a);
  return a;
}

// z^(2^250 - 1) and z^11, the common part of inversion and the square-root exponent.
void fe_pow_2_250_1(const Fe& z, Fe& z_250_0, Fe& z11) {
  const Fe z2 = fe_sq(z);
  const Fe z9 = fe_mul(fe_sq_n(z2, 2), z);
  z11 = fe_mul(z9, z2);
  const Fe z_5_0 = fe_mul(fe_sq(z11), z9);  // z^31
  const Fe z_10_0 = fe_mul(fe_sq_n(z_5_0, 5), z_5_0);
  const Fe z_20_0 = fe_mul(fe_sq_n(z_10_0, 10), z_10_0);
  const Fe z_40_0 = fe_mul(fe_sq_n(z_20_0, 20), z_20_0);
  const Fe z_50_0 = fe_mul(fe_sq_n(z_40_0, 10), z_10_0);
  const Fe z_100_0 = fe_mul(fe_sq_n(z_50_0, 50), z_50_0);
  const Fe z_200_0 = fe_mul(fe_sq_n(z_100_0, 100), z_100_0);
  z_250_0 = fe_mul(fe_sq_n(z_200_0, 50), z_50_0);
}

// z^((p - 5) / 8) = z^(2^252 - 3).
Fe fe_pow_p58(const Fe& z) {
  Fe z_250_0, z11;
  fe_pow_2_250_1(z, z_250_0, z11);
  return fe_mul(fe_sq_n(z_250_0, 2), z);
}

bool fe_eq(const Fe& a, const Fe& b) { return fe_to_bytes(a) == fe_to_bytes(b); }
bool fe_is_zero(const Fe& a) {
  const Bytes32 b = fe_to_bytes(a);
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}
// RFC 9496 IS_NEGATIVE / RFC 8032 sign bit: the low bit of the canonical encoding.
bool fe_is_negative(const Fe& a) { return (fe_to_bytes(a)[0] & 1) != 0; }
Fe fe_abs(const Fe& a) { return fe_is_negative(a) ? fe_neg(a) : a; }

Fe fe_from_decimal(const char* s) {
  Fe acc = kZero;
  const Fe ten{{10, 0, 0, 0, 0}};
  for (; *s != 0; ++s) acc = fe_add(fe_mul(acc, ten), Fe{{static_cast<u64>(*s - '0'), 0, 0, 0, 0}});
  return fe_carry(acc.v[0], acc.v[1], acc.v[2], acc.v[3], acc.v[4]);
}

struct Constants {
  Fe d, d2, sqrt_m1, invsqrt_a_minus_d;
  Point base;
};

Point decode_ed25519(const Bytes32& b, const Constants& k);

const Constants& constants() {
  static const Constants k = [] {
    Constants c{};
    // d = -121665 / 121666 (RFC 8032 5.1).
    c.d = fe_mul(fe_neg(Fe{{121665, 0, 0, 0, 0}}), fe_invert(Fe{{121666, 0, 0, 0, 0}}));
    c.d2 = fe_carry(2 * c.d.v[0], 2 * c.d.v[1], 2 * c.d.v[2], 2 * c.d.v[3], 2 * c.d.v[4]);
    // RFC 9496 4.1.
    c.sqrt_m1 =
        fe_from_decimal("19681161376707505956807079304988542015446066515923890162744021073123829784752");
    c.invsqrt_a_minus_d =
        fe_from_decimal("54469307008909316920995813868745141605393597292927456921205312896311721017578");
    Bytes32 b;
    b.fill(0x66);
    b[0] = 0x58;  // y = 4/5, x positive (RFC 8032 5.1)
    c.base = decode_ed25519(b, c);
    return c;
  }();
  return k;
}

// RFC 9496 4.2 SQRT_RATIO_M1(u, v): (was_square, |r|) with r = sqrt(u/v), or sqrt(i*u/v) if u/v is not a
// square.
std::pair<bool, Fe> sqrt_ratio_m1(const Fe& u, const Fe& v, const Constants& k) {
  const Fe v3 = fe_mul(fe_sq(v), v);
  const Fe v7 = fe_mul(fe_sq(v3), v);
  Fe r = fe_mul(fe_mul(u, v3), fe_pow_p58(fe_mul(u, v7)));
  const Fe check = fe_mul(v, fe_sq(r));
  const Fe neg_u = fe_neg(u);
  const bool correct = fe_eq(check, u);
  const bool flipped = fe_eq(check, neg_u);
  const bool flipped_i = fe_eq(check, fe_mul(neg_u, k.sqrt_m1));
  if (flipped || flipped_i) r = fe_mul(r, k.sqrt_m1);
  return {correct || flipped, fe_abs(r)};
}

Point from_affine(const Fe& x, const Fe& y) { return Point{x, y, kOne, fe_mul(x, y)}; }

// RFC 8032 5.1.3.
Point decode_ed25519_unchecked(const Fe& y, bool x0, const Constants& k, bool& ok) {
  ok = false;
  const Fe yy = fe_sq(y);
  const Fe u = fe_sub(yy, kOne);
  const Fe v = fe_add(fe_mul(k.d, yy), kOne);
  const Fe v3 = fe_mul(fe_sq(v), v);
  const Fe v7 = fe_mul(fe_sq(v3), v);
  Fe x = fe_mul(fe_mul(u, v3), fe_pow_p58(fe_mul(u, v7)));
  const Fe vxx = fe_mul(v, fe_sq(x));
  if (!fe_eq(vxx, u)) {
    if (!fe_eq(vxx, fe_neg(u))) return Point{};
    x = fe_mul(x, k.sqrt_m1);
  }
  if (fe_is_zero(x) && x0) return Point{};
  if (fe_is_negative(x) != x0) x = fe_neg(x);
  ok = true;
  return from_affine(x, y);
}

Point decode_ed25519(const Bytes32& b, const Constants& k) {
  bool ok = false;
  return decode_ed25519_unchecked(fe_from_bytes(b), (b[31] & 0x80) != 0, k, ok);
}

// Cached form of a point for repeated additions: (Y + X, Y - X, 2Z, 2d*T).
struct Cached {
  Fe y_plus_x, y_minus_x, z2, t2d;
};

Cached to_cached(const Point& p, const Constants& k) {
  return Cached{fe_add(p.Y, p.X), fe_sub(p.Y, p.X), fe_add(p.Z, p.Z), fe_mul(p.T, k.d2)};
}

// add-2008-hwcd-3 for a = -1 (Hisil, Wong, Carter, Dawson 2008): complete on this curve.
Point add_cached(const Point& p, const Cached& q, bool subtract) {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), subtract ? q.y_plus_x : q.y_minus_x);
  const Fe b = fe_mul(fe_add(p.Y, p.X), subtract ? q.y_minus_x : q.y_plus_x);
  const Fe c = subtract ? fe_neg(fe_mul(p.T, q.t2d)) : fe_mul(p.T, q.t2d);
  const Fe d = fe_mul(p.Z, q.z2);
  const Fe e = fe_sub(b, a), f = fe_sub(d, c), g = fe_add(d, c), h = fe_add(b, a);
  return Point{fe_mul(e, f), fe_mul(g, h), fe_mul(f, g), fe_mul(e, h)};
}

// Width-w NAF of a 256-bit little-endian scalar: digits odd, |digit| < 2^(w-1), at least w-1 zeros after
// each non-zero digit. 257 digits (a carry can reach bit 256).
constexpr std::size_t kNafLen = 257;
void wnaf(const Scalar& s, int w, std::int8_t* naf) {
  u64 x[6] = {};
  for (int i = 0; i < 4; ++i) {
    u64 limb = 0;
    for (int j = 7; j >= 0; --j) limb = (limb << 8) | s[static_cast<std::size_t>(8 * i + j)];
    x[i] = limb;
  }
  std::memset(naf, 0, kNafLen);
  const u64 width = u64{1} << w, window_mask = width - 1;
  u64 carry = 0;
  std::size_t pos = 0;
  while (pos < kNafLen) {
    const std::size_t idx = pos / 64, bit = pos % 64;
    u64 buf = x[idx] >> bit;
    if (bit + static_cast<std::size_t>(w) > 64) buf |= x[idx + 1] << (64 - bit);
    const u64 window = carry + (buf & window_mask);
    if ((window & 1) == 0) {
      ++pos;
      continue;
    }
    if (window < width / 2) {
      carry = 0;
      naf[pos] = static_cast<std::int8_t>(window);
    } else {
      carry = 1;
      naf[pos] =
          static_cast<std::int8_t>(static_cast<std::int64_t>(window) - static_cast<std::int64_t>(width));
    }
    pos += static_cast<std::size_t>(w);
  }
}

// Odd multiples P, 3P, ..., (2^(w-1) - 1)P.
void odd_multiples(const Point& p, std::size_t count, Cached* out, const Constants& k) {
  const Point p2 = dbl(p);
  const Cached p2c = to_cached(p2, k);
  Point cur = p;
  out[0] = to_cached(cur, k);
  for (std::size_t i = 1; i < count; ++i) {
    cur = add_cached(cur, p2c, false);
    out[i] = to_cached(cur, k);
  }
}

constexpr int kBaseWidth = 8;
constexpr std::size_t kBaseTable = std::size_t{1} << (kBaseWidth - 2);  // 64 odd multiples of B
constexpr int kPointWidth = 5;
constexpr std::size_t kPointTable = std::size_t{1} << (kPointWidth - 2);  // 8

const std::array<Cached, kBaseTable>& base_table() {
  static const std::array<Cached, kBaseTable> t = [] {
    std::array<Cached, kBaseTable> out{};
    odd_multiples(constants().base, kBaseTable, out.data(), constants());
    return out;
  }();
  return t;
}

}  // namespace

Fe fe_from_bytes(const Bytes32& b) {
  u64 w[4];
  for (int i = 0; i < 4; ++i) {
    u64 limb = 0;
    for (int j = 7; j >= 0; --j) limb = (limb << 8) | b[static_cast<std::size_t>(8 * i + j)];
    w[i] = limb;
  }
  return Fe{{w[0] & kMask, ((w[0] >> 51) | (w[1] << 13)) & kMask, ((w[1] >> 38) | (w[2] << 26)) & kMask,
             ((w[2] >> 25) | (w[3] << 39)) & kMask, (w[3] >> 12) & kMask}};
}

Bytes32 fe_to_bytes(const Fe& a) {
  Fe h = fe_carry(a.v[0], a.v[1], a.v[2], a.v[3], a.v[4]);
  h = fe_carry(h.v[0], h.v[1], h.v[2], h.v[3], h.v[4]);
  // Now h < 2^255 + 2^13 < 2p; subtract p once if h >= p: q = 1 iff h + 19 >= 2^255.
  u64 q = (h.v[0] + 19) >> 51;
  q = (h.v[1] + q) >> 51;
  q = (h.v[2] + q) >> 51;
  q = (h.v[3] + q) >> 51;
  q = (h.v[4] + q) >> 51;
  u64 r[5] = {h.v[0] + 19 * q, h.v[1], h.v[2], h.v[3], h.v[4]};
  (void)propagate(r);  // dropping 2^255 completes the subtraction of p
  const u64 h0 = r[0], h1 = r[1], h2 = r[2], h3 = r[3], h4 = r[4];
  const u64 w[4] = {h0 | (h1 << 51), (h1 >> 13) | (h2 << 38), (h2 >> 26) | (h3 << 25),
                    (h3 >> 39) | (h4 << 12)};
  Bytes32 out;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 8; ++j)
      out[static_cast<std::size_t>(8 * i + j)] = static_cast<std::uint8_t>(w[i] >> (8 * j));
  return out;
}

Fe fe_mul(const Fe& a, const Fe& b) {
  const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
  const u64 b0 = b.v[0], b1 = b.v[1], b2 = b.v[2], b3 = b.v[3], b4 = b.v[4];
  const u64 b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
  const u128 r0 = u128(a0) * b0 + u128(a1) * b4_19 + u128(a2) * b3_19 + u128(a3) * b2_19 + u128(a4) * b1_19;
  const u128 r1 = u128(a0) * b1 + u128(a1) * b0 + u128(a2) * b4_19 + u128(a3) * b3_19 + u128(a4) * b2_19;
  const u128 r2 = u128(a0) * b2 + u128(a1) * b1 + u128(a2) * b0 + u128(a3) * b4_19 + u128(a4) * b3_19;
  const u128 r3 = u128(a0) * b3 + u128(a1) * b2 + u128(a2) * b1 + u128(a3) * b0 + u128(a4) * b4_19;
  const u128 r4 = u128(a0) * b4 + u128(a1) * b3 + u128(a2) * b2 + u128(a3) * b1 + u128(a4) * b0;
  return fe_reduce_wide(r0, r1, r2, r3, r4);
}

// z^(p - 2) = z^(2^255 - 21).
Fe fe_invert(const Fe& z) {
  Fe z_250_0, z11;
  fe_pow_2_250_1(z, z_250_0, z11);
  return fe_mul(fe_sq_n(z_250_0, 5), z11);
}

Point identity() { return Point{kZero, kOne, kOne, kZero}; }
const Point& base_point() { return constants().base; }

Point add(const Point& p, const Point& q) { return add_cached(p, to_cached(q, constants()), false); }
Point sub(const Point& p, const Point& q) { return add_cached(p, to_cached(q, constants()), true); }
Point neg(const Point& p) { return Point{fe_neg(p.X), p.Y, p.Z, fe_neg(p.T)}; }

// dbl-2008-hwcd for a = -1.
Point dbl(const Point& p) {
  const Fe a = fe_sq(p.X), b = fe_sq(p.Y);
  const Fe zz = fe_sq(p.Z);
  const Fe c = fe_add(zz, zz);
  const Fe e = fe_sub(fe_sub(fe_sq(fe_add(p.X, p.Y)), a), b);
  const Fe g = fe_sub(b, a);          // D + B with D = a*A = -A
  const Fe f = fe_sub(g, c);          // G - C
  const Fe h = fe_neg(fe_add(a, b));  // D - B
  return Point{fe_mul(e, f), fe_mul(g, h), fe_mul(f, g), fe_mul(e, h)};
}

std::optional<Point> decode(Encoding enc, const Bytes32& b) {
  const Constants& k = constants();
  if (enc == Encoding::ed25519) {
    Bytes32 y_bytes = b;
    y_bytes[31] &= 0x7f;
    const Fe y = fe_from_bytes(y_bytes);
    if (fe_to_bytes(y) != y_bytes) return std::nullopt;  // y >= p
    bool ok = false;
    Point p = decode_ed25519_unchecked(y, (b[31] & 0x80) != 0, k, ok);
    if (!ok) return std::nullopt;
    return p;
  }
  // RFC 9496 4.3.1.
  const Fe s = fe_from_bytes(b);
  if (fe_to_bytes(s) != b || fe_is_negative(s)) return std::nullopt;  // non-canonical or negative
  const Fe ss = fe_sq(s);
  const Fe u1 = fe_sub(kOne, ss);
  const Fe u2 = fe_add(kOne, ss);
  const Fe u2_sqr = fe_sq(u2);
  const Fe v = fe_sub(fe_neg(fe_mul(k.d, fe_sq(u1))), u2_sqr);
  const auto [was_square, invsqrt] = sqrt_ratio_m1(kOne, fe_mul(v, u2_sqr), k);
  const Fe den_x = fe_mul(invsqrt, u2);
  const Fe den_y = fe_mul(fe_mul(invsqrt, den_x), v);
  const Fe x = fe_abs(fe_mul(fe_add(s, s), den_x));
  const Fe y = fe_mul(u1, den_y);
  const Fe t = fe_mul(x, y);
  if (!was_square || fe_is_negative(t) || fe_is_zero(y)) return std::nullopt;
  return Point{x, y, kOne, t};
}

Bytes32 encode(Encoding enc, const Point& p) {
  const Constants& k = constants();
  if (enc == Encoding::ed25519) {
    const Fe zi = fe_invert(p.Z);
    const Fe x = fe_mul(p.X, zi);
    Bytes32 out = fe_to_bytes(fe_mul(p.Y, zi));
    if (fe_is_negative(x)) out[31] |= 0x80;
    return out;
  }
  // RFC 9496 4.3.2.
  const Fe u1 = fe_mul(fe_add(p.Z, p.Y), fe_sub(p.Z, p.Y));
  const Fe u2 = fe_mul(p.X, p.Y);
  const auto [unused, invsqrt] = sqrt_ratio_m1(kOne, fe_mul(u1, fe_sq(u2)), k);
  (void)unused;
  const Fe den1 = fe_mul(invsqrt, u1);
  const Fe den2 = fe_mul(invsqrt, u2);
  const Fe z_inv = fe_mul(fe_mul(den1, den2), p.T);
  const bool rotate = fe_is_negative(fe_mul(p.T, z_inv));
  const Fe x = rotate ? fe_mul(p.Y, k.sqrt_m1) : p.X;
  Fe y = rotate ? fe_mul(p.X, k.sqrt_m1) : p.Y;
  const Fe den_inv = rotate ? fe_mul(den1, k.invsqrt_a_minus_d) : den2;
  if (fe_is_negative(fe_mul(x, z_inv))) y = fe_neg(y);
  return fe_to_bytes(fe_abs(fe_mul(den_inv, fe_sub(p.Z, y))));
}

bool equal(Encoding enc, const Point& p, const Point& q) {
  if (enc == Encoding::ed25519)
    return fe_eq(fe_mul(p.X, q.Z), fe_mul(q.X, p.Z)) && fe_eq(fe_mul(p.Y, q.Z), fe_mul(q.Y, p.Z));
  // RFC 9496 4.5.
  return fe_eq(fe_mul(p.X, q.Y), fe_mul(p.Y, q.X)) || fe_eq(fe_mul(p.Y, q.Y), fe_mul(p.X, q.X));
}

bool is_identity(Encoding enc, const Point& p) {
  if (enc == Encoding::ed25519) return fe_is_zero(p.X) && fe_eq(p.Y, p.Z);
  return fe_is_zero(p.X) || fe_is_zero(p.Y);
}

Point msm(std::span<const Scalar> scalars, std::span<const Point> points, const Scalar* base_scalar) {
  const Constants& k = constants();
  const std::size_t n = std::min(scalars.size(), points.size());
  // PERF: one NAF and one 8-entry table per point; the doublings are shared by all points.
  std::vector<std::int8_t> nafs(n * kNafLen);
  std::vector<Cached> tables(n * kPointTable);
  std::size_t top = 0;
  bool any = false;
  auto highest = [&](const std::int8_t* naf) {
    for (std::size_t i = kNafLen; i-- > 0;) {
      if (naf[i] != 0) {
        top = any ? std::max(top, i) : i;
        any = true;
        return;
      }
    }
  };
  std::vector<std::size_t> live;  // points with a non-zero scalar
  live.reserve(n);
  for (std::size_t j = 0; j < n; ++j) {
    std::int8_t* naf = &nafs[j * kNafLen];
    wnaf(scalars[j], kPointWidth, naf);
    const bool zero = std::all_of(naf, naf + kNafLen, [](std::int8_t d) { return d == 0; });
    if (zero) continue;
    highest(naf);
    live.push_back(j);
    odd_multiples(points[j], kPointTable, &tables[j * kPointTable], k);
  }
  std::array<std::int8_t, kNafLen> base_naf{};
  bool use_base = false;
  if (base_scalar != nullptr) {
    wnaf(*base_scalar, kBaseWidth, base_naf.data());
    use_base = std::any_of(base_naf.begin(), base_naf.end(), [](std::int8_t d) { return d != 0; });
    if (use_base) highest(base_naf.data());
  }
  Point acc = identity();
  if (!any) return acc;
  const auto& btable = base_table();
  for (std::size_t i = top + 1; i-- > 0;) {
    acc = dbl(acc);
    for (const std::size_t j : live) {
      const std::int8_t d = nafs[j * kNafLen + i];
      if (d > 0)
        acc = add_cached(acc, tables[j * kPointTable + static_cast<std::size_t>(d / 2)], false);
      else if (d < 0)
        acc = add_cached(acc, tables[j * kPointTable + static_cast<std::size_t>(-d / 2)], true);
    }
    if (use_base) {
      const std::int8_t d = base_naf[i];
      if (d > 0)
        acc = add_cached(acc, btable[static_cast<std::size_t>(d / 2)], false);
      else if (d < 0)
        acc = add_cached(acc, btable[static_cast<std::size_t>(-d / 2)], true);
    }
  }
  return acc;
}

}  // namespace stakecast::crypto::edwards25519_vartime
