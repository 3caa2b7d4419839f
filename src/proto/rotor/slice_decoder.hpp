// Receiver side of Rotor's shred layer (ARCHITECTURE.md 4.1): validates wire shreds (leader signature
// once per slice, Merkle proof per shred), collects them per (slot, slice), rebuilds a slice from any
// gamma of its Gamma shreds, re-encodes it and checks the root (a mismatch proves a malicious leader),
// detects two signed roots for one slice (equivocation), and assembles blocks from complete slices.
// Outcomes are values; duplicate and late shreds are dropped before any hashing. No I/O.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "codec/shred.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/merkle.hpp"
#include "erasure/reed_solomon.hpp"
#include "proto/rotor/misbehaviour.hpp"

namespace stakecast::rotor {

enum class ShredOutcome {
  okay,          // valid and stored
  completes,     // valid and completed its slice (a SliceDone, maybe a BlockDone event follows)
  duplicate,     // this shred index of this slice is already held
  ignored,       // slice already complete, or slot outside the accepted window
  rejected,      // see RejectReason
  equivocation,  // validly signed, but a different root than the one held for this slice
};

enum class RejectReason {
  none,
  malformed,         // does not parse (codec::ShredErrc in `error`)
  bad_signature,     // leader signature over (slot, slice, last, root) does not verify
  bad_merkle_proof,  // proof does not lead to the signed root
  inconsistent,      // counts, size or last flag differ from the slice's first shred
  bad_encoding,      // the decoded slice re-encodes to another root (leader is malicious)
  over_budget,       // too many slices or bytes buffered
};
std::string_view to_string(RejectReason r);

struct ShredResult {
  ShredOutcome outcome = ShredOutcome::okay;
  RejectReason reason = RejectReason::none;
  std::error_code error;  // parse error for malformed
};

struct SliceDoneEvent {
  Slot slot;
  SliceIndex slice;
  bool last_slice = false;
  crypto::Hash256 root{};
  Bytes data;  // the slice's bytes
};

struct BlockDoneEvent {
  Slot slot;
  crypto::Hash256 block_hash{};
  Bytes block;
};

using DecoderEvent = std::variant<SliceDoneEvent, BlockDoneEvent, Misbehaviour>;

struct SliceDecoderConfig {
  std::size_t max_open_slices = 4096;           // slices collecting shreds at once
  std::size_t max_buffered_bytes = 512u << 20;  // shred bytes held across open slices
  std::size_t max_shred_payload = 64 * 1024;    // larger shreds are rejected as over budget
  std::size_t max_slices_per_block = 4096;
  std::size_t max_events = 4096;       // pending events; oldest dropped beyond this
  bool keep_slices_for_blocks = true;  // assemble BlockDone events
};

class SliceDecoder {
 public:
  explicit SliceDecoder(const SliceDecoderConfig& config = {}) : config_(config) {}

  // One wire shred from validator `from`, for a slot whose leader is `leader` with key `leader_key`.
  ShredResult on_shred(BytesView wire, ValidatorIndex from, ValidatorIndex leader,
                       const crypto::Ed25519PublicKey& leader_key);

  std::optional<DecoderEvent> poll_event();

  // Drops all state for slots below `slot` (finalized or abandoned); later shreds for them are ignored.
  void forget_before(Slot slot);

  // Shred indices held for an open slice (for repair requests); empty if unknown or complete.
  std::vector<ShredIndex> held(Slot slot, SliceIndex slice) const;
  bool slice_complete(Slot slot, SliceIndex slice) const;
  std::size_t buffered_bytes() const { return buffered_; }
  // Ed25519 verifications done so far: one per slice (its first shred), plus one for each shred that
  // carries the slice's root under another signed tuple (equivocation evidence or a forgery).
  std::uint64_t signature_checks() const { return signature_checks_; }

 private:
  struct Slice {
    codec::ShredHeader first;  // header of the first valid shred: root, signature, counts, last flag
    std::size_t shard_len = 0;
    Bytes shards;  // total_count x shard_len
    std::vector<bool> have;
    std::size_t count = 0;
    bool complete = false;
    Bytes evidence;  // fixed header bytes of the first valid shred
  };
  struct Block {
    std::map<std::uint32_t, std::pair<crypto::Hash256, Bytes>> slices;
    std::optional<std::uint32_t> last;
    bool done = false;
  };
  using Key = std::pair<std::uint64_t, std::uint32_t>;

  ShredResult complete_slice(Key key, Slice& s, ValidatorIndex leader);
  bool verify_signature(const codec::ShredHeader& h, const crypto::Ed25519PublicKey& key);
  void emit(DecoderEvent e);
  // Shard buffers of finished slices are kept for the next ones (up to kSpareBuffers), so a new slice
  // neither maps and faults in fresh pages nor zeroes them: every byte is written (copied, rebuilt or
  // re-encoded) before it is read.
  static constexpr std::size_t kSpareBuffers = 4;
  Bytes take_buffer(std::size_t size);
  void recycle(Bytes&& buffer);

  SliceDecoderConfig config_;
  std::map<Key, Slice> slices_;
  std::map<std::uint64_t, Block> blocks_;
  std::deque<DecoderEvent> events_;
  std::uint64_t floor_ = 0;  // slots below are forgotten
  std::size_t buffered_ = 0;
  std::size_t open_ = 0;
  erasure::CodecCache codecs_;
  erasure::Workspace ws_;
  std::vector<std::uint8_t*> ptrs_;
  std::vector<crypto::Hash256> leaves_;
  crypto::merkle::Tree tree_;
  std::vector<Bytes> spare_;
  std::uint64_t signature_checks_ = 0;
};

}  // namespace stakecast::rotor
