#include "crypto/chachapoly.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto {
namespace {

// RFC 8439 section 2.8.2.
TEST(ChaChaPoly, Rfc8439Vector) {
  auto key = *array_from_hex<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  auto nonce = *array_from_hex<12>("070000004041424344454647");
  auto ad = *from_hex("50515253c0c1c2c3c4c5c6c7");
  const std::string pt =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen "
      "would "
      "be it.";
  ChaChaPoly c(key);
  Bytes out(pt.size() + kAeadTag);
  c.seal(nonce, ad, as_bytes(pt), out);
  EXPECT_EQ(to_hex(BytesView(out).first(16)), "d31a8d34648e60db7b86afbc53ef7ec2");
  EXPECT_EQ(to_hex(BytesView(out).last(16)), "1ae10b594f09e26a7e902ecbd0600691");
  Bytes back(pt.size());
  ASSERT_TRUE(c.open(nonce, ad, out, back));
  EXPECT_EQ(as_chars(back), pt);
  out[5] ^= 1;
  EXPECT_FALSE(c.open(nonce, ad, out, back));
  out[5] ^= 1;
  EXPECT_FALSE(c.open(nonce, {}, out, back));  // wrong associated data
  EXPECT_FALSE(c.open(nonce, ad, BytesView(out).first(10), back));
}

}  // namespace
}  // namespace stakecast::crypto
