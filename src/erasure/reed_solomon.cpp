#include "erasure/reed_solomon.hpp"

#include <isa-l/erasure_code.h>

#include <algorithm>

namespace stakecast::erasure {

const char* describe(Errc e) {
  switch (e) {
    case Errc::bad_params:
      return "invalid Reed-Solomon parameters (need 1 ≤ data, data + parity ≤ 255)";
    case Errc::wrong_shard_count:
      return "shard count does not match the code";
    case Errc::shard_too_large:
      return "shard length exceeds the limit";
    case Errc::not_enough_shards:
      return "fewer shards present than data shards";
    case Errc::singular_matrix:
      return "decode matrix is singular";
  }
  return "unknown erasure error";
}

ReedSolomon::ReedSolomon(std::size_t data, std::size_t parity) : data_(data), parity_(parity) {
  const int k = static_cast<int>(data);
  const int m = static_cast<int>(data + parity);
  auto matrix = std::make_shared<std::vector<std::uint8_t>>(static_cast<std::size_t>(m * k));
  gf_gen_cauchy1_matrix(matrix->data(), m, k);
  auto tables = std::make_shared<std::vector<std::uint8_t>>(32 * data * std::max<std::size_t>(parity, 1));
  if (parity > 0) ec_init_tables(k, static_cast<int>(parity), matrix->data() + k * k, tables->data());
  matrix_ = std::move(matrix);
  tables_ = std::move(tables);
}

Result<ReedSolomon> ReedSolomon::create(std::size_t data, std::size_t parity) {
  // Compared without the sum, which could wrap for huge arguments.
  if (data == 0 || data > kMaxShards || parity > kMaxShards - data) return Errc::bad_params;
  return ReedSolomon(data, parity);
}

Status ReedSolomon::encode(std::span<const std::uint8_t* const> data, std::span<std::uint8_t* const> parity,
                           std::size_t len) const {
  if (data.size() != data_ || parity.size() != parity_) return Errc::wrong_shard_count;
  if (len > kMaxShardBytes) return Errc::shard_too_large;
  if (parity_ == 0 || len == 0) return {};
  // ISA-L takes non-const pointers but does not write the sources.
  ec_encode_data(static_cast<int>(len), static_cast<int>(data_), static_cast<int>(parity_),
                 const_cast<std::uint8_t*>(tables_->data()), const_cast<std::uint8_t**>(data.data()),
                 const_cast<std::uint8_t**>(parity.data()));
  return {};
}

Status ReedSolomon::reconstruct(std::span<std::uint8_t* const> shards, std::span<const bool> present,
                                std::size_t len, Workspace& ws, bool data_only) const {
  const std::size_t k = data_;
  const std::size_t n = total_shards();
  if (shards.size() != n || present.size() != n) return Errc::wrong_shard_count;
  if (len > kMaxShardBytes) return Errc::shard_too_large;
  if (static_cast<std::size_t>(std::count(present.begin(), present.end(), true)) < k)
    return Errc::not_enough_shards;

  // Missing shards to rebuild, and the first k present shards as sources.
  ws.sources.clear();
  ws.targets.clear();
  std::vector<std::uint8_t>& key = ws.last_pattern;
  std::uint8_t used[kMaxShards];
  std::uint8_t missing[kMaxShards];
  std::size_t n_missing = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (present[i] && ws.sources.size() < k) {
      used[ws.sources.size()] = static_cast<std::uint8_t>(i);
      ws.sources.push_back(shards[i]);
    } else if (!present[i] && (i < k || !data_only)) {
      missing[n_missing++] = static_cast<std::uint8_t>(i);
      ws.targets.push_back(shards[i]);
    }
  }
  if (n_missing == 0 || len == 0) return {};

