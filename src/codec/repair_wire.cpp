#include "codec/repair_wire.hpp"

#include <algorithm>

namespace stakecast::codec {
namespace {

constexpr std::size_t kPrefix = 4;  // version, type, reserved u16

// Cursor over a buffer; every read checks the remaining length first.
class Reader {
 public:
  explicit Reader(BytesView in) : in_(in) {}
  bool need(std::size_t n) const { return in_.size() - pos_ >= n; }
  std::uint64_t u64() {
    auto v = load_le64(in_.data() + pos_);
    pos_ += 8;
    return v;
  }
  std::uint32_t u32() {
    auto v = load_le32(in_.data() + pos_);
    pos_ += 4;
    return v;
  }
  std::uint16_t u16() {
    auto v = load_le16(in_.data() + pos_);
    pos_ += 2;
    return v;
  }
  Hash hash() {
    Hash h;
    std::copy_n(in_.data() + pos_, 32, h.begin());
    pos_ += 32;
    return h;
  }
  BytesView take(std::size_t n) {
    auto v = in_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  BytesView in_;
  std::size_t pos_ = kPrefix;
};

Result<Reader> open(BytesView in, RepairType want, std::size_t fixed) {
  STAKECAST_TRY(RepairType t, peek_repair_type(in));
  if (t != want) return RepairWireErrc::bad_type;
  if (load_le16(in.data() + 2) != 0) return RepairWireErrc::bad_reserved;
  if (in.size() < kPrefix + fixed) return RepairWireErrc::truncated;
  return Reader(in);
}

Bytes start(RepairType t) {
  Bytes out = {kRepairVersion, static_cast<std::uint8_t>(t), 0, 0};
  return out;
}
void put64(Bytes& b, std::uint64_t v) {
  std::uint8_t x[8];
  store_le64(x, v);
  b.insert(b.end(), x, x + 8);
}
void put32(Bytes& b, std::uint32_t v) {
  std::uint8_t x[4];
  store_le32(x, v);
  b.insert(b.end(), x, x + 4);
}
void put16(Bytes& b, std::uint16_t v) {
  std::uint8_t x[2];
  store_le16(x, v);
  b.insert(b.end(), x, x + 2);
}

}  // namespace

const char* describe(RepairWireErrc e) {
  switch (e) {
    case RepairWireErrc::truncated:
      return "repair message truncated";
    case RepairWireErrc::trailing_bytes:
      return "repair message has trailing bytes";
    case RepairWireErrc::bad_version:
      return "repair message has an unknown version";
    case RepairWireErrc::bad_type:
      return "repair message has an unexpected type";
    case RepairWireErrc::bad_reserved:
      return "repair message sets reserved bytes";
    case RepairWireErrc::too_many:
      return "repair message count above the limit";
    case RepairWireErrc::item_too_large:
      return "repair message item above the size limit";
    case RepairWireErrc::empty_request:
      return "repair request wants nothing";
  }
  return "unknown repair wire error";
}

Result<RepairType> peek_repair_type(BytesView in) {
  if (in.size() < kPrefix) return RepairWireErrc::truncated;
  if (in[0] != kRepairVersion) return RepairWireErrc::bad_version;
  if (in[1] < 1 || in[1] > 5) return RepairWireErrc::bad_type;
  return static_cast<RepairType>(in[1]);
}

Result<std::uint64_t> peek_repair_request(BytesView in) {
  STAKECAST_TRY_STATUS(peek_repair_type(in));
  if (in.size() < kPrefix + 8) return RepairWireErrc::truncated;
  return load_le64(in.data() + kPrefix);
}

Result<RootsRequest> parse_roots_request(BytesView in) {
  STAKECAST_TRY(Reader r, open(in, RepairType::roots_request, 48));
  RootsRequest m;
  m.request = r.u64();
  m.slot = Slot{r.u64()};
  m.block = r.hash();
  if (!r.done()) return RepairWireErrc::trailing_bytes;
  return m;
}

Result<RootsResponse> parse_roots_response(BytesView in, const RepairLimits& limits) {
  STAKECAST_TRY(Reader r, open(in, RepairType::roots_response, 52));
  RootsResponse m;
  m.request = r.u64();
  m.slot = Slot{r.u64()};
  m.block = r.hash();
  const std::uint32_t n = r.u32();
  if (n > limits.max_slices) return RepairWireErrc::too_many;
  if (!r.need(std::size_t{n} * 32)) return RepairWireErrc::truncated;
  m.roots.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) m.roots.push_back(r.hash());
  if (!r.done()) return RepairWireErrc::trailing_bytes;
  return m;
}

Result<ShredsRequest> parse_shreds_request(BytesView in) {
  STAKECAST_TRY(Reader r, open(in, RepairType::shreds_request, 84));
  ShredsRequest m;
  m.request = r.u64();
  m.slot = Slot{r.u64()};
  m.block = r.hash();
  m.slice = SliceIndex{r.u32()};
  BytesView mask = r.take(32);
  for (std::size_t i = 0; i < 256; ++i)
    if (mask[i / 8] & (1u << (i % 8))) m.want.set(i);
  if (!r.done()) return RepairWireErrc::trailing_bytes;
  if (m.want.none()) return RepairWireErrc::empty_request;
  return m;
}

Result<ShredsResponseView> parse_shreds_response(BytesView in, const RepairLimits& limits) {
  STAKECAST_TRY(Reader r, open(in, RepairType::shreds_response, 24));
  ShredsResponseView m;
  m.request = r.u64();
  m.slot = Slot{r.u64()};
  m.slice = SliceIndex{r.u32()};
  const std::uint16_t n = r.u16();
  if (r.u16() != 0) return RepairWireErrc::bad_reserved;
  if (n > limits.max_shreds) return RepairWireErrc::too_many;
  m.shreds.reserve(n);
  for (std::uint16_t i = 0; i < n; ++i) {
    if (!r.need(4)) return RepairWireErrc::truncated;
    const std::uint32_t len = r.u32();
    if (len > limits.max_shred_size) return RepairWireErrc::item_too_large;
    if (!r.need(len)) return RepairWireErrc::truncated;
    m.shreds.push_back(r.take(len));
  }
  if (!r.done()) return RepairWireErrc::trailing_bytes;
  return m;
}

Result<NotFound> parse_not_found(BytesView in) {
  STAKECAST_TRY(Reader r, open(in, RepairType::not_found, 16));
  NotFound m;
  m.request = r.u64();
  m.slot = Slot{r.u64()};
  if (!r.done()) return RepairWireErrc::trailing_bytes;
  return m;
}

Bytes encode(const RootsRequest& m) {
  Bytes b = start(RepairType::roots_request);
  put64(b, m.request);
  put64(b, m.slot.get());
  append(b, m.block);
  return b;
}

Bytes encode(const RootsResponse& m) {
  Bytes b = start(RepairType::roots_response);
  put64(b, m.request);
  put64(b, m.slot.get());
  append(b, m.block);
  put32(b, static_cast<std::uint32_t>(m.roots.size()));
  for (const auto& h : m.roots) append(b, h);
  return b;
}

Bytes encode(const ShredsRequest& m) {
  Bytes b = start(RepairType::shreds_request);
  put64(b, m.request);
  put64(b, m.slot.get());
  append(b, m.block);
  put32(b, m.slice.get());
  std::array<std::uint8_t, 32> mask{};
  for (std::size_t i = 0; i < 256; ++i)
    if (m.want.test(i)) mask[i / 8] = static_cast<std::uint8_t>(mask[i / 8] | (1u << (i % 8)));
  append(b, mask);
  return b;
}

Bytes encode_shreds_response(std::uint64_t request, Slot slot, SliceIndex slice,
                             const std::vector<BytesView>& shreds) {
  Bytes b = start(RepairType::shreds_response);
  put64(b, request);
  put64(b, slot.get());
  put32(b, slice.get());
  put16(b, static_cast<std::uint16_t>(shreds.size()));
  put16(b, 0);
  for (auto s : shreds) {
    put32(b, static_cast<std::uint32_t>(s.size()));
    append(b, s);
  }
  return b;
}

Bytes encode(const NotFound& m) {
  Bytes b = start(RepairType::not_found);
  put64(b, m.request);
  put64(b, m.slot.get());
  return b;
}

}  // namespace stakecast::codec
