// libFuzzer target for the variable-time Edwards25519 decoders (crypto/edwards25519_vartime.hpp): no
// crash; an accepted encoding re-encodes to exactly the input; acceptance agrees with libsodium (every
// point libsodium accepts decodes; for ristretto255 exactly libsodium's set minus bit 255 set); and with a
// second 32 bytes as a scalar, a one-point multi-scalar multiplication equals libsodium's.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/edwards25519_vartime.hpp"

using namespace stakecast::crypto::edwards25519_vartime;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ok = sodium_init() >= 0;
  if (!ok || size < 32) return 0;
  Bytes32 b;
  std::memcpy(b.data(), data, 32);
  for (const auto enc : {Encoding::ed25519, Encoding::ristretto255}) {
    const auto p = decode(enc, b);
    const bool theirs = enc == Encoding::ed25519 ? crypto_core_ed25519_is_valid_point(b.data()) == 1
                                                 : crypto_core_ristretto255_is_valid_point(b.data()) == 1;
    if (enc == Encoding::ristretto255 && p.has_value() != (theirs && (b[31] & 0x80) == 0)) std::abort();
    if (theirs && (b[31] & 0x80) == 0 && !p) std::abort();
    if (!p) continue;
    if (encode(enc, *p) != b) std::abort();
    if (size < 64 || !theirs) continue;
    Scalar s;
    std::memcpy(s.data(), data + 32, 32);
    s[31] &= 0x1f;  // below 2^253, where libsodium's multiplication is defined for any value
    Bytes32 expected{};
    const int rc = enc == Encoding::ed25519
                       ? crypto_scalarmult_ed25519_noclamp(expected.data(), s.data(), b.data())
                       : crypto_scalarmult_ristretto255(expected.data(), s.data(), b.data());
    const Point got = msm(std::span(&s, 1), std::span(&*p, 1));
    if (rc != 0 ? !is_identity(enc, got) : encode(enc, got) != expected) std::abort();
  }
  return 0;
}
