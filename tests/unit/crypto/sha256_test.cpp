#include "crypto/sha256.hpp"

#include <gtest/gtest.h>

namespace stakecast::crypto {
namespace {

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalEqualsOneShotAndResets) {
  Sha256 h;
  h.update(as_bytes("a")).update(as_bytes("bc"));
  EXPECT_EQ(h.finish(), sha256(as_bytes("abc")));
  h.update(as_bytes("abc"));
  EXPECT_EQ(h.finish(), sha256(as_bytes("abc")));
}

}  // namespace
}  // namespace stakecast::crypto
