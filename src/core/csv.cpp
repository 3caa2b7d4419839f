#include "core/csv.hpp"

namespace stakecast::csv {

std::optional<std::vector<std::string>> Reader::next() {
  if (!ok_ || pos_ >= text_.size()) return std::nullopt;
  line_ = next_line_;
  std::vector<std::string> row(1);
  bool quoted = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          row.back() += '"';
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++next_line_;
        row.back() += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      if (row.size() >= kMaxFields) {
        ok_ = false;
        return std::nullopt;
      }
      row.emplace_back();
    } else if (c == '\n') {
      ++next_line_;
      break;
    } else if (c != '\r') {
      row.back() += c;
    }
  }
  if (quoted) {
    ok_ = false;
    return std::nullopt;
  }
  return row;
}

std::optional<std::size_t> column(const std::vector<std::string>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

}  // namespace stakecast::csv
