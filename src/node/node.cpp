#include "node/node.hpp"

#include <algorithm>

#include "core/machine.hpp"

namespace stakecast::node {

const char* describe(Errc e) {
  switch (e) {
    case Errc::unknown_connection:
      return "unknown connection";
    case Errc::unknown_stream:
      return "unknown stream";
    case Errc::connection_limit:
      return "connection limit reached";
    case Errc::peer_limit:
      return "per-peer connection limit reached";
    case Errc::not_established:
      return "connection not yet established";
    case Errc::closed:
      return "connection closed";
    case Errc::handshake_timeout:
      return "connection upgrade timed out";
  }
  return "unknown node error";
}

namespace {
constexpr std::string_view kYamux = "/yamux/1.0.0";

// Moves what a stream-level machine wants to send into its Yamux stream.
template <ByteMachine M>
void pull_into_stream(M& m, yamux::Session& mux, StreamId stream) {
  std::uint8_t buf[512];
  while (std::size_t k = m.poll_transmit(buf)) (void)mux.write(stream, BytesView(buf, k));
}
}  // namespace

Node::Node(const crypto::Ed25519Keypair& identity, Config config, Entropy& entropy)
    : identity_(identity),
      peer_id_(PeerId::from_ed25519(identity.public_key())),
      config_(std::move(config)),
      entropy_(entropy) {}

void Node::register_protocol(std::string protocol_id) {
  if (std::find(protocols_.begin(), protocols_.end(), protocol_id) == protocols_.end())
    protocols_.push_back(std::move(protocol_id));
}

std::vector<std::string> Node::supported_protocols() const {
  std::vector<std::string> all = {std::string(identify::kProtocolId), std::string(identify::kPushProtocolId),
                                  std::string(ping::kProtocolId)};
  all.insert(all.end(), protocols_.begin(), protocols_.end());
  return all;
}

void Node::emit(Event e) {
  if (events_.size() >= config_.max_pending_events) events_.pop_front();
  events_.push_back(std::move(e));
}

std::optional<Event> Node::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

Node::Connection* Node::find(ConnId id) {
  auto it = conns_.find(id.get());
  return it == conns_.end() ? nullptr : &it->second;
}
const Node::Connection* Node::find(ConnId id) const {
  auto it = conns_.find(id.get());
  return it == conns_.end() ? nullptr : &it->second;
}

Result<ConnId> Node::add_connection(Direction dir, Multiaddr remote, std::optional<PeerId> expected,
                                    TimePoint now) {
  const auto open =
      std::count_if(conns_.begin(), conns_.end(), [](const auto& kv) { return !kv.second.closed; });
  if (static_cast<std::size_t>(open) >= config_.max_connections) return Errc::connection_limit;
  last_now_ = std::max(last_now_, now);
  const ConnId id{next_conn_++};
  // Built in place: the Noise session it will hold is not movable.
  Connection& c = conns_.try_emplace(id.get()).first->second;
  c.direction = dir;
  c.addr = std::move(remote);
  c.expected = std::move(expected);
  c.deadline = now + config_.handshake_timeout;
  c.sec.emplace(dir == Direction::outbound ? mss::Role::dialer : mss::Role::listener,
                std::vector<std::string>{std::string(noise::kProtocolId)}, now);
  return id;
}

Status Node::fail(ConnId id, Connection& c, std::error_code ec) {
  if (!c.closed) {
    c.closed = true;
    if (c.yamux && !c.yamux->failed()) c.yamux->go_away(yamux::GoAwayCode::protocol_error);
    emit(ConnectionClosed{id, c.peer, c.direction, ec.message()});
  }
  return Err(ec);
}

Status Node::on_bytes(ConnId id, BytesView in, TimePoint now) {
  last_now_ = std::max(last_now_, now);
  Connection* c = find(id);
  if (c == nullptr) return Errc::unknown_connection;
  if (c->closed) return Errc::closed;
  Bytes secured;  // bytes for the Noise layer
  if (!c->noise) {
    auto st = c->sec->on_bytes(in, now);
    if (!st) return fail(id, *c, st.error());
    if (!c->sec->done()) return {};
    secured = c->sec->take_remaining();
    c->noise.emplace(c->direction == Direction::outbound ? noise::Role::initiator : noise::Role::responder,
                     identity_, entropy_, now, c->expected);
    in = secured;
  }
  auto st = c->noise->on_bytes(in, now);
  if (!st) return fail(id, *c, st.error());
  if (!c->noise->handshake_complete()) return {};
  st = feed_plaintext(id, *c, c->noise->plaintext(), now);
  c->noise->clear_plaintext();
  return st;
}

Status Node::feed_plaintext(ConnId id, Connection& c, BytesView plain, TimePoint now) {
  Bytes rest;
  if (!c.yamux) {
    if (!c.mux) {
      // Both Noise payloads list the muxer: skip its negotiation, as js-libp2p does.
      if (c.noise->early_muxer() == kYamux) {
        c.yamux.emplace(c.direction == Direction::outbound ? yamux::Role::client : yamux::Role::server,
                        config_.yamux);
        established(id, c, now);
      } else {
        c.mux.emplace(c.direction == Direction::outbound ? mss::Role::dialer : mss::Role::listener,
                      std::vector<std::string>{std::string(kYamux)}, now);
      }
    }
    if (!c.yamux) {
      auto st = c.mux->on_bytes(plain, now);
      if (!st) return fail(id, c, st.error());
      if (!c.mux->done()) return {};
      rest = c.mux->take_remaining();
      plain = rest;
      c.yamux.emplace(c.direction == Direction::outbound ? yamux::Role::client : yamux::Role::server,
                      config_.yamux);
      established(id, c, now);
    }
  }
  if (!plain.empty()) {
    auto st = c.yamux->on_bytes(plain, now);
    if (!st) {
      process_yamux(id, c, now);
      return fail(id, c, st.error());
    }
  }
  process_yamux(id, c, now);
  return {};
}

void Node::established(ConnId id, Connection& c, TimePoint now) {
  c.peer = c.noise->remote_peer();
  const auto same_peer = std::count_if(conns_.begin(), conns_.end(), [&](const auto& kv) {
    return !kv.second.closed && kv.second.peer == c.peer && kv.first != id.get();
  });
  if (static_cast<std::size_t>(same_peer) >= config_.max_connections_per_peer) {
    (void)fail(id, c, make_error_code(Errc::peer_limit));
    return;
  }
  emit(ConnectionEstablished{id, *c.peer, c.direction, c.addr});
  // Ask the peer who it is (one identify stream per direction).
  if (auto sid = c.yamux->open_stream())
    open_negotiation(c, sid->get(), mss::Role::dialer, {std::string(identify::kProtocolId)}, now);
}

void Node::open_negotiation(Connection& c, std::uint32_t sid, mss::Role role,
                            std::vector<std::string> protocols, TimePoint now) {
  c.streams[sid].negotiation.emplace(role, std::move(protocols), now);
  flush_stream_negotiation(c, sid);
}

void Node::flush_stream_negotiation(Connection& c, std::uint32_t sid) {
  auto it = c.streams.find(sid);
  if (it == c.streams.end()) return;
  if (auto& n = it->second.negotiation) pull_into_stream(*n, *c.yamux, StreamId{sid});
}

void Node::negotiated(ConnId id, Connection& c, std::uint32_t sid, std::string protocol, bool inbound,
                      TimePoint now) {
  Stream& s = c.streams.at(sid);
  Bytes leftover = s.negotiation->take_remaining();
  s.negotiation.reset();
  const StreamId stream{sid};
  if (protocol == identify::kProtocolId) {
    s.handler = inbound ? Handler::identify_answer : Handler::identify_request;
    if (inbound) {
      std::vector<std::string> protos = supported_protocols();
      (void)c.yamux->write(stream, identify::make_message(identity_.public_key(), config_.agent_version,
                                                          config_.listen_addrs, protos, c.addr));
      (void)c.yamux->close_write(stream);
    } else {
      s.identify.emplace(now, c.peer);  // the answer must come from the authenticated peer
    }
  } else if (protocol == identify::kPushProtocolId) {
    s.handler = Handler::identify_push;
    s.identify.emplace(now, c.peer);
  } else if (protocol == ping::kProtocolId) {
    s.handler = inbound ? Handler::ping_answer : Handler::ping_request;
    if (!inbound) {
      (void)s.ping_initiator.ping(entropy_, now);
      pull_into_stream(s.ping_initiator, *c.yamux, stream);
    }
  } else {
    s.handler = Handler::app;
    s.pending = std::move(leftover);
    leftover.clear();
    emit(StreamOpened{id, stream, protocol, inbound});
    if (!s.pending.empty()) emit(StreamReadable{id, stream});
  }
  if (!leftover.empty()) on_stream_bytes(id, c, sid, leftover, now);
}

void Node::on_stream_bytes(ConnId id, Connection& c, std::uint32_t sid, BytesView bytes, TimePoint now) {
  auto it = c.streams.find(sid);
  if (it == c.streams.end()) return;
  Stream& s = it->second;
  const StreamId stream{sid};
  switch (s.handler) {
    case Handler::negotiating: {
      mss::Negotiation& n = *s.negotiation;
      const bool inbound = n.role() == mss::Role::listener;
      auto st = n.on_bytes(bytes, now);
      flush_stream_negotiation(c, sid);
      if (!st) {
        if (!inbound) emit(StreamFailed{id, stream, st.error().message()});
        (void)c.yamux->reset(stream);
        c.streams.erase(it);
        return;
      }
      if (n.done()) negotiated(id, c, sid, *n.protocol(), inbound, now);
      return;
    }
    case Handler::identify_request:
    case Handler::identify_push:
      if (!s.identify || !s.identify->on_bytes(bytes, now)) {
        (void)c.yamux->reset(stream);
        c.streams.erase(it);
        return;
      }
      if (auto ev = s.identify->poll_event()) emit(IdentifyReceived{id, std::move(ev->info)});
      return;
    case Handler::ping_answer:
      if (!s.ping_responder.on_bytes(bytes, now)) {
        (void)c.yamux->reset(stream);
        c.streams.erase(it);
        return;
      }
      pull_into_stream(s.ping_responder, *c.yamux, stream);
      return;
    case Handler::ping_request: {
      if (!s.ping_initiator.on_bytes(bytes, now)) {
        emit(PingResult{id, false, {}});
        (void)c.yamux->close_write(stream);
        return;
      }
      if (auto ev = s.ping_initiator.poll_event()) {
        emit(PingResult{id, true, ev->rtt});
        (void)c.yamux->close_write(stream);
      }
      return;
    }
    case Handler::identify_answer:
    case Handler::app:
      return;
  }
}

void Node::process_yamux(ConnId id, Connection& c, TimePoint now) {
  Bytes buf;
  while (auto e = c.yamux->poll_event()) {
    const std::uint32_t sid = e->stream.get();
    switch (e->kind) {
      case yamux::Event::Kind::stream_opened:
        open_negotiation(c, sid, mss::Role::listener, supported_protocols(), now);
        break;
      case yamux::Event::Kind::readable: {
        auto it = c.streams.find(sid);
        if (it == c.streams.end()) break;
        if (it->second.handler == Handler::app) {
          emit(StreamReadable{id, e->stream});
          break;
        }
        buf.resize(c.yamux->readable(e->stream));
        buf.resize(c.yamux->read(e->stream, buf, now));
        on_stream_bytes(id, c, sid, buf, now);
        break;
      }
      case yamux::Event::Kind::remote_closed: {
        auto it = c.streams.find(sid);
        if (it == c.streams.end()) break;
        if (it->second.handler == Handler::app) {
          emit(StreamRemoteClosed{id, e->stream});
        } else {
          if (it->second.handler == Handler::negotiating &&
              it->second.negotiation->role() == mss::Role::dialer)
            emit(StreamFailed{id, e->stream, "closed during negotiation"});
          (void)c.yamux->close_write(e->stream);
        }
        break;
      }
      case yamux::Event::Kind::reset: {
        auto it = c.streams.find(sid);
        if (it == c.streams.end()) break;
        if (it->second.handler == Handler::app) emit(StreamReset{id, e->stream});
        if (it->second.handler == Handler::negotiating && it->second.negotiation->role() == mss::Role::dialer)
          emit(StreamFailed{id, e->stream, "reset during negotiation"});
        c.streams.erase(it);
        break;
      }
      case yamux::Event::Kind::closed:
        c.streams.erase(sid);
        break;
      case yamux::Event::Kind::ping_rtt:
      case yamux::Event::Kind::go_away:
        break;
    }
  }
}

std::size_t Node::poll_transmit(ConnId id, MutBytes out) {
  Connection* c = find(id);
  if (c == nullptr) return 0;
  std::size_t written = 0;
  if (c->sec) written += c->sec->poll_transmit(out);
  if (!c->noise) return written;
  written += c->noise->poll_transmit(out.subspan(written));
  if (!c->noise->handshake_complete() || c->noise->wants_transmit()) return written;
  // PERF: transport frames are built in `out`: the muxer negotiation, then Yamux, write their plaintext
  // behind the frame's length prefix and Noise encrypts it in place.
  while (out.size() - written > noise::kFrameOverhead) {
    const MutBytes frame = out.subspan(written);
    const MutBytes body =
        frame.subspan(2, std::min(frame.size() - noise::kFrameOverhead, noise::kMaxPlaintextPerFrame));
    std::size_t n = 0;
    if (c->mux) n = c->mux->poll_transmit(body);
    if (n == 0 && c->yamux) n = c->yamux->poll_transmit(body);
    if (n == 0) break;
    auto size = c->noise->seal_frame(frame, n);
    if (!size) {
      (void)fail(id, *c, size.error());
      break;
    }
    written += *size;
  }
  return written;
}

bool Node::wants_transmit(ConnId id) const {
  const Connection* c = find(id);
  if (c == nullptr) return false;
  return (c->sec && c->sec->wants_transmit()) || (c->noise && c->noise->wants_transmit()) ||
         (c->mux && c->mux->wants_transmit()) || (c->yamux && c->yamux->wants_transmit());
}

void Node::on_transport_closed(ConnId id, std::string reason) {
  Connection* c = find(id);
  if (c == nullptr || c->closed) return;
  c->closed = true;
  emit(ConnectionClosed{id, c->peer, c->direction, std::move(reason)});
}

void Node::close(ConnId id, std::string reason) {
  Connection* c = find(id);
  if (c == nullptr || c->closed) return;
  if (c->yamux) c->yamux->go_away();
  c->closed = true;
  emit(ConnectionClosed{id, c->peer, c->direction, std::move(reason)});
}

bool Node::is_closed(ConnId id) const {
  const Connection* c = find(id);
  return c == nullptr || c->closed;
}

void Node::remove(ConnId id) { conns_.erase(id.get()); }

Result<StreamId> Node::open_stream(ConnId id, std::vector<std::string> protocols) {
  Connection* c = find(id);
  if (c == nullptr) return Errc::unknown_connection;
  if (c->closed) return Errc::closed;
  if (!c->yamux) return Errc::not_established;
  STAKECAST_TRY(StreamId sid, c->yamux->open_stream());
  open_negotiation(*c, sid.get(), mss::Role::dialer, std::move(protocols), last_now_);
  return sid;
}

Result<std::size_t> Node::write(ConnId id, StreamId stream, BytesView data) {
  Connection* c = find(id);
  if (c == nullptr) return Errc::unknown_connection;
  if (c->closed || !c->yamux) return Errc::closed;
  auto it = c->streams.find(stream.get());
  if (it == c->streams.end() || it->second.handler != Handler::app) return Errc::unknown_stream;
  return c->yamux->write(stream, data);
}

Status Node::close_write(ConnId id, StreamId stream) {
  Connection* c = find(id);
  if (c == nullptr || !c->yamux) return Errc::unknown_connection;
  return c->yamux->close_write(stream);
}

Status Node::reset(ConnId id, StreamId stream) {
  Connection* c = find(id);
  if (c == nullptr || !c->yamux) return Errc::unknown_connection;
  c->streams.erase(stream.get());
  return c->yamux->reset(stream);
}

Status Node::set_priority(ConnId id, StreamId stream, std::uint8_t priority) {
  Connection* c = find(id);
  if (c == nullptr || !c->yamux) return Errc::unknown_connection;
  return c->yamux->set_priority(stream, priority);
}

std::size_t Node::read(ConnId id, StreamId stream, MutBytes out, TimePoint now) {
  last_now_ = std::max(last_now_, now);
  Connection* c = find(id);
  if (c == nullptr || !c->yamux) return 0;
  auto it = c->streams.find(stream.get());
  std::size_t n = 0;
  if (it != c->streams.end() && !it->second.pending.empty()) {
    Bytes& p = it->second.pending;
    n = std::min(out.size(), p.size());
    std::copy_n(p.begin(), n, out.begin());
    p.erase(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
  }
  n += c->yamux->read(stream, out.subspan(n), now);
  process_yamux(id, *c, now);  // reading may complete a close
  return n;
}

Status Node::ping(ConnId id, TimePoint now) {
  (void)now;
  STAKECAST_TRY(StreamId sid, open_stream(id, {std::string(ping::kProtocolId)}));
  (void)sid;
  return {};
}

TimePoint Node::next_deadline() const {
  TimePoint t = TimePoint::max();
  for (const auto& [id, c] : conns_)
    if (!c.closed && !c.yamux) t = std::min(t, c.deadline);
  return t;
}

void Node::on_deadline(TimePoint now) {
  last_now_ = std::max(last_now_, now);
  for (auto& [id, c] : conns_)
    if (!c.closed && !c.yamux && now >= c.deadline)
      (void)fail(ConnId{id}, c, make_error_code(Errc::handshake_timeout));
}

std::optional<PeerId> Node::peer_of(ConnId id) const {
  const Connection* c = find(id);
  return c == nullptr ? std::nullopt : c->peer;
}

std::vector<ConnId> Node::connections() const {
  std::vector<ConnId> out;
  for (const auto& [id, c] : conns_)
    if (!c.closed) out.push_back(ConnId{id});
  return out;
}

}  // namespace stakecast::node
