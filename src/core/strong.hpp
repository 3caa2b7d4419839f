// Strong types for domain scalars (STYLE.md 3): a Slot is not a ValidatorIndex. No I/O.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace stakecast {

template <class Tag, class Rep>
struct Strong {
  using rep_type = Rep;
  Rep value{};

  constexpr Strong() = default;
  constexpr explicit Strong(Rep v) : value(v) {}
  constexpr auto operator<=>(const Strong&) const = default;
  constexpr Rep get() const { return value; }
};

template <class Tag, class Rep>
std::ostream& operator<<(std::ostream& os, Strong<Tag, Rep> s) {
  return os << +s.value;
}

using Slot = Strong<struct SlotTag, std::uint64_t>;
using SliceIndex = Strong<struct SliceIndexTag, std::uint32_t>;
using ShredIndex = Strong<struct ShredIndexTag, std::uint32_t>;
using ValidatorIndex = Strong<struct ValidatorIndexTag, std::uint32_t>;
using Epoch = Strong<struct EpochTag, std::uint64_t>;
using ConnId = Strong<struct ConnIdTag, std::uint64_t>;
using StreamId = Strong<struct StreamIdTag, std::uint32_t>;

// Stake also adds: totals are sums of stakes.
struct Stake : Strong<struct StakeTag, std::uint64_t> {
  using Strong::Strong;
  constexpr Stake& operator+=(Stake o) {
    value += o.value;
    return *this;
  }
  constexpr Stake& operator-=(Stake o) {
    value -= o.value;
    return *this;
  }
  friend constexpr Stake operator+(Stake a, Stake b) { return Stake{a.value + b.value}; }
  friend constexpr Stake operator-(Stake a, Stake b) { return Stake{a.value - b.value}; }
};

}  // namespace stakecast

template <class Tag, class Rep>
struct std::hash<stakecast::Strong<Tag, Rep>> {
  std::size_t operator()(stakecast::Strong<Tag, Rep> s) const noexcept { return std::hash<Rep>{}(s.value); }
};
template <>
struct std::hash<stakecast::Stake> {
  std::size_t operator()(stakecast::Stake s) const noexcept { return std::hash<std::uint64_t>{}(s.value); }
};
