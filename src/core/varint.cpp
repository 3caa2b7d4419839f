#include "core/varint.hpp"

namespace stakecast::varint {

Decoded decode(BytesView in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == kMaxBytes) return {DecodeStatus::overflow};
    const std::uint8_t b = in[i];
    v |= std::uint64_t{b & 0x7fu} << (7 * i);
    if ((b & 0x80) == 0) {
      // A trailing zero group (other than the single byte 0x00) is a non-minimal encoding.
      if (b == 0 && i > 0) return {DecodeStatus::non_minimal};
      return {DecodeStatus::ok, v, i + 1};
    }
  }
  if (in.size() >= kMaxBytes) return {DecodeStatus::overflow};
  return {DecodeStatus::need_more};
}

std::size_t encoded_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

std::size_t encode(std::uint64_t v, std::uint8_t* out) {
  std::size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<std::uint8_t>(v);
  return n;
}

void append(Bytes& out, std::uint64_t v) {
  std::uint8_t buf[10];
  std::size_t n = encode(v, buf);
  out.insert(out.end(), buf, buf + n);
}

}  // namespace stakecast::varint
