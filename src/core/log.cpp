#include "core/log.hpp"

namespace stakecast::log {

void set_level(Level level) {
  static constexpr spdlog::level::level_enum kMap[] = {spdlog::level::trace, spdlog::level::debug,
                                                       spdlog::level::info,  spdlog::level::warn,
                                                       spdlog::level::err,   spdlog::level::off};
  spdlog::set_level(kMap[static_cast<int>(level)]);
}

bool parse_level(std::string_view text, Level& out) {
  static constexpr std::pair<std::string_view, Level> kNames[] = {
      {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},
      {"warn", Level::warn},   {"error", Level::error}, {"off", Level::off}};
  for (auto [name, level] : kNames) {
    if (name == text) {
      out = level;
      return true;
    }
  }
  return false;
}

}  // namespace stakecast::log
