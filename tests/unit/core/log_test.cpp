#include "core/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

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

// The facade writes through spdlog's default logger (the sink the shell installs), formats its arguments,
// and drops messages below the level set through the facade.
TEST(Log, WritesThroughSpdlogAndFiltersByLevel) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  auto logger =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger->set_pattern("%l %v");
  spdlog::set_default_logger(logger);
  set_level(Level::info);
  trace("t {}", 1);
  debug("d {}", 2);
  info("i {} {}", 3, "x");
  warn("w {}", 4);
  error("e {}", 5);
  set_level(Level::error);
  warn("hidden {}", 6);
  error("shown {}", 7);
  set_level(Level::off);
  error("never {}", 8);
  spdlog::set_default_logger(previous);
  set_level(Level::info);
  EXPECT_EQ(out.str(), "info i 3 x\nwarning w 4\nerror e 5\nerror shown 7\n");
}

}  // namespace
}  // namespace stakecast::log
