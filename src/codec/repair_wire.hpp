// Wire format of /stakecast/repair/1.0.0 (issue 5 items 4 and 8): requests for a block's slice roots
// and for missing shreds of one slice, and their answers. Shreds travel in their own self-authenticating
// format (opaque here); slice roots are checked against the block hash by the requester. Byte layout in
// docs/rotor-wire.md. Every count and length is bounded by the caller's limits before it is used; the
// parser returns views and never allocates. No I/O.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"

namespace stakecast::codec {

enum class RepairWireErrc {
  truncated = 1,
  trailing_bytes,
  bad_version,
  bad_type,
  bad_reserved,
  too_many,        // a count above the caller's limit
  item_too_large,  // one shred above the caller's limit
  empty_request,   // a shred request that wants nothing
};
const char* describe(RepairWireErrc e);
STAKECAST_ERRC_FUNCS(RepairWireErrc, "repair_wire")

inline constexpr std::uint8_t kRepairVersion = 1;
using Hash = std::array<std::uint8_t, 32>;
using ShredMask = std::bitset<256>;  // bit i: shred i of the slice

enum class RepairType : std::uint8_t {
  roots_request = 1,
  roots_response = 2,
  shreds_request = 3,
  shreds_response = 4,
  not_found = 5,
};

struct RepairLimits {
  std::size_t max_slices = 4096;  // roots per block
  std::size_t max_shreds = 255;   // shreds per answer
  std::size_t max_shred_size = 64 * 1024;
};

struct RootsRequest {
  std::uint64_t request = 0;
  Slot slot;
  Hash block{};
};
struct RootsResponse {
  std::uint64_t request = 0;
  Slot slot;
  Hash block{};
  std::vector<Hash> roots;  // decoded copy (at most max_slices)
};
struct ShredsRequest {
  std::uint64_t request = 0;
  Slot slot;
  Hash block{};  // all zero: any version of the block
  SliceIndex slice;
  ShredMask want;
};
struct ShredsResponseView {
  std::uint64_t request = 0;
  Slot slot;
  SliceIndex slice;
  std::vector<BytesView> shreds;  // views into the parsed buffer
};
struct NotFound {
  std::uint64_t request = 0;
  Slot slot;
};

Result<RepairType> peek_repair_type(BytesView in);
// The request id every repair message carries right after its prefix, without parsing the rest.
Result<std::uint64_t> peek_repair_request(BytesView in);
Result<RootsRequest> parse_roots_request(BytesView in);
Result<RootsResponse> parse_roots_response(BytesView in, const RepairLimits& limits);
Result<ShredsRequest> parse_shreds_request(BytesView in);
Result<ShredsResponseView> parse_shreds_response(BytesView in, const RepairLimits& limits);
Result<NotFound> parse_not_found(BytesView in);

Bytes encode(const RootsRequest& m);
Bytes encode(const RootsResponse& m);
Bytes encode(const ShredsRequest& m);
Bytes encode_shreds_response(std::uint64_t request, Slot slot, SliceIndex slice,
                             const std::vector<BytesView>& shreds);
Bytes encode(const NotFound& m);

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::RepairWireErrc)