  // PERF: the inverse and its tables depend only on (code, sources, targets); reuse them when the
  // same pattern repeats (common: the same relays fail for many slices).
  std::uint8_t pattern[2 * kMaxShards + 3];
  std::size_t plen = 0;
  pattern[plen++] = static_cast<std::uint8_t>(k);
  pattern[plen++] = static_cast<std::uint8_t>(parity_);
  plen = static_cast<std::size_t>(std::copy_n(used, k, pattern + plen) - pattern);
  pattern[plen++] = 0xff;
  plen = static_cast<std::size_t>(std::copy_n(missing, n_missing, pattern + plen) - pattern);
  // Only data shards missing (the receivers' case: rebuild the data, re-encode the parity): the sources
  // are the present data shards D, in order, then |M| parity shards P. With M the missing data shards,
  // P's rows of the generator give A_PM d_M = p_P + A_PD d_D, so d_M = A_PM^-1 p_P + A_PM^-1 A_PD d_D:
  // only the |M| x |M| block is inverted (|M| is about half of k for a random half of the shreds).
  const bool data_targets = n_missing > 0 && missing[n_missing - 1] < k;
  if (data_targets && !std::equal(pattern, pattern + plen, key.begin(), key.end())) {
    const std::uint8_t* gen = matrix_->data();
    const std::size_t m = n_missing, d = k - m;  // sources: used[0..d) data, used[d..k) parity
    ws.matrix.resize(m * m);
    ws.inverse.resize(m * m);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < m; ++c) ws.matrix[r * m + c] = gen[used[d + r] * k + missing[c]];
    if (gf_invert_matrix(ws.matrix.data(), ws.inverse.data(), static_cast<int>(m)) != 0) {
      key.clear();
      return Errc::singular_matrix;
    }
    ws.rows.assign(m * k, 0);
    for (std::size_t t = 0; t < m; ++t) {
      std::uint8_t* row = ws.rows.data() + t * k;
      const std::uint8_t* inv = ws.inverse.data() + t * m;
      for (std::size_t c = 0; c < d; ++c) {  // (A_PM^-1 A_PD)[t][c]
        std::uint8_t acc = 0;
        for (std::size_t s2 = 0; s2 < m; ++s2) acc ^= gf_mul(inv[s2], gen[used[d + s2] * k + used[c]]);
        row[c] = acc;
      }
      std::copy_n(inv, m, row + d);  // A_PM^-1 on the parity sources
    }
    ws.tables.resize(32 * k * m);
    ec_init_tables(static_cast<int>(k), static_cast<int>(m), ws.rows.data(), ws.tables.data());
    key.assign(pattern, pattern + plen);
  } else if (!data_targets && !std::equal(pattern, pattern + plen, key.begin(), key.end())) {
    const std::uint8_t* gen = matrix_->data();
    ws.matrix.resize(k * k);
    ws.inverse.resize(k * k);
    for (std::size_t r = 0; r < k; ++r)
      std::copy_n(gen + used[r] * k, k, ws.matrix.begin() + static_cast<std::ptrdiff_t>(r * k));
    if (gf_invert_matrix(ws.matrix.data(), ws.inverse.data(), static_cast<int>(k)) != 0) {
      key.clear();
      return Errc::singular_matrix;
    }
    // Row for missing shard i: generator row i times the inverse (for a data shard that row is e_i,
    // so the product is just row i of the inverse).
    ws.rows.assign(n_missing * k, 0);
    for (std::size_t t = 0; t < n_missing; ++t) {
      const std::size_t i = missing[t];
      std::uint8_t* row = ws.rows.data() + t * k;
      if (i < k) {
        std::copy_n(ws.inverse.data() + i * k, k, row);
        continue;
      }
      for (std::size_t c = 0; c < k; ++c) {
        std::uint8_t acc = 0;
        for (std::size_t j = 0; j < k; ++j) acc ^= gf_mul(gen[i * k + j], ws.inverse[j * k + c]);
        row[c] = acc;
      }
    }
    ws.tables.resize(32 * k * n_missing);
    ec_init_tables(static_cast<int>(k), static_cast<int>(n_missing), ws.rows.data(), ws.tables.data());
    key.assign(pattern, pattern + plen);
  }
  ec_encode_data(static_cast<int>(len), static_cast<int>(k), static_cast<int>(n_missing), ws.tables.data(),
                 ws.sources.data(), ws.targets.data());
  return {};
}

Result<ReedSolomon> CodecCache::get(std::size_t data, std::size_t parity) {
  auto it = std::find_if(codes_.begin(), codes_.end(), [&](const ReedSolomon& c) {
    return c.data_shards() == data && c.parity_shards() == parity;
  });
  if (it != codes_.end()) {
    std::rotate(it, it + 1, codes_.end());
    return codes_.back();
  }
  STAKECAST_TRY(ReedSolomon code, ReedSolomon::create(data, parity));
  if (codes_.size() >= capacity_ && !codes_.empty()) codes_.erase(codes_.begin());
  if (capacity_ > 0) codes_.push_back(code);
  return code;
}

}  // namespace stakecast::erasure
