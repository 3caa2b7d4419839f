// The Rotor shred wire format, version 1 (docs/shred-format.md, byte by byte). A shred is
// self-authenticating: it carries its slice's Merkle root, the leader's signature over
// (slot, slice, last-slice flag, root) and its own Merkle proof, so it can travel over a libp2p stream or
// a datagram unchanged. parse() validates every length before touching the bytes it describes and
// returns a zero-copy view into the caller's buffer. No I/O.
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace stakecast::codec {

enum class ShredErrc {
  truncated = 1,      // shorter than the fixed header, or than header + proof + payload
  bad_version,        // version byte is not kShredVersion
  bad_flags,          // unknown flag bits set
  bad_reserved,       // reserved bytes not zero
  bad_counts,         // data count 0, total < data, or total > 255
  bad_index,          // shred index ≥ total count
  bad_proof_length,   // proof length is not depth_for(total count)
  payload_too_large,  // payload length above kMaxShredPayload
  empty_payload,      // payload length 0
  bad_slice_length,   // slice length 0, or payload length is not ceil(slice length / data count)
  length_mismatch,    // buffer longer than header + proof + payload
};
const char* describe(ShredErrc e);
STAKECAST_ERRC_FUNCS(ShredErrc, "shred")

inline constexpr std::uint8_t kShredVersion = 1;
inline constexpr std::size_t kShredFixedHeader = 124;
inline constexpr std::size_t kMaxShredPayload = 1 << 20;
inline constexpr std::uint8_t kShredFlagLastSlice = 0x01;

struct ShredHeader {
  Slot slot;
  SliceIndex slice;
  bool last_slice = false;
  std::uint8_t data_count = 0;   // gamma: shreds needed to rebuild the slice
  std::uint8_t total_count = 0;  // Gamma: shreds in the slice
  ShredIndex index;
  std::uint32_t slice_len = 0;  // bytes of slice data; shard length = ceil(slice_len / data_count)
  crypto::Hash256 root{};
  crypto::Ed25519Signature signature{};
};

// A validated shred; views into the buffer given to parse().
class ShredView {
 public:
  const ShredHeader& header() const { return header_; }
  std::span<const crypto::Hash256> proof() const { return proof_; }
  BytesView payload() const { return payload_; }
  bool is_data() const { return header_.index.get() < header_.data_count; }

 private:
  friend Result<ShredView> parse_shred(BytesView);
  ShredHeader header_;
  std::span<const crypto::Hash256> proof_;
  BytesView payload_;
};

// Errors: every ShredErrc.
Result<ShredView> parse_shred(BytesView wire);

std::size_t shred_wire_size(std::uint8_t total_count, std::size_t payload_len);

// Writes a shred into out (out.size() must be shred_wire_size(total_count, payload.size()) and the proof
// depth_for(total_count) long; caller invariants). Returns the bytes written.
std::size_t write_shred(const ShredHeader& h, std::span<const crypto::Hash256> proof, BytesView payload,
                        MutBytes out);

// What the leader signs: "stakecast-shred-v1" || LE64 slot || LE32 slice || u8 last || root.
inline constexpr std::size_t kSignedMessageSize = 18 + 8 + 4 + 1 + 32;
std::array<std::uint8_t, kSignedMessageSize> signed_message(Slot slot, SliceIndex slice, bool last_slice,
                                                            const crypto::Hash256& root);

// Shard length for a slice: ceil(slice_len / data_count).
std::size_t shard_length(std::uint32_t slice_len, std::uint8_t data_count);

// Prefix hashed into each shred's Merkle leaf before its payload:
// data count, total count, index, LE32 slice length.
std::array<std::uint8_t, 7> leaf_prefix(std::uint8_t data_count, std::uint8_t total_count, ShredIndex index,
                                        std::uint32_t slice_len);

// The Merkle leaf hash of a parsed shred: leaf_hash(leaf_prefix(...) || payload).
crypto::Hash256 shred_leaf_hash(const ShredView& shred);

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::ShredErrc)
