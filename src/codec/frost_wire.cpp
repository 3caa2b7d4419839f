#include "codec/frost_wire.hpp"

#include <algorithm>

namespace stakecast::codec {
namespace {

void put_header(Bytes& out, FrostType type, const FrostHeader& h) {
  out.push_back(kFrostVersion);
  out.push_back(static_cast<std::uint8_t>(type));
  append(out, h.session);
  out.push_back(h.attempt);
}

void put_le16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

// The header of a message of type `want`, and the size check of a fixed-size message.
Result<FrostHeader> header_of(BytesView in, FrostType want) {
  STAKECAST_TRY(FrostHeader h, peek_frost(in));
  if (h.type != want) return FrostWireErrc::bad_type;
  return h;
}

Status exact_size(BytesView in, std::size_t size) {
  if (in.size() < size) return FrostWireErrc::truncated;
  if (in.size() > size) return FrostWireErrc::trailing_bytes;
  return {};
}

Bytes32 copy32(const std::uint8_t* p) {
  Bytes32 a;
  std::copy_n(p, 32, a.begin());
  return a;
}

}  // namespace

const char* describe(FrostWireErrc e) {
  switch (e) {
    case FrostWireErrc::truncated:
      return "frost message truncated";
    case FrostWireErrc::trailing_bytes:
      return "frost message has trailing bytes";
    case FrostWireErrc::bad_version:
      return "frost message has an unknown version";
    case FrostWireErrc::bad_type:
      return "frost message has an unexpected type";
    case FrostWireErrc::bad_flags:
      return "frost message has an unknown mode or a reserved byte set";
    case FrostWireErrc::too_many_signers:
      return "frost message names too many signers";
    case FrostWireErrc::bad_signer_list:
      return "frost signer identifiers empty, zero or not strictly increasing";
    case FrostWireErrc::bad_threshold:
      return "frost threshold below 2 or above the signer count";
    case FrostWireErrc::message_too_large:
      return "frost message to sign too large";
  }
  return "unknown frost wire error";
}

Result<FrostHeader> peek_frost(BytesView in) {
  if (in.size() < 2) return FrostWireErrc::truncated;
  if (in[0] != kFrostVersion) return FrostWireErrc::bad_version;
  if (in[1] < static_cast<std::uint8_t>(FrostType::coordination) ||
      in[1] > static_cast<std::uint8_t>(FrostType::share))
    return FrostWireErrc::bad_type;
  if (in.size() < kFrostHeaderSize) return FrostWireErrc::truncated;
  FrostHeader h;
  h.type = static_cast<FrostType>(in[1]);
  std::copy_n(in.data() + 2, 32, h.session.begin());
  h.attempt = in[34];
  return h;
}

Result<FrostCoordination> parse_coordination(BytesView in, const FrostLimits& limits) {
  STAKECAST_TRY(FrostHeader h, header_of(in, FrostType::coordination));
  if (in.size() < kCoordinationFixedSize) return FrostWireErrc::truncated;
  const std::uint8_t* p = in.data();
  if (p[35] > static_cast<std::uint8_t>(FrostMode::broadcast) || p[36] != 0) return FrostWireErrc::bad_flags;
  FrostCoordination m;
  m.header = h;
  m.mode = static_cast<FrostMode>(p[35]);
  m.threshold = load_le16(p + 37);
  const std::size_t count = load_le16(p + 39);
  m.deadline_ms = load_le32(p + 41);
  m.slot = Slot{load_le64(p + 45)};
  const std::size_t len = load_le32(p + 53);
  // Limits before any allocation.
  if (count > limits.max_signers) return FrostWireErrc::too_many_signers;
  if (len > limits.max_message) return FrostWireErrc::message_too_large;
  if (count == 0) return FrostWireErrc::bad_signer_list;
  if (m.threshold < 2 || m.threshold > count) return FrostWireErrc::bad_threshold;
  STAKECAST_TRY_STATUS(exact_size(in, kCoordinationFixedSize + 2 * count + len));
  m.signers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint16_t id = load_le16(p + kCoordinationFixedSize + 2 * i);
    if (id == 0 || (!m.signers.empty() && id <= m.signers.back())) return FrostWireErrc::bad_signer_list;
    m.signers.push_back(id);
  }
  const std::uint8_t* msg = p + kCoordinationFixedSize + 2 * count;
  m.message.assign(msg, msg + len);
  return m;
}

