#include "codec/direct_wire.hpp"

#include <algorithm>

namespace stakecast::codec {

const char* describe(DirectWireErrc e) {
  switch (e) {
    case DirectWireErrc::truncated:
      return "direct message truncated";
    case DirectWireErrc::trailing_bytes:
      return "direct message has trailing bytes";
    case DirectWireErrc::bad_version:
      return "direct message has an unknown version";
    case DirectWireErrc::bad_type:
      return "direct message has an unknown type";
    case DirectWireErrc::bad_flags:
      return "direct message sets reserved bits";
    case DirectWireErrc::payload_too_large:
      return "direct message payload too large";
    case DirectWireErrc::bad_hybrid:
      return "direct message has inconsistent hybrid fields";
  }
  return "unknown direct wire error";
}

Result<DirectType> peek_direct_type(BytesView in) {
  if (in.size() < 2) return DirectWireErrc::truncated;
  if (in[0] != kDirectVersion) return DirectWireErrc::bad_version;
  if (in[1] != static_cast<std::uint8_t>(DirectType::message) &&
      in[1] != static_cast<std::uint8_t>(DirectType::ack))
    return DirectWireErrc::bad_type;
  return static_cast<DirectType>(in[1]);
}

Result<DirectMessageView> parse_direct(BytesView in, std::size_t max_payload) {
  STAKECAST_TRY(DirectType t, peek_direct_type(in));
  if (t != DirectType::message) return DirectWireErrc::bad_type;
  if (in.size() < kDirectHeaderSize) return DirectWireErrc::truncated;
  const std::uint8_t* p = in.data();
  const std::uint8_t flags = p[2];
  if ((flags & ~1u) != 0 || load_le16(p + 6) != 0) return DirectWireErrc::bad_flags;
  DirectMessageView v;
  v.header.ack_requested = (flags & 1u) != 0;
  v.header.kind = p[3];
  v.header.relays = p[4];
  v.header.redundancy = p[5];
  if (v.header.relays == 0 ? v.header.redundancy != 0
                           : (v.header.redundancy == 0 || v.header.redundancy > v.header.relays))
    return DirectWireErrc::bad_hybrid;
  v.header.epoch = Epoch{load_le64(p + 8)};
  v.header.sender = ValidatorIndex{load_le32(p + 16)};
  const std::uint32_t len = load_le32(p + 20);
  v.header.slot = Slot{load_le64(p + 24)};
  v.header.nonce = load_le64(p + 32);
  if (len > max_payload) return DirectWireErrc::payload_too_large;
  const std::size_t total = kDirectHeaderSize + std::size_t{len} + kSignatureSize;
  if (in.size() < total) return DirectWireErrc::truncated;
  if (in.size() > total) return DirectWireErrc::trailing_bytes;
  v.payload = in.subspan(kDirectHeaderSize, len);
  v.signed_bytes = in.first(kDirectHeaderSize + len);
  std::copy_n(p + kDirectHeaderSize + len, kSignatureSize, v.signature.begin());
  v.wire = in;
  return v;
}

Result<AckView> parse_ack(BytesView in) {
  STAKECAST_TRY(DirectType t, peek_direct_type(in));
  if (t != DirectType::ack) return DirectWireErrc::bad_type;
  if (in.size() < kAckSize) return DirectWireErrc::truncated;
  if (in.size() > kAckSize) return DirectWireErrc::trailing_bytes;
  if (load_le16(in.data() + 2) != 0) return DirectWireErrc::bad_flags;
  AckView a;
  std::copy_n(in.data() + 4, 32, a.id.begin());
  return a;
}

Bytes encode_direct_unsigned(const DirectHeader& h, BytesView payload) {
  Bytes out(kDirectHeaderSize);
  std::uint8_t* p = out.data();
  p[0] = kDirectVersion;
  p[1] = static_cast<std::uint8_t>(DirectType::message);
  p[2] = h.ack_requested ? 1 : 0;
  p[3] = h.kind;
  p[4] = h.relays;
  p[5] = h.redundancy;
  store_le16(p + 6, 0);
  store_le64(p + 8, h.epoch.get());
  store_le32(p + 16, h.sender.get());
  store_le32(p + 20, static_cast<std::uint32_t>(payload.size()));
  store_le64(p + 24, h.slot.get());
  store_le64(p + 32, h.nonce);
  append(out, payload);
  return out;
}

Bytes encode_direct(const DirectHeader& h, BytesView payload,
                    const std::array<std::uint8_t, kSignatureSize>& sig) {
  Bytes out = encode_direct_unsigned(h, payload);
  append(out, sig);
  return out;
}

Bytes encode_ack(const std::array<std::uint8_t, 32>& id) {
  Bytes out(kAckSize, 0);
  out[0] = kDirectVersion;
  out[1] = static_cast<std::uint8_t>(DirectType::ack);
  std::copy(id.begin(), id.end(), out.begin() + 4);
  return out;
}

}  // namespace stakecast::codec
