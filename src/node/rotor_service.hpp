// Carries a rotor::Engine over the libp2p Node (issue 5 item 8): the engine's Transmits go out on one
// long-lived stream per (connection, protocol, priority class), the stream's Yamux priority set from the
// class so a Critical vote overtakes queued block bytes, for /stakecast/shred/1.0.0, /stakecast/direct/1.0.0
// and /stakecast/repair/1.0.0, each message a varint length-prefixed frame; frames read from inbound streams
// of those protocols go to Engine::on_message with the sender's ValidatorIndex (from the Noise-verified
// peer id). The engine never sees a connection, so a datagram transport can replace this service.
// No I/O: the shell passes Node events in and calls flush() when sockets drain.
#pragma once

#include <map>
#include <optional>
#include <tuple>

#include "codec/frame.hpp"
#include "core/byte_queue.hpp"
#include "node/node.hpp"
#include "proto/rotor/engine.hpp"

namespace stakecast::node {

struct RotorServiceConfig {
  std::size_t max_frame = 8u << 20;                // inbound frame limit (repair answers are the largest)
  std::size_t max_pending_per_stream = 64u << 20;  // queued outbound bytes before frames are dropped
};

struct RotorServiceMetrics {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t dropped_no_connection = 0;  // a Transmit for a validator we have no connection to
  std::uint64_t dropped_backlog = 0;        // a stream's queue was full
  std::uint64_t bad_frames = 0;             // framing errors; the stream is reset
};

class RotorService {
 public:
  RotorService(Node& node, rotor::Engine& engine, RotorServiceConfig config = {});

  // Maps peers to validator indices (call again on an epoch change).
  void set_validators(const rotor::ValidatorSet& set);
  // Every Node event goes through here; events of the three protocols are consumed.
  void on_event(const Event& e, TimePoint now);
  // Moves the engine's pending Transmits and queued bytes onto streams.
  void flush();
  const RotorServiceMetrics& metrics() const { return metrics_; }

 private:
  struct Outbound {
    std::optional<StreamId> stream;
    bool ready = false;
    ByteQueue pending;
  };
  struct Inbound {
    rotor::Protocol protocol;
    codec::FrameReader reader;
  };
  void read_stream(ConnId conn, StreamId stream, TimePoint now);
  void drain(ConnId conn, Outbound& out);

  Node& node_;
  rotor::Engine& engine_;
  RotorServiceConfig config_;
  std::map<PeerId, ValidatorIndex> validators_;
  std::map<std::uint64_t, ValidatorIndex> conn_validator_;              // established connections
  std::map<std::uint32_t, ConnId> validator_conn_;                      // one connection per validator
  std::map<std::tuple<std::uint64_t, int, int>, Outbound> outbound_;    // (conn, protocol, class)
  std::map<std::pair<std::uint64_t, std::uint32_t>, Inbound> inbound_;  // (conn, stream)
  RotorServiceMetrics metrics_;
  Bytes read_buf_ = Bytes(64 * 1024);  // PERF: one read buffer for every stream, not one per read
};

}  // namespace stakecast::node