Result<FrostCommitment> parse_commitment(BytesView in) {
  STAKECAST_TRY(FrostHeader h, header_of(in, FrostType::commitment));
  STAKECAST_TRY_STATUS(exact_size(in, kCommitmentSize));
  FrostCommitment m;
  m.header = h;
  m.signer = load_le16(in.data() + 35);
  if (m.signer == 0) return FrostWireErrc::bad_signer_list;
  m.hiding = copy32(in.data() + 37);
  m.binding = copy32(in.data() + 69);
  return m;
}

Result<FrostPackage> parse_package(BytesView in, const FrostLimits& limits) {
  STAKECAST_TRY(FrostHeader h, header_of(in, FrostType::package));
  if (in.size() < kFrostHeaderSize + 2) return FrostWireErrc::truncated;
  const std::size_t count = load_le16(in.data() + 35);
  if (count > limits.max_signers) return FrostWireErrc::too_many_signers;
  if (count == 0) return FrostWireErrc::bad_signer_list;
  STAKECAST_TRY_STATUS(exact_size(in, kFrostHeaderSize + 2 + count * kPackageEntrySize));
  FrostPackage m;
  m.header = h;
  m.commitments.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* e = in.data() + kFrostHeaderSize + 2 + i * kPackageEntrySize;
    FrostPackageEntry entry;
    entry.signer = load_le16(e);
    if (entry.signer == 0 || (!m.commitments.empty() && entry.signer <= m.commitments.back().signer))
      return FrostWireErrc::bad_signer_list;
    entry.hiding = copy32(e + 2);
    entry.binding = copy32(e + 34);
    m.commitments.push_back(entry);
  }
  return m;
}

Result<FrostShare> parse_share(BytesView in) {
  STAKECAST_TRY(FrostHeader h, header_of(in, FrostType::share));
  STAKECAST_TRY_STATUS(exact_size(in, kShareSize));
  FrostShare m;
  m.header = h;
  m.signer = load_le16(in.data() + 35);
  if (m.signer == 0) return FrostWireErrc::bad_signer_list;
  m.share = copy32(in.data() + 37);
  return m;
}

Bytes encode(const FrostCoordination& m) {
  Bytes out;
  out.reserve(kCoordinationFixedSize + 2 * m.signers.size() + m.message.size());
  put_header(out, FrostType::coordination, m.header);
  out.push_back(static_cast<std::uint8_t>(m.mode));
  out.push_back(0);
  put_le16(out, m.threshold);
  put_le16(out, static_cast<std::uint16_t>(m.signers.size()));
  std::uint8_t tail[16];
  store_le32(tail, m.deadline_ms);
  store_le64(tail + 4, m.slot.get());
  store_le32(tail + 12, static_cast<std::uint32_t>(m.message.size()));
  append(out, tail);
  for (auto id : m.signers) put_le16(out, id);
  append(out, m.message);
  return out;
}

Bytes encode(const FrostCommitment& m) {
  Bytes out;
  out.reserve(kCommitmentSize);
  put_header(out, FrostType::commitment, m.header);
  put_le16(out, m.signer);
  append(out, m.hiding);
  append(out, m.binding);
  return out;
}

Bytes encode(const FrostPackage& m) {
  Bytes out;
  out.reserve(kFrostHeaderSize + 2 + m.commitments.size() * kPackageEntrySize);
  put_header(out, FrostType::package, m.header);
  put_le16(out, static_cast<std::uint16_t>(m.commitments.size()));
  for (const auto& e : m.commitments) {
    put_le16(out, e.signer);
    append(out, e.hiding);
    append(out, e.binding);
  }
  return out;
}

Bytes encode(const FrostShare& m) {
  Bytes out;
  out.reserve(kShareSize);
  put_header(out, FrostType::share, m.header);
  put_le16(out, m.signer);
  append(out, m.share);
  return out;
}

}  // namespace stakecast::codec
