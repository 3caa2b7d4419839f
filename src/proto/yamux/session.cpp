#include "proto/yamux/session.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace stakecast::yamux {

const char* describe(Errc e) {
  switch (e) {
    case Errc::protocol_error:
      return "yamux: protocol error";
    case Errc::window_exceeded:
      return "yamux: peer exceeded the receive window";
    case Errc::session_closed:
      return "yamux: session closed";
    case Errc::unknown_stream:
      return "yamux: unknown stream";
    case Errc::stream_closed:
      return "yamux: stream closed for writing";
    case Errc::too_many_streams:
      return "yamux: too many streams";
    case Errc::send_buffer_full:
      return "yamux: send buffer full";
  }
  return "yamux: unknown error";
}

Session::Session(Role role, const Config& config)
    : role_(role), config_(config), next_id_(role == Role::client ? 1 : 2) {}

Status Session::fail(Errc e) {
  if (!error_) {
    error_ = make_error_code(e);
    if (!go_away_sent_) {
      control_.push_back({Type::go_away, 0, 0, static_cast<std::uint32_t>(GoAwayCode::protocol_error)});
      go_away_sent_ = true;
    }
  }
  return Err(error_);
}

void Session::emit(Event e) {
  if (events_.size() >= config_.max_pending_events) events_.pop_front();
  events_.push_back(e);
}

void Session::queue_control(Header h) { control_.push_back(h); }

Session::Stream* Session::find(StreamId id) {
  auto it = streams_.find(id.get());
  return it == streams_.end() ? nullptr : &it->second;
}
const Session::Stream* Session::find(StreamId id) const {
  auto it = streams_.find(id.get());
  return it == streams_.end() ? nullptr : &it->second;
}

void Session::maybe_forget(std::uint32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  const Stream& s = it->second;
  if (s.fin_sent && s.fin_received && s.recv_buf.empty() && s.send_buf.empty()) {
    streams_.erase(it);
    emit({Event::Kind::closed, StreamId{id}});
  }
}

Status Session::on_bytes(BytesView in, TimePoint now) {
  if (failed()) return Err(error_);
  // PERF: whole frames are handled straight from `in`; only a frame split across reads is buffered.
  // Returns how many bytes frame `f` needs in total (header, plus the body of DATA), or an error.
  auto frame_size = [this](BytesView f, Header& h) -> Result<std::size_t> {
    if (decode_header(f.first(kHeaderSize), h)) return Err(fail(Errc::protocol_error).error());
    if (h.type != Type::data) return kHeaderSize;
    // Refuse before buffering: no window is ever larger than max_window.
    if (h.length > config_.max_window) return Err(fail(Errc::window_exceeded).error());
    return kHeaderSize + h.length;
  };
  Header h;
  while (!in.empty()) {
    if (!in_.empty() || in.size() < kHeaderSize) {
      std::size_t want = kHeaderSize;
      if (in_.size() >= kHeaderSize) {
        STAKECAST_TRY(want, frame_size(in_, h));
      }
      const std::size_t take = std::min(want - in_.size(), in.size());
      append(in_, in.first(take));
      in = in.subspan(take);
      if (in_.size() < kHeaderSize) return {};
      STAKECAST_TRY(want, frame_size(in_, h));
      if (in_.size() < want) continue;
      STAKECAST_TRY_STATUS(handle_frame(h, BytesView(in_).subspan(kHeaderSize), now));
      in_.clear();  // PERF: keeps its capacity for the next split frame
      continue;
    }
    STAKECAST_TRY(std::size_t want, frame_size(in, h));
    if (in.size() < want) {
      append(in_, in);
      return {};
    }
    STAKECAST_TRY_STATUS(handle_frame(h, in.subspan(kHeaderSize, want - kHeaderSize), now));
    in = in.subspan(want);
  }
  return {};
}

