#include "node/rotor_service.hpp"

#include "core/varint.hpp"

namespace stakecast::node {
namespace {
constexpr rotor::Protocol kProtocols[] = {rotor::Protocol::shred, rotor::Protocol::direct,
                                          rotor::Protocol::repair};

std::optional<rotor::Protocol> protocol_of(std::string_view id) {
  for (auto p : kProtocols)
    if (rotor::protocol_id(p) == id) return p;
  return std::nullopt;
}
}  // namespace

RotorService::RotorService(Node& node, rotor::Engine& engine, RotorServiceConfig config)
    : node_(node), engine_(engine), config_(config) {
  for (auto p : kProtocols) node_.register_protocol(std::string(rotor::protocol_id(p)));
}

void RotorService::set_validators(const rotor::ValidatorSet& set) {
  validators_.clear();
  for (std::uint32_t i = 0; i < set.size(); ++i)
    validators_.emplace(PeerId::from_ed25519(set.key(ValidatorIndex{i})), ValidatorIndex{i});
}

void RotorService::on_event(const Event& e, TimePoint now) {
  if (auto* c = std::get_if<ConnectionEstablished>(&e)) {
    auto v = validators_.find(c->peer);
    if (v == validators_.end()) return;
    conn_validator_[c->conn.get()] = v->second;
    validator_conn_.try_emplace(v->second.get(), c->conn);  // the first connection carries the traffic
  } else if (auto* cc = std::get_if<ConnectionClosed>(&e)) {
    auto it = conn_validator_.find(cc->conn.get());
    if (it == conn_validator_.end()) return;
    if (auto vc = validator_conn_.find(it->second.get());
        vc != validator_conn_.end() && vc->second == cc->conn)
      validator_conn_.erase(vc);
    conn_validator_.erase(it);
    std::erase_if(outbound_, [&](const auto& kv) { return std::get<0>(kv.first) == cc->conn.get(); });
    std::erase_if(inbound_, [&](const auto& kv) { return kv.first.first == cc->conn.get(); });
  } else if (auto* s = std::get_if<StreamOpened>(&e)) {
    auto p = protocol_of(s->protocol);
    if (!p) return;
    if (s->inbound) {
      inbound_.emplace(std::pair{s->conn.get(), s->stream.get()},
                       Inbound{*p, codec::FrameReader(config_.max_frame)});
    } else {
      for (auto& [key, out] : outbound_) {
        if (std::get<0>(key) != s->conn.get() || out.stream != s->stream) continue;
        out.ready = true;
        drain(s->conn, out);
      }
    }
  } else if (auto* r = std::get_if<StreamReadable>(&e)) {
    read_stream(r->conn, r->stream, now);
  } else if (auto* f = std::get_if<StreamFailed>(&e)) {
    std::erase_if(outbound_, [&](const auto& kv) {
      return std::get<0>(kv.first) == f->conn.get() && kv.second.stream == f->stream;
    });
  } else if (auto* x = std::get_if<StreamReset>(&e)) {
    inbound_.erase({x->conn.get(), x->stream.get()});
    std::erase_if(outbound_, [&](const auto& kv) {
      return std::get<0>(kv.first) == x->conn.get() && kv.second.stream == x->stream;
    });
  } else if (auto* rc = std::get_if<StreamRemoteClosed>(&e)) {
    if (inbound_.erase({rc->conn.get(), rc->stream.get()})) (void)node_.close_write(rc->conn, rc->stream);
  }
}

void RotorService::read_stream(ConnId conn, StreamId stream, TimePoint now) {
  auto it = inbound_.find({conn.get(), stream.get()});
  auto from = conn_validator_.find(conn.get());
  if (it == inbound_.end()) return;
  while (std::size_t n = node_.read(conn, stream, read_buf_, now)) {
    auto fed = it->second.reader.feed_all(BytesView(read_buf_.data(), n), [&](BytesView frame) {
      ++metrics_.frames_received;
      // Unknown peers are passed as unstaked (nullopt): the engine applies its own policy.
      engine_.on_message(from == conn_validator_.end() ? std::nullopt : std::optional(from->second),
                         it->second.protocol, frame, now);
    });
    if (!fed) {
      ++metrics_.bad_frames;
      (void)node_.reset(conn, stream);
      inbound_.erase(it);
      return;
    }
  }
}

void RotorService::drain(ConnId conn, Outbound& out) {
  if (!out.ready || !out.stream) return;
  Bytes chunk(64 * 1024);
  while (!out.pending.empty()) {
    const std::size_t n = out.pending.peek(chunk);
    auto w = node_.write(conn, *out.stream, BytesView(chunk).first(n));
    if (!w || *w == 0) return;
    out.pending.consume(*w);
  }
}

void RotorService::flush() {
  while (auto t = engine_.poll_transmit()) {
    auto vc = validator_conn_.find(t->to.get());
    if (vc == validator_conn_.end()) {
      ++metrics_.dropped_no_connection;
      continue;
    }
    const ConnId conn = vc->second;
    Outbound& out = outbound_[{conn.get(), static_cast<int>(t->protocol), static_cast<int>(t->cls)}];
    if (!out.stream) {
      auto sid = node_.open_stream(conn, {std::string(rotor::protocol_id(t->protocol))});
      if (!sid) {
        ++metrics_.dropped_no_connection;
        continue;
      }
      out.stream = *sid;
      (void)node_.set_priority(conn, *sid, static_cast<std::uint8_t>(t->cls));
    }
    if (out.pending.size() + t->bytes->size() > config_.max_pending_per_stream) {
      ++metrics_.dropped_backlog;
      continue;
    }
    Bytes prefix;
    varint::append(prefix, t->bytes->size());
    out.pending.append(prefix);
    out.pending.append(*t->bytes);
    ++metrics_.frames_sent;
  }
  for (auto& [key, out] : outbound_) drain(ConnId{std::get<0>(key)}, out);
}

}  // namespace stakecast::node
