// libp2p identify (SPEC: libp2p/specs identify/README.md): /ipfs/id/1.0.0 (the listener writes one
// length-prefixed Identify message and half-closes) and /ipfs/id/push/1.0.0 (the dialer writes it).
// Builds our message and reads the peer's, validating the public key and addresses. No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec/frame.hpp"
#include "codec/libp2p_messages.hpp"
#include "core/multiaddr.hpp"
#include "core/peer_id.hpp"

namespace stakecast::identify {

inline constexpr std::string_view kProtocolId = "/ipfs/id/1.0.0";
inline constexpr std::string_view kPushProtocolId = "/ipfs/id/push/1.0.0";
inline constexpr std::string_view kProtocolVersion = "ipfs/0.1.0";

struct Info {
  PeerId peer;  // derived from the message's public key
  std::string agent_version;
  std::string protocol_version;
  std::vector<Multiaddr> listen_addrs;  // unparseable addresses are skipped
  std::optional<Multiaddr> observed_addr;
  std::vector<std::string> protocols;
};

// Our message, length-prefixed, ready to write on the stream.
Bytes make_message(const std::array<std::uint8_t, 32>& identity_key, std::string_view agent_version,
                   const std::vector<Multiaddr>& listen_addrs, const std::vector<std::string>& protocols,
                   const std::optional<Multiaddr>& observed);

// Collects one length-prefixed message from a stream.
class Reader {
 public:
  Reader() : frames_(codec::kMaxIdentify) {}
  // Errors: frame errors, message errors (no public key: malformed).
  Status on_bytes(BytesView in);
  // The decoded message once complete.
  std::optional<Info> info() const { return info_; }

 private:
  codec::FrameReader frames_;
  std::optional<Info> info_;
};

}  // namespace stakecast::identify
