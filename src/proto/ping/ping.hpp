// libp2p ping (SPEC: libp2p/specs ping/ping.md, protocol /ipfs/ping/1.0.0): the dialer sends 32 random
// bytes, the listener echoes every 32-byte payload on the same stream; the round trip is measured with
// the `now` passed in. Both sides are ByteMachines on one stream (core/machine.hpp). No I/O.
#pragma once

#include <array>
#include <optional>

#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/outbox.hpp"
#include "core/result.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"

namespace stakecast::ping {

inline constexpr std::string_view kProtocolId = "/ipfs/ping/1.0.0";
inline constexpr std::size_t kPayload = 32;

enum class Errc {
  mismatch = 1,      // the echo differs from what we sent
  unexpected_bytes,  // bytes arrived while no ping was outstanding
  timeout,           // no echo within Config::timeout
  busy,              // ping() while one is outstanding (local)
  flood,             // echoes piled up unpulled beyond Config::max_unsent
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "ping")

struct Config {
  Duration timeout = 10s;                  // initiator: from ping() to the complete echo
  std::size_t max_unsent = 64 * kPayload;  // responder: echo bytes waiting to be pulled
};

struct Event {
  enum class Kind { pong };  // the echo of our ping arrived after `rtt`
  Kind kind = Kind::pong;
  Duration rtt{};
};

// Listener side: echoes every complete payload; emits no events and arms no timer.
class Responder {
 public:
  explicit Responder(const Config& config = {}) : config_(config) {}
  // Errors: flood. A failed responder's stream should be reset.
  Status on_bytes(BytesView in, TimePoint now);
  std::optional<Event> poll_event() { return std::nullopt; }
  TimePoint next_deadline() const { return TimePoint::max(); }
  Status on_deadline(TimePoint) { return failed() ? Status(Err(error_)) : Status(); }
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }

 private:
  Config config_;
  std::array<std::uint8_t, kPayload> partial_{};
  std::size_t partial_len_ = 0;
  Outbox out_;
  std::error_code error_;
};

// Dialer side: one ping at a time, repeatable on the same stream.
class Initiator {
 public:
  explicit Initiator(const Config& config = {}) : config_(config) {}
  // Queues 32 fresh random bytes and starts the clock. Errors: busy, or the failure once failed.
  Status ping(Entropy& entropy, TimePoint now);
  // Errors: mismatch, unexpected_bytes.
  Status on_bytes(BytesView in, TimePoint now);
  std::optional<Event> poll_event() { return std::exchange(event_, std::nullopt); }
  TimePoint next_deadline() const {
    return outstanding() && !failed() ? sent_at_ + config_.timeout : TimePoint::max();
  }
  // Errors: timeout.
  Status on_deadline(TimePoint now);
  std::size_t poll_transmit(MutBytes out) { return out_.poll(out); }
  bool wants_transmit() const { return !out_.empty(); }
  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }

  bool outstanding() const { return outstanding_; }

 private:
  Status fail(Errc e);

  Config config_;
  std::array<std::uint8_t, kPayload> sent_{};
  std::size_t got_ = 0;  // echo bytes matched so far
  bool outstanding_ = false;
  TimePoint sent_at_{};
  Outbox out_;
  std::optional<Event> event_;
  std::error_code error_;
};

}  // namespace stakecast::ping

STAKECAST_ERRC_ENUM(stakecast::ping::Errc)
