#include "proto/prio/egress.hpp"

#include <algorithm>
#include <cstring>

#include "proto/prio/errc.hpp"

namespace stakecast::prio {

Result<EgressScheduler> EgressScheduler::create(const EgressConfig& config) {
  if (config.chunk_size == 0) return Errc::invalid_config;
  for (std::size_t c = 0; c < kClassCount; ++c) {
    const auto& qc = config.classes[c];
    if (qc.max_frames == 0 || qc.max_bytes == 0) return Errc::invalid_config;
    if (c != 0 && qc.weight == 0) return Errc::invalid_config;
  }
  return EgressScheduler(config);
}

Result<FrameId> EgressScheduler::enqueue(Class cls, StreamId stream, Bytes bytes) {
  return enqueue(cls, stream, std::make_shared<const Bytes>(std::move(bytes)));
}

Result<FrameId> EgressScheduler::enqueue(Class cls, StreamId stream, Payload payload) {
  Queue& queue = q(cls);
  const auto& qc = config_.classes[static_cast<std::size_t>(cls)];
  if (!payload || payload->empty()) return Errc::empty_frame;
  if (payload->size() > qc.max_bytes) {
    ++queue.metrics.rejected_frames;
    return Errc::frame_too_large;
  }
  if (!make_room(cls, payload->size())) {
    ++queue.metrics.rejected_frames;
    return Errc::queue_full;
  }
  FrameId id{next_frame_++};
  queue.bytes += payload->size();
  queue.frames.push_back(Frame{id, stream, std::move(payload), 0});
  ++queue.metrics.enqueued_frames;
  return id;
}

bool EgressScheduler::make_room(Class cls, std::size_t size) {
  Queue& queue = q(cls);
  const auto& qc = config_.classes[static_cast<std::size_t>(cls)];
  auto fits = [&] { return queue.frames.size() < qc.max_frames && queue.bytes + size <= qc.max_bytes; };
  if (fits()) return true;
  if (qc.policy == DropPolicy::reject_new) return false;
  // drop_oldest: evict from the front, but never the frame whose bytes have started to leave (the
  // receiver would see a truncated frame).
  while (!fits()) {
    auto it = queue.frames.begin();
    if (it != queue.frames.end() && it->sent > 0) ++it;
    if (it == queue.frames.end()) return false;
    queue.bytes -= it->payload->size() - it->sent;
    queue.frames.erase(it);
    ++queue.metrics.dropped_frames;
  }
  return true;
}

Transmit EgressScheduler::emit(Class cls, MutBytes out) {
  Queue& queue = q(cls);
  Frame& f = queue.frames.front();
  const std::size_t size = f.payload->size();
  const std::size_t len = std::min({size - f.sent, config_.chunk_size, out.size()});
  std::memcpy(out.data(), f.payload->data() + f.sent, len);
  Transmit t{f.id, f.stream, cls, f.sent, len, size};
  f.sent += len;
  queue.bytes -= len;
  queue.metrics.sent_bytes += len;
  if (f.sent == size) {
    ++queue.metrics.sent_frames;
    queue.frames.pop_front();
  }
  return t;
}

void EgressScheduler::advance() {
  granted_ = false;
  turn_ = turn_ == Class::low ? Class::high : static_cast<Class>(static_cast<std::uint8_t>(turn_) + 1);
}

std::optional<Transmit> EgressScheduler::poll_transmit(MutBytes out) {
  if (out.empty()) return std::nullopt;
  if (!q(Class::critical).frames.empty()) return emit(Class::critical, out);
  // Deficit round-robin: on its turn a class is granted weight x chunk_size bytes once, spends them
  // chunk by chunk across polls, and passes the turn when its deficit cannot cover the next chunk or
  // it runs empty. A quantum is never smaller than a chunk, so one pass always finds a sender.
  for (std::size_t tries = 0; tries < 2 * (kClassCount - 1); ++tries) {
    Queue& queue = q(turn_);
    if (queue.frames.empty()) {
      queue.deficit = 0;
      advance();
      continue;
    }
    const auto& qc = config_.classes[static_cast<std::size_t>(turn_)];
    if (!granted_) {
      queue.deficit += std::uint64_t{qc.weight} * config_.chunk_size;
      granted_ = true;
    }
    const Frame& f = queue.frames.front();
    const std::size_t len = std::min({f.payload->size() - f.sent, config_.chunk_size, out.size()});
    if (queue.deficit >= len) {
      queue.deficit -= len;
      const Class cls = turn_;
      Transmit t = emit(cls, out);
      if (queue.frames.empty()) {
        queue.deficit = 0;
        advance();
      }
      return t;
    }
    advance();
  }
  return std::nullopt;
}

std::size_t EgressScheduler::cancel_stream(StreamId stream) {
  std::size_t n = 0;
  for (auto& queue : queues_) {
    for (auto it = queue.frames.begin(); it != queue.frames.end();) {
      if (it->stream == stream && it->sent == 0) {
        queue.bytes -= it->payload->size();
        it = queue.frames.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
  }
  return n;
}

bool EgressScheduler::idle() const {
  return std::all_of(queues_.begin(), queues_.end(), [](const Queue& x) { return x.frames.empty(); });
}

}  // namespace stakecast::prio
