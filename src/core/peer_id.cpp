#include "core/peer_id.hpp"

#include <algorithm>
#include <cstring>

#include "core/base58.hpp"
#include "core/varint.hpp"

namespace stakecast {
namespace {
constexpr std::uint64_t kIdentity = 0x00;
constexpr std::uint64_t kSha256 = 0x12;
constexpr std::size_t kMaxInlineKey = 42;  // peer-ids.md: inline keys of at most 42 bytes
// protobuf PublicKey: field 1 (KeyType, varint) = 1 (Ed25519); field 2 (bytes) of length 32.
constexpr std::uint8_t kEd25519KeyPrefix[] = {0x08, 0x01, 0x12, 0x20};
}  // namespace

const char* describe(PeerIdErrc e) {
  switch (e) {
    case PeerIdErrc::bad_base58:
      return "peer id is not valid base58btc";
    case PeerIdErrc::bad_multihash:
      return "peer id is not a well-formed multihash";
    case PeerIdErrc::unsupported_hash:
      return "peer id multihash uses a hash other than identity or sha2-256";
    case PeerIdErrc::too_long:
      return "peer id is too long";
  }
  return "unknown peer id error";
}

Bytes PeerId::encode_ed25519_public_key(const std::array<std::uint8_t, 32>& public_key) {
  Bytes out(std::begin(kEd25519KeyPrefix), std::end(kEd25519KeyPrefix));
  append(out, public_key);
  return out;
}

PeerId PeerId::from_ed25519(const std::array<std::uint8_t, 32>& public_key) {
  PeerId p;
  Bytes key = encode_ed25519_public_key(public_key);
  varint::append(p.bytes_, kIdentity);
  varint::append(p.bytes_, key.size());
  append(p.bytes_, key);
  return p;
}

Result<PeerId> PeerId::from_bytes(BytesView mh) {
  if (mh.size() > kMaxBytes) return PeerIdErrc::too_long;
  auto code = varint::decode(mh);
  if (code.status != varint::DecodeStatus::ok) return PeerIdErrc::bad_multihash;
  auto len = varint::decode(mh.subspan(code.length));
  if (len.status != varint::DecodeStatus::ok) return PeerIdErrc::bad_multihash;
  const std::size_t header = code.length + len.length;
  if (mh.size() - header != len.value) return PeerIdErrc::bad_multihash;
  if (code.value == kIdentity) {
    if (len.value > kMaxInlineKey) return PeerIdErrc::bad_multihash;
  } else if (code.value == kSha256) {
    if (len.value != 32) return PeerIdErrc::bad_multihash;
  } else {
    return PeerIdErrc::unsupported_hash;
  }
  PeerId p;
  p.bytes_.assign(mh.begin(), mh.end());
  return p;
}

Result<PeerId> PeerId::parse(std::string_view text) {
  if (text.size() > 2 * kMaxBytes) return PeerIdErrc::too_long;
  auto raw = base58::decode(text);
  if (!raw) return PeerIdErrc::bad_base58;
  return from_bytes(*raw);
}

std::strong_ordering PeerId::operator<=>(const PeerId& other) const {
  const std::size_t n = std::min(bytes_.size(), other.bytes_.size());
  const int c = n == 0 ? 0 : std::memcmp(bytes_.data(), other.bytes_.data(), n);
  if (c != 0) return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  return bytes_.size() <=> other.bytes_.size();
}

std::string PeerId::to_string() const { return base58::encode(bytes_); }

std::optional<std::array<std::uint8_t, 32>> PeerId::ed25519_public_key() const {
  constexpr std::size_t kPrefix = 2 + sizeof kEd25519KeyPrefix;
  if (bytes_.size() != kPrefix + 32 || bytes_[0] != kIdentity || bytes_[1] != 36) return std::nullopt;
  if (!std::equal(std::begin(kEd25519KeyPrefix), std::end(kEd25519KeyPrefix), bytes_.begin() + 2))
    return std::nullopt;
  std::array<std::uint8_t, 32> k;
  std::copy(bytes_.begin() + kPrefix, bytes_.end(), k.begin());
  return k;
}

}  // namespace stakecast
