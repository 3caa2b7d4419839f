#include "core/base58.hpp"

#include <gtest/gtest.h>

namespace stakecast::base58 {
namespace {

TEST(Base58, KnownVectors) {
  // From the base58 IETF draft (draft-msporny-base58) examples.
  EXPECT_EQ(encode(as_bytes("Hello World!")), "2NEpo7TZRRrLZSi2U");
  EXPECT_EQ(encode(as_bytes("The quick brown fox jumps over the lazy dog.")),
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  EXPECT_EQ(encode(Bytes{0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd}), "11233QC4");
  EXPECT_EQ(encode(Bytes{}), "");
}

TEST(Base58, RoundTripWithLeadingZeros) {
  for (std::size_t zeros = 0; zeros < 4; ++zeros) {
    Bytes b(zeros, 0);
    for (int i = 0; i < 40; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 1));
    auto d = decode(encode(b));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, b);
  }
}

TEST(Base58, RejectsBadCharactersAndHugeInput) {
  EXPECT_FALSE(decode("0OIl"));
  EXPECT_FALSE(decode("abc\xff"));
  EXPECT_FALSE(decode(std::string(kMaxDecodeChars + 1, '2')));
}

}  // namespace
}  // namespace stakecast::base58
