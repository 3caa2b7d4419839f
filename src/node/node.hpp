// A libp2p node as a sans-I/O machine (ARCHITECTURE.md 3): per connection the upgrade chain
// TCP bytes -> multistream-select (/noise) -> Noise XX -> multistream-select (/yamux/1.0.0, skipped when both
// Noise payloads announce it) -> Yamux -> per-stream multistream-select -> protocol handler.
// Identify (/ipfs/id/1.0.0, push accepted) and ping (/ipfs/ping/1.0.0) are built in; other protocols are
// registered by id and surface as stream events. Connections are referred to by ConnId, streams by
// (ConnId, StreamId). The shell (io/ or sim/) moves bytes: on_bytes in, poll_transmit out, deadlines.
// SPEC: libp2p/specs connections/README.md. No I/O.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/multiaddr.hpp"
#include "core/peer_id.hpp"
#include "core/rng.hpp"
#include "core/time.hpp"
#include "crypto/ed25519.hpp"
#include "proto/identify/identify.hpp"
#include "proto/mss/multistream.hpp"
#include "proto/noise/session.hpp"
#include "proto/ping/ping.hpp"
#include "proto/yamux/session.hpp"

namespace stakecast::node {

enum class Errc {
  unknown_connection = 1,
  unknown_stream,
  connection_limit,  // max_connections reached
  peer_limit,        // max_connections_per_peer reached
  not_established,   // the connection is still upgrading
  closed,            // the connection is closed
  handshake_timeout,
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "node")

enum class Direction { inbound, outbound };

struct Config {
  std::string agent_version = "stakecast/0.1.0";
  std::vector<Multiaddr> listen_addrs;
  std::size_t max_connections = 256;
  std::size_t max_connections_per_peer = 4;
  Duration handshake_timeout = 10s;
  yamux::Config yamux;
  std::size_t max_pending_events = 65536;  // oldest dropped beyond this
};

struct ConnectionEstablished {
  ConnId conn;
  PeerId peer;
  Direction direction;
  Multiaddr addr;
};
struct ConnectionClosed {
  ConnId conn;
  std::optional<PeerId> peer;  // empty when it closed before the handshake finished
  Direction direction;
  std::string reason;
};
struct IdentifyReceived {
  ConnId conn;
  identify::Info info;
};
struct PingResult {
  ConnId conn;
  bool ok = false;
  Duration rtt{};
};
struct StreamOpened {  // negotiated; inbound for registered protocols, outbound for open_stream()
  ConnId conn;
  StreamId stream;
  std::string protocol;
  bool inbound = false;
};
struct StreamFailed {  // our open_stream() was refused or reset during negotiation
  ConnId conn;
  StreamId stream;
  std::string reason;
};
struct StreamReadable {
  ConnId conn;
  StreamId stream;
};
struct StreamRemoteClosed {
  ConnId conn;
  StreamId stream;
};
struct StreamReset {
  ConnId conn;
  StreamId stream;
};
using Event = std::variant<ConnectionEstablished, ConnectionClosed, IdentifyReceived, PingResult,
                           StreamOpened, StreamFailed, StreamReadable, StreamRemoteClosed, StreamReset>;

class Node {
 public:
  Node(const crypto::Ed25519Keypair& identity, Config config, Entropy& entropy);

  const PeerId& peer_id() const { return peer_id_; }
  const crypto::Ed25519Keypair& identity() const { return identity_; }
  void set_listen_addrs(std::vector<Multiaddr> addrs) { config_.listen_addrs = std::move(addrs); }
  // Inbound streams for this protocol id are accepted and reported.
  void register_protocol(std::string protocol_id);

