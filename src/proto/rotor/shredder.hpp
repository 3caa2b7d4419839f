// Leader side of Rotor's shred layer (ARCHITECTURE.md 4.1): cuts a block into slices, Reed-Solomon codes
// each slice into Gamma shreds of which any gamma rebuild it, builds the slice's Merkle tree, signs
// (slot, slice, last flag, root) once, and writes self-authenticating wire shreds (codec/shred.hpp).
// The code's input is the slice bytes followed by zero padding to data_shreds x shard length. No I/O.
#pragma once

#include <cstdint>
#include <vector>

#include "codec/shred.hpp"
#include "core/errc.hpp"
#include "core/result.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/merkle.hpp"
#include "erasure/reed_solomon.hpp"

namespace stakecast::rotor {

enum class ShredderErrc {
  bad_config = 1,   // data_shreds == 0, total < data, total > 255, or shred payload 0 / too large
  slice_too_large,  // more bytes than slice_capacity()
  empty_slice,
  empty_block,
};
const char* describe(ShredderErrc e);
STAKECAST_ERRC_FUNCS(ShredderErrc, "shredder")

struct ShredderConfig {
  std::uint8_t data_shreds = 32;              // gamma
  std::uint8_t total_shreds = 64;             // Gamma (kappa = Gamma / gamma = 2)
  std::size_t max_shred_payload = 32 * 1024;  // bytes of coded data per shred in a full slice
};

// The Gamma wire shreds of one slice, stored in one buffer.
struct SliceShreds {
  Slot slot;
  SliceIndex slice;
  bool last_slice = false;
  crypto::Hash256 root{};
  Bytes buffer;
  std::size_t shred_size = 0;  // every shred of a slice has the same wire size
  std::size_t count = 0;

  BytesView shred(std::size_t i) const { return BytesView(buffer).subspan(i * shred_size, shred_size); }
};

struct ShreddedBlock {
  std::vector<SliceShreds> slices;
  crypto::Hash256 block_hash{};  // Merkle root over the slice roots
};

// Block hash: Merkle root (crypto/merkle.hpp) over leaves leaf_hash(slice root), in slice order.
crypto::Hash256 block_hash(std::span<const crypto::Hash256> slice_roots);

class Shredder {
 public:
  // Errors: bad_config.
  static Result<Shredder> create(const ShredderConfig& config, crypto::Ed25519Keypair leader);

  // Payload bytes a single slice can carry.
  std::size_t slice_capacity() const { return config_.data_shreds * config_.max_shred_payload; }

  // Shreds one slice. Errors: slice_too_large, empty_slice.
  Result<SliceShreds> make_slice(Slot slot, SliceIndex slice, bool last_slice, BytesView data);
  // Cuts a whole block into slices of slice_capacity() bytes and shreds each. Errors: empty_block.
  Result<ShreddedBlock> shred_block(Slot slot, BytesView block);

  // The steps of make_slice, exposed so benchmarks can report the split (coding, hashing, signing).
  // Lays out the slice (non-empty, ≤ slice_capacity()) into the data shards and computes parity;
  // returns the shard length.
  std::size_t encode(BytesView data);
  const crypto::Hash256& merkle();  // leaf hashes + tree over the current shards
  crypto::Ed25519Signature sign(Slot slot, SliceIndex slice, bool last_slice) const;

 private:
  Shredder(const ShredderConfig& c, crypto::Ed25519Keypair k, erasure::ReedSolomon rs);

  ShredderConfig config_;
  crypto::Ed25519Keypair leader_;
  erasure::ReedSolomon rs_;
  Bytes shards_;  // total_shreds x shard_len_, reused across slices
  std::size_t shard_len_ = 0;
  std::uint32_t slice_len_ = 0;
  std::vector<std::uint8_t*> ptrs_;
  std::vector<crypto::Hash256> leaves_;
  crypto::merkle::Tree tree_;
};

}  // namespace stakecast::rotor

STAKECAST_ERRC_ENUM(stakecast::rotor::ShredderErrc)
