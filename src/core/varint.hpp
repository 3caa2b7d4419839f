// Unsigned varint (multiformats unsigned-varint: LEB128, at most 9 bytes, minimal encoding).
// SPEC: multiformats/unsigned-varint README. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace stakecast::varint {

inline constexpr std::size_t kMaxBytes = 9;  // 63 bits of payload

enum class DecodeStatus { ok, need_more, overflow, non_minimal };

struct Decoded {
  DecodeStatus status;
  std::uint64_t value = 0;
  std::size_t length = 0;  // bytes consumed when ok
};

// Decodes from the front of `in`. need_more means the input ended inside a varint of ≤ 9 bytes.
Decoded decode(BytesView in);

std::size_t encoded_size(std::uint64_t v);
// Writes at most kMaxBytes (v must be < 2^63); returns the number of bytes written.
std::size_t encode(std::uint64_t v, std::uint8_t* out);
void append(Bytes& out, std::uint64_t v);

}  // namespace stakecast::varint
