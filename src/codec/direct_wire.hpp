// Wire format of /stakecast/direct/1.0.0: signed messages for the direct (Critical) and hybrid (High)
// paths, and acknowledgements. Byte layout in docs/rotor-wire.md. Parsing is zero-copy into a view and
// checks every length before use; it never allocates. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"

namespace stakecast::codec {

enum class DirectWireErrc {
  truncated = 1,      // shorter than its header or than the lengths it declares
  trailing_bytes,     // longer than it declares
  bad_version,        // version byte is not kDirectVersion
  bad_type,           // unknown message type
  bad_flags,          // reserved flag bits or reserved bytes set
  payload_too_large,  // declared payload above the caller's limit
  bad_hybrid,         // relays / redundancy inconsistent (redundancy 0 or > relays, or set when direct)
};
const char* describe(DirectWireErrc e);
STAKECAST_ERRC_FUNCS(DirectWireErrc, "direct_wire")

inline constexpr std::uint8_t kDirectVersion = 1;
inline constexpr std::size_t kDirectHeaderSize = 40;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kAckSize = 36;

enum class DirectType : std::uint8_t { message = 1, ack = 2 };

struct DirectHeader {
  bool ack_requested = false;
  std::uint8_t kind = 0;        // prio::Kind
  std::uint8_t relays = 0;      // 0: direct; r > 0: hybrid through r relays
  std::uint8_t redundancy = 0;  // hybrid: relays covering each receiver
  Epoch epoch;
  ValidatorIndex sender;
  Slot slot;
  std::uint64_t nonce = 0;
};

// A parsed message; views point into the buffer given to parse_direct().
struct DirectMessageView {
  DirectHeader header;
  BytesView payload;
  BytesView signed_bytes;  // header || payload: what the signature covers (after the domain tag)
  std::array<std::uint8_t, kSignatureSize> signature{};
  BytesView wire;  // the whole message, for forwarding verbatim
};

struct AckView {
  std::array<std::uint8_t, 32> id{};
};

// Message type of a buffer (first two bytes checked). Errors: truncated, bad_version, bad_type.
Result<DirectType> peek_direct_type(BytesView in);
// Errors: every DirectWireErrc.
Result<DirectMessageView> parse_direct(BytesView in, std::size_t max_payload);
Result<AckView> parse_ack(BytesView in);

// Header and payload without the signature (what the sender signs), then the full message.
Bytes encode_direct_unsigned(const DirectHeader& h, BytesView payload);
Bytes encode_direct(const DirectHeader& h, BytesView payload,
                    const std::array<std::uint8_t, kSignatureSize>& sig);
Bytes encode_ack(const std::array<std::uint8_t, 32>& id);

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::DirectWireErrc)
