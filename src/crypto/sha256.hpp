// SHA-256 through OpenSSL (SHA-NI where the CPU has it). One-shot and incremental. No I/O.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"

struct evp_md_ctx_st;

namespace stakecast::crypto {

using Hash256 = std::array<std::uint8_t, 32>;

Hash256 sha256(BytesView data);

// Incremental hashing; reusable after finish() (it resets). Not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(BytesView data);
  Hash256 finish();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace stakecast::crypto
