// multistream-select 1.0 dialer and listener. SPEC: multiformats/multistream-select README and
// libp2p/specs connections/README.md (protocol negotiation). Messages are unsigned-varint length-prefixed
// lines ending in '\n', bounded by Config::max_line. The dialer writes its header and first proposal at
// once (js-libp2p's listener waits for them); on "na" it proposes the next protocol. `ls` is answered
// with "na" (optional in the spec). Bytes that follow a completed negotiation are kept untouched for the
// next protocol (take_remaining). Machine shape: core/machine.hpp (a ByteMachine). No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/frame.hpp"
#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/outbox.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace stakecast::mss {

enum class Errc {
  bad_header = 1,      // the peer is not speaking /multistream/1.0.0
  bad_message,         // not newline-terminated, control characters, or an unexpected answer
  no_common_protocol,  // every proposal was refused
  too_many_attempts,   // the dialer sent more proposals than the listener allows
  bad_framing,         // length prefix invalid or over the line limit
  timeout,             // no agreement within Config::timeout
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "multistream")

inline constexpr std::string_view kProtocolId = "/multistream/1.0.0";

struct Config {
  std::size_t max_line = 1024;    // protocol ids longer than this are refused
  std::size_t max_attempts = 32;  // proposals a listener answers before giving up
  Duration timeout = 10s;         // from construction to agreement
};

enum class Role { dialer, listener };

struct Event {
  enum class Kind { negotiated };  // `protocol` was agreed; take_remaining() holds what followed it
  Kind kind = Kind::negotiated;
  std::string protocol;
};

class Negotiation {
 public:
  // Dialer: `protocols` are proposals in order of preference; the header and the first proposal are
  // queued at once (with none, the negotiation fails at once with no_common_protocol). Listener: the
  // protocols it accepts; its header is queued at once. The timeout runs from `now`.
  Negotiation(Role role, std::vector<std::string> protocols, TimePoint now, const Config& config = {});

  // Errors: bad_header, bad_message, bad_framing, no_common_protocol (dialer), too_many_attempts
  // (listener). After agreement, further bytes are appended to the remaining bytes.
  Status on_bytes(BytesView in, TimePoint now);
  std::optional<Event> poll_event() { return std::exchange(event_, std::nullopt); }
  TimePoint next_deadline() const { return done() || failed() ? TimePoint::max() : deadline_; }
  // Errors: timeout.
  Status on_deadline(TimePoint now);
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }

  Role role() const { return role_; }
  bool done() const { return protocol_.has_value(); }
  const std::optional<std::string>& protocol() const { return protocol_; }
  // Bytes received after the agreement (they belong to the negotiated protocol).
  Bytes take_remaining() { return std::exchange(remaining_, {}); }

 private:
  void send_line(std::string_view line);
  Status fail(Errc e);
  Status on_line(const std::string& line);
  void agree(const std::string& protocol);

  Role role_;
  std::vector<std::string> protocols_;
  Config config_;
  TimePoint deadline_;
  codec::FrameReader reader_;
  Outbox out_;
  Bytes remaining_;
  std::optional<std::string> protocol_;
  std::optional<Event> event_;
  std::error_code error_;
  bool header_seen_ = false;
  std::size_t current_ = 0;   // dialer: the proposal awaiting an answer
  std::size_t attempts_ = 0;  // listener: proposals answered
};

}  // namespace stakecast::mss

STAKECAST_ERRC_ENUM(stakecast::mss::Errc)
