#include "crypto/x25519.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto {
namespace {

// RFC 7748 section 6.1.
TEST(X25519, Rfc7748KeyAgreement) {
  auto a = X25519Keypair::from_secret(
      *array_from_hex<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto b = X25519Keypair::from_secret(
      *array_from_hex<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(to_hex(a.pub), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(b.pub), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto k1 = x25519(a.secret, b.pub), k2 = x25519(b.secret, a.pub);
  ASSERT_TRUE(k1 && k2);
  EXPECT_EQ(*k1, *k2);
  EXPECT_EQ(to_hex(*k1), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_FALSE(x25519(a.secret, X25519Public{}));  // low-order peer key
}

}  // namespace
}  // namespace stakecast::crypto
