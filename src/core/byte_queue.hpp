// A FIFO of bytes stored as chunks, for stream buffers: appending and consuming cost one copy of the
// bytes and no per-byte bookkeeping. No I/O.
// PERF: consumed chunks are kept (a few) and refilled by later appends, so a steady stream of writes
// does not allocate, and does not page-fault on freshly mapped memory, once per chunk.
#pragma once

#include <algorithm>
#include <cstring>
#include <deque>
#include <vector>

#include "core/bytes.hpp"

namespace stakecast {

class ByteQueue {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void append(BytesView data) {
    if (data.empty()) return;
    if (spare_.empty()) {
      chunks_.emplace_back(data.begin(), data.end());
    } else {
      chunks_.push_back(std::move(spare_.back()));
      spare_.pop_back();
      chunks_.back().assign(data.begin(), data.end());
    }
    size_ += data.size();
  }

  // Copies up to out.size() bytes from the front without consuming them; returns the count.
  std::size_t peek(MutBytes out) const {
    std::size_t done = 0, skip = head_;
    for (const auto& c : chunks_) {
      if (done == out.size()) break;
      const std::size_t n = std::min(out.size() - done, c.size() - skip);
      std::memcpy(out.data() + done, c.data() + skip, n);
      done += n;
      skip = 0;
    }
    return done;
  }

  void consume(std::size_t n) {
    n = std::min(n, size_);
    size_ -= n;
    while (n > 0) {
      const std::size_t avail = chunks_.front().size() - head_;
      if (n < avail) {
        head_ += n;
        return;
      }
      n -= avail;
      if (spare_.size() < kMaxSpare && chunks_.front().capacity() <= kMaxSpareBytes)
        spare_.push_back(std::move(chunks_.front()));
      chunks_.pop_front();
      head_ = 0;
    }
  }

  std::size_t read(MutBytes out) {
    const std::size_t n = peek(out);
    consume(n);
    return n;
  }

 private:
  static constexpr std::size_t kMaxSpare = 4;
  static constexpr std::size_t kMaxSpareBytes = 256 * 1024;  // larger chunks are freed
  std::deque<Bytes> chunks_;
  std::vector<Bytes> spare_;  // consumed chunks, kept for their capacity
  std::size_t head_ = 0;      // consumed bytes of chunks_.front()
  std::size_t size_ = 0;
};

}  // namespace stakecast
