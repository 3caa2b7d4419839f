// Multiaddrs (SPEC: multiformats/multiaddr, codes from the multicodec table): text and binary forms
// for /ip4 /ip6 /dns /dns4 /dns6 /tcp /udp /p2p (also read as /ipfs). Bounded: at most kMaxComponents
// components and kMaxBytes of binary form. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/peer_id.hpp"
#include "core/result.hpp"

namespace stakecast {

enum class MultiaddrErrc {
  empty = 1,         // no components ("" or "/")
  unknown_protocol,  // protocol name or code we do not support
  missing_value,     // protocol needs a value and none follows
  bad_value,         // malformed IP, port, DNS name or peer id
  truncated,         // binary form ends inside a component
  bad_varint,        // binary form has an invalid varint
  too_long,          // more than kMaxComponents components or kMaxBytes bytes
  no_leading_slash,
};
const char* describe(MultiaddrErrc e);
STAKECAST_ERRC_FUNCS(MultiaddrErrc, "multiaddr")

enum class Proto : std::uint32_t {
  ip4 = 0x04,
  tcp = 0x06,
  udp = 0x0111,
  ip6 = 0x29,
  dns = 0x35,
  dns4 = 0x36,
  dns6 = 0x37,
  p2p = 0x01a5,
};

class Multiaddr {
 public:
  static constexpr std::size_t kMaxComponents = 16;
  static constexpr std::size_t kMaxBytes = 512;

  struct Component {
    Proto proto;
    Bytes value;  // binary value as on the wire (without the length prefix for variable-size values)
    bool operator==(const Component&) const = default;
  };

  // Errors: every MultiaddrErrc except truncated / bad_varint.
  static Result<Multiaddr> parse(std::string_view text);
  // Errors: every MultiaddrErrc except no_leading_slash.
  static Result<Multiaddr> from_bytes(BytesView bytes);

  std::string to_string() const;
  Bytes to_bytes() const;
  const std::vector<Component>& components() const { return components_; }

  // The peer id of the last /p2p component, if any.
  std::optional<PeerId> peer_id() const;
  Multiaddr without_peer_id() const;
  Multiaddr with_peer_id(const PeerId& id) const;

  // For the TCP shell: host (IP text or DNS name) and port of a leading ip4|ip6|dns*/tcp pair.
  struct TcpEndpoint {
    Proto host_proto;
    std::string host;
    std::uint16_t port;
  };
  std::optional<TcpEndpoint> tcp_endpoint() const;
  // /ip4/<a>/tcp/<port> or /ip6/<a>/tcp/<port> from an IP literal; errors: bad_value.
  static Result<Multiaddr> from_ip_tcp(std::string_view ip, std::uint16_t port);

  bool operator==(const Multiaddr&) const = default;

 private:
  std::vector<Component> components_;
};

}  // namespace stakecast

STAKECAST_ERRC_ENUM(stakecast::MultiaddrErrc)
