#include "core/log.hpp"

#include <gtest/gtest.h>

namespace stakecast::log {
namespace {

TEST(Log, ParsesLevelNamesAndSetsThem) {
  Level l = Level::info;
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_TRUE(parse_level("off", l));
  EXPECT_EQ(l, Level::off);
  EXPECT_FALSE(parse_level("verbose", l));
  EXPECT_EQ(l, Level::off);  // unchanged on failure
  set_level(Level::warn);
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  set_level(Level::info);
  EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
}

}  // namespace
}  // namespace stakecast::log
