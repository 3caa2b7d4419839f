#include "core/result.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "core/errc.hpp"

namespace stakecast::sample {
enum class Errc { truncated = 1, too_large };
inline const char* describe(Errc e) {
  switch (e) {
    case Errc::truncated:
      return "input truncated";
    case Errc::too_large:
      return "input too large";
  }
  return "unknown";
}
STAKECAST_ERRC_FUNCS(Errc, "sample")
}  // namespace stakecast::sample
STAKECAST_ERRC_ENUM(stakecast::sample::Errc)

namespace stakecast {
namespace {

Result<int> parse(int x) {
  if (x < 0) return sample::Errc::truncated;
  return x * 2;
}

Result<int> twice(int x) {
  STAKECAST_TRY(int y, parse(x));
  return y + 1;
}

Status check(int x) {
  STAKECAST_TRY_STATUS(parse(x));
  return {};
}

TEST(Result, ValueAndError) {
  auto ok = parse(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 6);
  auto bad = parse(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), sample::Errc::truncated);
  EXPECT_EQ(bad.error().message(), "input truncated");
  EXPECT_STREQ(bad.error().category().name(), "sample");
}

TEST(Result, TryPropagates) {
  EXPECT_EQ(*twice(2), 5);
  EXPECT_EQ(twice(-2).error(), sample::Errc::truncated);
  EXPECT_TRUE(check(1));
  EXPECT_EQ(check(-1).error(), sample::Errc::truncated);
}

TEST(Result, HoldsMoveOnly) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  auto p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace stakecast
