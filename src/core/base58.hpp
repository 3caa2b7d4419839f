// Base58btc (Bitcoin alphabet), as used by libp2p peer ids and Solana keys. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace stakecast::base58 {

std::string encode(BytesView data);
// nullopt on a character outside the alphabet or input longer than kMaxDecodeChars.
std::optional<Bytes> decode(std::string_view text);

inline constexpr std::size_t kMaxDecodeChars = 256;  // quadratic decoder: bound peer input

}  // namespace stakecast::base58
