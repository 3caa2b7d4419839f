// Direct broadcast from the leader, one of the dissemination strategies issue 6 compares (item 4): the
// leader sends the whole block to every other validator itself, in decreasing stake order, either one
// receiver after another (each gets the block as early as the leader's upload allows) or chunk by chunk
// round-robin. No relays, no erasure coding, no signatures: the baseline that shows what the leader's
// upload alone costs. A sim::Node; sans-I/O like the protocol machines. Wire format below.
//
// Message (little endian): u8 version = 1 | u64 slot | u32 block_size | u32 chunk_size | u32 chunk_index
// | chunk bytes (chunk_size, the last chunk the rest of the block).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/strong.hpp"
#include "core/time.hpp"
#include "sim/runner.hpp"

namespace stakecast::sim {

inline constexpr std::size_t kDirectHeaderBytes = 1 + 8 + 4 + 4 + 4;
inline constexpr std::uint8_t kDirectBroadcastChannel = 0x20;

struct DirectBroadcastConfig {
  enum class Order : std::uint8_t {
    by_receiver,  // all chunks to the heaviest receiver, then the next (default)
    by_chunk,     // chunk 0 to everyone, then chunk 1, ...
  };
  std::size_t validators = 0;     // receivers are 0..validators-1 except self, heaviest first
  std::uint32_t chunk_bytes = 0;  // 0: the whole block in one message
  Order order = Order::by_receiver;
  std::uint32_t max_block_bytes = 64u << 20;
  std::uint32_t max_chunks = 1u << 16;
  std::size_t max_slots = 64;  // receive state kept; the lowest slot is dropped beyond this
  bool keep_blocks = false;    // reassemble and keep received blocks (tests; costs a block per node)
};

struct DirectBroadcastMetrics {
  std::uint64_t chunks_received = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected = 0;  // malformed, out of bounds, or inconsistent with the slot's first chunk
  std::uint64_t blocks_completed = 0;
};

class DirectBroadcast final : public Node {
 public:
  // Errors: invalid_config (self outside the validator set, or zero limits).
  static Result<DirectBroadcast> create(ValidatorIndex self, const DirectBroadcastConfig& config);

  // Leader: queues the block for every other validator. Errors: invalid_config (empty or larger than
  // max_block_bytes, or more chunks than max_chunks).
  Status broadcast(Slot slot, BytesView block, TimePoint now);

  // When this node had the whole block of `slot` (for the leader: when it started sending).
  std::optional<TimePoint> completed_at(Slot slot) const;
  const Bytes* block(Slot slot) const;  // keep_blocks only
  const DirectBroadcastMetrics& metrics() const { return metrics_; }

  void on_message(ValidatorIndex from, std::uint8_t channel, const Payload& bytes, TimePoint now) override;
  void on_deadline(TimePoint) override {}
  TimePoint next_deadline() const override { return TimePoint::max(); }
  std::optional<Message> poll_transmit() override;

 private:
  struct Outgoing {  // one broadcast being emitted lazily
    std::vector<Payload> chunks;
    std::size_t receiver = 0;  // position in receivers_
    std::size_t chunk = 0;
  };
  struct Incoming {
    ValidatorIndex leader;
    std::uint32_t block_size = 0, chunk_size = 0, chunks = 0, have = 0;
    std::vector<bool> got;
    Bytes data;
    std::optional<TimePoint> done;
  };

  DirectBroadcast(ValidatorIndex self, const DirectBroadcastConfig& config);

  ValidatorIndex self_;
  DirectBroadcastConfig config_;
  std::vector<ValidatorIndex> receivers_;
  std::deque<Outgoing> out_;
  std::map<Slot, Incoming> in_;
  DirectBroadcastMetrics metrics_;
};

}  // namespace stakecast::sim
