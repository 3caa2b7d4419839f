#include "proto/yamux/frame.hpp"

namespace stakecast::yamux {

std::optional<HeaderError> decode_header(BytesView in, Header& out) {
  if (in[0] != kVersion) return HeaderError::bad_version;
  if (in[1] > static_cast<std::uint8_t>(Type::go_away)) return HeaderError::bad_type;
  out.type = static_cast<Type>(in[1]);
  out.flags = load_be16(&in[2]);
  out.stream = load_be32(&in[4]);
  out.length = load_be32(&in[8]);
  return std::nullopt;
}

void encode_header(const Header& h, std::uint8_t* out) {
  out[0] = kVersion;
  out[1] = static_cast<std::uint8_t>(h.type);
  store_be16(out + 2, h.flags);
  store_be32(out + 4, h.stream);
  store_be32(out + 8, h.length);
}

}  // namespace stakecast::yamux
