// Virtual-or-real time as a value. There is deliberately no now(): shells (io/, sim/) read their
// clock and pass TimePoint into every machine call (ARCHITECTURE.md 3). No I/O.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>

namespace stakecast {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

// Nanoseconds since an epoch chosen by the shell (process start for io/, zero for sim/).
struct TimePoint {
  std::int64_t ns = 0;

  static constexpr TimePoint from_ns(std::int64_t v) { return TimePoint{v}; }
  static constexpr TimePoint max() { return TimePoint{std::numeric_limits<std::int64_t>::max()}; }
  constexpr auto operator<=>(const TimePoint&) const = default;

  constexpr TimePoint operator+(Duration d) const {
    // Saturate so that `max() + d` stays "never".
    if (d.count() > 0 && ns > std::numeric_limits<std::int64_t>::max() - d.count()) return max();
    return TimePoint{ns + d.count()};
  }
  constexpr TimePoint& operator+=(Duration d) { return *this = *this + d; }
  constexpr TimePoint operator-(Duration d) const { return TimePoint{ns - d.count()}; }
  constexpr Duration operator-(TimePoint o) const { return Duration{ns - o.ns}; }
  constexpr double ms() const { return static_cast<double>(ns) / 1e6; }
};

constexpr double to_ms(Duration d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace stakecast
