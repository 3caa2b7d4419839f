// libp2p ping (SPEC: libp2p/specs ping/ping.md, protocol /ipfs/ping/1.0.0): the dialer sends 32 random
// bytes, the listener echoes every 32-byte payload on the same stream; RTT is measured with the `now`
// passed in. No I/O.
#pragma once

#include <array>
#include <optional>

#include "core/bytes.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"

namespace stakecast::ping {

inline constexpr std::string_view kProtocolId = "/ipfs/ping/1.0.0";
inline constexpr std::size_t kPayload = 32;

// Listener side: returns the bytes to echo for whatever arrived (complete 32-byte payloads only).
class Responder {
 public:
  Bytes on_bytes(BytesView in);

 private:
  Bytes pending_;
};

// Dialer side of one ping.
class Initiator {
 public:
  // The 32 bytes to send.
  std::array<std::uint8_t, kPayload> start(Entropy& entropy, TimePoint now);
  enum class Outcome { pending, ok, mismatch };
  // Feeds the echo; on ok, rtt() holds the round trip.
  Outcome on_bytes(BytesView in, TimePoint now);
  Duration rtt() const { return rtt_; }

 private:
  std::array<std::uint8_t, kPayload> sent_{};
  Bytes got_;
  TimePoint started_{};
  Duration rtt_{};
};

}  // namespace stakecast::ping
