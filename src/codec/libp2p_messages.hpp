// Plain structs for the libp2p protobuf messages (codec/libp2p.proto) and their encoders/decoders.
// Decoders check the input size first and validate what the protocols rely on. No I/O.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"

namespace stakecast::codec {

enum class MessageErrc {
  too_large = 1,     // input above the message's limit
  malformed,         // not a valid protobuf encoding of the message
  unsupported_key,   // a public key type other than Ed25519
  too_many_entries,  // a repeated field beyond its bound
};
const char* describe(MessageErrc e);
STAKECAST_ERRC_FUNCS(MessageErrc, "libp2p_message")

// libp2p PublicKey{Type: Ed25519, Data: key}. Errors: too_large, malformed, unsupported_key.
Result<std::array<std::uint8_t, 32>> decode_ed25519_public_key(BytesView pb);

struct NoisePayload {
  Bytes identity_key;  // protobuf PublicKey
  Bytes identity_sig;
  std::vector<std::string> stream_muxers;
};
inline constexpr std::size_t kMaxNoisePayload = 4096;
Bytes encode(const NoisePayload& p);
// Errors: too_large, malformed, too_many_entries.
Result<NoisePayload> decode_noise_payload(BytesView pb);

struct IdentifyMessage {
  std::string protocol_version;
  std::string agent_version;
  Bytes public_key;                 // protobuf PublicKey
  std::vector<Bytes> listen_addrs;  // binary multiaddrs
  std::optional<Bytes> observed_addr;
  std::vector<std::string> protocols;
};
inline constexpr std::size_t kMaxIdentify = 8192;
inline constexpr std::size_t kMaxIdentifyEntries = 128;
Bytes encode(const IdentifyMessage& m);
// Errors: too_large, malformed, too_many_entries.
Result<IdentifyMessage> decode_identify(BytesView pb);

}  // namespace stakecast::codec

STAKECAST_ERRC_ENUM(stakecast::codec::MessageErrc)
