#include "crypto/edwards25519_vartime.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <vector>

#include "core/bytes.hpp"
#include "core/rng.hpp"

namespace stakecast::crypto::edwards25519_vartime {
namespace {

// The group order L, little-endian.
const Scalar kOrder = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                       0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                       0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

struct Sodium {
  Sodium() { EXPECT_GE(sodium_init(), 0); }
};
const Sodium kInit;

Scalar random_scalar(SeededEntropy& e) {
  std::array<std::uint8_t, 64> wide;
  e.fill(wide);
  Scalar s;
  crypto_core_ed25519_scalar_reduce(s.data(), wide.data());
  return s;
}

Bytes32 random_bytes(SeededEntropy& e) {
  Bytes32 b;
  e.fill(b);
  return b;
}

// A random element as libsodium encodes it, and its scalar multiple.
Bytes32 sodium_base_mul(Encoding enc, const Scalar& s) {
  Bytes32 out{};
  if (enc == Encoding::ed25519)
    EXPECT_EQ(crypto_scalarmult_ed25519_base_noclamp(out.data(), s.data()), 0);
  else
    EXPECT_EQ(crypto_scalarmult_ristretto255_base(out.data(), s.data()), 0);
  return out;
}

std::optional<Bytes32> sodium_mul(Encoding enc, const Bytes32& p, const Scalar& s) {
  Bytes32 out{};
  const int rc = enc == Encoding::ed25519 ? crypto_scalarmult_ed25519_noclamp(out.data(), s.data(), p.data())
                                          : crypto_scalarmult_ristretto255(out.data(), s.data(), p.data());
  if (rc != 0) return std::nullopt;  // identity
  return out;
}

std::optional<Bytes32> sodium_add(Encoding enc, const std::optional<Bytes32>& p,
                                  const std::optional<Bytes32>& q) {
  if (!p) return q;
  if (!q) return p;
  Bytes32 out{};
  if (enc == Encoding::ed25519)
    EXPECT_EQ(crypto_core_ed25519_add(out.data(), p->data(), q->data()), 0);
  else
    EXPECT_EQ(crypto_core_ristretto255_add(out.data(), p->data(), q->data()), 0);
  return out;
}

bool sodium_valid(Encoding enc, const Bytes32& b) {
  return enc == Encoding::ed25519 ? crypto_core_ed25519_is_valid_point(b.data()) == 1
                                  : crypto_core_ristretto255_is_valid_point(b.data()) == 1;
}

const Encoding kBoth[] = {Encoding::ed25519, Encoding::ristretto255};

TEST(Edwards25519Vartime, FieldInverseAndEncoding) {
  SeededEntropy e(1);
  for (int i = 0; i < 50; ++i) {
    Bytes32 b = random_bytes(e);
    b[31] &= 0x7f;
    const Fe a = fe_from_bytes(b);
    if (fe_to_bytes(a) != b) continue;  // above p
    const Bytes32 one = fe_to_bytes(fe_mul(a, fe_invert(a)));
    Bytes32 expected{};
    expected[0] = 1;
    EXPECT_EQ(one, expected);
  }
  // p - 1 + 1 wraps to 0: 2^255 - 19 itself reads back as 0.
  Bytes32 p{};
  p.fill(0xff);
  p[0] = 0xed;
  p[31] = 0x7f;
  EXPECT_EQ(fe_to_bytes(fe_from_bytes(p)), Bytes32{});
}

TEST(Edwards25519Vartime, BasePointEncodings) {
  EXPECT_EQ(to_hex(encode(Encoding::ed25519, base_point())),
            "5866666666666666666666666666666666666666666666666666666666666666");
  // RFC 9496 A.1, the generator.
  EXPECT_EQ(to_hex(encode(Encoding::ristretto255, base_point())),
            "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
  EXPECT_EQ(to_hex(encode(Encoding::ristretto255, identity())),
            "0000000000000000000000000000000000000000000000000000000000000000");
}

TEST(Edwards25519Vartime, RoundTripsLibsodiumElements) {
  SeededEntropy e(2);
  for (const auto enc : kBoth) {
    for (int i = 0; i < 64; ++i) {
      const Bytes32 b = sodium_base_mul(enc, random_scalar(e));
      auto p = decode(enc, b);
      ASSERT_TRUE(p) << to_hex(b);
      EXPECT_EQ(encode(enc, *p), b);
      // A point doubled, added and negated agrees with libsodium.
      EXPECT_EQ(encode(enc, dbl(*p)), *sodium_add(enc, b, b));
      EXPECT_TRUE(is_identity(enc, add(*p, neg(*p))));
      EXPECT_TRUE(is_identity(enc, sub(*p, *p)));
      EXPECT_TRUE(equal(enc, add(*p, identity()), *p));
    }
  }
}

// Our decoder accepts exactly the canonical on-curve encodings; libsodium's validity check additionally
// requires the prime-order subgroup and rejects small order. On random and edge inputs: ristretto255
// agrees except that libsodium 1.0.18 ignores bit 255 of a ristretto255 encoding (RFC 9496 4.3.1 requires
// s < p, so we reject it; frost::Suite checks that bit itself); for RFC 8032 points libsodium accepts iff
// we accept and L*P = identity != P.
void check_against_libsodium(Encoding enc, const Bytes32& b) {
  SCOPED_TRACE(to_hex(b));
  const auto p = decode(enc, b);
  const bool theirs = sodium_valid(enc, b);
  if (enc == Encoding::ristretto255) {
    EXPECT_EQ(p.has_value(), theirs && (b[31] & 0x80) == 0);
  } else if (!p) {
    EXPECT_FALSE(theirs);
  } else {
    const bool prime_order = is_identity(enc, msm(std::span(&kOrder, 1), std::span(&*p, 1)));
    EXPECT_EQ(prime_order && !is_identity(enc, *p), theirs);
  }
  if (p) {
    EXPECT_EQ(encode(enc, *p), b);
  }
}

TEST(Edwards25519Vartime, DecodeMatchesLibsodiumOnRandomAndEdgeInputs) {
  SeededEntropy e(3);
  for (const auto enc : kBoth) {
    for (int i = 0; i < 400; ++i) check_against_libsodium(enc, random_bytes(e));
    std::vector<Bytes32> edge;
    // p + k for k = -2..18, and 2^255 - 1, with and without bit 255.
    for (int k = -2; k <= 18; ++k) {
      Bytes32 b;
      b.fill(0xff);
      b[31] = 0x7f;
      b[0] = static_cast<std::uint8_t>(0xed + k);
      edge.push_back(b);
    }
    for (int v = 0; v < 4; ++v) {
      Bytes32 b{};
      b[0] = static_cast<std::uint8_t>(v);
      edge.push_back(b);
    }
    // The small-order points, -1 as y, and the base point with a flipped sign bit.
    for (const char* h : {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                          "5866666666666666666666666666666666666666666666666666666666666666"}) {
      edge.push_back(*array_from_hex<32>(h));
    }
    const std::size_t base = edge.size();
    for (std::size_t i = 0; i < base; ++i) {
      Bytes32 b = edge[i];
      b[31] ^= 0x80;
      edge.push_back(b);
    }
    for (const auto& b : edge) check_against_libsodium(enc, b);
  }
}

// sum s_i * P_i (+ s_0 * B) against libsodium's scalar multiplications and additions.
void check_msm(Encoding enc, std::size_t n, SeededEntropy& e, bool with_base) {
  SCOPED_TRACE(n);
  std::vector<Scalar> scalars;
  std::vector<Point> points;
  std::optional<Bytes32> expected;
  std::vector<Bytes32> encodings;
  for (std::size_t i = 0; i < n; ++i) {
    Scalar s = random_scalar(e);
    if (i % 7 == 3) s = Scalar{};                                       // zero scalars
    if (i % 11 == 5) s = Scalar{1};                                     // tiny ones
    Bytes32 pe = (i % 5 == 4 && !encodings.empty()) ? encodings[i / 2]  // repeated points
                                                    : sodium_base_mul(enc, random_scalar(e));
    encodings.push_back(pe);
    scalars.push_back(s);
    points.push_back(*decode(enc, pe));
    expected = sodium_add(enc, expected, sodium_mul(enc, pe, s));
  }
  Scalar b0 = random_scalar(e);
  if (with_base) expected = sodium_add(enc, expected, sodium_base_mul(enc, b0));
  const Point got = msm(scalars, points, with_base ? &b0 : nullptr);
  ASSERT_TRUE(expected);
  EXPECT_EQ(encode(enc, got), *expected);
}

TEST(Edwards25519Vartime, MsmMatchesLibsodium) {
  SeededEntropy e(4);
  for (const auto enc : kBoth) {
    for (const std::size_t n : {1, 2, 67, 201}) {
      check_msm(enc, n, e, false);
      check_msm(enc, n, e, true);
    }
  }
}

TEST(Edwards25519Vartime, MsmEdgeScalars) {
  SeededEntropy e(5);
  for (const auto enc : kBoth) {
    const Bytes32 pe = sodium_base_mul(enc, random_scalar(e));
    const Point p = *decode(enc, pe);
    // All-zero scalars and no points give the identity.
    EXPECT_TRUE(is_identity(enc, msm({}, {})));
    const Scalar zero{};
    EXPECT_TRUE(is_identity(enc, msm(std::span(&zero, 1), std::span(&p, 1), &zero)));
    // L * P and (L - 1) * P + P are the identity.
    EXPECT_TRUE(is_identity(enc, msm(std::span(&kOrder, 1), std::span(&p, 1))));
    Scalar l_minus_1 = kOrder;
    l_minus_1[0] -= 1;
    const Scalar one{1};
    const Scalar two[] = {l_minus_1, one};
    const Point pp[] = {p, p};
    EXPECT_TRUE(is_identity(enc, msm(two, pp)));
    // 2^256 - 1 (a NAF carry into bit 256) equals its reduction mod L.
    Scalar ones;
    ones.fill(0xff);
    std::array<std::uint8_t, 64> wide{};
    std::copy(ones.begin(), ones.end(), wide.begin());
    Scalar reduced;
    crypto_core_ed25519_scalar_reduce(reduced.data(), wide.data());
    EXPECT_TRUE(equal(enc, msm(std::span(&ones, 1), std::span(&p, 1)),
                      msm(std::span(&reduced, 1), std::span(&p, 1))));
    EXPECT_EQ(encode(enc, msm({}, {}, &ones)), sodium_base_mul(enc, reduced));
  }
}

}  // namespace
}  // namespace stakecast::crypto::edwards25519_vartime
