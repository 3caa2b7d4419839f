// A Yamux session (SPEC: hashicorp/yamux spec.md, libp2p/specs yamux/README.md): streams with SYN/ACK,
// FIN half-close and RST, per-stream flow control with a 256 KiB initial window that grows (auto-tuning)
// up to max_window when the reader keeps up, pings answered with ACK, GoAway, stream limits. The client
// (dialer) uses odd stream ids. Frames are produced lazily when the owner pulls bytes, control frames
// first, then data round-robin across streams in chunks of at most max_data_frame bytes, so a scheduler
// above never waits long for a frame boundary. Peer errors close the session with GoAway(protocol error).
// No I/O: time comes in with every call.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/byte_queue.hpp"
#include "core/bytes.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"
#include "proto/yamux/frame.hpp"

namespace stakecast::yamux {

enum class Errc {
  protocol_error = 1,  // peer broke the protocol (bad version/type, unknown stream, wrong id parity...)
  window_exceeded,     // peer sent more data than the window allowed
  session_closed,      // GoAway sent or received, or the session failed
  unknown_stream,      // local call on a stream that does not exist
  stream_closed,       // write after close_write or reset
  too_many_streams,    // local open beyond max_streams
  send_buffer_full,    // write would exceed the stream's send buffer (back-pressure)
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "yamux")

struct Config {
  std::uint32_t initial_window = 256 * 1024;
  std::uint32_t max_window = 16 * 1024 * 1024;
  std::size_t max_streams = 512;  // open streams, both directions
  // PERF: 128 KiB rather than 1 MiB keeps what a writer hands over in cache until it is framed and sealed
  // (stream throughput 1430 -> 1863 MB/s on loopback, stakecast-bench p2p).
  std::size_t max_send_buffer = 128 << 10;  // unsent bytes buffered per stream
  std::size_t max_data_frame = 16 * 1024;   // payload per emitted DATA frame
  std::size_t max_pending_events = 4096;
  Duration default_rtt = 10ms;  // for window auto-tuning before a ping measured one
  // Stream priorities (ARCHITECTURE.md 5): 0 is served strictly first; 1..3 share the rest by smooth
  // weighted round robin with these weights, so nothing starves. New streams get priority 2.
  std::array<std::uint32_t, 4> priority_weights = {0, 8, 4, 1};
};

enum class Role { client, server };

struct Event {
  enum class Kind {
    stream_opened,  // the peer opened `stream`
    readable,       // `stream` has bytes to read
    remote_closed,  // the peer half-closed `stream` (FIN)
    reset,          // `stream` was reset by the peer
    closed,         // `stream` is fully closed and forgotten
    ping_rtt,       // our ping was answered after `rtt`
    go_away,        // the peer will accept no new streams (`code`)
  };
  Kind kind;
  StreamId stream{};
  Duration rtt{};
  std::uint32_t code = 0;
};

class Session {
 public:
  Session(Role role, const Config& config = {});

  // Errors: protocol_error, window_exceeded, session_closed (the session then fails and queues GoAway).
  Status on_bytes(BytesView in, TimePoint now);

  // Errors: session_closed, too_many_streams.
  Result<StreamId> open_stream();
  // Queues up to the send buffer's room; returns the bytes accepted (0 = back-pressure).
  // Errors: unknown_stream, stream_closed, session_closed.
  Result<std::size_t> write(StreamId id, BytesView data);
  // Sends FIN once queued data has gone. Errors: unknown_stream.
  Status close_write(StreamId id);
  // Errors: unknown_stream.
  Status reset(StreamId id);
  // Priority of a stream's outgoing DATA frames, 0 (strict, e.g. votes) to 3. Errors: unknown_stream.
  Status set_priority(StreamId id, std::uint8_t priority);
  // Reads received bytes, returning window credit to the peer as they are consumed.
  std::size_t read(StreamId id, MutBytes out, TimePoint now);
  std::size_t readable(StreamId id) const;
  bool remote_closed(StreamId id) const;
  std::size_t send_buffered(StreamId id) const;

  void ping(TimePoint now);
  void go_away(GoAwayCode code = GoAwayCode::normal);

  std::optional<Event> poll_event();
  std::size_t poll_transmit(MutBytes out);
  bool wants_transmit() const;

  bool failed() const { return static_cast<bool>(error_); }
  std::error_code error() const { return error_; }
  std::size_t stream_count() const { return streams_.size(); }
  std::uint32_t receive_window(StreamId id) const;

 private:
  struct Stream {
    bool acked = false;       // we have sent or received the SYN's ACK
    bool need_syn = false;    // our open, SYN not yet sent
    bool need_ack = false;    // peer's open, ACK not yet sent
    bool fin_queued = false;  // close_write called
    bool fin_sent = false;
    bool fin_received = false;
    std::uint32_t send_window;   // bytes we may still send
    std::uint32_t recv_window;   // bytes the peer may still send
    std::uint32_t recv_max;      // current window size (grows with auto-tuning)
    std::uint32_t consumed = 0;  // read since our last window update
    std::uint8_t priority = 2;
    TimePoint last_update{};
    ByteQueue send_buf;
    ByteQueue recv_buf;
  };

  Status fail(Errc e);
  Status handle_frame(const Header& h, BytesView body, TimePoint now);
  Stream* find(StreamId id);
  const Stream* find(StreamId id) const;
  void emit(Event e);
  void queue_control(Header h);
  void maybe_forget(std::uint32_t id);
  // Writes the next frame (control first, then data by priority) into dst, which holds at least
  // kHeaderSize bytes; data is cut to fit. Returns its size, 0 if there is nothing to send.
  std::size_t produce_frame(MutBytes dst);
  static constexpr std::size_t kMinDirectBody = 1024;  // below this much room, frames are staged in out_

  Role role_;
  Config config_;
  std::map<std::uint32_t, Stream> streams_;
  std::uint32_t next_id_;
  std::deque<Header> control_;
  std::deque<Event> events_;
  Bytes in_;
  Bytes out_;  // a frame built aside because the caller's buffer had too little room
  std::size_t out_sent_ = 0;
  std::array<std::uint32_t, 4> rr_cursor_{};  // round-robin position per priority
  std::array<std::int64_t, 4> wrr_{};         // smooth weighted round-robin state
  bool can_send(const Stream& s) const;
  bool go_away_sent_ = false;
  bool go_away_received_ = false;
  std::optional<std::pair<std::uint32_t, TimePoint>> ping_out_;
  std::uint32_t ping_seq_ = 0;
  std::optional<Duration> rtt_;
  std::error_code error_;
};

}  // namespace stakecast::yamux

STAKECAST_ERRC_ENUM(stakecast::yamux::Errc)
