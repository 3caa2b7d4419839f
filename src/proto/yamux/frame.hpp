// Yamux frame header codec. SPEC: hashicorp/yamux spec.md, libp2p/specs yamux/README.md.
// 12 bytes, big-endian: version (0) | type | flags (16 bits) | stream id (32) | length (32). No I/O.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace stakecast::yamux {

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint8_t kVersion = 0;

enum class Type : std::uint8_t { data = 0, window_update = 1, ping = 2, go_away = 3 };

namespace flag {
inline constexpr std::uint16_t syn = 1, ack = 2, fin = 4, rst = 8;
}

enum class GoAwayCode : std::uint32_t { normal = 0, protocol_error = 1, internal_error = 2 };

struct Header {
  Type type = Type::data;
  std::uint16_t flags = 0;
  std::uint32_t stream = 0;
  std::uint32_t length = 0;
  bool operator==(const Header&) const = default;
};

enum class HeaderError { bad_version = 1, bad_type };

// Decodes the first 12 bytes of `in` (caller checks the size). Returns the error for a bad version/type.
std::optional<HeaderError> decode_header(BytesView in, Header& out);
void encode_header(const Header& h, std::uint8_t* out);

}  // namespace stakecast::yamux
