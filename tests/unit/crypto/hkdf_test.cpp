#include "crypto/hkdf.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto {
namespace {

// RFC 4231 test cases 1 and 2.
TEST(HmacSha256, Rfc4231Vectors) {
  EXPECT_EQ(to_hex(hmac_sha256(Bytes(20, 0x0b), as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 5869 test cases 1 (salt and info) and 3 (neither).
TEST(HkdfSha256, Rfc5869Vectors) {
  Bytes okm(42);
  hkdf_sha256(*from_hex("000102030405060708090a0b0c"), Bytes(22, 0x0b), *from_hex("f0f1f2f3f4f5f6f7f8f9"),
              okm);
  EXPECT_EQ(to_hex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  hkdf_sha256({}, Bytes(22, 0x0b), {}, okm);
  EXPECT_EQ(to_hex(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// Noise's HKDF (noise.html 4.3) written out with HMAC, including the empty input key of split().
TEST(HkdfSha256, EqualsNoiseHkdfWrittenWithHmac) {
  const Bytes ck(32, 0x42);
  for (const Bytes& ikm : {Bytes{}, Bytes(32, 7)}) {
    const Hash256 temp = hmac_sha256(ck, ikm);
    const Hash256 out1 = hmac_sha256(temp, Bytes{1});
    Bytes in2(out1.begin(), out1.end());
    in2.push_back(2);
    const Hash256 out2 = hmac_sha256(temp, in2);
    Bytes okm(64);
    hkdf_sha256(ck, ikm, {}, okm);
    EXPECT_EQ(to_hex(BytesView(okm).first(32)), to_hex(out1));
    EXPECT_EQ(to_hex(BytesView(okm).subspan(32)), to_hex(out2));
  }
}

}  // namespace
}  // namespace stakecast::crypto
