#include "core/bytes.hpp"

#include <gtest/gtest.h>

namespace stakecast {
namespace {

TEST(Hex, RoundTripAndRejectsBadInput) {
  Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0001abff");
  EXPECT_EQ(*from_hex("0001ABff"), b);
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
  EXPECT_TRUE(from_hex("")->empty());
  EXPECT_FALSE((array_from_hex<2>("0001ab")));
}

TEST(Endian, StoreLoad) {
  std::uint8_t b[8];
  store_le64(b, 0x0102030405060708ULL);
  EXPECT_EQ(b[0], 0x08);
  EXPECT_EQ(load_le64(b), 0x0102030405060708ULL);
  store_be32(b, 0xdeadbeef);
  EXPECT_EQ(b[0], 0xde);
  EXPECT_EQ(load_be32(b), 0xdeadbeefu);
  store_be16(b, 0x1234);
  EXPECT_EQ(load_be16(b), 0x1234);
  store_le16(b, 0x1234);
  EXPECT_EQ(b[0], 0x34);
  EXPECT_EQ(load_le16(b), 0x1234);
  store_be64(b, 0x0102030405060708ULL);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(load_be64(b), 0x0102030405060708ULL);
}

}  // namespace
}  // namespace stakecast