Status Session::handle_frame(const Header& h, BytesView body, TimePoint now) {
  switch (h.type) {
    case Type::ping:
      if (h.flags & flag::syn) {
        queue_control({Type::ping, flag::ack, 0, h.length});
      } else if ((h.flags & flag::ack) && ping_out_ && ping_out_->first == h.length) {
        rtt_ = now - ping_out_->second;
        emit({Event::Kind::ping_rtt, StreamId{0}, *rtt_});
        ping_out_.reset();
      }
      return {};
    case Type::go_away:
      go_away_received_ = true;
      emit({Event::Kind::go_away, StreamId{0}, {}, h.length});
      return {};
    case Type::data:
    case Type::window_update:
      break;
  }
  if (h.stream == 0) return fail(Errc::protocol_error);

  auto it = streams_.find(h.stream);
  if (h.flags & flag::syn) {
    const bool peer_parity = (h.stream % 2 == 1) == (role_ == Role::server);
    if (!peer_parity || it != streams_.end()) return fail(Errc::protocol_error);
    if (go_away_sent_ || streams_.size() >= config_.max_streams) {
      queue_control({Type::window_update, flag::rst, h.stream, 0});
      return {};
    }
    Stream s;
    s.acked = true;
    s.send_window = config_.initial_window;
    s.recv_window = config_.initial_window;
    s.recv_max = config_.initial_window;
    s.last_update = now;
    it = streams_.emplace(h.stream, std::move(s)).first;
    queue_control({Type::window_update, flag::ack, h.stream, 0});
    emit({Event::Kind::stream_opened, StreamId{h.stream}});
  }
  if (it == streams_.end()) return {};  // late frame for a stream we already forgot or reset
  Stream& s = it->second;
  if (h.flags & flag::ack) s.acked = true;
  if (h.flags & flag::rst) {
    streams_.erase(it);
    emit({Event::Kind::reset, StreamId{h.stream}});
    return {};
  }
  if (h.type == Type::window_update) {
    if (std::uint64_t{s.send_window} + h.length > std::numeric_limits<std::uint32_t>::max())
      return fail(Errc::protocol_error);
    s.send_window += h.length;
  } else if (!body.empty()) {
    if (s.fin_received) return fail(Errc::protocol_error);  // data after FIN
    if (body.size() > s.recv_window) return fail(Errc::window_exceeded);
    s.recv_window -= static_cast<std::uint32_t>(body.size());
    s.recv_buf.append(body);
    emit({Event::Kind::readable, StreamId{h.stream}});
  }
  if ((h.flags & flag::fin) && !s.fin_received) {
    s.fin_received = true;
    emit({Event::Kind::remote_closed, StreamId{h.stream}});
    maybe_forget(h.stream);
  }
  return {};
}

Result<StreamId> Session::open_stream() {
  if (failed() || go_away_sent_ || go_away_received_) return Errc::session_closed;
  if (streams_.size() >= config_.max_streams || next_id_ > std::numeric_limits<std::uint32_t>::max() - 2)
    return Errc::too_many_streams;
  const std::uint32_t id = next_id_;
  next_id_ += 2;
  Stream s;
  s.send_window = config_.initial_window;
  s.recv_window = config_.initial_window;
  s.recv_max = config_.initial_window;
  streams_.emplace(id, std::move(s));
  // Opened the way js-libp2p does it: a zero-delta window update carrying SYN.
  queue_control({Type::window_update, flag::syn, id, 0});
  return StreamId{id};
}

Result<std::size_t> Session::write(StreamId id, BytesView data) {
  if (failed()) return Errc::session_closed;
  Stream* s = find(id);
  if (s == nullptr) return Errc::unknown_stream;
  if (s->fin_queued) return Errc::stream_closed;
  const std::size_t room = config_.max_send_buffer - std::min(config_.max_send_buffer, s->send_buf.size());
  const std::size_t n = std::min(room, data.size());
  s->send_buf.append(data.first(n));
  return n;
}

Status Session::close_write(StreamId id) {
  Stream* s = find(id);
  if (s == nullptr) return Errc::unknown_stream;
  s->fin_queued = true;
  return {};
}

Status Session::reset(StreamId id) {
  auto it = streams_.find(id.get());
  if (it == streams_.end()) return Errc::unknown_stream;
  streams_.erase(it);
  queue_control({Type::window_update, flag::rst, id.get(), 0});
  return {};
}

std::size_t Session::read(StreamId id, MutBytes out, TimePoint now) {
  Stream* s = find(id);
  if (s == nullptr) return 0;
  const std::size_t n = s->recv_buf.read(out);
  s->consumed += static_cast<std::uint32_t>(n);
  if (!s->fin_received && s->consumed >= s->recv_max / 2) {
    // Auto-tuning: a reader that drains a window in under two round trips is limited by the window,
    // not by itself, so the window doubles (up to max_window).
    const Duration rtt = rtt_.value_or(config_.default_rtt);
    std::uint32_t grow = 0;
    if (now - s->last_update < 2 * rtt && s->recv_max < config_.max_window) {
      const std::uint32_t bigger = std::min(config_.max_window, s->recv_max * 2);
      grow = bigger - s->recv_max;
      s->recv_max = bigger;
    }
    const std::uint32_t delta = s->consumed + grow;
    s->recv_window += delta;
    s->consumed = 0;
    s->last_update = now;
    queue_control({Type::window_update, 0, id.get(), delta});
  }
  maybe_forget(id.get());
  return n;
}

std::size_t Session::readable(StreamId id) const {
  const Stream* s = find(id);
  return s == nullptr ? 0 : s->recv_buf.size();
}

bool Session::remote_closed(StreamId id) const {
  const Stream* s = find(id);
  return s == nullptr || s->fin_received;
}

