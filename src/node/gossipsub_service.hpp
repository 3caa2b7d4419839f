// Carries a gossipsub::Router over the libp2p Node: per connected peer we open one outbound stream
// proposing /meshsub/1.2.0, /meshsub/1.1.0, /meshsub/1.0.0, /floodsub/1.0.0 (js-libp2p's order) and write
// only on it; the peer's RPCs arrive on the stream it opened to us. A peer joins the router once our
// stream negotiated, with that protocol; RPCs that arrive earlier wait (bounded). Frames are varint
// length-prefixed (codec/frame.hpp); a frame is pulled from the router only when the previous one fitted
// into the stream, so the router's control tier overtakes queued messages.
// SPEC: libp2p/specs pubsub/README.md "The RPC". No I/O: the shell passes Node events in and calls
// flush() after router inputs and when sockets drain.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "codec/frame.hpp"
#include "node/node.hpp"
#include "proto/gossipsub/router.hpp"

namespace stakecast::node {

struct GossipsubServiceConfig {
  std::size_t max_frame = (4u << 20) + 4096;  // inbound RPC limit (codec::PubsubLimits::max_rpc_bytes)
  std::size_t max_early_bytes = 4u << 20;     // RPCs held per peer until our stream is ready
};

struct GossipsubServiceMetrics {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t bytes_sent = 0;  // frame bytes handed to streams
  std::uint64_t bad_frames = 0;  // framing errors: the stream is reset
  std::uint64_t rpc_errors = 0;  // RPCs the router refused (malformed, graylisted)
  std::uint64_t early_dropped = 0;
};

class GossipsubService {
 public:
  GossipsubService(Node& node, gossipsub::Router& router, GossipsubServiceConfig config = {});

  // Every Node event goes through here; gossipsub streams and connection changes are consumed.
  void on_event(const Event& e, TimePoint now);
  // Moves the router's frames onto streams as far as they take them.
  void flush();
  const GossipsubServiceMetrics& metrics() const { return metrics_; }
  // The protocol our stream to `peer` negotiated, once it did.
  std::optional<gossipsub::Protocol> protocol_of(const PeerId& peer) const;

 private:
  struct Link {
    ConnId conn;
    bool outbound = false;
    std::string ip;
    std::optional<StreamId> stream;
    std::optional<gossipsub::Protocol> protocol;  // set once negotiated
    std::shared_ptr<const Bytes> frame;           // being written
    std::size_t written = 0;
    std::deque<Bytes> early;  // RPCs received before our stream was ready
    std::size_t early_bytes = 0;
  };
  struct Inbound {
    PeerId peer;
    codec::FrameReader reader;
  };
  void read_stream(ConnId conn, StreamId stream, TimePoint now);
  void deliver(const PeerId& peer, BytesView rpc, TimePoint now);
  void drain(const PeerId& peer, Link& link);
  void drop_peer(const PeerId& peer, TimePoint now);

  Node& node_;
  gossipsub::Router& router_;
  GossipsubServiceConfig config_;
  std::map<PeerId, Link> links_;  // one connection per peer carries our stream
  std::map<std::pair<std::uint64_t, std::uint32_t>, Inbound> inbound_;
  GossipsubServiceMetrics metrics_;
  Bytes read_buf_ = Bytes(64 * 1024);  // PERF: one read buffer for every stream, not one per read
};

}  // namespace stakecast::node
