// Per-connection, pull-based egress scheduler (ARCHITECTURE.md 3 and 5; issue 5 item 7).
// Frames are queued per class; bytes leave only when the owner (Yamux session, simulated link) pulls
// them with poll_transmit(). Critical is served strictly first; High/Normal/Low share the rest by
// deficit round-robin with byte quanta proportional to their weights, so nothing below Critical starves.
// Large frames are emitted in chunks of at most chunk_size bytes and the choice is re-made after every
// chunk, so a Critical frame waits for at most one chunk. No I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "core/bounded.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "proto/prio/classify.hpp"

namespace stakecast::prio {

// Immutable frame bytes, shared so that one shred forwarded to many peers is stored once.
using Payload = std::shared_ptr<const Bytes>;

struct ClassQueueConfig {
  std::size_t max_frames = 4096;
  std::size_t max_bytes = 16 * 1024 * 1024;
  // reject_new: enqueue fails with queue_full (back-pressure to the caller).
  // drop_oldest: the oldest frame not yet started is evicted (counted in Metrics::dropped).
  DropPolicy policy = DropPolicy::reject_new;
  // Deficit round-robin weight (quantum = weight x chunk_size bytes). Ignored for Critical.
  std::uint32_t weight = 1;
};

struct EgressConfig {
  // The longest run of bytes of one frame emitted before the scheduler chooses again; this bounds
  // how long a Critical frame can wait behind a block. Must be > 0.
  std::size_t chunk_size = 16 * 1024;
  std::array<ClassQueueConfig, kClassCount> classes = {
      ClassQueueConfig{4096, 4 * 1024 * 1024, DropPolicy::drop_oldest, 1},   // critical
      ClassQueueConfig{4096, 16 * 1024 * 1024, DropPolicy::reject_new, 8},   // high
      ClassQueueConfig{16384, 64 * 1024 * 1024, DropPolicy::reject_new, 4},  // normal
      ClassQueueConfig{1024, 4 * 1024 * 1024, DropPolicy::drop_oldest, 1},   // low
  };
};

struct FrameId : Strong<struct FrameIdTag, std::uint64_t> {
  using Strong::Strong;
};

// One chunk written into the caller's buffer by poll_transmit().
struct Transmit {
  FrameId frame;
  StreamId stream;
  Class cls = Class::normal;
  std::size_t offset = 0;      // of this chunk within the frame
  std::size_t len = 0;         // bytes written to the caller's buffer
  std::size_t frame_size = 0;  // whole frame
  bool first() const { return offset == 0; }
  bool last() const { return offset + len == frame_size; }
};

struct ClassMetrics {
  std::uint64_t enqueued_frames = 0;
  std::uint64_t sent_frames = 0;
  std::uint64_t sent_bytes = 0;
  std::uint64_t dropped_frames = 0;   // evicted by drop_oldest
  std::uint64_t rejected_frames = 0;  // refused at enqueue
};

class EgressScheduler {
 public:
  // Errors: invalid_config (chunk_size 0, a queue with zero capacity, a weight of 0 below Critical).
  static Result<EgressScheduler> create(const EgressConfig& config);

  // Queues a frame for `stream` on class `cls`. All frames of one stream must use one class: frames are
  // FIFO per class, so a stream's bytes then keep their order even though classes interleave.
  // Errors: empty_frame, frame_too_large (> the class's max_bytes), queue_full (reject_new policy).
  Result<FrameId> enqueue(Class cls, StreamId stream, Payload payload);
  Result<FrameId> enqueue(Class cls, StreamId stream, Bytes bytes);

  // Writes the next chunk into `out` (at most min(out.size(), chunk_size) bytes); nullopt when idle or
  // `out` is empty.
  std::optional<Transmit> poll_transmit(MutBytes out);

  // Drops every queued frame of `stream` not yet started (a reset stream); returns how many.
  std::size_t cancel_stream(StreamId stream);

  bool idle() const;
  std::size_t queued_frames(Class cls) const { return q(cls).frames.size(); }
  std::size_t queued_bytes(Class cls) const { return q(cls).bytes; }
  const ClassMetrics& metrics(Class cls) const { return q(cls).metrics; }
  const EgressConfig& config() const { return config_; }

 private:
  struct Frame {
    FrameId id;
    StreamId stream;
    Payload payload;
    std::size_t sent = 0;
  };
  struct Queue {
    std::deque<Frame> frames;
    std::size_t bytes = 0;  // unsent bytes of queued frames
    std::uint64_t deficit = 0;
    ClassMetrics metrics;
  };

  explicit EgressScheduler(const EgressConfig& c) : config_(c) {}
  Queue& q(Class c) { return queues_[static_cast<std::size_t>(c)]; }
  const Queue& q(Class c) const { return queues_[static_cast<std::size_t>(c)]; }
  bool make_room(Class cls, std::size_t size);
  Transmit emit(Class cls, MutBytes out);
  void advance();

  EgressConfig config_;
  std::array<Queue, kClassCount> queues_;
  std::uint64_t next_frame_ = 1;
  // Deficit round-robin state over High, Normal, Low.
  Class turn_ = Class::high;
  bool granted_ = false;
};

}  // namespace stakecast::prio
