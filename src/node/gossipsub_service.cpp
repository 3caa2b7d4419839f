#include "node/gossipsub_service.hpp"

namespace stakecast::node {

GossipsubService::GossipsubService(Node& node, gossipsub::Router& router, GossipsubServiceConfig config)
    : node_(node), router_(router), config_(config) {
  for (auto id : gossipsub::kProtocolIds) node_.register_protocol(std::string(id));
}

std::optional<gossipsub::Protocol> GossipsubService::protocol_of(const PeerId& peer) const {
  auto it = links_.find(peer);
  return it == links_.end() ? std::nullopt : it->second.protocol;
}

void GossipsubService::on_event(const Event& e, TimePoint now) {
  if (auto* c = std::get_if<ConnectionEstablished>(&e)) {
    if (links_.contains(c->peer)) return;  // the first connection carries the traffic
    std::vector<std::string> protos;
    for (auto id : gossipsub::kProtocolIds) protos.emplace_back(id);
    auto sid = node_.open_stream(c->conn, std::move(protos));
    if (!sid) return;
    Link& l = links_[c->peer];
    l.conn = c->conn;
    l.outbound = c->direction == Direction::outbound;
    if (auto ep = c->addr.tcp_endpoint()) l.ip = ep->host;
    l.stream = *sid;
  } else if (auto* cc = std::get_if<ConnectionClosed>(&e)) {
    std::erase_if(inbound_, [&](const auto& kv) { return kv.first.first == cc->conn.get(); });
    if (!cc->peer) return;
    auto it = links_.find(*cc->peer);
    if (it != links_.end() && it->second.conn == cc->conn) drop_peer(*cc->peer, now);
  } else if (auto* s = std::get_if<StreamOpened>(&e)) {
    auto proto = gossipsub::parse_protocol(s->protocol);
    if (!proto) return;
    auto peer = node_.peer_of(s->conn);
    if (!peer) return;
    if (s->inbound) {
      inbound_.emplace(std::pair{s->conn.get(), s->stream.get()},
                       Inbound{*peer, codec::FrameReader(config_.max_frame)});
      return;
    }
    auto it = links_.find(*peer);
    if (it == links_.end() || it->second.conn != s->conn || it->second.stream != s->stream) return;
    Link& l = it->second;
    l.protocol = *proto;
    if (!router_.add_peer(*peer, *proto, l.outbound, l.ip, now)) {
      (void)node_.reset(s->conn, s->stream);
      links_.erase(it);
      return;
    }
    std::deque<Bytes> early = std::move(l.early);
    l.early.clear();
    l.early_bytes = 0;
    for (const auto& rpc : early) deliver(*peer, rpc, now);
    flush();
  } else if (auto* r = std::get_if<StreamReadable>(&e)) {
    read_stream(r->conn, r->stream, now);
    flush();
  } else if (auto* f = std::get_if<StreamFailed>(&e)) {
    // The peer speaks no pubsub protocol we know: it stays outside the router.
    auto peer = node_.peer_of(f->conn);
    if (!peer) return;
    auto it = links_.find(*peer);
    if (it != links_.end() && it->second.stream == f->stream && it->second.conn == f->conn) links_.erase(it);
  } else if (auto* x = std::get_if<StreamReset>(&e)) {
    inbound_.erase({x->conn.get(), x->stream.get()});
    auto peer = node_.peer_of(x->conn);
    if (!peer) return;
    auto it = links_.find(*peer);
    if (it != links_.end() && it->second.conn == x->conn && it->second.stream == x->stream)
      drop_peer(*peer, now);
  } else if (auto* rc = std::get_if<StreamRemoteClosed>(&e)) {
    auto key = std::pair{rc->conn.get(), rc->stream.get()};
    if (inbound_.contains(key)) {
      read_stream(rc->conn, rc->stream, now);
      inbound_.erase(key);
      (void)node_.close_write(rc->conn, rc->stream);
    }
  }
}

void GossipsubService::drop_peer(const PeerId& peer, TimePoint now) {
  links_.erase(peer);
  router_.remove_peer(peer, now);
}

void GossipsubService::read_stream(ConnId conn, StreamId stream, TimePoint now) {
  auto it = inbound_.find({conn.get(), stream.get()});
  if (it == inbound_.end()) return;
  while (std::size_t n = node_.read(conn, stream, read_buf_, now)) {
    const PeerId& peer = it->second.peer;
    auto fed = it->second.reader.feed_all(BytesView(read_buf_.data(), n), [&](BytesView frame) {
      ++metrics_.frames_received;
      deliver(peer, frame, now);
    });
    if (!fed) {
      ++metrics_.bad_frames;
      (void)node_.reset(conn, stream);
      inbound_.erase(it);
      return;
    }
  }
}

void GossipsubService::deliver(const PeerId& peer, BytesView rpc, TimePoint now) {
  if (router_.has_peer(peer)) {
    if (!router_.on_rpc(peer, rpc, now)) ++metrics_.rpc_errors;
    return;
  }
  auto it = links_.find(peer);
  if (it == links_.end() || it->second.early_bytes + rpc.size() > config_.max_early_bytes) {
    ++metrics_.early_dropped;
    return;
  }
  it->second.early.emplace_back(rpc.begin(), rpc.end());
  it->second.early_bytes += rpc.size();
}

void GossipsubService::drain(const PeerId& peer, Link& l) {
  if (!l.protocol || !l.stream) return;
  for (;;) {
    if (!l.frame) {
      l.frame = router_.poll_transmit(peer);
      l.written = 0;
      if (!l.frame) return;
    }
    const BytesView rest = BytesView(*l.frame).subspan(l.written);
    auto w = node_.write(l.conn, *l.stream, rest);
    if (!w || *w == 0) return;
    l.written += *w;
    metrics_.bytes_sent += *w;
    if (l.written < l.frame->size()) return;
    ++metrics_.frames_sent;
    l.frame.reset();
  }
}

void GossipsubService::flush() {
  for (auto& [peer, link] : links_) drain(peer, link);
}

}  // namespace stakecast::node
