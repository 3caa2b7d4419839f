// Systematic Reed-Solomon erasure coding over GF(2^8) with ISA-L, Cauchy generator matrix
// (gf_gen_cauchy1_matrix): the first `data` shards are the payload, the next `parity` are coding shards,
// and any `data` of the `data + parity` shards recover the rest. data + parity ≤ 255.
// Buffers are caller-owned; encode allocates nothing, reconstruct allocates only on a new erasure pattern
// larger than any seen by its Workspace. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/errc.hpp"
#include "core/result.hpp"

namespace stakecast::erasure {

enum class Errc {
  bad_params = 1,     // data == 0, or data + parity > 255
  wrong_shard_count,  // span sizes do not match the code's data / total counts
  shard_too_large,    // shard length above kMaxShardBytes
  not_enough_shards,  // fewer than `data` shards present
  singular_matrix,    // cannot happen for a Cauchy code; reported instead of asserting
};
const char* describe(Errc e);
STAKECAST_ERRC_FUNCS(Errc, "erasure")

inline constexpr std::size_t kMaxShards = 255;
inline constexpr std::size_t kMaxShardBytes = std::size_t{1} << 24;

// Scratch space for reconstruction, reused across calls (one per thread of use).
struct Workspace {
  std::vector<std::uint8_t> matrix;        // data x data submatrix
  std::vector<std::uint8_t> inverse;       // its inverse
  std::vector<std::uint8_t> rows;          // decode rows for the missing shards
  std::vector<std::uint8_t> tables;        // ISA-L expanded tables for those rows
  std::vector<std::uint8_t*> sources;      // pointers to the shards used
  std::vector<std::uint8_t*> targets;      // pointers to the shards rebuilt
  std::vector<std::uint8_t> last_pattern;  // cache key: present bitmap + what was rebuilt
};

class ReedSolomon {
 public:
  // Errors: bad_params.
  static Result<ReedSolomon> create(std::size_t data, std::size_t parity);

  std::size_t data_shards() const { return data_; }
  std::size_t parity_shards() const { return parity_; }
  std::size_t total_shards() const { return data_ + parity_; }

  // Computes parity[i] (each `len` bytes) from data[j] (each `len` bytes).
  // Errors: wrong_shard_count, shard_too_large.
  Status encode(std::span<const std::uint8_t* const> data, std::span<std::uint8_t* const> parity,
                std::size_t len) const;

  // shards: total_shards() pointers, each to `len` bytes; present[i] says which hold received bytes.
  // Rebuilds the missing data shards, and the missing parity shards too unless data_only.
  // Errors: wrong_shard_count, shard_too_large, not_enough_shards, singular_matrix.
  Status reconstruct(std::span<std::uint8_t* const> shards, std::span<const bool> present, std::size_t len,
                     Workspace& ws, bool data_only = false) const;

 private:
  ReedSolomon(std::size_t data, std::size_t parity);

  std::size_t data_;
  std::size_t parity_;
  std::shared_ptr<const std::vector<std::uint8_t>> matrix_;  // total x data generator
  std::shared_ptr<const std::vector<std::uint8_t>> tables_;  // ISA-L tables for the parity rows
};

// Codes are cheap to copy (shared immutable tables); the cache keeps one per (data, parity).
class CodecCache {
 public:
  explicit CodecCache(std::size_t capacity = 16) : capacity_(capacity) {}
  // Errors: bad_params.
  Result<ReedSolomon> get(std::size_t data, std::size_t parity);

 private:
  std::size_t capacity_;
  std::vector<ReedSolomon> codes_;  // most recently used last
};

}  // namespace stakecast::erasure

STAKECAST_ERRC_ENUM(stakecast::erasure::Errc)
