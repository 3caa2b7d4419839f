#include "core/strong.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace stakecast {
namespace {

TEST(Strong, DistinctTypesCompareAndHash) {
  static_assert(!std::is_convertible_v<Slot, ValidatorIndex>);
  static_assert(!std::is_convertible_v<std::uint64_t, Slot>);
  EXPECT_LT(Slot{1}, Slot{2});
  EXPECT_EQ(Stake{3} + Stake{4}, Stake{7});
  std::unordered_set<ValidatorIndex> s{ValidatorIndex{1}, ValidatorIndex{1}, ValidatorIndex{2}};
  EXPECT_EQ(s.size(), 2u);
}

}  // namespace
}  // namespace stakecast