std::size_t Session::send_buffered(StreamId id) const {
  const Stream* s = find(id);
  return s == nullptr ? 0 : s->send_buf.size();
}

std::uint32_t Session::receive_window(StreamId id) const {
  const Stream* s = find(id);
  return s == nullptr ? 0 : s->recv_max;
}

void Session::ping(TimePoint now) {
  if (failed() || ping_out_) return;
  ping_out_ = {++ping_seq_, now};
  queue_control({Type::ping, flag::syn, 0, ping_seq_});
}

void Session::go_away(GoAwayCode code) {
  if (go_away_sent_) return;
  go_away_sent_ = true;
  queue_control({Type::go_away, 0, 0, static_cast<std::uint32_t>(code)});
}

std::optional<Event> Session::poll_event() {
  if (events_.empty()) return std::nullopt;
  Event e = events_.front();
  events_.pop_front();
  return e;
}

std::size_t Session::produce_frame(MutBytes dst) {
  if (!control_.empty()) {
    encode_header(control_.front(), dst.data());
    control_.pop_front();
    return kHeaderSize;
  }
  if (failed() || streams_.empty()) return 0;
  // Pick the priority: 0 strictly first, then smooth weighted round robin over the others that have data.
  std::array<bool, 4> ready{};
  for (const auto& [id, st] : streams_)
    if (can_send(st)) ready[st.priority] = true;
  int cls = ready[0] ? 0 : -1;
  if (cls < 0) {
    std::int64_t total = 0;
    for (int c = 1; c < 4; ++c) {
      if (!ready[c]) continue;
      wrr_[c] += config_.priority_weights[c];
      total += config_.priority_weights[c];
      if (cls < 0 || wrr_[c] > wrr_[cls]) cls = c;
    }
    if (cls < 0) return 0;
    wrr_[cls] -= total;
  }
  // Round robin within the priority: the first stream after its cursor with something to send.
  auto it = streams_.upper_bound(rr_cursor_[cls]);
  for (std::size_t visited = 0; visited < streams_.size(); ++visited, ++it) {
    if (it == streams_.end()) it = streams_.begin();
    Stream& s = it->second;
    if (s.priority != cls || !can_send(s)) continue;
    const std::size_t n = std::min(
        {s.send_buf.size(), std::size_t{s.send_window}, config_.max_data_frame, dst.size() - kHeaderSize});
    Header h{Type::data, 0, it->first, static_cast<std::uint32_t>(n)};
    if (n == 0) {
      // FIN travels alone on a zero-length window update, after the data, as js-libp2p sends it;
      // js-libp2p 3.x drops the payload of a DATA frame that also carries FIN.
      h.type = Type::window_update;
      h.flags |= flag::fin;
      s.fin_sent = true;
    }
    encode_header(h, dst.data());
    s.send_buf.read(dst.subspan(kHeaderSize, n));
    s.send_window -= static_cast<std::uint32_t>(n);
    rr_cursor_[cls] = it->first;
    maybe_forget(it->first);
    return kHeaderSize + n;
  }
  return 0;
}

bool Session::can_send(const Stream& s) const {
  return (!s.send_buf.empty() && s.send_window > 0) || (s.fin_queued && !s.fin_sent && s.send_buf.empty());
}

Status Session::set_priority(StreamId id, std::uint8_t priority) {
  Stream* s = find(id);
  if (s == nullptr) return Errc::unknown_stream;
  s->priority = std::min<std::uint8_t>(priority, 3);
  return {};
}

bool Session::wants_transmit() const {
  if (out_sent_ < out_.size() || !control_.empty()) return true;
  if (failed()) return false;
  return std::any_of(streams_.begin(), streams_.end(),
                     [this](const auto& kv) { return can_send(kv.second); });
}

std::size_t Session::poll_transmit(MutBytes out) {
  std::size_t written = 0;
  for (;;) {
    if (out_sent_ < out_.size()) {  // the rest of a frame that did not fit last time
      const std::size_t n = std::min(out.size() - written, out_.size() - out_sent_);
      std::memcpy(out.data() + written, out_.data() + out_sent_, n);
      out_sent_ += n;
      written += n;
    }
    if (written == out.size()) break;
    const MutBytes room = out.subspan(written);
    if (room.size() >= kHeaderSize + kMinDirectBody) {
      // PERF: frames are built straight in the caller's buffer.
      const std::size_t n = produce_frame(room);
      if (n == 0) break;
      written += n;
    } else {
      // Too little room for a worthwhile frame: build one aside and hand over what fits.
      out_.resize(kHeaderSize + kMinDirectBody);
      out_.resize(produce_frame(out_));
      out_sent_ = 0;
      if (out_.empty()) break;
    }
  }
  return written;
}

}  // namespace stakecast::yamux
