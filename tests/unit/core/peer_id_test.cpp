#include "core/peer_id.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/base58.hpp"

namespace stakecast {
namespace {

std::array<std::uint8_t, 32> ed25519_public_from_seed(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  std::array<std::uint8_t, 32> pk;
  std::array<std::uint8_t, 64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  return pk;
}

TEST(PeerId, IssueVectorSeedOfOnes) {
  auto pk = ed25519_public_from_seed(0x01);
  auto id = PeerId::from_ed25519(pk);
  EXPECT_EQ(id.to_string(), "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
  EXPECT_EQ(id.bytes().size(), 38u);
  EXPECT_EQ(id.ed25519_public_key(), pk);
}

TEST(PeerId, ParseRoundTripAndSha256Form) {
  auto id = PeerId::parse("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->to_string(), "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5");
  // A legacy RSA-style "Qm" id is a sha2-256 multihash: valid, but no inline key.
  auto qm = PeerId::parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
  ASSERT_TRUE(qm);
  EXPECT_EQ(qm->bytes().size(), 34u);
  EXPECT_FALSE(qm->ed25519_public_key());
}

TEST(PeerId, RejectsMalformed) {
  EXPECT_EQ(PeerId::parse("0OIl").error(), PeerIdErrc::bad_base58);
  EXPECT_EQ(PeerId::from_bytes(Bytes{0x00, 0x05, 1, 2}).error(), PeerIdErrc::bad_multihash);  // short
  EXPECT_EQ(PeerId::from_bytes(Bytes{0x12, 0x02, 1, 2}).error(), PeerIdErrc::bad_multihash);  // sha256 len
  EXPECT_EQ(PeerId::from_bytes(Bytes{0x13, 0x01, 1}).error(), PeerIdErrc::unsupported_hash);
  Bytes big(50, 0);
  big[0] = 0x00;
  big[1] = 48;
  EXPECT_EQ(PeerId::from_bytes(big).error(), PeerIdErrc::bad_multihash);  // inline key > 42 bytes
  EXPECT_EQ(PeerId::from_bytes(Bytes(200, 0)).error(), PeerIdErrc::too_long);
  EXPECT_FALSE(PeerId::from_bytes(Bytes{}));
}

TEST(PeerId, DistinctKeysDistinctIds) {
  EXPECT_NE(PeerId::from_ed25519(ed25519_public_from_seed(1)),
            PeerId::from_ed25519(ed25519_public_from_seed(2)));
}

}  // namespace
}  // namespace stakecast
