#include "codec/shred.hpp"

#include <cstring>

#include "crypto/merkle.hpp"

namespace stakecast::codec {
namespace {
constexpr char kSignDomain[] = "stakecast-shred-v1";
static_assert(sizeof kSignDomain - 1 == 18);
// Offsets of the fixed header (docs/shred-format.md).
constexpr std::size_t kOffVersion = 0, kOffFlags = 1, kOffData = 2, kOffTotal = 3, kOffIndex = 4,
                      kOffProofLen = 5, kOffReserved = 6, kOffSlot = 8, kOffSlice = 16, kOffPayloadLen = 20,
                      kOffSliceLen = 24, kOffRoot = 28, kOffSig = 60;
static_assert(kOffSig + 64 == kShredFixedHeader);
static_assert(sizeof(crypto::Hash256) == 32 && alignof(crypto::Hash256) == 1);
}  // namespace

const char* describe(ShredErrc e) {
  switch (e) {
    case ShredErrc::truncated:
      return "shred truncated";
    case ShredErrc::bad_version:
      return "unknown shred version";
    case ShredErrc::bad_flags:
      return "unknown shred flag bits";
    case ShredErrc::bad_reserved:
      return "shred reserved bytes not zero";
    case ShredErrc::bad_counts:
      return "invalid data/total shred counts";
    case ShredErrc::bad_index:
      return "shred index out of range";
    case ShredErrc::bad_proof_length:
      return "Merkle proof length does not match the shred count";
    case ShredErrc::payload_too_large:
      return "shred payload too large";
    case ShredErrc::bad_slice_length:
      return "slice length inconsistent with the shred payload length";
    case ShredErrc::empty_payload:
      return "shred payload empty";
    case ShredErrc::length_mismatch:
      return "shred length does not match its header";
  }
  return "unknown shred error";
}

std::size_t shred_wire_size(std::uint8_t total_count, std::size_t payload_len) {
  return kShredFixedHeader + 32 * crypto::merkle::depth_for(total_count) + payload_len;
}

Result<ShredView> parse_shred(BytesView w) {
  if (w.size() < kShredFixedHeader) return ShredErrc::truncated;
  if (w[kOffVersion] != kShredVersion) return ShredErrc::bad_version;
  if ((w[kOffFlags] & ~kShredFlagLastSlice) != 0) return ShredErrc::bad_flags;
  if (w[kOffReserved] != 0 || w[kOffReserved + 1] != 0) return ShredErrc::bad_reserved;
  const std::uint8_t data = w[kOffData], total = w[kOffTotal];
  if (data == 0 || total < data) return ShredErrc::bad_counts;
  if (w[kOffIndex] >= total) return ShredErrc::bad_index;
  const std::size_t depth = crypto::merkle::depth_for(total);
  if (w[kOffProofLen] != depth) return ShredErrc::bad_proof_length;
  const std::uint32_t payload_len = load_le32(&w[kOffPayloadLen]);
  if (payload_len > kMaxShredPayload) return ShredErrc::payload_too_large;
  if (payload_len == 0) return ShredErrc::empty_payload;
  const std::uint32_t slice_len = load_le32(&w[kOffSliceLen]);
  if (slice_len == 0 || shard_length(slice_len, data) != payload_len) return ShredErrc::bad_slice_length;
  const std::size_t need = kShredFixedHeader + 32 * depth + payload_len;
  if (w.size() < need) return ShredErrc::truncated;
  if (w.size() > need) return ShredErrc::length_mismatch;

  ShredView v;
  ShredHeader& h = v.header_;
  h.slot = Slot{load_le64(&w[kOffSlot])};
  h.slice = SliceIndex{load_le32(&w[kOffSlice])};
  h.last_slice = (w[kOffFlags] & kShredFlagLastSlice) != 0;
  h.data_count = data;
  h.total_count = total;
  h.index = ShredIndex{w[kOffIndex]};
  h.slice_len = slice_len;
  std::memcpy(h.root.data(), &w[kOffRoot], 32);
  std::memcpy(h.signature.data(), &w[kOffSig], 64);
  // Hash256 is a byte array (alignment 1), so the proof is viewed in place.
  v.proof_ = {reinterpret_cast<const crypto::Hash256*>(&w[kShredFixedHeader]), depth};
  v.payload_ = w.subspan(kShredFixedHeader + 32 * depth, payload_len);
  return v;
}

std::size_t write_shred(const ShredHeader& h, std::span<const crypto::Hash256> proof, BytesView payload,
                        MutBytes out) {
  std::uint8_t* p = out.data();
  p[kOffVersion] = kShredVersion;
  p[kOffFlags] = h.last_slice ? kShredFlagLastSlice : 0;
  p[kOffData] = h.data_count;
  p[kOffTotal] = h.total_count;
  p[kOffIndex] = static_cast<std::uint8_t>(h.index.get());
  p[kOffProofLen] = static_cast<std::uint8_t>(proof.size());
  p[kOffReserved] = p[kOffReserved + 1] = 0;
  store_le64(p + kOffSlot, h.slot.get());
  store_le32(p + kOffSlice, h.slice.get());
  store_le32(p + kOffPayloadLen, static_cast<std::uint32_t>(payload.size()));
  store_le32(p + kOffSliceLen, h.slice_len);
  std::memcpy(p + kOffRoot, h.root.data(), 32);
  std::memcpy(p + kOffSig, h.signature.data(), 64);
  std::size_t off = kShredFixedHeader;
  for (const auto& node : proof) {
    std::memcpy(p + off, node.data(), 32);
    off += 32;
  }
  std::memcpy(p + off, payload.data(), payload.size());
  return off + payload.size();
}

std::array<std::uint8_t, kSignedMessageSize> signed_message(Slot slot, SliceIndex slice, bool last_slice,
                                                            const crypto::Hash256& root) {
  std::array<std::uint8_t, kSignedMessageSize> m{};
  std::memcpy(m.data(), kSignDomain, 18);
  store_le64(m.data() + 18, slot.get());
  store_le32(m.data() + 26, slice.get());
  m[30] = last_slice ? 1 : 0;
  std::memcpy(m.data() + 31, root.data(), 32);
  return m;
}

std::size_t shard_length(std::uint32_t slice_len, std::uint8_t data_count) {
  return (std::size_t{slice_len} + data_count - 1) / data_count;
}

std::array<std::uint8_t, 7> leaf_prefix(std::uint8_t data_count, std::uint8_t total_count, ShredIndex index,
                                        std::uint32_t slice_len) {
  std::array<std::uint8_t, 7> p{data_count, total_count, static_cast<std::uint8_t>(index.get())};
  store_le32(p.data() + 3, slice_len);
  return p;
}

crypto::Hash256 shred_leaf_hash(const ShredView& v) {
  const auto& h = v.header();
  return crypto::merkle::leaf_hash(leaf_prefix(h.data_count, h.total_count, h.index, h.slice_len),
                                   v.payload());
}

}  // namespace stakecast::codec
