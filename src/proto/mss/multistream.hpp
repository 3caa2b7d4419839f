// multistream-select 1.0 dialer and listener. SPEC: multiformats/multistream-select README and
// libp2p/specs connections/README.md (protocol negotiation). Messages are unsigned-varint length-prefixed
// lines ending in '\n'. The dialer writes its header and first proposal at once (js-libp2p's listener
// waits for them); on "na" it proposes the next protocol. `ls` is answered with "na" (optional in the
// spec). Bytes that follow a completed negotiation are left for the next protocol untouched. No I/O.
//
// Machine shape shared by the connection machines (ARCHITECTURE.md 3): inputs on_bytes(in); outputs
// pulled with poll_transmit(out) into a caller buffer; state queried with done() / failed().
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

namespace stakecast::mss {

enum class Errc {
  bad_header = 1,      // the peer is not speaking /multistream/1.0.0
  bad_message,         // not newline-terminated, not UTF-8 printable, or over the line limit
  no_common_protocol,  // every proposal was refused
  too_many_attempts,   // the dialer sent more proposals than the listener allows
  bad_framing,         // length prefix invalid or over the limit
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "multistream")

inline constexpr std::string_view kProtocolId = "/multistream/1.0.0";

struct Config {
  std::size_t max_line = 1024;    // protocol ids longer than this are refused
  std::size_t max_attempts = 32;  // proposals a listener answers before giving up
};

// Common plumbing: framing in, queued bytes out, leftover bytes after completion.
class Negotiation {
 public:
  // Pulls queued bytes into `out`; returns the number written.
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }
  bool done() const { return protocol_.has_value(); }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }
  const std::optional<std::string>& protocol() const { return protocol_; }
  // Bytes received after the negotiation completed (belong to the negotiated protocol).
  Bytes take_remaining();

 protected:
  explicit Negotiation(const Config& c) : config_(c), reader_(c.max_line + 1) {}
  void send_line(std::string_view line);
  // Feeds bytes; calls on_line for each complete line until done or failed. Errors: the first failure.
  template <class F>
  Status feed(BytesView in, F&& on_line);
  Status fail(Errc e);

  Config config_;
  codec::FrameReader reader_;
  Outbox out_;
  Bytes remaining_;
  std::optional<std::string> protocol_;
  std::error_code error_;
  bool header_seen_ = false;
};

class Dialer : public Negotiation {
 public:
  // Proposals in order of preference. The header and first proposal are queued immediately.
  explicit Dialer(std::vector<std::string> proposals, const Config& config = {});
  // Errors: bad_header, bad_message, no_common_protocol, bad_framing (the machine is then failed).
  Status on_bytes(BytesView in);

 private:
  std::vector<std::string> proposals_;
  std::size_t current_ = 0;
};

class Listener : public Negotiation {
 public:
  explicit Listener(std::vector<std::string> supported, const Config& config = {});
  // Errors: bad_header, bad_message, too_many_attempts, bad_framing.
  Status on_bytes(BytesView in);

 private:
  std::vector<std::string> supported_;
  std::size_t attempts_ = 0;
};

}  // namespace stakecast::mss

STAKECAST_ERRC_ENUM(stakecast::mss::Errc)
