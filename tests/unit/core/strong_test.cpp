#include "core/strong.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace stakecast {
namespace {

// Each id of the vocabulary is its own type: none converts to another or from its raw integer.
template <class A, class... Rest>
constexpr bool none_convertible() {
  return ((!std::is_convertible_v<A, Rest> && !std::is_convertible_v<Rest, A>)&&...) &&
         !std::is_convertible_v<typename A::rep_type, A> && !std::is_convertible_v<A, typename A::rep_type>;
}
static_assert(none_convertible<Slot, SliceIndex, ShredIndex, ValidatorIndex, Stake, Epoch>());
static_assert(none_convertible<SliceIndex, ShredIndex, ValidatorIndex, Stake, Epoch>());
static_assert(none_convertible<ShredIndex, ValidatorIndex, Stake, Epoch>());
static_assert(none_convertible<ValidatorIndex, Stake, Epoch>());
static_assert(none_convertible<Stake, Epoch>());
static_assert(none_convertible<Epoch>());

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
