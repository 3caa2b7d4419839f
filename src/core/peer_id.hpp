// libp2p peer ids. SPEC: libp2p/specs peer-ids/peer-ids.md.
// A peer id is a multihash of the protobuf-encoded PublicKey: the identity multihash when the encoding
// is at most 42 bytes (Ed25519: 36 bytes -> "12D3KooW..."), SHA-256 otherwise. Text form is base58btc.
// No I/O.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"

namespace stakecast {

enum class PeerIdErrc {
  bad_base58 = 1,
  bad_multihash,
  unsupported_hash,
  too_long,
};
const char* describe(PeerIdErrc e);
STAKECAST_ERRC_FUNCS(PeerIdErrc, "peer_id")

class PeerId {
 public:
  static constexpr std::size_t kMaxBytes = 64;  // multihash code + length + 32-byte digest, with room

  // Identity multihash of PublicKey{Type: Ed25519, Data: key}.
  static PeerId from_ed25519(const std::array<std::uint8_t, 32>& public_key);
  // Validates a binary multihash (identity ≤ 42-byte digest, or sha2-256 with a 32-byte digest).
  static Result<PeerId> from_bytes(BytesView multihash);
  static Result<PeerId> parse(std::string_view base58btc);

  // The protobuf-encoded libp2p PublicKey for an Ed25519 key (08 01 12 20 || key).
  static Bytes encode_ed25519_public_key(const std::array<std::uint8_t, 32>& public_key);

  const Bytes& bytes() const { return bytes_; }
  std::string to_string() const;
  // The Ed25519 key inlined in an identity peer id, if this is one.
  std::optional<std::array<std::uint8_t, 32>> ed25519_public_key() const;

  // Byte-wise order (out of line: GCC 12 misreports the inline vector comparison).
  std::strong_ordering operator<=>(const PeerId& other) const;
  bool operator==(const PeerId& other) const { return bytes_ == other.bytes_; }

 private:
  Bytes bytes_;
};

}  // namespace stakecast

STAKECAST_ERRC_ENUM(stakecast::PeerIdErrc)

template <>
struct std::hash<stakecast::PeerId> {
  std::size_t operator()(const stakecast::PeerId& p) const noexcept {
    std::size_t h = 1469598103934665603ULL;
    for (auto b : p.bytes()) h = (h ^ b) * 1099511628211ULL;
    return h;
  }
};