  // A new transport connection. `expected`: the peer id we dialed, checked in the Noise handshake.
  // Errors: connection_limit.
  Result<ConnId> add_connection(Direction dir, Multiaddr remote, std::optional<PeerId> expected,
                                TimePoint now);
  // Bytes from the transport. A failure closes the connection (ConnectionClosed) and is returned.
  Status on_bytes(ConnId conn, BytesView in, TimePoint now);
  // Bytes for the transport, pulled when it can take them.
  std::size_t poll_transmit(ConnId conn, MutBytes out);
  bool wants_transmit(ConnId conn) const;
  // The transport closed (EOF or error).
  void on_transport_closed(ConnId conn, std::string reason);
  // Graceful close: GoAway, then the shell closes the socket once poll_transmit returns nothing.
  void close(ConnId conn, std::string reason = "closed locally");
  bool is_closed(ConnId conn) const;
  // Forgets a closed connection after the shell has closed its transport.
  void remove(ConnId conn);

  // Streams. Errors: unknown_connection, not_established, closed, and yamux errors.
  Result<StreamId> open_stream(ConnId conn, std::vector<std::string> protocols);
  Result<std::size_t> write(ConnId conn, StreamId stream, BytesView data);
  Status close_write(ConnId conn, StreamId stream);
  Status reset(ConnId conn, StreamId stream);
  // Priority of the stream's outgoing frames on its connection: 0 strict (votes) to 3 (see yamux::Config).
  Status set_priority(ConnId conn, StreamId stream, std::uint8_t priority);
  std::size_t read(ConnId conn, StreamId stream, MutBytes out, TimePoint now);
  // Sends one ping on a new /ipfs/ping/1.0.0 stream; the answer is a PingResult event.
  Status ping(ConnId conn, TimePoint now);

  std::optional<Event> poll_event();
  TimePoint next_deadline() const;
  void on_deadline(TimePoint now);

  std::optional<PeerId> peer_of(ConnId conn) const;
  std::vector<ConnId> connections() const;

 private:
  enum class Handler {
    negotiating,
    app,
    identify_request,
    identify_answer,
    identify_push,
    ping_answer,
    ping_request
  };
  struct Stream {
    Handler handler = Handler::negotiating;
    std::optional<mss::Negotiation> negotiation;  // while negotiating; role listener = inbound
    Bytes pending;                                // application bytes that arrived with the negotiation
    std::optional<identify::Reader> identify;     // identify request or push
    ping::Responder ping_responder;
    ping::Initiator ping_initiator;
  };
  struct Connection {
    Direction direction = Direction::inbound;
    Multiaddr addr;
    std::optional<PeerId> expected;
    TimePoint deadline{};
    std::optional<mss::Negotiation> sec;  // /noise
    std::optional<noise::Session> noise;
    std::optional<mss::Negotiation> mux;  // /yamux/1.0.0, unless Noise announced it
    std::optional<yamux::Session> yamux;
    std::map<std::uint32_t, Stream> streams;
    std::optional<PeerId> peer;
    bool closed = false;
  };

  Connection* find(ConnId id);
  const Connection* find(ConnId id) const;
  Status fail(ConnId id, Connection& c, std::error_code ec);
  Status feed_plaintext(ConnId id, Connection& c, BytesView plain, TimePoint now);
  void established(ConnId id, Connection& c, TimePoint now);
  void process_yamux(ConnId id, Connection& c, TimePoint now);
  void on_stream_bytes(ConnId id, Connection& c, std::uint32_t sid, BytesView bytes, TimePoint now);
  void flush_stream_negotiation(Connection& c, std::uint32_t sid);
  void open_negotiation(Connection& c, std::uint32_t sid, mss::Role role, std::vector<std::string> protocols,
                        TimePoint now);
  // Takes the protocol by value: the negotiation that owns the string is dropped inside.
  void negotiated(ConnId id, Connection& c, std::uint32_t sid, std::string protocol, bool inbound,
                  TimePoint now);
  std::vector<std::string> supported_protocols() const;
  void emit(Event e);

  crypto::Ed25519Keypair identity_;
  PeerId peer_id_;
  Config config_;
  Entropy& entropy_;
  std::vector<std::string> protocols_;
  std::map<std::uint64_t, Connection> conns_;
  std::uint64_t next_conn_ = 1;
  std::deque<Event> events_;
  TimePoint last_now_{};  // latest time passed in, for commands that take none (open_stream)
};

}  // namespace stakecast::node

STAKECAST_ERRC_ENUM(stakecast::node::Errc)
