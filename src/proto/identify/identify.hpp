// libp2p identify (SPEC: libp2p/specs identify/README.md): /ipfs/id/1.0.0 (the listener writes one
// length-prefixed Identify message and half-closes) and /ipfs/id/push/1.0.0 (the dialer writes it).
// make_message builds ours; Reader (a Machine, core/machine.hpp) reads the peer's, checking that its
// public key is the authenticated peer's. No I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codec/frame.hpp"
#include "codec/libp2p_messages.hpp"
#include "core/errc.hpp"
#include "core/multiaddr.hpp"
#include "core/peer_id.hpp"
#include "core/time.hpp"

namespace stakecast::identify {

inline constexpr std::string_view kProtocolId = "/ipfs/id/1.0.0";
inline constexpr std::string_view kPushProtocolId = "/ipfs/id/push/1.0.0";
inline constexpr std::string_view kProtocolVersion = "ipfs/0.1.0";

enum class Errc {
  peer_mismatch = 1,  // the message's public key is not the connection's peer
  trailing_bytes,     // bytes after the one message a stream carries
  timeout,            // no complete message within Config::timeout
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "identify")

struct Config {
  Duration timeout = 10s;  // from the stream's start to a complete message
};

struct Info {
  PeerId peer;  // derived from the message's public key
  std::string agent_version;
  std::string protocol_version;
  std::vector<Multiaddr> listen_addrs;  // unparseable addresses are skipped
  std::optional<Multiaddr> observed_addr;
  std::vector<std::string> protocols;
};

struct Event {
  enum class Kind { received };  // the peer's message, validated
  Kind kind = Kind::received;
  Info info;
};

// Our message, length-prefixed, ready to write on the stream.
Bytes make_message(const std::array<std::uint8_t, 32>& identity_key, std::string_view agent_version,
                   const std::vector<Multiaddr>& listen_addrs, const std::vector<std::string>& protocols,
                   const std::optional<Multiaddr>& observed);

// Collects the one length-prefixed message of an identify or push stream.
class Reader {
 public:
  // `expected`: the peer authenticated by the secure channel, if the message must be theirs.
  explicit Reader(TimePoint now, std::optional<PeerId> expected = std::nullopt, const Config& config = {});

  // Errors: codec::FrameErrc (bad or oversized prefix), codec::MessageErrc (malformed, no Ed25519
  // public key, too many entries), peer_mismatch, trailing_bytes.
  Status on_bytes(BytesView in, TimePoint now);
  std::optional<Event> poll_event();
  TimePoint next_deadline() const { return done_ || failed() ? TimePoint::max() : deadline_; }
  // Errors: timeout.
  Status on_deadline(TimePoint now);
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }

  bool done() const { return done_; }

 private:
  Status fail(std::error_code ec);

  std::optional<PeerId> expected_;
  TimePoint deadline_;
  codec::FrameReader frames_;
  bool done_ = false;
  std::optional<Event> event_;
  std::error_code error_;
};

}  // namespace stakecast::identify

STAKECAST_ERRC_ENUM(stakecast::identify::Errc)
