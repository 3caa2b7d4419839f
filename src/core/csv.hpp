// A small RFC 4180 CSV reader for the project's data files: quoted fields, doubled quotes, CRLF.
// Works on text already in memory. Bounded: rejects rows with more than kMaxFields fields. No I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stakecast::csv {

inline constexpr std::size_t kMaxFields = 256;

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  // Next row, or nullopt at the end. `ok()` turns false on a malformed row (unterminated quote, too
  // many fields); `line()` is the 1-based line where the last row started.
  std::optional<std::vector<std::string>> next();
  bool ok() const { return ok_; }
  std::size_t line() const { return line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
  std::size_t next_line_ = 1;
  bool ok_ = true;
};

// Index of `name` in a header row.
std::optional<std::size_t> column(const std::vector<std::string>& header, std::string_view name);

}  // namespace stakecast::csv
