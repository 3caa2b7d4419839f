#include "proto/rotor/validator_set.hpp"

#include <gtest/gtest.h>

namespace stakecast::rotor {
namespace {

crypto::Ed25519PublicKey key(std::uint8_t i) {
  crypto::Ed25519Seed s{};
  s[0] = i;
  return crypto::Ed25519Keypair::from_seed(s).public_key();
}

TEST(ValidatorSet, BuildsTablesAndLooksUpKeys) {
  auto s =
      ValidatorSet::create(Epoch{3}, {Stake{50}, Stake{30}, Stake{30}}, {key(1), key(2), key(3)}, {0, 1, 0});
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->epoch(), Epoch{3});
  EXPECT_EQ((*s)->size(), 3u);
  EXPECT_EQ((*s)->total_stake(), Stake{110});
  EXPECT_EQ((*s)->index_of(key(3)), ValidatorIndex{2});
  EXPECT_FALSE((*s)->index_of(key(9)));
  EXPECT_EQ((*s)->region(ValidatorIndex{1}), 1);
  EXPECT_TRUE((*s)->contains(ValidatorIndex{2}));
  EXPECT_FALSE((*s)->contains(ValidatorIndex{3}));
  auto no_regions = ValidatorSet::create(Epoch{3}, {Stake{1}}, {key(1)});
  ASSERT_TRUE(no_regions);
  EXPECT_EQ((*no_regions)->region(ValidatorIndex{0}), kNoRegion);
}

TEST(ValidatorSet, RejectsInconsistentTables) {
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {}, {}).error(), ValidatorSetErrc::empty);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{0}}, {key(1)}).error(), ValidatorSetErrc::empty);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{1}}, {key(1), key(2)}).error(),
            ValidatorSetErrc::size_mismatch);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{1}}, {key(1)}, {1, 2}).error(),
            ValidatorSetErrc::size_mismatch);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{1}, Stake{2}}, {key(1), key(2)}).error(),
            ValidatorSetErrc::not_stake_ordered);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{2}, Stake{1}}, {key(1), key(1)}).error(),
            ValidatorSetErrc::duplicate_key);
  EXPECT_EQ(ValidatorSet::create(Epoch{0}, {Stake{~0ULL}, Stake{2}}, {key(1), key(2)}).error(),
            ValidatorSetErrc::stake_overflow);
}

}  // namespace
}  // namespace stakecast::rotor

namespace stakecast::rotor {
namespace {

TEST(ValidatorSet, FromStakeTableKeepsOrderAndInternsRegions) {
  std::vector<Validator> vs;
  const char* regions[] = {"zurich", "tokyo", "zurich", ""};
  for (std::uint8_t i = 0; i < 4; ++i) {
    Validator v;
    v.identity_key = key(static_cast<std::uint8_t>(i + 1));
    v.peer = PeerId::from_ed25519(v.identity_key);
    v.stake = Stake{100u - i * 10u};
    v.region = regions[i];
    v.addrs.push_back(*Multiaddr::parse("/ip4/10.0.0." + std::to_string(i + 1) + "/tcp/4001"));
    vs.push_back(v);
  }
  auto table = StakeTable::from_validators(vs);
  ASSERT_TRUE(table);
  auto s = ValidatorSet::from_stake_table(Epoch{9}, *table);
  ASSERT_TRUE(s);
  ASSERT_EQ((*s)->size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*s)->key(ValidatorIndex{i}), (*table)[ValidatorIndex{i}].identity_key);
    EXPECT_EQ((*s)->stake(ValidatorIndex{i}), (*table)[ValidatorIndex{i}].stake);
  }
  EXPECT_EQ((*s)->region(ValidatorIndex{0}), (*s)->region(ValidatorIndex{2}));
  EXPECT_NE((*s)->region(ValidatorIndex{0}), (*s)->region(ValidatorIndex{1}));
  EXPECT_EQ((*s)->region(ValidatorIndex{3}), kNoRegion);
  EXPECT_EQ((*s)->region_names(), (std::vector<std::string>{"zurich", "tokyo"}));
  for (std::uint32_t i = 0; i < 4; ++i) {
    ASSERT_EQ((*s)->addrs(ValidatorIndex{i}).size(), 1u);
    EXPECT_EQ((*s)->addrs(ValidatorIndex{i})[0], (*table)[ValidatorIndex{i}].addrs[0]);
  }
  EXPECT_TRUE((*s)->addrs(ValidatorIndex{4}).empty());
}

}  // namespace
}  // namespace stakecast::rotor
