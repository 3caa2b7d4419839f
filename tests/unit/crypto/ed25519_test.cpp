#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto {
namespace {

// RFC 8032 section 7.1, TEST 1 (empty message).
TEST(Ed25519, Rfc8032Test1) {
  auto seed = array_from_hex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(seed);
  auto k = Ed25519Keypair::from_seed(*seed);
  EXPECT_EQ(to_hex(k.public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = k.sign({});
  EXPECT_EQ(to_hex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
            "d25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(ed25519_verify(k.public_key(), {}, sig));
}

TEST(Ed25519, RejectsModifiedMessageSignatureOrKey) {
  SeededEntropy e(1);
  auto k = Ed25519Keypair::generate(e);
  auto other = Ed25519Keypair::generate(e);
  auto msg = as_bytes("slot 7 slice 0");
  auto sig = k.sign(msg);
  EXPECT_TRUE(ed25519_verify(k.public_key(), msg, sig));
  EXPECT_FALSE(ed25519_verify(k.public_key(), as_bytes("slot 7 slice 1"), sig));
  EXPECT_FALSE(ed25519_verify(other.public_key(), msg, sig));
  sig[10] ^= 1;
  EXPECT_FALSE(ed25519_verify(k.public_key(), msg, sig));
}

}  // namespace
}  // namespace stakecast::crypto
