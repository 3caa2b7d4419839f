#include "core/base58.hpp"

#include <algorithm>
#include <array>

namespace stakecast::base58 {
namespace {
constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int, 128> make_index() {
  std::array<int, 128> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<std::size_t>(kAlphabet[i])] = static_cast<int>(i);
  return t;
}
constexpr auto kIndex = make_index();
}  // namespace

std::string encode(BytesView data) {
  std::size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Base-256 to base-58, most significant digit last in `digits`.
  std::vector<std::uint8_t> digits;
  digits.reserve(data.size() * 138 / 100 + 1);
  for (std::size_t i = zeros; i < data.size(); ++i) {
    unsigned carry = data[i];
    for (auto& d : digits) {
      carry += static_cast<unsigned>(d) << 8;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

std::optional<Bytes> decode(std::string_view text) {
  if (text.size() > kMaxDecodeChars) return std::nullopt;
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  Bytes bytes;  // little-endian base-256 accumulator
  for (std::size_t i = ones; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 128 || kIndex[c] < 0) return std::nullopt;
    unsigned carry = static_cast<unsigned>(kIndex[c]);
    for (auto& b : bytes) {
      carry += static_cast<unsigned>(b) * 58;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace stakecast::base58
