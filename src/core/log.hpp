// Logging facade over spdlog, so modules do not depend on its API directly. No I/O of its own:
// the sink (stderr by default) is chosen by the shell.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace stakecast::log {

enum class Level { trace, debug, info, warn, error, off };

void set_level(Level level);
// Parses "trace|debug|info|warn|error|off"; returns false on anything else.
bool parse_level(std::string_view text, Level& out);

template <class... A>
void trace(spdlog::format_string_t<A...> f, A&&... a) {
  spdlog::trace(f, std::forward<A>(a)...);
}
template <class... A>
void debug(spdlog::format_string_t<A...> f, A&&... a) {
  spdlog::debug(f, std::forward<A>(a)...);
}
template <class... A>
void info(spdlog::format_string_t<A...> f, A&&... a) {
  spdlog::info(f, std::forward<A>(a)...);
}
template <class... A>
void warn(spdlog::format_string_t<A...> f, A&&... a) {
  spdlog::warn(f, std::forward<A>(a)...);
}
template <class... A>
void error(spdlog::format_string_t<A...> f, A&&... a) {
  spdlog::error(f, std::forward<A>(a)...);
}

}  // namespace stakecast::log
