#include "proto/frost/group.hpp"

#include <gtest/gtest.h>

#include "frost_fixture.hpp"

namespace stakecast::frost {
namespace {

TEST(Group, LooksUpMembersByIdentifierAndValidator) {
  auto d = test::deal(cf::SuiteId::ed25519, 5, 3);
  const Group& g = *d.group;
  EXPECT_EQ(g.size(), 5u);
  EXPECT_EQ(g.threshold(), 3u);
  ASSERT_TRUE(g.by_id(4));
  EXPECT_EQ(g.by_id(4)->validator, ValidatorIndex{3});
  EXPECT_EQ(g.by_validator(ValidatorIndex{3})->id, 4u);
  EXPECT_FALSE(g.by_id(0));
  EXPECT_FALSE(g.by_id(6));
  EXPECT_FALSE(g.by_validator(ValidatorIndex{5}));
  EXPECT_EQ(g.suite().id(), cf::SuiteId::ed25519);
}

TEST(Group, InvalidGroupsAreRejected) {
  auto d = test::deal(cf::SuiteId::ristretto255, 4, 2);
  const Group& g = *d.group;
  auto members = g.members();
  const auto suite = cf::SuiteId::ristretto255;
  EXPECT_EQ(Group::create(suite, g.public_key(), 1, members).error(), Errc::invalid_group);
  EXPECT_EQ(Group::create(suite, g.public_key(), 5, members).error(), Errc::invalid_group);
  EXPECT_EQ(Group::create(suite, cf::Element{}, 2, members).error(), Errc::invalid_group);  // identity key
  auto dup = members;
  dup[1].id = dup[0].id;
  EXPECT_EQ(Group::create(suite, g.public_key(), 2, dup).error(), Errc::invalid_group);
  auto same_validator = members;
  same_validator[1].validator = same_validator[0].validator;
  EXPECT_EQ(Group::create(suite, g.public_key(), 2, same_validator).error(), Errc::invalid_group);
  auto zero = members;
  zero[0].id = 0;
  EXPECT_EQ(Group::create(suite, g.public_key(), 2, zero).error(), Errc::invalid_group);
  auto bad_share = members;
  bad_share[2].public_share.fill(0xff);
  EXPECT_EQ(Group::create(suite, g.public_key(), 2, bad_share).error(), Errc::invalid_group);
  // Members may come in any order; they are kept by identifier.
  auto shuffled = members;
  std::swap(shuffled[0], shuffled[3]);
  auto ok = Group::create(suite, g.public_key(), 2, shuffled);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)->members()[0].id, 1u);
  EXPECT_EQ(to_string(Reason::invalid_share), "invalid_share");
}

}  // namespace
}  // namespace stakecast::frost
